import * as tf from '@tensorflow/tfjs-core';
import { triangleMask } from './internal/constants.js';
import { asFloat32, broadcastBatch, showShape, squareSize, sumToShape } from './internal/shape.js';
import { solveGeneral, type SolveFlags } from './internal/solve-general.js';

/** Options of {@link triangularSolve}. */
export interface TriangularSolveOptions {
  /** A is lower triangular (default true); otherwise upper. Only that triangle of `a` is read. */
  lower?: boolean;
  /** Solve with Aᵀ instead of A (default false). */
  transpose?: boolean;
  /** A on the left, `op(A) X = B` (default true); false solves `X op(A) = B`. */
  left?: boolean;
}

/**
 * Solves a batch of triangular systems on the device, in float32, with gradients for both
 * arguments: `op(A) X = B` (left, the default) or `X op(A) = B`, where op(A) is A or Aᵀ.
 *
 * @param a `[..., n, n]` (a float32 tensor or nested array, as is `b`); only its lower (default) or
 *   upper triangle, diagonal included, is read, and its gradient is zero outside that triangle.
 * @param b `[..., n, k]` for a left solve, `[..., k, n]` for a right one (a vector is `[..., n, 1]`).
 *   The leading dimensions of `a` and `b` broadcast against each other (numpy rules).
 * @param options `{ lower = true, transpose = false, left = true }`.
 * @returns X with the broadcast batch shape and B's last two dimensions.
 *
 * A zero on the diagonal gives Inf/NaN in the affected entries (no error: that would need a
 * readback). Cost: about 3n kernel dispatches (4n on wasm); the gradient is one more solve and
 * one matmul.
 *
 * @throws Error naming the shapes when `a` is not square, the inner sizes differ, or the batch
 *   dimensions do not broadcast; the dtype when an argument is not float32.
 */
export function triangularSolve(
  a: tf.Tensor | tf.TensorLike,
  b: tf.Tensor | tf.TensorLike,
  options: TriangularSolveOptions = {},
): tf.Tensor {
  const flags: SolveFlags = {
    lower: options.lower ?? true,
    transpose: options.transpose ?? false,
    left: options.left ?? true,
  };
  return tf.tidy(() => {
    const fn = 'triangularSolve';
    const at = asFloat32(a, 'a', fn);
    const bt = asFloat32(b, 'b', fn);
    const n = squareSize(at.shape, 'a', fn);
    if (bt.rank < 2) {
      throw new Error(
        `${fn}: 'b' must have shape [..., n, k] (a vector is [..., n, 1]), got shape ${showShape(bt.shape)}`,
      );
    }
    const inner = flags.left ? bt.shape[bt.rank - 2] : bt.shape[bt.rank - 1];
    if (inner !== n) {
      const want = flags.left ? `[..., ${n}, k]` : `[..., k, ${n}]`;
      throw new Error(
        `${fn}: 'b' must have shape ${want} to match 'a' ${showShape(at.shape)} (left: ${flags.left}), ` +
          `got shape ${showShape(bt.shape)}`,
      );
    }
    const batch = broadcastBatch(at.shape.slice(0, -2), bt.shape.slice(0, -2), fn);
    const outShape = [...batch, ...bt.shape.slice(-2)];
    if (tf.util.sizeFromShape(outShape) === 0 || n === 0) return tf.zeros(outShape);
    const aShape = at.shape;
    const bShape = bt.shape;
    const f = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
      const [aIn, bIn, save] = args as [tf.Tensor, tf.Tensor, tf.GradSaveFunc];
      const value = solveGeneral(aIn, bIn, batch, flags);
      save([aIn, value]);
      return {
        value,
        gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
          const [aS, x] = saved as [tf.Tensor, tf.Tensor];
          // B̄ = op(A)⁻ᵀ X̄ (left) or X̄ op(A)⁻ᵀ (right): the same solve with op transposed.
          const gb = solveGeneral(aS, dy, batch, { ...flags, transpose: !flags.transpose });
          let ga: tf.Tensor;
          if (flags.left) ga = flags.transpose ? tf.matMul(x, gb, false, true) : tf.matMul(gb, x, false, true);
          else ga = flags.transpose ? tf.matMul(gb, x, true, false) : tf.matMul(x, gb, true, false);
          ga = tf.where(triangleMask(n, flags.lower), tf.neg(ga), tf.scalar(0));
          return [sumToShape(ga, aShape), sumToShape(gb, bShape)];
        },
      };
    });
    return f(at, bt);
  });
}
