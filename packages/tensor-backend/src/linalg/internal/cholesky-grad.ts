import * as tf from '@tensorflow/tfjs-core';
import { identity, phiWeights } from './constants.js';
import { solveTriangular3d } from './solve-core.js';

/**
 * Reverse-mode rule of the Cholesky factor (Murray 2016; the rule of TF, JAX and TFP):
 * `Ā = sym(L⁻ᵀ Φ(Lᵀ L̄) L⁻¹)`, Φ = lower triangle with the diagonal halved, sym(X) = (X + Xᵀ)/2.
 * Exact for the symmetrised input `(A + Aᵀ)/2` that the forward pass factors. `l`, `dl` `[B, n, n]`.
 */
export function choleskyGrad3d(l: tf.Tensor3D, dl: tf.Tensor3D): tf.Tensor3D {
  const [bt, n] = l.shape;
  const phi = tf.mul(tf.matMul(l, dl, true, false), phiWeights(n));
  const eye = tf.broadcastTo(identity(n), [bt, n, n]) as tf.Tensor3D;
  const lInv = solveTriangular3d(l, eye, true);
  const x = tf.matMul(lInv, tf.matMul(phi, lInv), true, false);
  return tf.mul(tf.add(x, tf.transpose(x, [0, 2, 1])), 0.5) as tf.Tensor3D;
}
