/**
 * @probdl/model: probabilistic programs in the style of NumPyro. A model is an ordinary function
 * of a context and data that calls `ctx.sample`, `ctx.param`, `ctx.plate`, `ctx.factor` and
 * `ctx.deterministic`; effect handlers (`seed`, `trace`, `substitute`, `condition`, `uncondition`,
 * `block`, `mask`, `scale`, `replay`) change what those calls do; `logDensity` turns a model into a log
 * density over an unconstrained flat position that VI and HMC both run; `Predictive` and
 * `logLikelihood` give predictive draws and pointwise log likelihoods.
 *
 * Handlers follow NumPyro's `apply_stack`: a site goes through the handlers innermost first (so an
 * outer `substitute` overrides an inner one), a handler that sets `stop` hides it from those
 * outside, then the default behaviour draws it, then the handlers that saw it postprocess it.
 * `seed` splits its key once per site needing one, in run order (the first gets `split(key)[1]`);
 * a site that already has a value, and a plate that visits every index, take none.
 *
 * Deliberate differences from NumPyro: `substitute` leaves observed sites alone (use `condition`);
 * `uncondition` (from Pyro) re-draws observed sites, and `Predictive` uses it, so passing the data
 * does not change predictions; `ctx.prngKey()` without a `seed` is an error (NumPyro returns None)
 * and is not recorded by `trace`; `scale` takes a positive number only; a plate subsample given as a
 * tensor is not range-checked (its values cannot be read synchronously), one given as numbers is.
 *
 * @packageDocumentation
 */
export type {
  Model,
  ModelContext,
  SampleOptions,
  ParamOptions,
  PlateOptions,
  PlateFrame,
  Site,
  SiteType,
  Trace,
  Message,
  Handler,
} from './types.js';
export { runModel, withHandler } from './runtime.js';
export { seed } from './handlers/seed.js';
export { trace } from './handlers/trace.js';
export type { TracedModel } from './handlers/trace.js';
export { substitute, condition, uncondition } from './handlers/substitute.js';
export type { SiteValues } from './handlers/substitute.js';
export { block } from './handlers/block.js';
export type { BlockOptions } from './handlers/block.js';
export { scale, mask } from './handlers/scale-mask.js';
export { replay } from './handlers/replay.js';
export { siteLogProb, traceLogProb, reduceToBatch } from './log-prob.js';
export { Predictive, logLikelihood } from './predictive/index.js';
export type { PredictiveOptions } from './predictive/index.js';
// Log densities over an unconstrained flat position, and initial positions
export { logDensity, logJoint } from './log-density/index.js';
export type { LogJointOptions, LatentSite, LogDensityModel, LogDensityOptions, InitialPositionOptions } from './log-density/index.js';
export { initToUniform, initToFeasible, initToValue, initToSample, initToMedian } from './init/index.js';
export type { InitStrategy, InitSite, InitValue } from './init/index.js';
