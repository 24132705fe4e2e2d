import * as tf from '@tensorflow/tfjs-core';
import { split, type PRNGKey } from '@probdl/tensor-backend';
import { checkCount, normalHost, uniformHost } from './host-random.js';

/** Options of {@link flaxSinusoid}. */
export interface FlaxSinusoidOptions {
  /** Number of points. Default 40. */
  n?: number;
  /** Standard deviation of the Gaussian noise on y. Default 0.1. */
  noiseSd?: number;
  /** Interval of x. Default [-1, 1]. */
  range?: readonly [number, number];
}

/** A regression set with `[n, 1]` columns. */
export interface XY2D {
  /** Inputs, `[n, 1]`. */
  readonly x: tf.Tensor2D;
  /** Targets, `[n, 1]`. */
  readonly y: tf.Tensor2D;
}

/**
 * The Flax regression tutorial's toy problem: an irregular set of 40 points on `y = x sin(5x)` plus
 * Gaussian noise. No reference data exists, so this is our recipe, fixed from the key:
 * `[kx, ke] = split(key)`; `x` = the `n` uniforms of `kx` on `range`, sorted ascending (irregular
 * spacing); `y = x sin(5x) + noiseSd * normal(ke, [n])`. Fresh float32 `[n, 1]` tensors.
 */
export function flaxSinusoid(k: PRNGKey, options: FlaxSinusoidOptions = {}): XY2D {
  const n = options.n ?? 40;
  const noiseSd = options.noiseSd ?? 0.1;
  const [lo, hi] = options.range ?? [-1, 1];
  checkCount('flaxSinusoid', 'options.n', n);
  if (!Number.isFinite(noiseSd) || noiseSd < 0) throw new RangeError(`flaxSinusoid: options.noiseSd must be a finite number >= 0, got ${String(noiseSd)}`);
  if (!Number.isFinite(lo) || !Number.isFinite(hi) || !(lo < hi)) throw new RangeError(`flaxSinusoid: options.range must be finite [lo, hi] with lo < hi, got [${String(lo)}, ${String(hi)}]`);
  const [kx, ke] = split(k, 2) as [PRNGKey, PRNGKey];
  const x = uniformHost(kx, n, lo, hi).sort();
  const e = normalHost(ke, n);
  const y = new Float32Array(n);
  for (let i = 0; i < n; i++) y[i] = x[i]! * Math.sin(5 * x[i]!) + noiseSd * e[i]!;
  return { x: tf.tensor2d(Float32Array.from(x), [n, 1]), y: tf.tensor2d(y, [n, 1]) };
}
