/**
 * @probdl/optimizers: Optax's gradient transformations for tfjs pytrees.
 *
 * A {@link GradientTransformation} is `{ init(params), update(grads, state, params?) -> [updates, state] }`;
 * named optimizers such as {@link adam} are {@link chain}s of small transformations, so a user can
 * build their own. {@link applyUpdates} adds the updates to the parameters.
 *
 * @packageDocumentation
 */

export type { GradientTransformation, OptState, Schedule, ScalarOrSchedule } from './types.js';
export { chain, identity } from './chain.js';
export { applyUpdates, globalNorm } from './apply-updates.js';

// Scaling transformations (Optax transform.py)
export {
  scale,
  scaleBySchedule,
  scaleByLearningRate,
  scaleByAdam,
  scaleByNadam,
  scaleByAdamax,
  scaleByRadam,
  scaleByBelief,
  scaleByBeliefs,
  scaleByRms,
  scaleByStddev,
  scaleByRss,
  scaleByAdadelta,
  scaleByLion,
  trace,
  scaleByTrustRatio,
  addDecayedWeights,
  resolveMask,
  addNoise,
} from './transforms/index.js';
export type {
  ScaleByScheduleState,
  ScaleByLearningRateOptions,
  ScaleByAdamState,
  ScaleByAdamOptions,
  ScaleByNadamOptions,
  ScaleByAdamaxOptions,
  ScaleByRadamOptions,
  ScaleByBeliefOptions,
  ScaleByRmsState,
  ScaleByRmsOptions,
  ScaleByStddevState,
  ScaleByStddevOptions,
  ScaleByRssState,
  ScaleByRssOptions,
  ScaleByAdadeltaState,
  ScaleByAdadeltaOptions,
  ScaleByLionState,
  ScaleByLionOptions,
  TraceState,
  TraceOptions,
  ScaleByTrustRatioOptions,
  Mask,
  MaskTree,
  AddNoiseState,
} from './transforms/index.js';

// Optimizers: chains of the transformations above (Optax alias.py)
export {
  sgd,
  adam,
  nadam,
  adamw,
  adamax,
  radam,
  rmsprop,
  adagrad,
  adadelta,
  adabelief,
  lamb,
  lion,
  noisySgd,
} from './optimizers/index.js';
export type {
  Optimizer,
  SgdOptions,
  AdamOptions,
  AdamwOptions,
  RmspropOptions,
  AdadeltaOptions,
  LambOptions,
  LionOptions,
  NoisySgdOptions,
} from './optimizers/index.js';

// Clipping
export {
  clip,
  clipByGlobalNorm,
  clipByBlockRms,
  zeroNans,
} from './clipping/index.js';
export type {
  EmptyState,
  ZeroNansState,
} from './clipping/index.js';

// Wrappers: per-subtree optimizers, hyperparameter injection, accumulation, finiteness guard, ascent
export {
  multiTransform,
  injectHyperparams,
  multiSteps,
  applyIfFinite,
  maximize,
  flipSign,
} from './wrappers/index.js';
export type {
  LabelTree,
  MultiTransformState,
  RawHyperparams,
  InjectHyperparamsState,
  InjectHyperparamsOptions,
  MultiStepsState,
  ApplyIfFiniteState,
} from './wrappers/index.js';

// Schedules of the step count
export {
  constantSchedule,
  linearSchedule,
  polynomialSchedule,
  exponentialDecay,
  cosineDecaySchedule,
  warmupCosineDecaySchedule,
  piecewiseConstantSchedule,
  joinSchedules,
  twoPhaseSchedule,
  scheduleValues,
} from './schedules/index.js';
export type {
  ExponentialDecayOptions,
} from './schedules/index.js';

// Checkpoints: pytrees and optimizer states to JSON and back, bit-exact
export {
  treeToJson,
  treeFromJson,
  stateToJson,
  stateFromJson,
  paramsToJson,
  paramsFromJson,
  TREE_JSON_FORMAT,
} from './checkpoint/index.js';
export type {
  JsonValue,
} from './checkpoint/index.js';

// L-BFGS and line search
export {
  lbfgs,
  scaleByLbfgs,
  minimizeLbfgs,
} from './lbfgs/index.js';
export type {
  LbfgsOptions,
  LbfgsState,
  ScaleByLbfgsOptions,
  LbfgsStopReason,
  MinimizeLbfgsOptions,
  MinimizeLbfgsResult,
} from './lbfgs/index.js';

// Training loop helpers that own the disposal bookkeeping
export {
  makeTrainStep,
  fit,
} from './training/index.js';
export type {
  TrainStep,
  TrainStepOptions,
  TrainStepResult,
  FitOptions,
  FitResult,
} from './training/index.js';
