import * as tf from '@tensorflow/tfjs-core';
import type { Leaf, LeafOf, PathKey, TreeLike } from './types.js';
import { TreeDefImpl, asImpl, type TreeDef, type TreeNode } from './treedef.js';
import { describeValue, pathForError } from './path.js';

/** Whether `x` is a plain object node (prototype `Object.prototype` or `null`). */
export function isPlainObject(x: unknown): x is Record<string, unknown> {
  if (typeof x !== 'object' || x === null || Array.isArray(x)) return false;
  const proto: unknown = Object.getPrototypeOf(x);
  return proto === Object.prototype || proto === null;
}

/** Whether `x` is a leaf: a tensor or a number. */
export function isLeaf(x: unknown): x is Leaf {
  return x instanceof tf.Tensor || typeof x === 'number';
}

/** The keys of an object node in tree order: sorted, skipping keys whose value is undefined. */
export function objectKeys(x: Record<string, unknown>): string[] {
  return Object.keys(x)
    .filter((k) => x[k] !== undefined)
    .sort();
}

/** Flatten with the path of every leaf; `fn` names the public function in errors. */
export function flattenWithPaths(
  tree: unknown,
  fn: string,
): { leaves: Leaf[]; paths: PathKey[][]; treedef: TreeDefImpl<never> } {
  const leaves: Leaf[] = [];
  const paths: PathKey[][] = [];
  const ancestors = new Set<object>();
  const keys: PathKey[] = [];

  const build = (x: unknown): TreeNode => {
    if (isLeaf(x)) {
      leaves.push(x);
      paths.push(keys.slice());
      return LEAF;
    }
    if (x === null || x === undefined) return x === null ? NULL : UNDEFINED;
    const isArray = Array.isArray(x);
    if (!isArray && !isPlainObject(x)) {
      throw new TypeError(
        `${fn}: unsupported value at ${pathForError(keys)}: ${describeValue(x)}; a tree holds tf.Tensor or number ` +
          'leaves, null/undefined, arrays and plain objects',
      );
    }
    if (ancestors.has(x)) throw new TypeError(`${fn}: the tree contains a cycle at ${pathForError(keys)}`);
    ancestors.add(x);
    let node: TreeNode;
    if (isArray) {
      node = { kind: 'array', children: x.map((c: unknown, i) => child(i, c)) };
    } else {
      const ks = objectKeys(x);
      node = { kind: 'object', keys: ks, children: ks.map((k) => child(k, x[k])) };
    }
    ancestors.delete(x);
    return node;
  };
  const child = (k: PathKey, c: unknown): TreeNode => {
    keys.push(k);
    const n = build(c);
    keys.pop();
    return n;
  };

  const root = build(tree);
  return { leaves, paths, treedef: new TreeDefImpl<never>(root, leaves.length) };
}

const LEAF: TreeNode = { kind: 'leaf' };
const NULL: TreeNode = { kind: 'none', value: null };
const UNDEFINED: TreeNode = { kind: 'none', value: undefined };

/**
 * The leaves of `tree` in tree order (depth first, object keys sorted, arrays in order) and its
 * structure. `unflatten(treedef, leaves)` rebuilds an equal tree.
 *
 * @example flatten({ w: W, b: [B, null] }) -> { leaves: [B, W], treedef: TreeDef({b: [*, null], w: *}) }
 */
export function flatten<T extends TreeLike>(tree: T): { leaves: LeafOf<T>[]; treedef: TreeDef<T> } {
  const { leaves, treedef } = flattenWithPaths(tree, 'flatten');
  return { leaves: leaves as LeafOf<T>[], treedef: treedef as TreeDef<T> };
}

/** The leaves of `tree` in tree order (the `leaves` of {@link flatten}). */
export function leaves<T extends TreeLike>(tree: T): LeafOf<T>[] {
  return flattenWithPaths(tree, 'leaves').leaves as LeafOf<T>[];
}

