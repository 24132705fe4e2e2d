export { denseReparameterization } from './dense-reparameterization.js';
export { denseFlipout } from './dense-flipout.js';
export { denseLocalReparameterization } from './dense-local-reparameterization.js';
export { bayesianMlp } from './bayesian-mlp.js';
export type { BayesianLayerType, BayesianMlpOptions, BayesianMlpParams, BayesianMlp } from './bayesian-mlp.js';
export type {
  BayesianDenseParams,
  BayesianDenseOptions,
  BayesianDenseLayer,
  BayesianApplyOptions,
  BiasPosterior,
  KlDivergenceOptions,
  Prior,
  PriorFactory,
} from './types.js';
