import * as tf from '@tensorflow/tfjs-core';
import { random, split, type PRNGKey } from '@probdl/tensor-backend';
import { checkCount, normalHost, uniformHost } from './host-random.js';
import type { XY2D } from './flax-sinusoid.js';

function upload(x: ArrayLike<number>, y: ArrayLike<number>): XY2D {
  const n = x.length;
  return { x: tf.tensor2d(Float32Array.from(x), [n, 1]), y: tf.tensor2d(Float32Array.from(y), [n, 1]) };
}

/**
 * Heteroscedastic 1-D regression (our recipe): `x ~ U(-3, 3)`, `y = sin(x) + (0.1 + 0.2 |x|) eps`,
 * `eps ~ N(0, 1)`; the noise sd grows from 0.1 at 0 to 0.7 at the ends. `[kx, ke] = split(key)`.
 * Fresh `[n, 1]` tensors.
 */
export function heteroscedastic1D(k: PRNGKey, n: number): XY2D {
  checkCount('heteroscedastic1D', 'n', n);
  const [kx, ke] = split(k, 2) as [PRNGKey, PRNGKey];
  const x = uniformHost(kx, n, -3, 3);
  const e = normalHost(ke, n);
  return upload(x, x.map((v, i) => Math.sin(v) + (0.1 + 0.2 * Math.abs(v)) * e[i]!));
}

/**
 * Bimodal 1-D regression (our recipe): `x ~ U(-2, 2)`, a fair sign `s = ±1`, and
 * `y = s (1 + x^2 / 4) + 0.1 eps`: p(y | x) has two modes, so its mean (near 0) is a poor summary.
 * `[kx, ks, ke] = split(key, 3)`. Fresh `[n, 1]` tensors.
 */
export function bimodal1D(k: PRNGKey, n: number): XY2D {
  checkCount('bimodal1D', 'n', n);
  const [kx, ks, ke] = split(k, 3) as [PRNGKey, PRNGKey, PRNGKey];
  const x = uniformHost(kx, n, -2, 2);
  const bits = random.randomBits(ks, [n]);
  const e = normalHost(ke, n);
  return upload(x, x.map((v, i) => ((bits[i]! >>> 31) === 1 ? 1 : -1) * (1 + (v * v) / 4) + 0.1 * e[i]!));
}

/**
 * 1-D regression with a gap in the inputs (our recipe, for "in-between" uncertainty): `x` uniform on
 * `[-3, -1) ∪ [1, 3)` (each side with probability 1/2), `y = sin(x) + 0.1 eps`.
 * No input lies in (-1, 1). `[kx, ke] = split(key)`. Fresh `[n, 1]` tensors.
 */
export function gap1D(k: PRNGKey, n: number): XY2D {
  checkCount('gap1D', 'n', n);
  const [kx, ke] = split(k, 2) as [PRNGKey, PRNGKey];
  const u = uniformHost(kx, n, -2, 2);
  const x = u.map((v) => (v < 0 ? v - 1 : v + 1));
  const e = normalHost(ke, n);
  return upload(x, x.map((v, i) => Math.sin(v) + 0.1 * e[i]!));
}
