import type * as tf from '@tensorflow/tfjs-core';

/**
 * A leaf of a tree: a tensor, or a plain number (as in JAX, where Python scalars are leaves; an
 * optimiser state may hold a step count). Nothing else is a leaf.
 */
export type Leaf = tf.Tensor | number;

/**
 * A pytree: nested plain objects and arrays whose leaves are tensors or numbers.
 *
 * - `null` and `undefined` are empty subtrees (JAX's `None`): they hold no leaf and are kept in place.
 * - An object key whose value is `undefined` counts as absent (as in JSON), so an optional field
 *   left out and one set to `undefined` give the same structure.
 * - Object keys are visited in sorted order (JavaScript's default string sort, as JAX sorts dict
 *   keys); arrays in index order. Flatten order, `ravel` order and path names all follow it.
 * - Only plain objects (prototype `Object.prototype` or `null`) and arrays are nodes; class
 *   instances, typed arrays, strings and booleans are rejected with an error naming their path.
 */
export type Tree = Leaf | null | undefined | readonly Tree[] | { readonly [key: string]: Tree };

/**
 * What the tree functions accept: a {@link Tree}, or any object type (TypeScript does not let an
 * `interface` meet an index signature, so `interface Params { w: tf.Tensor }` is not a `Tree`).
 * The contents are checked at run time.
 */
export type TreeLike = Tree | object;

/** One step of a path into a tree: an object key or an array index. */
export type PathKey = string | number;

/** Where a leaf sits: the path as a string (`layers[1].w`, `''` for the root) and as a key list. */
export interface LeafPath {
  readonly path: string;
  readonly keys: readonly PathKey[];
}

/** The leaf types of a tree type `T` (`tf.Tensor | number` for the general {@link Tree}). */
export type LeafOf<T> = [Tree] extends [T]
  ? Leaf
  : T extends tf.Tensor
    ? T
    : T extends number
      ? number
      : T extends null | undefined
        ? never
        : T extends readonly (infer E)[]
          ? LeafOf<E>
          : T extends object
            ? { [K in keyof T]-?: LeafOf<T[K]> }[keyof T]
            : never;

/** The tree type `T` with every leaf replaced by `R` (the result type of `map`). */
export type WithLeaves<T, R> = [Tree] extends [T]
  ? Tree
  : T extends Leaf
    ? R
    : T extends null | undefined
      ? T
      : T extends object
        ? { -readonly [K in keyof T]: WithLeaves<T[K], R> }
        : T;
