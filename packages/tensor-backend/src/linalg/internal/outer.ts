import * as tf from '@tensorflow/tfjs-core';

/**
 * `base + u v` for a column `u` `[Bu, n, 1]` and a row `v` `[Bv, 1, k]` (batches equal or 1): the
 * rank-1 update at the heart of every substitution loop here. One fused matmul-with-bias kernel
 * where the backend fuses a full-shape bias (cpu, webgpu); wasm's fused matmul takes only a rank-1
 * bias, so there it is a broadcast multiply and an add.
 */
export function addOuter(base: tf.Tensor3D, u: tf.Tensor3D, v: tf.Tensor3D): tf.Tensor3D {
  if (tf.getBackend() === 'wasm') return tf.add(base, tf.mul(u, v));
  return tf.fused.matMul({ a: u, b: v, bias: base }) as tf.Tensor3D;
}
