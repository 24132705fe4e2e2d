import * as tf from '@tensorflow/tfjs-core';
import type { Leaf, TreeLike } from './types.js';
import { flattenWithPaths, isPlainObject, unflatten } from './flatten.js';

function mapLeaves<T>(fn: string, tree: T, f: (leaf: Leaf) => Leaf): T {
  const { leaves, treedef } = flattenWithPaths(tree, fn);
  return tf.tidy(() => unflatten(treedef, leaves.map(f)) as tf.TensorContainer) as T;
}

/**
 * A tree of the structure of `tree` with zeros at the leaves: `tf.zerosLike` of every tensor
 * (same shape and dtype), `0` for every number leaf. Empty subtrees stay in place.
 */
export function zerosLike<T extends TreeLike>(tree: T): T {
  return mapLeaves('zerosLike', tree, (l) => (typeof l === 'number' ? 0 : tf.zerosLike(l)));
}

/** As {@link zerosLike}, with ones: `tf.onesLike` of every tensor, `1` for every number leaf. */
export function onesLike<T extends TreeLike>(tree: T): T {
  return mapLeaves('onesLike', tree, (l) => (typeof l === 'number' ? 1 : tf.onesLike(l)));
}

/**
 * A copy of `tree` whose tensor leaves are `tf.clone`s (sharing data, so cheap), which the caller
 * disposes independently of the originals. Number leaves and empty subtrees are copied as they are.
 */
export function clone<T extends TreeLike>(tree: T): T {
  return mapLeaves('clone', tree, (l) => (typeof l === 'number' ? l : tf.clone(l)));
}

/** The total number of elements over the leaves: `t.size` for a tensor, 1 for a number. */
export function size(tree: TreeLike): number {
  return flattenWithPaths(tree, 'size').leaves.reduce<number>((n, l) => n + (typeof l === 'number' ? 1 : l.size), 0);
}

/**
 * Disposes every tensor in `tree`. Unlike the other tree functions it accepts any value and never
 * throws: it walks arrays and plain objects, disposes the tensors it finds and ignores everything
 * else (numbers, strings, class instances), so it can clean up auxiliary outputs and states that
 * carry non-tree data. Disposing a tensor twice is harmless.
 */
export function dispose(tree: unknown): void {
  const seen = new Set<object>();
  const walk = (x: unknown): void => {
    if (x instanceof tf.Tensor) {
      x.dispose();
      return;
    }
    if (typeof x !== 'object' || x === null || seen.has(x)) return;
    if (Array.isArray(x)) {
      seen.add(x);
      x.forEach(walk);
    } else if (isPlainObject(x)) {
      seen.add(x);
      Object.values(x).forEach(walk);
    }
  };
  walk(tree);
}
