import type * as tf from '@tensorflow/tfjs-core';
import type { InitStrategy, LatentSite, LogDensityModel, Model } from '@probdl/model';
import type { PRNGKey, Tree } from '@probdl/tensor-backend';
import type { ElboOptions } from '../elbo/types.js';

/** Options every autoguide takes. */
export interface AutoGuideOptions {
  /**
   * Where the guide's location starts: an init strategy of @probdl/model (`initToUniform()`, the
   * default as in NumPyro's autoguides; `initToMedian()`, `initToValue(...)`, ...), applied by the
   * model's `initialPosition`.
   */
  readonly initLocFn?: InitStrategy;
  /** The standard deviation of every unconstrained coordinate at init (default 0.1, NumPyro's `init_scale`). */
  readonly initScale?: number;
}

/**
 * What a guide's loss sees of one step: the model turned into a log density at this step's
 * arguments (and minibatch), the arguments themselves and the key that seeded the model (its
 * subsample).
 */
export interface GuideTarget<A extends unknown[] = any[]> {
  /** `logDensity(model, args, { key: modelKey })` of @probdl/model. */
  readonly target: LogDensityModel;
  /** The model's arguments at this step. */
  readonly args: A;
  /** The key that seeds the model (subsampling plates draw their indices from it). */
  readonly modelKey: PRNGKey;
}

/**
 * An automatic guide (NumPyro's `numpyro.infer.autoguide`): a posterior approximation over a model's
 * latent sites built from the model alone. It lives on the flat unconstrained position of
 * `logDensity(model, args)` (each site a block, see {@link AutoGuide.sites}); every method reports
 * values in the constrained space of the sites, as `{ site: tensor }`.
 *
 * Parameters `P` are a plain pytree of float32 tensors the caller owns (optimizers and `tree`
 * utilities see them directly); methods never dispose them and return fresh tensors.
 *
 * The guide learns the model's layout (sites, their shapes and blocks) at {@link AutoGuide.init};
 * the other methods throw before that. `sample`, `median` and `quantiles` map through the model
 * turned into a log density at the arguments given to `init`.
 */
export interface AutoGuide<P extends Tree = Tree, A extends unknown[] = any[]> {
  /** The guide's name (e.g. `'AutoNormal'`), used in errors. */
  readonly name: string;
  /** The model the guide approximates the posterior of. */
  readonly model: Model<A>;
  /** The latent sites, in the order of the flat position; undefined before `init`. */
  readonly sites: readonly LatentSite[] | undefined;
  /** D, the length of the flat unconstrained position; undefined before `init`. */
  readonly dim: number | undefined;
  /**
   * Learns the model's layout at `args` and returns initial parameters: the location from the
   * `initLocFn` strategy (through the model's `initialPosition`), the scales `initScale`.
   */
  init(key: PRNGKey, ...args: A): Promise<P>;
  /**
   * The loss to minimise at one step: −ELBO (with the estimator options), or for point-mass guides
   * −log p. A scalar whose gradient with respect to `params` is the estimator's gradient.
   */
  loss(key: PRNGKey, params: P, step: GuideTarget<A>, options: ElboOptions): tf.Scalar;
  /** Draws `[numSamples, D]` from the guide on the unconstrained flat position. */
  sampleUnconstrained(key: PRNGKey, params: P, numSamples: number): tf.Tensor;
  /** Posterior draws per site in constrained space, `{ site: [numSamples, ...shape] }` (NumPyro's `sample_posterior`). */
  sample(key: PRNGKey, params: P, numSamples: number): Record<string, tf.Tensor>;
  /** The guide's median per site in constrained space (the location mapped through each site's bijection). */
  median(params: P): Record<string, tf.Tensor>;
  /**
   * Marginal quantiles per site in constrained space, `{ site: [Q, ...shape] }` for `qs` of length Q
   * in (0, 1): each unconstrained coordinate's Gaussian quantile mapped through the site's bijection
   * (exact for elementwise monotone supports, as NumPyro's `quantiles`).
   */
  quantiles(params: P, qs: readonly number[]): Record<string, tf.Tensor>;
  /**
   * The guide as a model (same arguments as the model) that draws every latent site from the guide
   * with `ctx.prngKey()`, as `Delta` sites: pass it as `Predictive(model, { guide })`.
   */
  asModel(params: P): Model<A>;
  /** Releases what `init` kept (the bijectors of the model's layout). */
  dispose(): void;
}

