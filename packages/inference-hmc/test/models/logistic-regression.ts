import * as tf from '@tensorflow/tfjs-core';
import { key as makeKey, random, split, type PRNGKey } from '@probdl/tensor-backend';
import type { LogDensityFn } from '../../src/types.js';

/**
 * Bayesian logistic regression, the benchmark posterior, as a batched log density over
 * positions `[C, 1 + D]` = (alpha, beta) (written with tf ops: inference-hmc may not import
 * @probdl/distributions, and Stan's program below is hand-written too):
 * ```stan
 * data { int N; int D; matrix[N, D] X; array[N] int<lower=0, upper=1> y; }
 * parameters { real alpha; vector[D] beta; }
 * model { alpha ~ normal(0, 1); beta ~ normal(0, 1); y ~ bernoulli_logit(alpha + X * beta); }
 * ```
 * log p = Σ_n [y_n η_n − softplus(η_n)] − ½ |θ|² − (1 + D)/2 · log 2π, η = alpha + X beta.
 */
export function logisticRegressionLogDensity(data: Pick<LogisticData, 'XT' | 'y'>): LogDensityFn {
  const { XT, y } = data;
  const D = XT.shape[0];
  const constant = -0.5 * (1 + D) * Math.log(2 * Math.PI);
  return (position: tf.Tensor) =>
    tf.tidy(() => {
      const C = position.shape[0]!;
      const alpha = tf.slice(position, [0, 0], [C, 1]);
      const beta = tf.slice(position, [0, 1], [C, D]);
      // Xᵀ stored transposed: tfjs-wasm's matMul with transposeB is about 8× slower here.
      const logits = tf.add(alpha, tf.matMul(beta, XT)); // [C, N]
      const likelihood = tf.sum(tf.sub(tf.mul(y, logits), tf.softplus(logits)), -1);
      const prior = tf.add(tf.mul(-0.5, tf.sum(tf.square(position), -1)), constant);
      return tf.add(likelihood, prior);
    });
}

/** The Stan program of {@link logisticRegressionLogDensity} (for the benchmark's Stan comparison). */
export const LOGISTIC_REGRESSION_STAN = `data { int<lower=0> N; int<lower=1> D; matrix[N, D] X; array[N] int<lower=0, upper=1> y; }
parameters { real alpha; vector[D] beta; }
model { alpha ~ normal(0, 1); beta ~ normal(0, 1); y ~ bernoulli_logit(alpha + X * beta); }
`;

/** A synthetic data set: X `[N, D]` standard normal, y ~ Bernoulli(sigmoid(0.5 + X beta*)). */
export interface LogisticData {
  readonly X: tf.Tensor2D;
  /** Xᵀ `[D, N]`. */
  readonly XT: tf.Tensor2D;
  readonly y: tf.Tensor1D;
  /** The true coefficients, beta*_d = ±1/√D alternating (so the logits have about unit scale). */
  readonly beta: number[];
  dispose(): void;
}

/** Data for {@link logisticRegressionLogDensity} from a fixed key (default key(20260)). */
export function logisticData(numRows: number, numFeatures: number, key: PRNGKey = makeKey(20260)): LogisticData {
  const [kx, ky] = split(key, 2) as [PRNGKey, PRNGKey];
  const beta = Array.from({ length: numFeatures }, (_, d) => (d % 2 === 0 ? 1 : -1) / Math.sqrt(numFeatures));
  const X = random.normal(kx, [numRows, numFeatures]) as tf.Tensor2D;
  const y = tf.tidy(() => {
    const logits = tf.add(0.5, tf.squeeze(tf.matMul(X, tf.tensor2d(beta, [numFeatures, 1])), [1]));
    const u = random.uniform(ky, [numRows]);
    return tf.cast(tf.less(u, tf.sigmoid(logits)), 'float32') as tf.Tensor1D;
  });
  const XT = tf.transpose(X);
  return { X, XT, y, beta, dispose: () => tf.dispose([X, XT, y]) };
}
