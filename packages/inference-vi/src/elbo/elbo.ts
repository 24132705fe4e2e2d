import * as tf from '@tensorflow/tfjs-core';
import { kl } from '@probdl/distributions';
import { logSumExp, random, tree, type PRNGKey, type Tree } from '@probdl/tensor-backend';
import { detach } from '../families/internal/util.js';
import type { VariationalFamily } from '../families/types.js';
import { evalLogLikelihood, evalTarget, isSplitTarget, type VariationalTarget } from './target.js';
import type { ElboOptions, ElboTerms } from './types.js';

const ESTIMATORS = ['reparameterized', 'analyticKl', 'scoreFunction', 'iwae', 'renyi'];

/** The base draws `[S, noiseSize]`: the injected `eps` or fresh ones from `key`. */
function baseNoise<P extends Tree>(fn: string, key: PRNGKey | undefined, family: VariationalFamily<P>, params: P, options: ElboOptions): tf.Tensor {
  const size = family.noiseSize(params);
  if (options.eps !== undefined) {
    const eps = options.eps;
    if (!(eps instanceof tf.Tensor) || eps.rank !== 2 || eps.shape[1] !== size) {
      const got = eps instanceof tf.Tensor ? `[${eps.shape.join(', ')}]` : typeof eps;
      throw new RangeError(`${fn}: option 'eps' must be a tensor [S, ${size}] (${family.name}'s noiseSize), got ${got}`);
    }
    if (options.numSamples !== undefined && options.numSamples !== eps.shape[0]) {
      throw new RangeError(`${fn}: option 'numSamples' (${options.numSamples}) differs from the rows of 'eps' (${eps.shape[0]})`);
    }
    return eps.dtype === 'float32' ? eps : tf.cast(eps, 'float32');
  }
  return random.normal(key!, [checkedNumSamples(fn, key, options), size]);
}

/** S from the options when no draws are injected, with a key to draw them. */
function checkedNumSamples(fn: string, key: PRNGKey | undefined, options: ElboOptions): number {
  if (key === undefined) throw new TypeError(`${fn}: pass a PRNG key, or base draws in option 'eps'`);
  const s = options.numSamples ?? 1;
  if (!Number.isInteger(s) || s < 1) throw new RangeError(`${fn}: option 'numSamples' must be an integer >= 1, got ${s}`);
  return s;
}

/** S draws `[S, D]` from `family.distribution(params).sample` (families that are not reparameterised). */
function sampleWithoutNoise<P extends Tree>(family: VariationalFamily<P>, params: P, key: PRNGKey, s: number): tf.Tensor {
  const q = family.distribution(params);
  try {
    return q.sample(key, [s]);
  } finally {
    q.dispose();
  }
}

/** log q(z) with gradients to the parameters (or detached parameters for sticking the landing). */
function logQ<P extends Tree>(family: VariationalFamily<P>, params: P, z: tf.Tensor, detachParams: boolean): tf.Tensor {
  const p = detachParams ? (tree.map((t: tf.Tensor) => detach(t), params as never) as P) : params;
  const q = family.distribution(p);
  try {
    return q.logProb(z);
  } finally {
    q.dispose();
  }
}

/**
 * The ELBO estimate and the terms it averages (see {@link ElboTerms}): the same estimators and
 * options as {@link elbo}. Use the terms for Monte Carlo standard errors.
 *
 * @param key PRNG key for the draws; may be undefined when `options.eps` supplies them.
 * @param logDensity the target (see {@link VariationalTarget}); `{ logLikelihood, prior }` for `'analyticKl'`.
 * @param family the variational family; `params` its parameters.
 */
