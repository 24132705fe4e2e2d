export { dense } from './dense.js';
export type { DenseOptions, DenseParams } from './dense.js';
export { mixtureNormalNll } from '../fused/mixture-normal-nll.js';
export type { MixtureNormalNllOptions } from '../fused/mixture-normal-nll.js';
