import * as tf from '@tensorflow/tfjs-core';
import type { LeafOf, LeafPath, TreeLike, WithLeaves } from './types.js';
import { flattenWithPaths, leavesMatching, unflatten } from './flatten.js';
import { formatPath } from './path.js';

/**
 * Applies `f` to the leaves of `tree` and builds a tree of the same structure from the results
 * (`jax.tree_util.tree_map`). With `rest` trees, `f` gets the leaves of every tree at the same
 * place: `map((p, g) => tf.sub(p, tf.mul(lr, g)), params, grads)`.
 *
 * - Every tree in `rest` must have the structure of `tree`; otherwise the error names the first
 *   path where they differ (e.g. `layers[1].w`).
 * - Empty subtrees (`null`/`undefined`) are not passed to `f` and stay in place.
 * - `f` runs inside `tf.tidy`: the tensors it returns are kept, other tensors it makes are disposed.
 *   Inputs are never disposed.
 */
export function map<T extends TreeLike, R>(
  f: (leaf: LeafOf<T>, ...rest: LeafOf<T>[]) => R,
  tree: T,
  ...rest: readonly TreeLike[]
): WithLeaves<T, R> {
  return mapImpl('map', (_, leaf, others) => f(leaf as LeafOf<T>, ...(others as LeafOf<T>[])), tree, rest) as WithLeaves<T, R>;
}

/**
 * {@link map} where `f` also gets where the leaf sits, first: `path.path` as a string
 * (`layers[1].w`, `''` for a root leaf) and `path.keys` as a key list (`['layers', 1, 'w']`)
 * (`jax.tree_util.tree_map_with_path`).
 */
export function mapWithPath<T extends TreeLike, R>(
  f: (path: LeafPath, leaf: LeafOf<T>, ...rest: LeafOf<T>[]) => R,
  tree: T,
  ...rest: readonly TreeLike[]
): WithLeaves<T, R> {
  return mapImpl('mapWithPath', (p, leaf, others) => f(p, leaf as LeafOf<T>, ...(others as LeafOf<T>[])), tree, rest) as WithLeaves<T, R>;
}

function mapImpl(
  fn: string,
  f: (path: LeafPath, leaf: unknown, rest: unknown[]) => unknown,
  tree: unknown,
  rest: readonly unknown[],
): unknown {
  const { leaves, paths, treedef } = flattenWithPaths(tree, fn);
  const restLeaves = rest.map((r, i) => leavesMatching(treedef, r, fn, `tree ${i + 2}`));
  return tf.tidy(() => {
    const out = leaves.map((leaf, j) => {
      const keys = paths[j]!;
      return f(
        { path: formatPath(keys), keys },
        leaf,
        restLeaves.map((r) => r[j]),
      );
    });
    return unflatten(treedef, out) as tf.TensorContainer;
  });
}
