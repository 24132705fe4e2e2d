import * as tf from '@tensorflow/tfjs-core';
import { unitRow } from './constants.js';
import { addOuter } from './outer.js';

// Added to |candidate| so that a row still available always beats a used row (score 0), even
// when every available candidate is exactly zero: then the zero pivot is taken and flagged. The
// smallest normal float32, so only subnormal candidates (flushed to zero on many GPUs) tie with 0.
const TIE_BREAK = 2 ** -126;

/**
 * Float32 one-hot rows. wasm's OneHot kernel ignores dtype float32 (it writes int32 bits), so there
 * it is an int32 one-hot and a cast; webgpu's cast from int32 only relabels the buffer, so there
 * (and on cpu) the kernel makes float32 directly.
 */
function oneHotFloat(indices: tf.Tensor, n: number): tf.Tensor {
  if (tf.getBackend() === 'wasm') return tf.cast(tf.oneHot(indices, n), 'float32');
  return tf.oneHot(indices, n, 1, 0, 'float32');
}

/**
 * Inverse of `a` `[B, n, n]` (n ≥ 2) by in-place Gauss–Jordan with partial pivoting; call inside
 * a tidy.
 *
 * Rows are never swapped. Step j picks the pivot row p_j as the largest |M[i, j]| among rows not
 * yet used (argMax, then a one-hot row), and one rank-1 update
 * `M += (e_p − c)(M[p, :] + e_jᵀ) / M[p, j]` (c = M[:, j]) performs the elimination and stores the
 * new inverse column in place of column j. With Qᵀ the stack of the one-hot pivot rows, the stored
 * matrix is Q A⁻¹ Q, so A⁻¹ = Qᵀ M Qᵀ. About 15 kernels a step.
 *
 * Singular policy: an exactly zero pivot (no non-zero candidate left in a column) makes that
 * batch entry's whole inverse NaN; other entries are unaffected. A nearly singular matrix gives
 * large finite values, as LAPACK's getri would.
 */
export function inverse3d(a: tf.Tensor3D): tf.Tensor3D {
  const [bt, n] = a.shape;
  let m = a;
  let avail = tf.ones([bt, n, 1]) as tf.Tensor3D;
  const tie = tf.scalar(TIE_BREAK);
  const pickRows: tf.Tensor3D[] = [];
  const pivots: tf.Tensor3D[] = [];
  for (let j = 0; j < n; j++) {
    const prevM = m;
    const prevAvail = avail;
    const step = tf.tidy(() => {
      const c = tf.slice(prevM, [0, 0, j], [bt, n, 1]);
      const score = tf.mul(tf.add(tf.abs(c), tie), prevAvail);
      const pick = oneHotFloat(tf.argMax(score, 1), n) as tf.Tensor3D; // [B, 1, n]
      const pickCol = tf.reshape(pick, [bt, n, 1]) as tf.Tensor3D;
      const row = tf.matMul(pick, prevM) as tf.Tensor3D; // [B, 1, n], exact: one-hot times M
      const pivot = tf.slice(row, [0, 0, j], [bt, 1, 1]) as tf.Tensor3D;
      const v = tf.div(tf.add(row, unitRow(n, j)), pivot) as tf.Tensor3D;
      const next = addOuter(prevM, tf.sub(pickCol, c) as tf.Tensor3D, v);
      return { next, avail: tf.sub(prevAvail, pickCol) as tf.Tensor3D, pick, pivot };
    });
    if (prevM !== a) prevM.dispose();
    prevAvail.dispose();
    m = step.next;
    avail = step.avail;
    pickRows.push(step.pick);
    pivots.push(step.pivot);
  }
  const qt = tf.concat(pickRows, 1); // row j = e_{p_j}ᵀ
  const inv = tf.matMul(tf.matMul(qt, m), qt);
  const p = tf.concat(pivots, 2); // [B, 1, n]
  const singular = tf.any(tf.logicalOr(tf.equal(p, 0), tf.isNaN(p)), 2, true); // [B, 1, 1]
  return tf.where(singular, tf.scalar(Number.NaN), inv) as tf.Tensor3D;
}
