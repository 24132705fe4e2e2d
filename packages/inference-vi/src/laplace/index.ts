// Laplace approximations around a mode: autodiff Hessian or GGN, the Laplace evidence, and a MAP finder.
export { laplace } from './laplace.js';
export { generalizedGaussNewton } from './ggn.js';
export { findMap } from './find-map.js';
export { laplaceToFullRankParams } from './to-full-rank.js';
export type { LaplaceToFullRankOptions } from './to-full-rank.js';
export type {
  LaplaceTarget,
  GgnLikelihood,
  GgnOptions,
  LaplaceOptions,
  LaplaceHostValues,
  LaplaceApproximation,
  FindMapOptions,
  FindMapResult,
} from './types.js';
