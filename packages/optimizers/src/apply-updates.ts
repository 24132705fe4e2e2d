import * as tf from '@tensorflow/tfjs-core';
import { tree, type Tree } from '@probdl/tensor-backend';

/**
 * params + updates, leaf by leaf, as fresh tensors in the dtype of each parameter. Disposes
 * neither argument. Trees of different structure or shape are an error naming the path.
 */
export function applyUpdates<T extends Tree>(params: T, updates: Tree): T {
  tree.assertSameShapes(params, updates, 'applyUpdates');
  return tree.map((p: tf.Tensor, u: tf.Tensor) => (p.dtype === u.dtype ? tf.add(p, u) : tf.add(p, tf.cast(u, p.dtype))), params as never, updates as never) as T;
}

/** sqrt(Σ leaves²) over every leaf of the tree, as a float32 scalar tensor. */
export function globalNorm(t: Tree): tf.Scalar {
  return tf.tidy(() => {
    const leaves = tree.leaves(t).filter((x): x is tf.Tensor => x instanceof tf.Tensor);
    if (leaves.length === 0) return tf.scalar(0);
    return tf.sqrt(tf.addN(leaves.map((x) => tf.sum(tf.square(tf.cast(x, 'float32')))))) as tf.Scalar;
  });
}
