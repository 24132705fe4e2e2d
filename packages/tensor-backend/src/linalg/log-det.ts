import * as tf from '@tensorflow/tfjs-core';
import { diagonalMask } from './internal/constants.js';
import { asFloat32, squareSize } from './internal/shape.js';

/**
 * `log det(L Lᵀ) = 2 Σᵢ log |Lᵢᵢ|` for a batch of triangular factors, with a gradient (`2 / Lᵢᵢ`
 * on the diagonal, zero elsewhere) by autodiff. Only the diagonal of `l` is read.
 *
 * @param l `[..., n, n]`, a float32 tensor or a nested array.
 * @returns `[...]`, the batch shape (a scalar for one matrix). NaN in the diagonal gives NaN; a
 *   zero on the diagonal gives -Infinity.
 * @throws Error naming the shape when `l` is not `[..., n, n]`.
 */
export function logDetFromCholesky(l: tf.Tensor | tf.TensorLike): tf.Tensor {
  return tf.tidy(() => {
    const lt = asFloat32(l, 'l', 'logDetFromCholesky');
    const n = squareSize(lt.shape, 'l', 'logDetFromCholesky');
    // Off-diagonal entries become 1 (log 0) so NaN or Inf there never leaks in.
    const diagOrOne = tf.where(diagonalMask(n), lt, tf.scalar(1));
    return tf.mul(tf.sum(tf.log(tf.abs(diagOrOne)), [lt.rank - 2, lt.rank - 1]), 2);
  });
}
