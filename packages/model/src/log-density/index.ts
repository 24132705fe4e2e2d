export { logDensity } from './log-density.js';
export { logJoint } from './log-joint.js';
export type { LogJointOptions } from './log-joint.js';
export type { LatentSite, LogDensityModel, LogDensityOptions, InitialPositionOptions } from './types.js';
