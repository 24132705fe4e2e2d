import type { GradientTransformation } from '@probdl/optimizers';
import { foldIn, split, tree, valueAndGrad, type PRNGKey, type Tree } from '@probdl/tensor-backend';
import type { VariationalFamily } from '../families/types.js';
import { minimise } from '../internal/minimise.js';
import { negativeElbo } from './elbo.js';
import { targetDim, type VariationalTarget } from './target.js';
import type { ElboOptions } from './types.js';

/** What {@link FitViOptions.onStep} receives after each step. */
export interface FitViStep<P extends Tree> {
  /** The step index, from 0. */
  readonly step: number;
  /** The ELBO estimate at the parameters before this step's update. */
  readonly elbo: number;
  /** The parameters after the update; valid during the callback only (copy with `tree.clone` to keep). */
  readonly params: P;
}

/** Options of {@link fitVi}: an optimizer, a number of steps, and any {@link ElboOptions} except `eps`. */
export interface FitViOptions<P extends Tree> extends Omit<ElboOptions, 'eps'> {
  /** The optimizer, e.g. `adam(5e-3, { b1: 0.99 })` of @probdl/optimizers (the Indaba practical's optax.adam). */
  readonly optimizer: GradientTransformation;
  /** Number of steps (≥ 0). */
  readonly steps: number;
  /** Starting parameters (copied; not disposed). Default `family.init(initKey, dim)`. */
  readonly init?: P;
  /** D, needed when neither `init` nor the target (a model's `dim`, a prior's event size) gives it. */
  readonly dim?: number;
  /** Called after every step with the ELBO read back from the device; may be async. */
  readonly onStep?: (info: FitViStep<P>) => void | Promise<void>;
}

/** What {@link fitVi} returns: the fitted parameters (the caller disposes them) and the ELBO of every step. */
export interface FitViResult<P extends Tree> {
  /** The parameters after the last step. */
  readonly params: P;
  /** The ELBO estimate at every step (before its update), length `steps`. */
  readonly history: Float32Array;
}

/**
 * Maximises the ELBO of `family` against `logDensity` with `optimizer` for `steps` steps: a pure loop
 * with explicit keys. The key splits into an init key and a step key; step i draws from
 * `foldIn(stepKey, i)`. Each step's gradient is that of {@link negativeElbo} with the given options
 * (any estimator). Intermediate tensors are freed; the result's params belong to the caller.
 */
export async function fitVi<P extends Tree>(
  key: PRNGKey,
  logDensity: VariationalTarget,
  family: VariationalFamily<P>,
  options: FitViOptions<P>,
): Promise<FitViResult<P>> {
  const { optimizer, steps, init, dim, onStep, ...elboOptions } = options;
  if (!Number.isInteger(steps) || steps < 0) throw new RangeError(`fitVi: option 'steps' must be an integer >= 0, got ${steps}`);
  if (typeof optimizer?.init !== 'function' || typeof optimizer.update !== 'function') throw new TypeError(`fitVi: option 'optimizer' must be a GradientTransformation { init, update }`);
  const [initKey, stepKey] = split(key, 2) as [PRNGKey, PRNGKey];
  let params: P;
  if (init !== undefined) params = tree.clone(init as never) as P;
  else {
    const d = dim ?? targetDim(logDensity);
    if (d === undefined) throw new RangeError(`fitVi: give option 'dim' or 'init' (the target does not say its dimension)`);
    params = family.init(initKey, d);
  }
  const lossAndGrad = valueAndGrad((p: P, k: PRNGKey) => negativeElbo(k, logDensity, family, p, elboOptions));
  return minimise(params, optimizer, steps, (p, i) => lossAndGrad(p, foldIn(stepKey, i)), onStep && ((step, elbo, p) => onStep({ step, elbo, params: p })));
}
