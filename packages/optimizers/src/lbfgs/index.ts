export { lbfgs, scaleByLbfgs } from './lbfgs.js';
export type { LbfgsOptions, LbfgsState, ScaleByLbfgsOptions } from './lbfgs.js';
export { minimizeLbfgs } from './minimize.js';
export type { LbfgsStopReason, MinimizeLbfgsOptions, MinimizeLbfgsResult } from './minimize.js';
