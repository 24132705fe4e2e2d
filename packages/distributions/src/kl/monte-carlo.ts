import * as tf from '@tensorflow/tfjs-core';
import type { PRNGKey } from '@probdl/tensor-backend';
import type { Distribution } from '../distribution.js';
import { klBatchShape, klLabel } from './divergence.js';

/** A Monte Carlo estimate of KL(p || q) with its standard error, both of the broadcast batch shape. */
export interface KlEstimate {
  /** The mean over the draws of log p(x) - log q(x). */
  readonly estimate: tf.Tensor;
  /** The standard error of that mean: the sample standard deviation of the log ratios over sqrt(n). */
  readonly stderr: tf.Tensor;
}

function checkCount(p: Distribution, q: Distribution, n: number, min: number): void {
  if (!Number.isInteger(n) || n < min) throw new RangeError(`${klLabel(p, q)} Monte Carlo: n must be an integer >= ${min}, got ${n}`);
}

/** The log ratios log p(x) - log q(x) at n draws x ~ p, shape `[n, ...batchShape]`. */
function logRatios(p: Distribution, q: Distribution, key: PRNGKey, n: number, shape: number[]): tf.Tensor {
  const x = p.sample(key, n);
  // Leading 1s make the draws broadcast against a q whose batch shape has more dimensions than p's.
  const extra = shape.length - p.batchShape.length;
  const xe = extra > 0 ? tf.reshape(x, [n, ...new Array<number>(extra).fill(1), ...p.batchShape, ...p.eventShape]) : x;
  const d = tf.sub(p.logProb(xe), q.logProb(xe));
  return tf.broadcastTo(d, [n, ...shape]);
}

/**
 * Monte Carlo KL(p || q) with its standard error: the mean over n draws x ~ p (from `key`) of
 * log p(x) - log q(x), reduced over the sample axis only, so both tensors have the broadcast batch
 * shape of p and q. Works for any pair with equal event shapes; gradients flow through the draws
 * when p is reparameterised. Returns fresh tensors the caller owns.
 *
 * @throws RangeError when n is not an integer >= 2, the batch shapes do not broadcast, or the event
 *   shapes differ.
 */
export function klMonteCarloWithError(p: Distribution, q: Distribution, key: PRNGKey, n: number): KlEstimate {
  checkCount(p, q, n, 2);
  const shape = klBatchShape(p, q);
  return tf.tidy(() => {
    const d = logRatios(p, q, key, n, shape);
    const estimate = tf.mean(d, 0);
    const variance = tf.div(tf.sum(tf.square(tf.sub(d, estimate)), 0), n - 1);
    return { estimate, stderr: tf.sqrt(tf.div(variance, n)) };
  }) as unknown as KlEstimate;
}

/**
 * Monte Carlo KL(p || q): the mean over n draws x ~ p (from `key`) of log p(x) - log q(x), of the
 * broadcast batch shape of p and q. For pairs with no closed form; see {@link klMonteCarloWithError}
 * for the standard error too. Returns a fresh tensor the caller owns.
 *
 * @throws RangeError when n is not a positive integer, the batch shapes do not broadcast, or the
 *   event shapes differ.
 */
export function klMonteCarlo(p: Distribution, q: Distribution, key: PRNGKey, n: number): tf.Tensor {
  checkCount(p, q, n, 1);
  const shape = klBatchShape(p, q);
  return tf.tidy(() => tf.mean(logRatios(p, q, key, n, shape), 0));
}