export function elboTerms<P extends Tree>(
  key: PRNGKey | undefined,
  logDensity: VariationalTarget,
  family: VariationalFamily<P>,
  params: P,
  options: ElboOptions = {},
): ElboTerms {
  const fn = 'elbo';
  const estimator = options.estimator ?? 'reparameterized';
  if (!ESTIMATORS.includes(estimator)) throw new RangeError(`${fn}: option 'estimator' must be one of ${ESTIMATORS.join(', ')}; got ${String(estimator)}`);
  const stl = options.stickingTheLanding === true;
  const entropyMode = options.entropy ?? 'monteCarlo';
  if (entropyMode !== 'monteCarlo' && entropyMode !== 'analytic') throw new RangeError(`${fn}: option 'entropy' must be 'monteCarlo' or 'analytic', got ${String(entropyMode)}`);
  if (stl && (estimator !== 'reparameterized' || entropyMode !== 'monteCarlo')) {
    throw new RangeError(`${fn}: option 'stickingTheLanding' applies to estimator 'reparameterized' with Monte Carlo entropy only (got '${estimator}', entropy '${entropyMode}')`);
  }
  if (entropyMode === 'analytic' && estimator !== 'reparameterized') throw new RangeError(`${fn}: option 'entropy' applies to estimator 'reparameterized' only`);
  if (estimator === 'analyticKl' && !isSplitTarget(logDensity)) {
    throw new TypeError(`${fn}: estimator 'analyticKl' needs logDensity = { logLikelihood, prior } (the likelihood and the prior separately)`);
  }
  if (entropyMode === 'analytic' && family.entropy === undefined) throw new RangeError(`${fn}: family ${family.name} has no analytic entropy; use entropy 'monteCarlo'`);
  if (!family.reparameterized && estimator !== 'scoreFunction') {
    throw new RangeError(`${fn}: family ${family.name} is not reparameterised; use estimator 'scoreFunction'`);
  }
  // A family that cannot be reparameterised draws from its distribution (score function only).
  const direct = !family.reparameterized && options.eps === undefined;
  return tf.tidy(() => {
    const eps = direct ? undefined : baseNoise(fn, key, family, params, options);
    const s = eps === undefined ? checkedNumSamples(fn, key, options) : eps.shape[0]!;
    let terms: tf.Tensor;
    let value: tf.Tensor;
    switch (estimator) {
      case 'analyticKl': {
        const split = logDensity as Extract<VariationalTarget, { logLikelihood: unknown }>;
        const z = family.fromNoise(params, eps!);
        const q = family.distribution(params);
        let klValue: tf.Tensor;
        try {
          klValue = kl(q, split.prior);
        } finally {
          q.dispose();
        }
        if (klValue.rank !== 0) throw new RangeError(`${fn}: KL(q || prior) must be a scalar (prior batch shape []), got shape [${klValue.shape.join(', ')}]`);
        terms = tf.sub(evalLogLikelihood(fn, split, z), klValue);
        value = tf.mean(terms);
        break;
      }
      case 'scoreFunction': {
        const z = detach(eps === undefined ? sampleWithoutNoise(family, params, key!, s) : family.fromNoise(params, eps));
        const lq = logQ(family, params, z, false);
        const f = tf.sub(evalTarget(fn, logDensity, z), detach(lq));
        const b = scoreBaseline(fn, f, options.baseline);
        const advantage = detach(tf.sub(f, b));
        // value = mean(f) (the ELBO estimate); gradient = mean(advantage ∇ log q), since lq − detach(lq) is 0 with gradient ∇ log q.
        value = tf.add(tf.mean(f), tf.mean(tf.mul(advantage, tf.sub(lq, detach(lq)))));
        terms = f;
        break;
      }
      default: {
        let z: tf.Tensor;
        let lq: tf.Tensor | undefined;
        if (entropyMode === 'analytic') {
          z = family.fromNoise(params, eps!);
        } else if (!stl && family.fromNoiseWithLogProb !== undefined) {
          [z, lq] = family.fromNoiseWithLogProb(params, eps!);
        } else {
          z = family.fromNoise(params, eps!);
          lq = logQ(family, params, z, stl);
        }
        const lp = evalTarget(fn, logDensity, z);
        if (estimator === 'reparameterized') {
          terms = lq === undefined ? tf.add(lp, family.entropy!(params)) : tf.sub(lp, lq);
          value = tf.mean(terms);
        } else {
          terms = boundTerms(fn, tf.sub(lp, lq!), s, estimator, options);
          value = tf.mean(terms);
        }
      }
    }
    return { value: tf.reshape(value, []) as tf.Scalar, terms };
  });
}

/** One IWAE or Rényi bound per group of K draws from the log weights w `[S]`. */
function boundTerms(fn: string, w: tf.Tensor, s: number, estimator: string, options: ElboOptions): tf.Tensor {
  const k = options.k ?? s;
  if (!Number.isInteger(k) || k < 1 || s % k !== 0) throw new RangeError(`${fn}: option 'k' must divide numSamples (${s}), got ${k}`);
  const groups = tf.reshape(w, [s / k, k]);
  const alpha = estimator === 'iwae' ? 0 : (options.alpha ?? 0.5);
  if (!Number.isFinite(alpha)) throw new RangeError(`${fn}: option 'alpha' must be a finite number, got ${alpha}`);
  if (alpha === 1) return tf.mean(groups, 1);
  const scaled = tf.mul(groups, 1 - alpha);
  return tf.div(tf.sub(logSumExp(scaled, { axis: 1 }), Math.log(k)), 1 - alpha);
}

/** The score-function baseline for the values f `[S]`. */
function scoreBaseline(fn: string, f: tf.Tensor, baseline: ElboOptions['baseline']): tf.Tensor {
  const b = baseline ?? 'leaveOneOut';
  const s = f.shape[0]!;
  if (b === 'leaveOneOut') {
    if (s < 2) throw new RangeError(`${fn}: the leave-one-out baseline needs numSamples >= 2, got ${s}`);
    return detach(tf.div(tf.sub(tf.sum(f), f), s - 1));
  }
  if (b === 'none') return tf.zeros([s]);
  if (typeof b === 'number') return tf.fill([s], b);
  if (b instanceof tf.Tensor && b.size === 1) return detach(tf.broadcastTo(tf.reshape(b, [1]), [s]));
  throw new RangeError(`${fn}: option 'baseline' must be 'leaveOneOut', 'none', a number or a scalar tensor`);
}

/**
 * An estimate of the evidence lower bound E_q[log p(z) − log q(z)] (or another bound, see
 * {@link ElboEstimator}) as a scalar tensor whose gradient with respect to `params` (through
 * `valueAndGrad` of @probdl/tensor-backend) is the estimator's gradient. Maximise it, or minimise
 * {@link negativeElbo}.
 *
 * Draws come from `key`, or are injected as `options.eps` `[S, noiseSize]`. A fresh scalar the caller
 * owns; inputs are never disposed.
 *
 * @example
 * const loss = valueAndGrad((p) => negativeElbo(k, logJoint, fullRankNormal(), p, { numSamples: 100 }));
 */
export function elbo<P extends Tree>(key: PRNGKey | undefined, logDensity: VariationalTarget, family: VariationalFamily<P>, params: P, options: ElboOptions = {}): tf.Scalar {
  const { value, terms } = elboTerms(key, logDensity, family, params, options);
  terms.dispose();
  return value;
}

/** −{@link elbo}: the loss to minimise (same arguments). */
export function negativeElbo<P extends Tree>(
  key: PRNGKey | undefined,
  logDensity: VariationalTarget,
  family: VariationalFamily<P>,
  params: P,
  options: ElboOptions = {},
): tf.Scalar {
  return tf.tidy(() => tf.neg(elbo(key, logDensity, family, params, options)));
}
