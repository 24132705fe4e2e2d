import * as tf from '@tensorflow/tfjs-core';
import { tree, type Tree } from '@probdl/tensor-backend';

export { tidyPair } from '../internal/tidy-pair.js';

/**
 * Selects `a` where `cond` holds and `b` elsewhere, leaf by leaf over two trees of one structure
 * (fresh tensors). Number leaves are host values that a device select cannot choose between
 * without a readback: they are taken from `a` (callers pass the new state as `a`, so host values
 * such as `addNoise`'s key words advance at every call and a key is never reused). Internal.
 */
export function selectTree(cond: tf.Tensor, a: Tree, b: Tree): Tree {
  return tree.map((x: tf.Tensor | number, y: tf.Tensor | number) => {
    if (typeof x === 'number' || typeof y === 'number') return x;
    return tf.where(cond, x.dtype === y.dtype ? x : tf.cast(x, y.dtype), y);
  }, a as never, b as never) as Tree;
}
