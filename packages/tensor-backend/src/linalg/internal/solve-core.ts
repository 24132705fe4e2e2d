import * as tf from '@tensorflow/tfjs-core';
import { diagonalMask, triangleMask } from './constants.js';
import { addOuter } from './outer.js';

/**
 * Solves `A X = B` for triangular `A` by column-oriented substitution; call inside a tidy.
 * `a` is `[Ba, n, n]` with Ba equal to B's batch or 1 (then shared), `b` is `[Bt, n, k]`.
 * Reads only the lower (`lower`) or upper triangle of `a`, diagonal included.
 *
 * The system is first scaled to a unit diagonal (`D⁻¹A X = D⁻¹B`), so each of the n steps is
 * three kernels: take row i of the right-hand side (it is x_i), take column i of `-D⁻¹A`, and
 * apply the rank-1 update `R += (-D⁻¹A)[:, i] x_i` to eliminate x_i from the rows still to come.
 * A zero on the diagonal gives Inf/NaN in the rows that depend on it (no error: no readback).
 */
export function solveTriangular3d(a: tf.Tensor3D, b: tf.Tensor3D, lower: boolean): tf.Tensor3D {
  const [ba, n] = a.shape;
  const [bt, , k] = b.shape;
  const zero = tf.zeros([1, 1, 1]) as tf.Tensor3D;
  const diag = tf.sum(tf.where(diagonalMask(n), a, zero), 2, true) as tf.Tensor3D; // [Ba, n, 1]
  const negScaled = tf.div(tf.where(triangleMask(n, lower), a, zero), tf.neg(diag)) as tf.Tensor3D;
  let r = tf.div(b, diag) as tf.Tensor3D;
  const rows: tf.Tensor3D[] = new Array<tf.Tensor3D>(n);
  for (let s = 0; s < n; s++) {
    const i = lower ? s : n - 1 - s;
    const xi = tf.slice(r, [0, i, 0], [bt, 1, k]);
    rows[i] = xi;
    if (s === n - 1) break;
    const prev = r;
    r = tf.tidy(() => addOuter(prev, tf.slice(negScaled, [0, 0, i], [ba, n, 1]), xi));
    // Drop each superseded right-hand side now instead of at the end of the caller's tidy.
    prev.dispose();
  }
  return n === 1 ? (rows[0] as tf.Tensor3D) : tf.concat(rows, 1);
}
