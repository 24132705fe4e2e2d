export { elbo, negativeElbo, elboTerms } from './elbo.js';
export type { ElboEstimator, ElboOptions, ElboTerms } from './types.js';
export type { LogDensityFn, SplitTarget, VariationalTarget } from './target.js';
export { fitVi } from './fit-vi.js';
export type { FitViOptions, FitViResult, FitViStep } from './fit-vi.js';
