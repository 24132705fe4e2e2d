import * as tf from '@tensorflow/tfjs-core';
import { Distribution, Independent, KlNotRegisteredError, Normal, kl } from '@probdl/distributions';
import { random, type PRNGKey } from '@probdl/tensor-backend';
import { posteriorScale } from './scale.js';
import type { Prior } from './types.js';

/** The default prior: Normal(0, 1) per weight (TFP's `default_multivariate_normal_fn`). */
export function standardNormalPrior(): Distribution {
  return new Normal({ loc: 0, scale: 1, validateArgs: false });
}

/**
 * The prior distribution for a weight array of `shape`, checked to broadcast to it without growing it.
 * Call inside a tidy: a factory's uploaded tensors then belong to that scope.
 */
export function resolvePrior(label: string, what: string, prior: Prior | undefined, shape: readonly number[]): Distribution {
  const d = prior === undefined ? standardNormalPrior() : prior instanceof Distribution ? prior : prior(shape);
  if (!(d instanceof Distribution)) {
    throw new TypeError(`${label}: the ${what} prior factory must return a Distribution of @probdl/distributions, got ${Object.prototype.toString.call(d)}`);
  }
  const full = [...d.batchShape, ...d.eventShape];
  const fits = full.length <= shape.length && full.every((n, i) => n === 1 || n === shape[shape.length - full.length + i]);
  if (!fits) {
    throw new RangeError(
      `${label}: the ${what} prior ${d.name} has batch shape [${d.batchShape.join(', ')}] and event shape [${d.eventShape.join(', ')}], ` +
        `which do not broadcast to the ${what} shape [${shape.join(', ')}]`,
    );
  }
  return d;
}

/** Checks that a prior argument is a Distribution or a function (undefined means the default). */
export function checkPriorArg(label: string, arg: string, prior: unknown): void {
  if (prior !== undefined && !(prior instanceof Distribution) && typeof prior !== 'function') {
    throw new TypeError(`${label}: ${arg} must be a Distribution of @probdl/distributions or a function (shape) => Distribution, got ${Object.prototype.toString.call(prior)}`);
  }
}

/**
 * Σ KL(N(μ, σ²) || N(μ0, σ0²)) = Σ log(σ0/σ) + (σ² + (μ − μ0)²)/(2σ0²) − ½, in six ops: the `kl`
 * table's Normal–Normal form guards the cancellation of nearly equal distributions with series
 * (a dozen more ops and their gradients), which cost ~2/3 of a Bayesian MLP's training step on wasm;
 * the plain form's absolute error (~1e-7 per weight) does not matter to an ELBO.
 */
function normalNormalKl(loc: tf.Tensor, scale: tf.Tensor, prior: Normal): tf.Tensor {
  const ratio = tf.div(scale, prior.scale);
  const z = tf.div(tf.sub(loc, prior.loc), prior.scale);
  return tf.sum(tf.sub(tf.mul(0.5, tf.add(tf.square(ratio), tf.square(z))), tf.add(tf.log(ratio), 0.5)));
}

/** KL(posterior || prior) summed in closed form, or undefined when the pair has none registered. */
function analyticKl(posterior: Normal, prior: Distribution): tf.Tensor | undefined {
  if (prior instanceof Normal) return normalNormalKl(posterior.loc, posterior.scale, prior);
  const rank = prior.eventShape.length;
  const q = rank === 0 ? posterior : new Independent({ distribution: posterior, reinterpretedBatchNdims: rank, validateArgs: false });
  try {
    return tf.sum(kl(q, prior));
  } catch (e) {
    if (e instanceof KlNotRegisteredError) return undefined;
    throw e;
  }
}

/**
 * Σ KL(Normal(loc, posteriorScale(untransformed)) || prior) over the weights of one array, a scalar: in
 * closed form when `kl` has the pair, otherwise the Monte Carlo mean over `samples` reparameterised
 * draws w = loc + scale·ε, ε = `random.normal(key, [samples, ...shape])`, of Σ [log q(w) − log p(w)]
 * (unbiased; gradients flow through w), which needs `key`.
 */
export function weightKl(
  label: string,
  what: string,
  loc: tf.Tensor,
  untransformedScale: tf.Tensor,
  prior: Prior | undefined,
  key: PRNGKey | undefined,
  samples: number,
): tf.Scalar {
  return tf.tidy(() => {
    const p = resolvePrior(label, what, prior, loc.shape);
    const scale = posteriorScale(untransformedScale);
    const q = new Normal({ loc, scale, validateArgs: false });
    const exact = analyticKl(q, p);
    if (exact !== undefined) return exact as tf.Scalar;
    if (key === undefined) {
      throw new TypeError(
        `${label}: no closed-form KL(Normal || ${p.name}) is registered for the ${what} prior, so the KL is estimated ` +
          `by Monte Carlo, which needs \`key\`: call klDivergence(params, { key })`,
      );
    }
    // w = loc + scale·ε with ε = random.normal(key, [samples, ...shape]): reparameterised, so gradients flow through w.
    const w = tf.add(loc, tf.mul(scale, random.normal(key, [samples, ...loc.shape])));
    const logRatio = tf.sub(tf.sum(q.logProb(w)), tf.sum(p.logProb(w)));
    return tf.div(logRatio, samples) as tf.Scalar;
  });
}
