export { standardScaler } from './standard-scaler.js';
export type { StandardScalerState, FittedTransform } from './standard-scaler.js';
export { minMaxScaler } from './min-max-scaler.js';
export type { MinMaxScalerOptions, MinMaxScalerState } from './min-max-scaler.js';
export { oneHot, logTransform } from './encode.js';
export type { LogTransformOptions, ElementwiseTransform } from './encode.js';
export { trainTestSplit, kFold, take } from './split.js';
export type { TrainTestSplitOptions, SplitIndices } from './split.js';
