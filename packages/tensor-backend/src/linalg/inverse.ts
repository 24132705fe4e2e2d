import * as tf from '@tensorflow/tfjs-core';
import { inverse3d } from './internal/inverse-core.js';
import { asFloat32, batchSize, squareSize } from './internal/shape.js';

/**
 * Inverse of a batch of general square matrices on the device, in float32, by Gauss–Jordan
 * elimination with partial pivoting, with the gradient `Ā = −A⁻ᵀ Ḡ A⁻ᵀ`.
 *
 * @param a `[..., n, n]`, a float32 tensor or a nested array.
 * @returns `A⁻¹`, `[..., n, n]`.
 *
 * Singular policy (no readback, so no error): when elimination meets an exactly zero pivot
 * (a column with no non-zero candidate left), the whole inverse of that batch entry is NaN; other
 * batch entries are unaffected. A matrix that is only numerically singular gives large, inaccurate
 * finite values: check the condition number when it matters. Cost: about 15n kernel dispatches.
 * Prefer {@link choleskySolve} / {@link choleskyInverse} for symmetric positive-definite matrices.
 *
 * @throws Error naming the shape when `a` is not `[..., n, n]`.
 */
export function inverse(a: tf.Tensor | tf.TensorLike): tf.Tensor {
  return tf.tidy(() => {
    const x = asFloat32(a, 'a', 'inverse');
    const n = squareSize(x.shape, 'a', 'inverse');
    if (x.size === 0) return tf.zeros(x.shape);
    const shape = x.shape;
    const bt = batchSize(shape);
    const f = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
      const [input, save] = args as [tf.Tensor, tf.GradSaveFunc];
      let value: tf.Tensor;
      if (n === 1) value = tf.where(tf.equal(input, 0), tf.scalar(Number.NaN), tf.reciprocal(input));
      else value = tf.reshape(inverse3d(tf.reshape(input, [bt, n, n])), shape);
      save([value]);
      return {
        value,
        gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
          const inv = saved[0] as tf.Tensor;
          return tf.neg(tf.matMul(inv, tf.matMul(dy, inv, false, true), true, false));
        },
      };
    });
    return f(x);
  });
}
