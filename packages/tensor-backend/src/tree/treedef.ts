import type { Tree } from './types.js';
import { formatPath } from './path.js';

declare const treeType: unique symbol;

/**
 * An opaque description of a tree's structure (JAX's `PyTreeDef`): where the leaves sit, the
 * sorted keys of every object, the length of every array and where the empty subtrees are.
 * It holds no tensors, so it never needs disposing.
 *
 * `T` is the tree type it came from, so that `unflatten(treedef, leaves)` is typed as `T`.
 */
export interface TreeDef<T = Tree> {
  /** The number of leaves. */
  readonly numLeaves: number;
  /**
   * Whether `other` has the same structure: same keys, array lengths, leaf and empty positions
   * (`null` and `undefined` count as the same empty subtree; leaf types and shapes are not compared).
   */
  equals(other: TreeDef<unknown>): boolean;
  /** A readable form, e.g. `TreeDef({b: [*, null], w: *})`: `*` marks a leaf. */
  toString(): string;
  /** Phantom: carries `T` for the type checker only; never set. */
  readonly [treeType]?: T;
}

/** The structure of one subtree. */
export type TreeNode =
  | { readonly kind: 'leaf' }
  | { readonly kind: 'none'; readonly value: null | undefined }
  | { readonly kind: 'array'; readonly children: readonly TreeNode[] }
  | { readonly kind: 'object'; readonly keys: readonly string[]; readonly children: readonly TreeNode[] };

/** The one implementation of {@link TreeDef}; internal to the package. */
export class TreeDefImpl<T = Tree> implements TreeDef<T> {
  declare readonly [treeType]?: T;
  constructor(
    readonly root: TreeNode,
    readonly numLeaves: number,
  ) {}

  equals(other: TreeDef<unknown>): boolean {
    return other instanceof TreeDefImpl && nodesEqual(this.root, other.root);
  }

  toString(): string {
    return `TreeDef(${nodeToString(this.root)})`;
  }
}

/** The implementation behind a public TreeDef, with a clear error for anything else. */
export function asImpl<T>(treedef: TreeDef<T>, fn: string): TreeDefImpl<T> {
  if (!(treedef instanceof TreeDefImpl)) {
    throw new TypeError(`${fn}: 'treedef' must come from flatten() or structure(), got ${String(treedef)}`);
  }
  return treedef as TreeDefImpl<T>;
}

function nodesEqual(a: TreeNode, b: TreeNode): boolean {
  if (a.kind !== b.kind) return false;
  if (a.kind === 'array' && b.kind === 'array') {
    return a.children.length === b.children.length && a.children.every((c, i) => nodesEqual(c, b.children[i]!));
  }
  if (a.kind === 'object' && b.kind === 'object') {
    return (
      a.keys.length === b.keys.length &&
      a.keys.every((k, i) => k === b.keys[i]) &&
      a.children.every((c, i) => nodesEqual(c, b.children[i]!))
    );
  }
  return true;
}

function nodeToString(n: TreeNode): string {
  switch (n.kind) {
    case 'leaf':
      return '*';
    case 'none':
      return String(n.value);
    case 'array':
      return `[${n.children.map(nodeToString).join(', ')}]`;
    case 'object':
      return `{${n.keys.map((k, i) => `${formatKey(k)}: ${nodeToString(n.children[i]!)}`).join(', ')}}`;
  }
}

function formatKey(k: string): string {
  const p = formatPath([k]);
  return p.startsWith('[') ? JSON.stringify(k) : p;
}
