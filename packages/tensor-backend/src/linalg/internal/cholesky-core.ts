import * as tf from '@tensorflow/tfjs-core';
import { triangleMask } from './constants.js';
import { addOuter } from './outer.js';

/** The factor and the pivots (Schur-complement diagonals `[B, 1, n]`) of a batch of matrices. */
export interface CholeskyParts {
  l: tf.Tensor3D;
  pivots: tf.Tensor3D;
}

/**
 * Right-looking Cholesky of `(A + Aᵀ)/2` for `a` `[B, n, n]`; call inside a tidy.
 *
 * Step j takes column j of the Schur complement S (c = S[:, j], pivot p = c_j) and applies
 * `S -= c cᵀ / p`: two slices, −1/p, one scale, a free reshape and one fused rank-1 update (two
 * kernels on wasm), so about 6n dispatches. Columns are stored unnormalised and scaled once at
 * the end: L[:, j] = c / √p.
 *
 * NaN policy: from the first column whose pivot is not > 0 (non-positive definite, or NaN), every
 * entry of the factor on and below the diagonal in that column and all later ones is NaN; earlier
 * columns are the exact partial factor. The strict upper triangle is always 0.
 */
export function choleskyParts(a: tf.Tensor3D): CholeskyParts {
  const [bt, n] = a.shape;
  let s = tf.mul(tf.add(a, tf.transpose(a, [0, 2, 1])), 0.5) as tf.Tensor3D;
  const minusOne = tf.scalar(-1);
  const cols: tf.Tensor3D[] = [];
  const pivs: tf.Tensor3D[] = [];
  for (let j = 0; j < n; j++) {
    const c = tf.slice(s, [0, 0, j], [bt, n, 1]);
    const p = tf.slice(c, [0, j, 0], [bt, 1, 1]);
    cols.push(c);
    pivs.push(p);
    if (j === n - 1) break;
    const prev = s;
    s = tf.tidy(() => addOuter(prev, c, tf.reshape(tf.mul(c, tf.div(minusOne, p)), [bt, 1, n])));
    prev.dispose();
  }
  const pivots = tf.concat(pivs, 2); // [B, 1, n]
  const raw = tf.div(tf.concat(cols, 2), tf.sqrt(pivots));
  // A column fails when its own pivot or any earlier one is not > 0 (NaN compares false).
  // (A select, not a cast: tfjs-backend-webgpu casts bool to float32 by relabelling the buffer.)
  const bad = tf.where(tf.greater(pivots, 0), tf.scalar(0), tf.scalar(1));
  const failed = tf.greater(tf.cumsum(bad, 2), 0.5);
  const lowerPart = tf.where(failed, tf.scalar(Number.NaN), raw);
  const l = tf.where(triangleMask(n, true), lowerPart, tf.scalar(0)) as tf.Tensor3D;
  return { l, pivots };
}
