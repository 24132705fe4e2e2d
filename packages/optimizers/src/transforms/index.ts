export { scale, scaleBySchedule, scaleByLearningRate } from './scale.js';
export type { ScaleByScheduleState, ScaleByLearningRateOptions } from './scale.js';
export { scaleByAdam, scaleByNadam, scaleByAdamax, scaleByRadam } from './adam.js';
export type { ScaleByAdamState, ScaleByAdamOptions, ScaleByNadamOptions, ScaleByAdamaxOptions, ScaleByRadamOptions } from './adam.js';
export { scaleByBelief, scaleByBeliefs } from './belief.js';
export type { ScaleByBeliefOptions } from './belief.js';
export { scaleByRms, scaleByStddev, scaleByRss, scaleByAdadelta } from './rms.js';
export type {
  ScaleByRmsState,
  ScaleByRmsOptions,
  ScaleByStddevState,
  ScaleByStddevOptions,
  ScaleByRssState,
  ScaleByRssOptions,
  ScaleByAdadeltaState,
  ScaleByAdadeltaOptions,
} from './rms.js';
export { scaleByLion } from './lion.js';
export type { ScaleByLionState, ScaleByLionOptions } from './lion.js';
export { trace } from './trace.js';
export type { TraceState, TraceOptions } from './trace.js';
export { scaleByTrustRatio } from './trust-ratio.js';
export type { ScaleByTrustRatioOptions } from './trust-ratio.js';
export { addDecayedWeights, resolveMask } from './decayed-weights.js';
export type { Mask, MaskTree } from './decayed-weights.js';
export { addNoise } from './noise.js';
export type { AddNoiseState } from './noise.js';
