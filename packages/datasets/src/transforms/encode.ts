import * as tf from '@tensorflow/tfjs-core';

/**
 * One-hot encoding of host integer labels: a fresh float32 `[n, numClasses]` tensor. Every label must
 * be an integer in `[0, numClasses)`; the error names the first bad one and its index (nothing is
 * silently encoded as a row of zeros, as `tf.oneHot` would).
 */
export function oneHot(labels: ArrayLike<number>, numClasses: number): tf.Tensor2D {
  if (!Number.isInteger(numClasses) || numClasses < 1) {
    throw new RangeError(`oneHot: numClasses must be a positive integer, got ${String(numClasses)}`);
  }
  const n = labels.length;
  const out = new Float32Array(n * numClasses);
  for (let i = 0; i < n; i++) {
    const c = labels[i]!;
    if (!Number.isInteger(c) || c < 0 || c >= numClasses) {
      throw new RangeError(`oneHot: labels[${i}] = ${String(c)} is not an integer class in [0, ${numClasses})`);
    }
    out[i * numClasses + c] = 1;
  }
  return tf.tensor2d(out, [n, numClasses], 'float32');
}

/** Options of {@link logTransform}. */
export interface LogTransformOptions {
  /** Added before the log: `log(x + shift)` (e.g. 1 for counts with zeros). Default 0. */
  shift?: number;
}

/** A stateless invertible elementwise transform. */
export interface ElementwiseTransform {
  /** The forward map; a fresh tensor. */
  transform(x: tf.Tensor): tf.Tensor;
  /** The inverse map; a fresh tensor. */
  inverse(y: tf.Tensor): tf.Tensor;
}

/**
 * `y = log(x + shift)` and its inverse `x = exp(y) - shift`. Values with `x + shift <= 0` give NaN or
 * -Infinity (they cannot be checked without a device readback: check your data first).
 */
export function logTransform(options: LogTransformOptions = {}): ElementwiseTransform {
  const shift = options.shift ?? 0;
  if (!Number.isFinite(shift)) throw new RangeError(`logTransform: options.shift must be finite, got ${String(shift)}`);
  return {
    transform: (x) => tf.tidy(() => tf.log(shift === 0 ? x : tf.add(x, shift))),
    inverse: (y) => tf.tidy(() => (shift === 0 ? tf.exp(y) : tf.sub(tf.exp(y), shift))),
  };
}
