export type { Reduction, LossOptions, ScalarLossOptions } from './types.js';
export { meanSquaredError, meanAbsoluteError } from './regression.js';
export { sigmoidBinaryCrossEntropy } from './sigmoid-binary-cross-entropy.js';
export { softmaxCrossEntropy, softmaxCrossEntropyWithIntegerLabels } from './softmax-cross-entropy.js';
export { negativeLogLikelihood } from './negative-log-likelihood.js';
