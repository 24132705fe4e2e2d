export type { GradientTransformation, OptState, Schedule, ScalarOrSchedule } from './types.js';
export { chain, identity } from './chain.js';
export { applyUpdates, globalNorm } from './apply-updates.js';
