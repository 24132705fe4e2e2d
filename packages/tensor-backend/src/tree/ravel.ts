import * as tf from '@tensorflow/tfjs-core';
import type { Leaf, PathKey, TreeLike } from './types.js';
import { flattenWithPaths, unflatten } from './flatten.js';
import type { TreeDefImpl } from './treedef.js';
import { pathForError } from './path.js';

/** A tree ravelled into one vector, and the way back. */
export interface Ravelled<T, F extends tf.Tensor = tf.Tensor> {
  /** All leaves as float32, concatenated in tree order: shape `[n]` (or `[...batch, n]` for `ravelBatched`). */
  flat: F;
  /** The tree back from a vector of the same layout (fresh tensors; `flat` is not disposed). */
  unravel(flat: tf.Tensor): T;
}

/** What unravel needs to know about one leaf. */
interface LeafLayout {
  shape: number[];
  size: number;
  dtype: tf.DataType;
}

function layoutOf(fn: string, leaf: Leaf, keys: readonly PathKey[], batchDims: number): LeafLayout {
  if (typeof leaf === 'number') {
    if (batchDims > 0) throw new Error(`${fn}: leaf ${pathForError(keys)} is a number, which has no batch dimensions`);
    return { shape: [], size: 1, dtype: 'float32' };
  }
  if (leaf.dtype === 'string' || leaf.dtype === 'complex64') {
    throw new Error(`${fn}: leaf ${pathForError(keys)} has dtype ${leaf.dtype}; only float32, int32 and bool can be ravelled`);
  }
  const shape = leaf.shape.slice(batchDims);
  return { shape, size: shape.reduce((a, b) => a * b, 1), dtype: leaf.dtype };
}

function toFloat(leaf: Leaf): tf.Tensor {
  if (typeof leaf === 'number') return tf.scalar(leaf, 'float32');
  return leaf.dtype === 'float32' ? leaf : tf.cast(leaf, 'float32');
}

function fromFloat(piece: tf.Tensor, dtype: tf.DataType): tf.Tensor {
  return dtype === 'float32' ? piece : tf.cast(piece, dtype);
}

/**
 * Ravels `tree` into one float32 vector (`jax.flatten_util.ravel_pytree`): every leaf flattened
 * (row-major) and concatenated in tree order (sorted object keys, arrays in order). `unravel(v)`
 * maps a vector of the same length back to a tree of the original structure, shapes and dtypes.
 *
 * - int32 and bool leaves are cast to float32 and cast back by `unravel`.
 * - A number leaf takes one element and comes back from `unravel` as a float32 scalar tensor (not a
 *   number: readback would be synchronous).
 * - `unravel` checks that its argument has shape `[n]`, naming `n`; both are differentiable, so a
 *   function of the tree can be written as a function of the vector (as `hessian` does).
 */
export function ravel<T extends TreeLike>(tree: T): Ravelled<T, tf.Tensor1D> {
  const { leaves, paths, treedef } = flattenWithPaths(tree, 'ravel');
  const layouts = leaves.map((l, i) => layoutOf('ravel', l, paths[i]!, 0));
  const n = layouts.reduce((a, l) => a + l.size, 0);
  const flat = tf.tidy(() => concatLeaves(leaves, [], n)) as tf.Tensor1D;
  const unravel = (v: tf.Tensor): T => {
    if (!(v instanceof tf.Tensor) || v.rank !== 1 || v.shape[0] !== n) {
      throw new Error(
        `unravel: expected a flat vector of shape [${n}] (the ravelled size of the tree), got ` +
          (v instanceof tf.Tensor ? `shape [${v.shape.join(', ')}]` : String(v)),
      );
    }
    return unravelPieces(treedef, layouts, v, []);
  };
  return { flat, unravel };
}

