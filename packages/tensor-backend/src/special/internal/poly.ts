import * as tf from '@tensorflow/tfjs-core';

/** Horner evaluation of c[0] + c[1] t + c[2] t^2 + ... on the device (coefficients lowest first). */
export function horner(t: tf.Tensor, coeffs: readonly number[]): tf.Tensor {
  const n = coeffs.length;
  if (n === 0) throw new Error('horner: no coefficients');
  let acc: tf.Tensor = tf.fill(t.shape, coeffs[n - 1] as number);
  for (let i = n - 2; i >= 0; i--) acc = tf.add(tf.mul(acc, t), coeffs[i] as number);
  return acc;
}

/** x^k for a small integer k >= 1 by repeated multiplication (the backends' pow goes through exp and log). */
export function intPow(x: tf.Tensor, k: number): tf.Tensor {
  let acc = x;
  for (let i = 1; i < k; i++) acc = tf.mul(acc, x);
  return acc;
}

/**
 * sign(x) in {-1, 0, +1} (NaN stays NaN). Not tf.sign: the wasm backend's sign returns 0 for tiny nonzero
 * inputs (sign(1e-10) = 0 there).
 */
export function signOf(x: tf.Tensor): tf.Tensor {
  return tf.where(tf.greater(x, 0), 1, tf.where(tf.less(x, 0), -1, x));
}
