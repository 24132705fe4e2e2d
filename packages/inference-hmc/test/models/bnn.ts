import * as tf from '@tensorflow/tfjs-core';
import type { LogDensityFn } from '../../src/types.js';

/**
 * The identity data set of the Deep Learning Indaba 2022 Bayesian deep learning practical
 * (../shared/reference/indaba-bdl/cases.json, `datasets.identity`): y ≈ x on two clusters.
 */
export const IDENTITY_DATA = {
  x: [-2.0, -1.7999999523162842, -1.0, 2.0, 2.0, 2.0999999046325684],
  y: [-2.0, -1.899999976158142, -1.0, 2.0, 1.899999976158142, 2.0999999046325684],
} as const;

/** The prior precision of the practical's NUTS run (cell 127): w ~ N(0, 1/alpha). */
export const BNN_PRIOR_PRECISION = 0.05;

/**
 * f(x) `[C, N]` for weights `[C, 4]` and inputs x: w2 · relu(w0 · x + w1) + w3, with the weights'
 * columns taken by products with constant selection matrices (w · [x; 1; 0; 0] is w0 · x + w1;
 * w · e₂ and w · e₃ are the columns w2 and w3), made from host arrays (uploads, not kernels). On
 * tfjs-wasm the log density and its gradient are then 84 kernels, against 99 with a transpose and
 * an unstack, and 1.25× faster at 1,024 chains, with identical values and gradients.
 */
export function reluForward(w: tf.Tensor, x: readonly number[]): tf.Tensor {
  return tf.tidy(() => {
    const n = x.length;
    const w2 = w as tf.Tensor2D;
    const inputs = tf.tensor2d([...x, ...x.map(() => 1), ...new Array<number>(2 * n).fill(0)], [4, n]);
    const a = tf.matMul(w2, inputs);
    const scale = tf.matMul(w2, tf.tensor2d([0, 0, 1, 0], [4, 1]));
    const shift = tf.matMul(w2, tf.tensor2d([0, 0, 0, 1], [4, 1]));
    return tf.add(tf.mul(scale, tf.relu(a)), shift);
  });
}

/**
 * The practical's 4-weight ReLU network (cells 121/127) as a batched log density over weights
 * `[C, 4]`: f(x) = w2 · relu(w0 · x + w1) + w3, prior w ~ N(0, 1/alpha) with alpha = 0.05,
 * likelihood y ~ N(f(x), 1), every normalising constant included. (Written with tf ops:
 * inference-hmc may not import @probdl/distributions.) The posterior is multimodal: the sign of
 * w0 chooses the side on which the ReLU is active, w2 follows it, and w0 · w2 trades scale along
 * a ridge.
 */
export function reluNetworkLogDensity(data: { readonly x: readonly number[]; readonly y: readonly number[] }): LogDensityFn {
  const N = data.x.length;
  const variance = 1 / BNN_PRIOR_PRECISION;
  const constant = -0.5 * N * Math.log(2 * Math.PI) - 2 * Math.log(2 * Math.PI * variance);
  return (w: tf.Tensor) =>
    tf.tidy(() => {
      const residual = tf.sub(tf.tensor1d([...data.y]), reluForward(w, data.x));
      const likelihood = tf.mul(-0.5, tf.sum(tf.square(residual), -1));
      const prior = tf.mul(-0.5 / variance, tf.sum(tf.square(w), -1));
      return tf.add(tf.add(likelihood, prior), constant);
    });
}

/** The Stan program of {@link reluNetworkLogDensity} (for the benchmark's Stan comparison). */
export const RELU_NETWORK_STAN = `data { int<lower=0> N; vector[N] x; vector[N] y; }
parameters { vector[4] w; }
model { w ~ normal(0, sqrt(1 / 0.05)); for (n in 1:N) y[n] ~ normal(w[3] * fmax(w[1] * x[n] + w[2], 0) + w[4], 1); }
`;