/**
 * As {@link ravel} for a tree whose leaves share `batchDims` leading batch dimensions (e.g. one
 * position per chain): `flat` has shape `[...batch, n]`, the leaves' trailing (event) parts
 * flattened and concatenated along the last axis in tree order.
 *
 * `unravel(v)` takes any `v` of shape `[...lead, n]` and returns leaves of shape
 * `[...lead, ...eventShape]`; `lead` is usually the batch shape but need not be (a stack of draws).
 * Every leaf must be a tensor of rank at least `batchDims` with the same batch shape; errors name
 * the path and the shapes. A tree with no leaves has no batch shape and is rejected when `batchDims > 0`.
 */
export function ravelBatched<T extends TreeLike>(tree: T, batchDims: number): Ravelled<T> {
  if (!Number.isInteger(batchDims) || batchDims < 0) {
    throw new Error(`ravelBatched: 'batchDims' must be a non-negative integer, got ${batchDims}`);
  }
  const { leaves, paths, treedef } = flattenWithPaths(tree, 'ravelBatched');
  if (leaves.length === 0 && batchDims > 0) {
    throw new Error(`ravelBatched: the tree has no leaves, so it has no batch shape (batchDims = ${batchDims})`);
  }
  let batchShape: number[] | undefined;
  let batchPath = '';
  leaves.forEach((l, i) => {
    if (typeof l === 'number') return;
    const where = pathForError(paths[i]!);
    if (l.rank < batchDims) {
      throw new Error(`ravelBatched: leaf ${where} has shape [${l.shape.join(', ')}], fewer than batchDims = ${batchDims} dimensions`);
    }
    const b = l.shape.slice(0, batchDims);
    if (batchShape === undefined) {
      batchShape = b;
      batchPath = where;
    } else if (b.join(',') !== batchShape.join(',')) {
      throw new Error(
        `ravelBatched: leaf ${where} has batch shape [${b.join(', ')}] but leaf ${batchPath} has [${batchShape.join(', ')}]`,
      );
    }
  });
  const layouts = leaves.map((l, i) => layoutOf('ravelBatched', l, paths[i]!, batchDims));
  const n = layouts.reduce((a, l) => a + l.size, 0);
  const batch = batchShape ?? [];
  const flat = tf.tidy(() => concatLeaves(leaves, batch, n));
  const unravel = (v: tf.Tensor): T => {
    if (!(v instanceof tf.Tensor) || v.rank < 1 || v.shape[v.rank - 1] !== n) {
      throw new Error(
        `unravel: expected a tensor of shape [..., ${n}] (last axis the ravelled event size of the tree), got ` +
          (v instanceof tf.Tensor ? `shape [${v.shape.join(', ')}]` : String(v)),
      );
    }
    return unravelPieces(treedef, layouts, v, v.shape.slice(0, -1));
  };
  return { flat, unravel };
}

/**
 * The leaves reshaped to `[...batch, eventSize]` and concatenated along the last axis. Empty leaves
 * are left out (concat and reductions of empty tensors fail on some backends).
 */
function concatLeaves(leaves: readonly Leaf[], batch: number[], n: number): tf.Tensor {
  const parts = leaves.filter((l) => typeof l === 'number' || l.size > 0);
  if (parts.length === 0) return tf.zeros([...batch, n]);
  const flat = parts.map((l) => tf.reshape(toFloat(l), [...batch, -1]));
  return flat.length === 1 ? flat[0]! : tf.concat(flat, -1);
}

/** Slices `v` along its last axis into the leaves, each reshaped to `[...lead, ...shape]`. */
function unravelPieces<T>(treedef: TreeDefImpl<never>, layouts: readonly LeafLayout[], v: tf.Tensor, lead: number[]): T {
  return tf.tidy(() => {
    let offset = 0;
    const begin = lead.map(() => 0);
    const pieces = layouts.map(({ shape, size, dtype }) => {
      const outShape = [...lead, ...shape];
      const piece =
        size === 0 || v.size === 0
          ? tf.zeros(outShape, dtype)
          : fromFloat(tf.reshape(tf.slice(v, [...begin, offset], [...lead, size]), outShape), dtype);
      offset += size;
      return piece;
    });
    return unflatten(treedef, pieces) as tf.TensorContainer;
  }) as T;
}
