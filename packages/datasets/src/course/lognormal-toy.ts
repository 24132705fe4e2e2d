import * as tf from '@tensorflow/tfjs-core';
import { split, type PRNGKey } from '@probdl/tensor-backend';
import { checkCount, normalHost, uniformHost } from './host-random.js';
import type { XY2D } from './flax-sinusoid.js';

/**
 * The lognormal toy problem of the cluster-mass tutorial (`UnderstandingLossFunctions.ipynb`,
 * F. Lanusse, Apache-2.0): `x ~ U(0.1, 1.5)` and `y ~ lognorm(s = x, loc = 2x)`, that is
 * `y = 2x + exp(x z)` with `z ~ N(0, 1)`. `[kx, kz] = split(key)`; fresh float32 `[n, 1]` tensors.
 * The notebook uses n = 100000 for train and for test. Analytic summaries: {@link lognormalToySummaries}.
 */
export function lognormalToy(k: PRNGKey, n: number): XY2D {
  checkCount('lognormalToy', 'n', n);
  const [kx, kz] = split(k, 2) as [PRNGKey, PRNGKey];
  const x = uniformHost(kx, n, 0.1, 1.5);
  const z = normalHost(kz, n);
  const y = new Float32Array(n);
  for (let i = 0; i < n; i++) y[i] = 2 * x[i]! + Math.exp(x[i]! * z[i]!);
  return { x: tf.tensor2d(Float32Array.from(x), [n, 1]), y: tf.tensor2d(y, [n, 1]) };
}

/** Summaries of `p(y | x)` of {@link lognormalToy}. */
export interface LognormalToySummaries {
  /** `2x + exp(x^2 / 2)`, what MSE regression recovers. */
  readonly mean: tf.Tensor;
  /** `2x + 1`, what MAE regression recovers. */
  readonly median: tf.Tensor;
  /** `2x + exp(-x^2)`, the peak of the density. */
  readonly mode: tf.Tensor;
}

/** The analytic mean, median and mode of `p(y | x)` in the lognormal toy, elementwise in `x`; fresh tensors. */
export function lognormalToySummaries(x: tf.Tensor): LognormalToySummaries {
  if (!(x instanceof tf.Tensor)) throw new TypeError('lognormalToySummaries: x must be a tensor');
  return tf.tidy(() => {
    const twoX = tf.mul(x, 2);
    const x2 = tf.square(x);
    return {
      mean: tf.add(twoX, tf.exp(tf.mul(x2, 0.5))),
      median: tf.add(twoX, 1),
      mode: tf.add(twoX, tf.exp(tf.neg(x2))),
    };
  });
}
