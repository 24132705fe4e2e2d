export { clip, clipByGlobalNorm, clipByBlockRms, zeroNans } from './clipping.js';
export type { EmptyState, ZeroNansState } from './clipping.js';
