import * as tf from '@tensorflow/tfjs-core';
import { unflatten } from '../tree/flatten.js';
import type { TreeLike, WithLeaves } from '../tree/types.js';
import { differentiableLeaves, gradientsOf } from './gradients.js';

/** The Jacobian of a function of `X`: a tensor for a tensor input, a tree of tensors for a tree input. */
export type JacobianOf<X> = X extends tf.Tensor ? tf.Tensor : WithLeaves<X, tf.Tensor>;

/**
 * `jacobian(f)` is a function that returns the Jacobian of `f` at `x` (`jax.jacrev`). `f` maps a
 * float32 tensor, or a tree of them, to a float32 tensor of shape `outShape`; extra arguments are
 * passed through and not differentiated.
 *
 * - Tensor input of shape `inShape`: a tensor of shape `[...outShape, ...inShape]`,
 *   `J[i..., j...] = ∂ f(x)[i...] / ∂ x[j...]`.
 * - Tree input: a tree of the same structure whose leaf for an input leaf of shape `s` has shape
 *   `[...outShape, ...s]`.
 *
 * Cost: reverse mode, one row at a time; `m = prod(outShape)` forward and backward passes of `f`
 * (tfjs has no vmap or forward mode). Meant for small functions: tens to a few hundred outputs.
 * Leaves must be float32 tensors (errors name the path). Tidy: nothing leaks, inputs are not disposed.
 */
export function jacobian<X extends TreeLike, A extends unknown[]>(
  f: (x: X, ...args: A) => tf.Tensor,
): (x: X, ...args: A) => JacobianOf<X> {
  return (x, ...args) => jacobianImpl('jacobian', f as (x: unknown, ...args: unknown[]) => tf.Tensor, x, args) as JacobianOf<X>;
}

/** The shared body; `fn` names the public function in errors. */
export function jacobianImpl(fn: string, f: (x: unknown, ...args: unknown[]) => tf.Tensor, x: unknown, args: unknown[]): unknown {
  if (typeof f !== 'function') throw new TypeError(`${fn}: 'f' must be a function, got ${typeof f}`);
  const { leaves, treedef } = differentiableLeaves(fn, 'x', x);
  if (leaves.length === 0) return unflatten(treedef, []);
  return tf.tidy(() => {
    const xs = leaves.map((l) => tf.clone(l));
    let outShape: number[] | undefined;
    let m = 1;
    const rows: tf.Tensor[][] = leaves.map(() => []);
    for (let i = 0; i < m; i++) {
      const { value, grads } = gradientsOf(
        fn,
        () => {
          const y = f(unflatten(treedef, xs), ...args);
          if (!(y instanceof tf.Tensor)) throw new TypeError(`${fn}: f must return a float32 tensor, got ${typeof y}`);
          if (y.dtype !== 'float32') throw new TypeError(`${fn}: f must return a float32 tensor, got dtype ${y.dtype}`);
          if (outShape === undefined) {
            outShape = y.shape.slice();
            m = y.size;
          } else if (y.shape.join(',') !== outShape.join(',')) {
            throw new Error(`${fn}: f returned shape [${y.shape.join(', ')}] after [${outShape.join(', ')}]; it must be deterministic`);
          }
          // Row i: the gradient of output element i. (An empty output has no rows; tf.sum of an
          // empty tensor fails on WebGPU, so return an unconnected scalar.)
          return m === 0 ? tf.scalar(0) : tf.sum(tf.slice(tf.reshape(y, [-1]), [i], [1]));
        },
        xs,
      );
      value.dispose();
      if (m === 0) break;
      grads.forEach((g, j) => rows[j]!.push(g));
    }
    const shape = outShape ?? [];
    const jac = leaves.map((l, j) =>
      m === 0 ? tf.zeros([...shape, ...l.shape]) : tf.reshape(tf.stack(rows[j]!), [...shape, ...l.shape]),
    );
    return (x instanceof tf.Tensor ? jac[0]! : unflatten(treedef, jac)) as tf.TensorContainer;
  });
}