/** The structure of `tree` (the `treedef` of {@link flatten}). */
export function structure<T extends TreeLike>(tree: T): TreeDef<T> {
  return flattenWithPaths(tree, 'structure').treedef as TreeDef<T>;
}

/**
 * Rebuilds a tree of structure `treedef` with `leaves` (in tree order) at the leaf positions.
 * Objects come back with sorted keys; empty subtrees come back as they were (`null` or `undefined`).
 * The leaves are placed as they are (not cloned), and may be anything, even subtrees.
 *
 * @throws when `leaves.length` is not `treedef.numLeaves`.
 */
export function unflatten<T>(treedef: TreeDef<T>, leaves: readonly unknown[]): T {
  const def = asImpl(treedef, 'unflatten');
  if (!Array.isArray(leaves)) throw new TypeError(`unflatten: 'leaves' must be an array, got ${describeValue(leaves)}`);
  if (leaves.length !== def.numLeaves) {
    throw new Error(`unflatten: the treedef has ${def.numLeaves} leaves but ${leaves.length} were given (${def.toString()})`);
  }
  let i = 0;
  const build = (n: TreeNode): unknown => {
    switch (n.kind) {
      case 'leaf':
        return leaves[i++];
      case 'none':
        return n.value;
      case 'array':
        return n.children.map(build);
      case 'object': {
        const out: Record<string, unknown> = {};
        n.keys.forEach((k, j) => {
          out[k] = build(n.children[j]!);
        });
        return out;
      }
    }
  };
  return build(def.root) as T;
}

/**
 * The leaves of `tree`, which must have the structure `treedef`; otherwise an error names the first
 * path where they differ. `fn` and `label` name the caller and the tree in the error.
 */
export function leavesMatching(treedef: TreeDefImpl<unknown>, tree: unknown, fn: string, label: string): Leaf[] {
  const out: Leaf[] = [];
  const keys: PathKey[] = [];
  const fail = (expected: string, got: unknown): never => {
    throw new Error(`${fn}: ${label} differs in structure at ${pathForError(keys)}: expected ${expected}, got ${describeValue(got)}`);
  };
  const walk = (n: TreeNode, x: unknown): void => {
    switch (n.kind) {
      case 'leaf':
        if (!isLeaf(x)) fail('a leaf (tensor or number)', x);
        out.push(x as Leaf);
        return;
      case 'none':
        if (x !== null && x !== undefined) fail('an empty subtree (null)', x);
        return;
      case 'array':
        if (!Array.isArray(x)) return fail(`an array of length ${n.children.length}`, x);
        if (x.length !== n.children.length) {
          // Name the first index present in one and not the other.
          keys.push(Math.min(x.length, n.children.length));
          throw new Error(
            `${fn}: ${label} differs in structure at ${pathForError(keys)}: expected an array of length ` +
              `${n.children.length}, got length ${x.length}`,
          );
        }
        n.children.forEach((c, i) => {
          keys.push(i);
          walk(c, x[i]);
          keys.pop();
        });
        return;
      case 'object': {
        if (!isPlainObject(x)) return fail(`an object with keys [${n.keys.join(', ')}]`, x);
        const ks = objectKeys(x);
        const firstDiff = [...new Set([...n.keys, ...ks])].sort().find((k) => n.keys.includes(k) !== ks.includes(k));
        if (firstDiff !== undefined) {
          keys.push(firstDiff);
          const missing = n.keys.includes(firstDiff);
          throw new Error(
            `${fn}: ${label} differs in structure at ${pathForError(keys)}: ` +
              (missing ? 'the key is missing' : 'unexpected key') +
              ` (expected keys [${n.keys.join(', ')}], got [${ks.join(', ')}])`,
          );
        }
        n.keys.forEach((k, i) => {
          keys.push(k);
          walk(n.children[i]!, x[k]);
          keys.pop();
        });
        return;
      }
    }
  };
  walk(treedef.root, tree);
  return out;
}
