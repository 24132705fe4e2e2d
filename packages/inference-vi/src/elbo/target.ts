import * as tf from '@tensorflow/tfjs-core';
import type { Distribution } from '@probdl/distributions';

/** A log density batched over samples: `z` `[S, D]` → `[S]`. Must be differentiable in z. */
export type LogDensityFn = (z: tf.Tensor) => tf.Tensor;

/**
 * A target split into a log-likelihood and a prior (the form the analytic-KL ELBO needs):
 * log p(z) = logLikelihood(z) + prior.logProb(z). `prior` has event shape `[D]` and batch shape `[]`.
 */
export interface SplitTarget {
  /** log p(data | z), `[S, D]` → `[S]`. */
  readonly logLikelihood: LogDensityFn;
  /** p(z), event shape `[D]` (e.g. `MultivariateNormalDiag`). */
  readonly prior: Distribution;
}

/**
 * What the ELBO takes as the unnormalised posterior log p(z, data):
 * - a function `[S, D]` → `[S]`;
 * - an object with a `logDensityFn` method and optionally `dim`, such as `logDensity(model, args)`
 *   of @probdl/model (a `LogDensityModel`: its `logDensityFn` takes `[..., D]` and returns `[...]`,
 *   the joint over the unconstrained position with the log-Jacobian included);
 * - a {@link SplitTarget} `{ logLikelihood, prior }`.
 */
export type VariationalTarget = LogDensityFn | { logDensityFn(z: tf.Tensor): tf.Tensor; readonly dim?: number } | SplitTarget;

/** Whether `t` is a {@link SplitTarget}. */
export function isSplitTarget(t: VariationalTarget): t is SplitTarget {
  return typeof t === 'object' && t !== null && 'logLikelihood' in t && 'prior' in t;
}

/** The target's D when it says (a LogDensityModel's `dim`, a prior's event size), else undefined. */
export function targetDim(t: VariationalTarget): number | undefined {
  if (typeof t === 'function') return undefined;
  if (isSplitTarget(t)) return t.prior.eventShape[0];
  return t.dim;
}

/** Evaluates log p at `z` `[S, D]`, checking that the result is `[S]`. `fn` names the caller. */
export function evalTarget(fn: string, t: VariationalTarget, z: tf.Tensor): tf.Tensor {
  let out: tf.Tensor;
  if (typeof t === 'function') out = t(z);
  else if (isSplitTarget(t)) out = tf.add(evalLogLikelihood(fn, t, z), t.prior.logProb(z));
  else if (typeof t?.logDensityFn === 'function') out = t.logDensityFn(z);
  else throw new TypeError(`${fn}: argument 'logDensity' must be a function, an object with logDensityFn, or { logLikelihood, prior }`);
  return checkBatched(fn, 'logDensity', out, z.shape[0]!);
}

/** Evaluates the log-likelihood of a split target, checking its shape. */
export function evalLogLikelihood(fn: string, t: SplitTarget, z: tf.Tensor): tf.Tensor {
  return checkBatched(fn, 'logLikelihood', t.logLikelihood(z), z.shape[0]!);
}

function checkBatched(fn: string, what: string, out: unknown, s: number): tf.Tensor {
  if (!(out instanceof tf.Tensor) || out.rank !== 1 || out.shape[0] !== s) {
    const got = out instanceof tf.Tensor ? `shape [${out.shape.join(', ')}]` : typeof out;
    throw new RangeError(`${fn}: ${what}(z) must return one value per sample, shape [${s}] for z of shape [${s}, D]; got ${got}`);
  }
  return out;
}
