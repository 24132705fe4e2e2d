import * as tf from '@tensorflow/tfjs-core';
import { tree } from '@probdl/tensor-backend';

/** Checks that every leaf of `data` is a tensor with a common leading dimension; returns it. */
export function leadingDim(fn: string, arg: string, data: unknown): number {
  const { leaves } = tree.flatten(data as tree.TreeLike);
  if (leaves.length === 0) throw new Error(`${fn}: ${arg} has no tensor leaves`);
  let n = -1;
  tree.mapWithPath((path, leaf) => {
    const where = path.path || '<root>';
    if (!(leaf instanceof tf.Tensor) || leaf.rank === 0) {
      throw new Error(`${fn}: ${arg} leaf '${where}' must be a tensor with a leading row axis, got ${leaf instanceof tf.Tensor ? 'a scalar tensor' : typeof leaf}`);
    }
    const rows = leaf.shape[0]!;
    if (n === -1) n = rows;
    else if (rows !== n) throw new Error(`${fn}: ${arg} leaf '${where}' has shape [${leaf.shape.join(', ')}], leading dimension ${rows}; other leaves have ${n}`);
    return 0;
  }, data as tree.TreeLike);
  return n;
}

/** Fresh tensors: rows `idx` of every leaf. */
export function gatherRows<T>(data: T, idx: Int32Array): T {
  const i = tf.tensor1d(idx, 'int32');
  try {
    return tree.map((leaf) => tf.gather(leaf as tf.Tensor, i, 0), data as tree.TreeLike) as T;
  } finally {
    i.dispose();
  }
}
