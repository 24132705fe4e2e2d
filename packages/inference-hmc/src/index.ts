/**
 * @probdl/inference-hmc: HMC and NUTS over batches of chains, in the style of BlackJAX and NumPyro.
 *
 * - Kernels take only a log density `[C, D] -> [C]`: {@link nuts}, {@link hmc}, {@link mala},
 *   {@link rwm}; `init(position, logDensityFn)` and `step(key, state, logDensityFn, params)`.
 * - Adaptation: {@link windowAdaptation} (Stan's windows with dual averaging and Welford
 *   estimates of a diagonal or dense metric) and {@link cheesAdaptation} (cross-chain).
 * - {@link sample} runs warmup and draws for a model or a log density: many chains in lockstep,
 *   sequentially or in workers, with progress, cancellation and checkpoints.
 * - Diagnostics ({@link summary}, rank-normalised R-hat, bulk and tail ESS, MCSE, E-BFMI) and
 *   export to ArviZ JSON and CmdStan CSV.
 *
 * @packageDocumentation
 */
export type { LogDensityFn, HmcState, IntegratorState, InverseMassMatrix, Metric, Integrator, StepSize, KernelInfo, Kernel, HmcParams, StepsControl, StepsResult } from './types.js';

// Metrics and integrators
export { euclideanMetric } from './metrics/euclidean.js';
export { metricForChains } from './metrics/for-chains.js';
export { velocityVerlet } from './integrators/velocity-verlet.js';
export { mclachlan, MCLACHLAN_B1 } from './integrators/mclachlan.js';
export { yoshida } from './integrators/yoshida.js';
export { palindromicIntegrator, gradientEvaluationsPerStep } from './integrators/palindromic.js';
export type { PalindromicIntegrator } from './integrators/palindromic.js';
export { logDensityAndGrad, stateAt } from './internal/value-and-grad.js';

// Kernels
export { hmc } from './kernels/hmc.js';
export type { HmcOptions } from './kernels/hmc.js';
export { mala } from './kernels/mala.js';
export type { MalaOptions } from './kernels/mala.js';
export { rwm } from './kernels/rwm.js';
export { nuts, nutsTransition } from './kernels/nuts/nuts.js';
export type { NutsOptions } from './kernels/nuts/nuts.js';
export { chainKeysOf } from './kernels/nuts/chain-randomness.js';
export { tracedLogDensity } from './internal/traced-log-density.js';
export type { TracedLogDensity } from './internal/traced-log-density.js';

// Adaptation
export {
  dualAveraging,
  findReasonableStepSize,
  welfordInit,
  welfordUpdate,
  welfordCovariance,
  buildWindowSchedule,
  windowAdaptation,
  haltonSequence,
  jitteredIntegrationSteps,
  cheesAdaptation,
} from './adaptation/index.js';
export type {
  DualAveraging,
  DualAveragingOptions,
  DualAveragingState,
  FindReasonableStepSizeOptions,
  WelfordKind,
  WelfordState,
  AdaptationWindow,
  WindowScheduleOptions,
  WindowAdaptation,
  WindowAdaptationOptions,
  WindowAdaptationParams,
  WindowAdaptationState,
  CheesAdaptation,
  CheesAdaptationOptions,
  CheesAdaptationState,
  CheesParams,
  CheesKernelInfo,
} from './adaptation/index.js';

// Runs
export { sample, SampleAbortError, serveSampling } from './run/index.js';
export type {
  ServeSamplingOptions,
  SamplingWorker,
  McmcResult,
  SampleOptions,
  SampleTarget,
  ModelTarget,
  LogDensityTarget,
  ModuleTarget,
  KernelName,
  Progress,
  Checkpoint,
  GroupCheckpoint,
  HostParams,
  SerializableOptions,
} from './run/index.js';

// Diagnostics
export {
  drawsFromChains,
  concatChains,
  sampleStatsFromInfos,
  siteElement,
  siteLayout,
  siteSize,
  elementNames,
  unravelIndex,
  autocorrelation,
  autocovariance,
  essOfChains,
  essBulk,
  essTail,
  essMean,
  essSd,
  essQuantile,
  rhatOfChains,
  splitRhat,
  rankNormalizedSplitRhat,
  mcseMean,
  mcseSd,
  mcseQuantile,
  ebfmi,
  quantile,
  quantiles,
  perElement,
  summary,
  formatSummary,
} from './diagnostics/index.js';
export type { Draws, SiteDraws, SampleStats, ElementwiseResult, ChainMatrix, Summary, SummaryRow, SummaryOptions } from './diagnostics/index.js';

// Export
export { toArviZJson, toCmdStanCsv, fromCmdStanCsv } from './export/index.js';
export type { ArviZJson, ArviZJsonOptions, CmdStanChain, CmdStanCsvOptions, Nested } from './export/index.js';
