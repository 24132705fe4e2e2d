import * as tf from '@tensorflow/tfjs-core';
import { foldIn, split, type PRNGKey, type Tree } from '@probdl/tensor-backend';
import { checkCount, checkModule, checkXY, describe, perExampleLogLik } from './internal.js';
import type { BnnApplyOptions, BnnModule, Likelihood } from './types.js';

/** Options of {@link bayesByBackpropLoss} and {@link bayesByBackpropTerms}. */
export interface BayesByBackpropOptions {
  /** The randomness of the weight draws (and dropout masks, and a Monte Carlo KL). Required. */
  readonly key: PRNGKey;
  /** The observation model: outputs and targets → a Distribution or per-example log-likelihoods. */
  readonly likelihood: Likelihood;
  /** N, the number of examples in the whole training set (default: the batch size B, full-batch training). */
  readonly datasetSize?: number;
  /** β, the weight of the KL term (KL annealing; default 1, the ELBO). */
  readonly klWeight?: number;
  /** K, Monte Carlo draws of the network per step for the data term (default 1). */
  readonly numSamples?: number;
  /** Passed to `apply` besides the key (default `{ training: true }`, so dropout layers are on). */
  readonly applyOptions?: Omit<BnnApplyOptions, 'key'> & Record<string, unknown>;
}

/** The loss of {@link bayesByBackpropTerms} and its two parts (scalars, owned by the caller). */
export interface BayesByBackpropTerms {
  /** nll + β·kl / N. */
  readonly loss: tf.Scalar;
  /** The data term: −(1/B) Σ_i log p(y_i | x_i, w), averaged over the K draws of w. */
  readonly nll: tf.Scalar;
  /** KL(q(w) || p(w)) from the module's `klDivergence` (0 for a module without one). */
  readonly kl: tf.Scalar;
}

/**
 * The Bayes-by-backprop loss (Blundell et al. 2015) of a batch, in the per-datum form
 *
 *   loss = −(1/B) Σ_{i∈batch} log p(y_i | x_i, w) + β · KL(q(w) || p(w)) / N,   w ~ q (K draws averaged),
 *
 * which is the negative ELBO divided by the training-set size N, with the data term estimated from
 * the batch of B examples: N·loss = −(N/B) Σ log p + β·KL, the minibatch estimate of −ELBO (β = 1).
 * Dividing by N keeps the loss, and Adam's effective step, independent of N. With `datasetSize`
 * unset, N = B (full batch). A module without `klDivergence` (a plain or dropout network) has no KL
 * term, so the loss is its mean negative log-likelihood (maximum likelihood).
 *
 * Randomness: `[kApply, kKl] = split(key, 2)`; draw k applies the module with
 * `{ ...applyOptions, key: foldIn(kApply, k) }` and the KL gets `{ key: kKl }` (used only by a Monte
 * Carlo KL). Differentiable in `params`; returns a fresh scalar.
 */
export function bayesByBackpropLoss<P extends Tree>(module: BnnModule<P>, params: P, x: tf.Tensor, y: tf.Tensor, options: BayesByBackpropOptions): tf.Scalar {
  return tf.tidy(() => bayesByBackpropTermsIn('bayesByBackpropLoss', module, params, x, y, options).loss);
}

/** {@link bayesByBackpropLoss} with its parts: `{ loss, nll, kl }` (fresh scalars; for logging). */
export function bayesByBackpropTerms<P extends Tree>(module: BnnModule<P>, params: P, x: tf.Tensor, y: tf.Tensor, options: BayesByBackpropOptions): BayesByBackpropTerms {
  return tf.tidy(() => bayesByBackpropTermsIn('bayesByBackpropTerms', module, params, x, y, options) as unknown as tf.TensorContainer) as unknown as BayesByBackpropTerms;
}

function bayesByBackpropTermsIn<P extends Tree>(fn: string, module: BnnModule<P>, params: P, x: tf.Tensor, y: tf.Tensor, options: BayesByBackpropOptions): BayesByBackpropTerms {
  checkModule(fn, module);
  const batch = checkXY(fn, x, y);
  if (typeof options !== 'object' || options === null) throw new TypeError(`${fn}: argument 'options' must be an object { key, likelihood, ... }, got ${describe(options)}`);
  const { key, likelihood, klWeight = 1, applyOptions = { training: true } } = options;
  if (key === undefined) throw new TypeError(`${fn}: option 'key' is required (the randomness of the weight draws and dropout masks)`);
  if (typeof likelihood !== 'function') throw new TypeError(`${fn}: option 'likelihood' must be a function (outputs, y) => Distribution | log-likelihood tensor, got ${describe(likelihood)}`);
  const n = checkCount(fn, 'datasetSize', options.datasetSize ?? batch);
  const draws = checkCount(fn, 'numSamples', options.numSamples ?? 1);
  if (typeof klWeight !== 'number' || !Number.isFinite(klWeight) || klWeight < 0) throw new RangeError(`${fn}: option 'klWeight' must be a finite number >= 0, got ${String(klWeight)}`);
  const [kApply, kKl] = split(key, 2) as [PRNGKey, PRNGKey];
  let sumLl: tf.Tensor = tf.scalar(0);
  for (let k = 0; k < draws; k++) {
    const outputs = module.apply(params, x, { ...applyOptions, key: foldIn(kApply, k) });
    sumLl = tf.add(sumLl, tf.sum(perExampleLogLik(fn, likelihood, outputs, y)));
  }
  const nll = tf.div(sumLl, -batch * draws) as tf.Scalar;
  let kl: tf.Scalar;
  if (typeof module.klDivergence === 'function') {
    kl = module.klDivergence(params, { key: kKl });
    if (!(kl instanceof tf.Tensor) || kl.size !== 1) throw new RangeError(`${fn}: module.klDivergence must return a scalar, got ${describe(kl)}`);
    kl = tf.reshape(kl, []) as tf.Scalar;
  } else {
    kl = tf.scalar(0);
  }
  const loss = klWeight === 0 ? tf.clone(nll) : (tf.add(nll, tf.mul(kl, klWeight / n)) as tf.Scalar);
  return { loss, nll, kl };
}
