import * as tf from '@tensorflow/tfjs-core';
import { choleskyParts } from './internal/cholesky-core.js';
import { choleskyGrad3d } from './internal/cholesky-grad.js';
import { asFloat32, batchSize, squareSize } from './internal/shape.js';

/**
 * Cholesky factor of a batch of symmetric positive-definite matrices: the lower-triangular `L`
 * with positive diagonal and `L Lᵀ = A`, on the device in float32, with a gradient.
 *
 * @param a `[..., n, n]`, a float32 tensor or a nested array. As in JAX, the factor is that of the
 *   symmetrised `(A + Aᵀ)/2`, so both triangles are read and the gradient is symmetric (it is exact
 *   for that symmetrisation).
 * @returns `L`, `[..., n, n]`, zero above the diagonal.
 *
 * Non-positive-definite input cannot raise an error here (that would need a readback). Policy: in
 * each matrix of the batch, from the first column whose pivot (the diagonal of the Schur complement)
 * is not positive, that column and all later ones are NaN on and below the diagonal; earlier
 * columns hold the correct partial factor and other batch entries are unaffected. Use
 * {@link choleskyChecked} to get an Error naming the batch index, column and pivot instead.
 *
 * Cost: about 6n kernel dispatches (n steps of a rank-1 update; 7n on wasm, whose fused matmul
 * takes no full bias); the gradient adds one triangular inverse (about 3n) and two matmuls.
 *
 * @throws Error naming the shape when `a` is not `[..., n, n]`, or the dtype when it is not float32.
 */
export function cholesky(a: tf.Tensor | tf.TensorLike): tf.Tensor {
  return tf.tidy(() => {
    const x = asFloat32(a, 'a', 'cholesky');
    const n = squareSize(x.shape, 'a', 'cholesky');
    if (x.size === 0) return tf.zeros(x.shape);
    const shape = x.shape;
    const bt = batchSize(shape);
    const f = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
      const input = args[0] as tf.Tensor;
      const save = args[1] as tf.GradSaveFunc;
      const { l } = choleskyParts(tf.reshape(input, [bt, n, n]));
      const value = tf.reshape(l, shape);
      save([value]);
      return {
        value,
        gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) =>
          tf.reshape(
            choleskyGrad3d(
              tf.reshape(saved[0] as tf.Tensor, [bt, n, n]),
              tf.reshape(dy, [bt, n, n]),
            ),
            shape,
          ),
      };
    });
    return f(x);
  });
}

/**
 * {@link cholesky} with one readback of the pivots: resolves to the factor, or rejects with an
 * Error naming the first batch entry that is not positive definite (its index into the leading
 * dimensions), the 0-based column whose pivot failed, and the pivot value. No gradient (the
 * readback is asynchronous); use {@link cholesky} inside `tf.grad`.
 *
 * @param a `[..., n, n]` (float32 tensor or nested array), symmetrised as in {@link cholesky}.
 * @returns `L`, `[..., n, n]`, owned by the caller.
 * @throws (rejects with) an Error naming the shape when `a` is not `[..., n, n]`.
 */
export async function choleskyChecked(a: tf.Tensor | tf.TensorLike): Promise<tf.Tensor> {
  const { l, pivots } = tf.tidy(() => {
    const x = asFloat32(a, 'a', 'choleskyChecked');
    const n = squareSize(x.shape, 'a', 'choleskyChecked');
    if (x.size === 0) return { l: tf.zeros(x.shape), pivots: tf.zeros([0]) };
    const parts = choleskyParts(tf.reshape(x, [batchSize(x.shape), n, n]));
    return { l: tf.reshape(parts.l, x.shape), pivots: tf.reshape(parts.pivots, [-1]) };
  });
  let values: Awaited<ReturnType<tf.Tensor['data']>>;
  try {
    values = await pivots.data();
  } catch (e) {
    l.dispose();
    throw e;
  } finally {
    pivots.dispose();
  }
  const n = l.shape[l.rank - 1] as number;
  for (let flat = 0; flat < values.length; flat++) {
    const p = values[flat] as number;
    if (p > 0) continue;
    const batch = Math.floor(flat / n);
    const column = flat % n;
    const where = l.rank > 2 ? `batch index [${unravel(batch, l.shape.slice(0, -2)).join(', ')}], ` : '';
    l.dispose();
    throw new Error(
      `choleskyChecked: matrix is not positive definite at ${where}column ${column} (0-based): pivot ${p} is not > 0`,
    );
  }
  return l;
}

function unravel(flat: number, dims: readonly number[]): number[] {
  const out = new Array<number>(dims.length).fill(0);
  for (let i = dims.length - 1, r = flat; i >= 0; i--) {
    const d = dims[i] as number;
    out[i] = r % d;
    r = Math.floor(r / d);
  }
  return out;
}
