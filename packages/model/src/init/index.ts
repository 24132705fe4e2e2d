export { initToUniform, initToFeasible, initToValue, initToSample, initToMedian } from './strategies.js';
export type { InitStrategy, InitSite, InitValue } from './types.js';
