import * as tf from '@tensorflow/tfjs-core';
import { identity } from './internal/constants.js';
import { asFloat32, showShape, squareSize } from './internal/shape.js';
import { triangularSolve } from './triangular-solve.js';

/**
 * Solves `(L Lᵀ) X = B` given a Cholesky factor, by two triangular solves (`L Y = B`, `Lᵀ X = Y`);
 * gradients for both arguments flow through those solves.
 *
 * @param l `[..., n, n]`, lower triangular (its upper triangle is not read); float32 tensors or
 *   nested arrays, as is `b`.
 * @param b `[..., n, k]`; batch dimensions broadcast with those of `l`.
 * @returns X, `[...batch, n, k]`. A NaN factor (see {@link cholesky}) gives NaN.
 * @throws Error naming the shapes when they do not fit.
 */
export function choleskySolve(l: tf.Tensor | tf.TensorLike, b: tf.Tensor | tf.TensorLike): tf.Tensor {
  return tf.tidy(() => {
    const lt = asFloat32(l, 'l', 'choleskySolve');
    const bt = asFloat32(b, 'b', 'choleskySolve');
    const n = squareSize(lt.shape, 'l', 'choleskySolve');
    if (bt.rank < 2 || bt.shape[bt.rank - 2] !== n) {
      throw new Error(
        `choleskySolve: 'b' must have shape [..., ${n}, k] to match 'l' ${showShape(lt.shape)}, ` +
          `got shape ${showShape(bt.shape)}`,
      );
    }
    const y = triangularSolve(lt, bt, { lower: true });
    return triangularSolve(lt, y, { lower: true, transpose: true });
  });
}

/**
 * The inverse of `L Lᵀ` from its Cholesky factor: `L⁻ᵀ L⁻¹`, symmetrised so that the result is
 * exactly symmetric. One triangular inverse (about 3n dispatches) and one matmul; gradient by
 * autodiff through {@link triangularSolve}.
 *
 * @param l `[..., n, n]`, lower triangular (upper triangle not read); float32 tensor or nested array.
 * @returns `(L Lᵀ)⁻¹`, `[..., n, n]`.
 * @throws Error naming the shape when `l` is not `[..., n, n]`.
 */
export function choleskyInverse(l: tf.Tensor | tf.TensorLike): tf.Tensor {
  return tf.tidy(() => {
    const lt = asFloat32(l, 'l', 'choleskyInverse');
    const n = squareSize(lt.shape, 'l', 'choleskyInverse');
    if (lt.size === 0) return tf.zeros(lt.shape);
    const lInv = triangularSolve(lt, identity(n), { lower: true });
    const m = tf.matMul(lInv, lInv, true, false);
    const perm = [...Array(m.rank).keys()];
    perm.push(perm.splice(-2, 1)[0] as number);
    return tf.mul(tf.add(m, tf.transpose(m, perm)), 0.5);
  });
}
