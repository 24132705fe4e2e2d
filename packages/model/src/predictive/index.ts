export { Predictive } from './predictive.js';
export type { PredictiveOptions } from './predictive.js';
export { logLikelihood } from './log-likelihood.js';
