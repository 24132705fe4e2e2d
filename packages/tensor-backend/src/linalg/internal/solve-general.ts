import * as tf from '@tensorflow/tfjs-core';
import { toBatch3d } from './shape.js';
import { solveTriangular3d } from './solve-core.js';

/** Options of a triangular solve: which triangle of A, whether Aᵀ is used, which side A is on. */
export interface SolveFlags {
  lower: boolean;
  transpose: boolean;
  left: boolean;
}

/**
 * `op(A) X = B` (left) or `X op(A) = B` (right), op(A) = A or Aᵀ, with `a` `[...aBatch, n, n]`,
 * `b` `[...bBatch, m, k]` and the broadcast batch shape `batch`; returns `[...batch, m, k]`.
 * Every case becomes a left solve with a lower or upper matrix (transposes cost one kernel each).
 */
export function solveGeneral(a: tf.Tensor, b: tf.Tensor, batch: readonly number[], flags: SolveFlags): tf.Tensor {
  const a3 = toBatch3d(a, batch, true);
  const b3 = toBatch3d(b, batch, false);
  const t = (x: tf.Tensor3D): tf.Tensor3D => tf.transpose(x, [0, 2, 1]);
  let x3: tf.Tensor3D;
  if (flags.left) {
    x3 = solveTriangular3d(flags.transpose ? t(a3) : a3, b3, flags.lower !== flags.transpose);
  } else {
    // X A = B  <=>  Aᵀ Xᵀ = Bᵀ;  X Aᵀ = B  <=>  A Xᵀ = Bᵀ.
    const aEff = flags.transpose ? a3 : t(a3);
    x3 = t(solveTriangular3d(aEff, t(b3), flags.lower === flags.transpose));
  }
  return tf.reshape(x3, [...batch, x3.shape[1], x3.shape[2]]);
}
