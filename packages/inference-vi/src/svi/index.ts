export { svi } from './svi.js';
export { autoDelta } from './auto-delta.js';
export type { AutoDeltaParams } from './auto-delta.js';
export { autoNormal } from './auto-normal.js';
export type { AutoNormalParams } from './auto-normal.js';
export { autoDiagonalNormal } from './auto-diagonal-normal.js';
export { autoMultivariateNormal } from './auto-multivariate-normal.js';
export { autoLowRankMultivariateNormal } from './auto-low-rank.js';
export type { AutoLowRankOptions } from './auto-low-rank.js';
export { autoLaplaceApproximation } from './auto-laplace.js';
export type { AutoLaplaceParams } from './auto-laplace.js';
export type {
  AutoGuide,
  AutoGuideOptions,
  GuideTarget,
  Svi,
  SviArgs,
  SviOptions,
  SviRunOptions,
  SviRunResult,
  SviState,
  SviStepInfo,
} from './types.js';
