import * as tf from '@tensorflow/tfjs-core';
import { tree, type Tree } from '@probdl/tensor-backend';

/**
 * The structure of a params tree as stored in a file's `__metadata__` (JSON), so that load can
 * rebuild nested objects and arrays: a tensor leaf is its tensor name (a string); a number leaf
 * `{ "n": name }`; an array `{ "a": [node, ...] }`; an object `{ "o": { key: node } }`; an empty
 * subtree (`null`/`undefined`) `null`. Every inner node is tagged, so no object key can be mistaken
 * for structure.
 */
export type LayoutNode = string | null | { n: string } | { a: LayoutNode[] } | { o: Record<string, LayoutNode> };

/** One leaf of a tree: its tensor name in the file, where it sits, and the value. */
export interface NamedLeaf {
  readonly name: string;
  readonly path: string;
  readonly leaf: tf.Tensor | number;
}

/** The metadata key holding the layout. */
export const LAYOUT_KEY = 'probdl.treedef';

/** The file name of a leaf: its tree path joined with '.' (`Dense_0.kernel`, `layers.1.w`). */
export const nameOf = (keys: readonly (string | number)[]): string => keys.map(String).join('.');

/**
 * The leaves of `params` in tree order (sorted object keys, arrays in order, as tensor-backend's
 * `tree.flatten`) with their names, and the layout. Throws when two paths give the same name
 * (a key containing '.') or a name is `__metadata__`.
 */
export function describeTree(params: unknown, fn: string): { leaves: NamedLeaf[]; layout: LayoutNode } {
  tree.flatten(params as Tree); // validates: plain objects, arrays, tensor or number leaves, no cycles
  const leaves: NamedLeaf[] = [];
  const owner = new Map<string, string>();
  const keys: (string | number)[] = [];
  const walk = (x: unknown): LayoutNode => {
    if (x instanceof tf.Tensor || typeof x === 'number') {
      const name = nameOf(keys);
      const path = keys.length === 0 ? '<root>' : name;
      const prev = owner.get(name);
      if (prev !== undefined) {
        throw new Error(`${fn}: the leaves at ${JSON.stringify(keys)} and ${prev} both get the tensor name ${JSON.stringify(name)}; rename a key containing '.'`);
      }
      if (name === '__metadata__') throw new Error(`${fn}: a leaf may not be named __metadata__ (reserved by safetensors)`);
      owner.set(name, JSON.stringify(keys));
      leaves.push({ name, path, leaf: x });
      return typeof x === 'number' ? { n: name } : name;
    }
    if (x === null || x === undefined) return null;
    const at = (k: string | number, c: unknown): LayoutNode => {
      keys.push(k);
      const node = walk(c);
      keys.pop();
      return node;
    };
    if (Array.isArray(x)) return { a: x.map((c: unknown, i) => at(i, c)) };
    const obj = x as Record<string, unknown>;
    const o: Record<string, LayoutNode> = {};
    for (const k of Object.keys(obj).filter((k) => obj[k] !== undefined).sort()) setKey(o, k, at(k, obj[k]));
    return { o };
  };
  const layout = walk(params);
  return { leaves, layout };
}

/** `obj[k] = v`, safe for the key `__proto__`. */
export function setKey(obj: Record<string, unknown>, k: string, v: unknown): void {
  Object.defineProperty(obj, k, { value: v, enumerable: true, writable: true, configurable: true });
}

/**
 * Rebuilds a tree from `layout`, taking each leaf from `leafOf(name, isNumber)`. Throws (starting
 * with `fn`) on a malformed layout.
 */
export function buildFromLayout(layout: unknown, leafOf: (name: string, isNumber: boolean) => unknown, fn: string): unknown {
  const bad = (): never => {
    throw new Error(`${fn}: the ${LAYOUT_KEY} metadata is malformed`);
  };
  const build = (n: unknown): unknown => {
    if (n === null) return null;
    if (typeof n === 'string') return leafOf(n, false);
    if (typeof n !== 'object' || Array.isArray(n)) return bad();
    const node = n as Record<string, unknown>;
    const tags = Object.keys(node);
    if (tags.length !== 1) return bad();
    if (typeof node.n === 'string') return leafOf(node.n, true);
    if (Array.isArray(node.a)) return node.a.map(build);
    if (typeof node.o === 'object' && node.o !== null && !Array.isArray(node.o)) {
      const out: Record<string, unknown> = {};
      const o = node.o as Record<string, unknown>;
      for (const k of Object.keys(o).sort()) setKey(out, k, build(o[k]));
      return out;
    }
    return bad();
  };
  return build(layout);
}

/**
 * Nested objects from flat '.'-joined names (files from other tools): `a.b.c` -> `{ a: { b: { c } } }`.
 * Integer segments stay object keys (`layers.0.w` -> `{ layers: { '0': { w } } }`). Throws when a
 * name is both a leaf and a prefix of another (`a` and `a.b`).
 */
export function buildFromNames(names: readonly string[], leafOf: (name: string) => unknown, fn: string): unknown {
  if (names.length === 1 && names[0] === '') return leafOf('');
  const root: Record<string, unknown> = {};
  const isLeafAt = new Set<string>();
  for (const name of [...names].sort()) {
    const parts = name.split('.');
    let node = root;
    for (let i = 0; i < parts.length - 1; i++) {
      const prefix = parts.slice(0, i + 1).join('.');
      if (isLeafAt.has(prefix)) throw new Error(`${fn}: tensor ${JSON.stringify(name)} sits inside tensor ${JSON.stringify(prefix)}; pass 'like' to say the structure`);
      const p = parts[i]!;
      if (!Object.prototype.hasOwnProperty.call(node, p)) setKey(node, p, {});
      node = node[p] as Record<string, unknown>;
    }
    const last = parts[parts.length - 1]!;
    if (Object.prototype.hasOwnProperty.call(node, last)) {
      throw new Error(`${fn}: tensor ${JSON.stringify(name)} is also the prefix of other tensors; pass 'like' to say the structure`);
    }
    isLeafAt.add(name);
    setKey(node, last, leafOf(name));
  }
  return root;
}