/** Options of {@link svi}. */
export interface SviOptions {
  /**
   * The loss: `'elbo'` (default; the reparameterised Monte Carlo ELBO, NumPyro's `Trace_ELBO`) or
   * ELBO estimator options of this package (`estimator`, `stickingTheLanding`, `k`, `alpha`, ...;
   * `numSamples` and `eps` are not taken here: use `numParticles`).
   */
  readonly loss?: 'elbo' | Omit<ElboOptions, 'numSamples' | 'eps'>;
  /** Draws of the guide per step (default 1, NumPyro's `num_particles`). */
  readonly numParticles?: number;
}

/**
 * The state of an SVI run: parameters, optimizer state, the run's key and the step count. A step
 * draws from `foldIn(key, step)`. `update` returns a new state and leaves the old one to the caller.
 */
export interface SviState<P extends Tree = Tree> {
  /** The guide's parameters. */
  readonly params: P;
  /** The optimizer's state. */
  readonly optState: Tree;
  /** The run's key. */
  readonly key: PRNGKey;
  /** Steps taken so far. */
  readonly step: number;
}

/** What {@link SviRunOptions.onStep} receives after each step. */
export interface SviStepInfo<P extends Tree = Tree> {
  /** The step index, from 0. */
  readonly step: number;
  /** The loss (−ELBO estimate) of this step, at the parameters before its update. */
  readonly loss: number;
  /** The parameters after the update; valid during the callback only (copy with `tree.clone` to keep). */
  readonly params: P;
}

/** Options of `Svi.run`. */
export interface SviRunOptions<P extends Tree = Tree> {
  /** Called after every step (the loss is read back, which waits for the device); may be async. */
  readonly onStep?: (info: SviStepInfo<P>) => void | Promise<void>;
  /** Called every `progressEvery` steps (default 100) and after the last, with the step count done and the mean loss of those steps. */
  readonly progress?: (info: { readonly step: number; readonly numSteps: number; readonly meanLoss: number }) => void | Promise<void>;
  /** How often `progress` is called (default 100 steps). */
  readonly progressEvery?: number;
  /** Stops the run between steps when aborted: the result then holds the steps done so far. */
  readonly signal?: AbortSignal;
  /** Starting parameters instead of `guide.init` (copied; not disposed). */
  readonly initParams?: P;
}

/** What `Svi.run` returns (NumPyro's `SVIRunResult`). */
export interface SviRunResult<P extends Tree = Tree> {
  /** The parameters after the last step (the caller owns them). */
  readonly params: P;
  /** The final state, with the optimizer state (the caller owns it; `params` is `state.params`). */
  readonly state: SviState<P>;
  /** The loss (−ELBO estimate) of every step taken, before its update: the ELBO history, negated as NumPyro reports it. */
  readonly losses: Float32Array;
  /** Whether the run stopped early because `signal` was aborted. */
  readonly aborted: boolean;
}

/** Model arguments for a run: the same every step, or a function of the step (a minibatch per step). */
export type SviArgs<A extends unknown[]> = A | ((step: number) => A);

/**
 * Stochastic variational inference of a model with a guide and an optimizer (NumPyro's `SVI`):
 * pure state passing with explicit keys.
 */
export interface Svi<P extends Tree = Tree, A extends unknown[] = any[]> {
  /** The guide's initial parameters (from `guide.init(key, ...args)`) and the optimizer's state. */
  init(key: PRNGKey, ...args: A): Promise<SviState<P>>;
  /**
   * One step at the model arguments `args` (a new minibatch each step, if the model subsamples or
   * takes the batch as an argument): returns the new state and the loss before the update (a scalar
   * the caller owns). The old state is not disposed (see `disposeState`).
   */
  update(state: SviState<P>, ...args: A): [SviState<P>, tf.Scalar];
  /** The loss at `state` for the key of its next step, without updating (NumPyro's `evaluate`). */
  evaluate(state: SviState<P>, ...args: A): tf.Scalar;
  /** The loss at `params` with the draws (and model subsample) of `key`. */
  loss(key: PRNGKey, params: P, ...args: A): tf.Scalar;
  /** The parameters of a state (not copied). */
  getParams(state: SviState<P>): P;
  /** Disposes a state's tensors (parameters and optimizer state). */
  disposeState(state: SviState<P>): void;
  /**
   * Runs `numSteps` steps from `guide.init(key, ...)` (or `options.initParams`), disposing every
   * intermediate state. The arguments are given as an array (or a function of the step that returns
   * one: minibatches), not spread, so that a trailing options object is never mistaken for one.
   */
  run(key: PRNGKey, numSteps: number, args: SviArgs<A>, options?: SviRunOptions<P>): Promise<SviRunResult<P>>;
}
