// The NUTS page's BNN as a log density over flat positions [C, D] in plain tfjs ops (one call
// evaluates every chain), and as a target factory that a sampling worker can build by itself.
import * as tf from '@tensorflow/tfjs-core';
import type { LogDensityTarget } from '@probdl/inference-hmc';

export const NUTS_HIDDEN = 8;
/** Position size: W1 [H], b1 [H], W2 [H], b2, log σ. */
export const nutsDim = (hidden = NUTS_HIDDEN) => 3 * hidden + 2;
const LOG_SIGMA_PRIOR_MEAN = -1;

/** The log density of the BNN's posterior (unnormalised) over positions `[C, D]`, returning `[C]`. */
export function bnnLogDensity(x: tf.Tensor2D, y: tf.Tensor2D, hidden = NUTS_HIDDEN): (p: tf.Tensor) => tf.Tensor {
  const n = x.shape[0];
  const h = hidden;
  return (p) =>
    tf.tidy(() => {
      const c = p.shape[0]!;
      const w1 = tf.reshape(tf.slice(p, [0, 0], [c, h]), [c, 1, h]);
      const b1 = tf.reshape(tf.slice(p, [0, h], [c, h]), [c, 1, h]);
      const w2 = tf.reshape(tf.slice(p, [0, 2 * h], [c, h]), [c, h, 1]);
      const b2 = tf.reshape(tf.slice(p, [0, 3 * h], [c, 1]), [c, 1, 1]);
      const logSigma = tf.reshape(tf.slice(p, [0, 3 * h + 1], [c, 1]), [c, 1]);
      const xs = tf.tile(tf.expandDims(x, 0), [c, 1, 1]); // [C, N, 1]
      const hid = tf.tanh(tf.add(tf.matMul(xs, w1), b1)); // [C, N, H]
      const mean = tf.reshape(tf.add(tf.matMul(hid, w2), b2), [c, n]);
      const z = tf.div(tf.sub(tf.reshape(y, [1, n]), mean), tf.exp(logSigma));
      const logLik = tf.sub(tf.mul(-0.5, tf.sum(tf.square(z), 1)), tf.mul(n, tf.reshape(logSigma, [c]))); // constants dropped
      const weights = tf.slice(p, [0, 0], [c, 3 * h + 1]);
      const logPrior = tf.add(tf.mul(-0.5, tf.sum(tf.square(weights), 1)), tf.mul(-0.5, tf.reshape(tf.square(tf.sub(logSigma, LOG_SIGMA_PRIOR_MEAN)), [c])));
      return tf.add(logLik, logPrior);
    });
}

/**
 * The run's target, made from plain values so that a worker can make it too (see
 * sampling-worker.ts): standardised xs and ys, the hidden width, and C starting points drawn from
 * N(0, 0.5²) with tfjs's seeded generator. The run frees what it holds.
 */
export function nutsTarget(xs: ArrayLike<number>, ys: ArrayLike<number>, hidden: number, numChains: number, seed: number): LogDensityTarget {
  const x = tf.tensor2d(Float32Array.from(xs), [xs.length, 1]);
  const y = tf.tensor2d(Float32Array.from(ys), [ys.length, 1]);
  return {
    logDensityFn: bnnLogDensity(x, y, hidden),
    initialPosition: tf.randomNormal([numChains, nutsDim(hidden)], 0, 0.5, 'float32', seed),
    independentRows: true,
    dispose: () => tf.dispose([x, y]),
  };
}
