export type { Initializer } from './types.js';
export { computeFans } from './fans.js';
export type { FanAxes, Fans } from './fans.js';
export {
  varianceScaling,
  lecunNormal,
  lecunUniform,
  glorotUniform,
  glorotNormal,
  heUniform,
  heNormal,
  xavierUniform,
  xavierNormal,
  kaimingUniform,
  kaimingNormal,
  TRUNCATED_NORMAL_STDDEV_AT_2,
} from './variance-scaling.js';
export type { FanMode, VarianceScalingDistribution } from './variance-scaling.js';
export { orthogonal } from './orthogonal.js';
export type { OrthogonalOptions } from './orthogonal.js';
export { normal, truncatedNormal, uniform } from './random-init.js';
export { zeros, ones, constant } from './constant.js';
