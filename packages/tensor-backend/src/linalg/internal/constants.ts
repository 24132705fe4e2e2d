import * as tf from '@tensorflow/tfjs-core';

// Small constant tensors built on the host (one upload each, no kernels). Made per call, inside
// the caller's tidy, so nothing is cached across backends or leak checks.

/** `[n, n]` bool mask: true on and below the diagonal (lower) or on and above it (upper). */
export function triangleMask(n: number, lower: boolean): tf.Tensor2D {
  const v = new Uint8Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) v[i * n + j] = (lower ? j <= i : j >= i) ? 1 : 0;
  return tf.tensor2d(v, [n, n], 'bool');
}

/** `[n, n]` bool mask of the diagonal. */
export function diagonalMask(n: number): tf.Tensor2D {
  const v = new Uint8Array(n * n);
  for (let i = 0; i < n; i++) v[i * n + i] = 1;
  return tf.tensor2d(v, [n, n], 'bool');
}

/** `[n, n]` float32 identity. */
export function identity(n: number): tf.Tensor2D {
  const v = new Float32Array(n * n);
  for (let i = 0; i < n; i++) v[i * n + i] = 1;
  return tf.tensor2d(v, [n, n], 'float32');
}

/** The weights of Φ in the Cholesky gradient: 1 below the diagonal, 1/2 on it, 0 above. */
export function phiWeights(n: number): tf.Tensor2D {
  const v = new Float32Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j <= i; j++) v[i * n + j] = i === j ? 0.5 : 1;
  return tf.tensor2d(v, [n, n], 'float32');
}

/** `[1, 1, n]` float32 one-hot row for index j. */
export function unitRow(n: number, j: number): tf.Tensor3D {
  const v = new Float32Array(n);
  v[j] = 1;
  return tf.tensor3d(v, [1, 1, n], 'float32');
}
