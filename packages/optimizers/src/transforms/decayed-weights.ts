import * as tf from '@tensorflow/tfjs-core';
import { tree, type Tree } from '@probdl/tensor-backend';
import type { GradientTransformation } from '../types.js';
import { asFloat, checkNumber, requireParams } from './internal.js';

/**
 * A mask over a parameter tree: the tree's structure (or a prefix of it) with booleans, `true`
 * where a transformation applies. A boolean in place of a subtree covers the whole subtree.
 */
export type MaskTree = boolean | null | undefined | readonly MaskTree[] | { readonly [key: string]: MaskTree };

/** A mask, or a function that builds one from the parameters (Optax's `mask` argument). */
export type Mask = MaskTree | ((params: Tree) => MaskTree);

function isPlainObject(x: unknown): x is Record<string, unknown> {
  if (typeof x !== 'object' || x === null || Array.isArray(x)) return false;
  const proto: unknown = Object.getPrototypeOf(x);
  return proto === Object.prototype || proto === null;
}

/**
 * One boolean per leaf of `params`, in tree order (sorted object keys, arrays in order), from a mask
 * that has the structure of `params` or a prefix of it. Errors name the path where they differ.
 */
export function maskLeaves(fn: string, mask: MaskTree, params: Tree): boolean[] {
  const out: boolean[] = [];
  const walk = (m: unknown, p: unknown, path: string): void => {
    if (p === null || p === undefined) return;
    if (typeof m === 'boolean') {
      const n = tree.leaves(p as Tree).length;
      for (let i = 0; i < n; i++) out.push(m);
      return;
    }
    const where = path === '' ? 'the root' : path;
    if (p instanceof tf.Tensor || typeof p === 'number') {
      throw new Error(`${fn}: mask must be a boolean at ${where} (a leaf of the parameters), got ${describe(m)}`);
    }
    if (Array.isArray(p)) {
      if (!Array.isArray(m) || m.length !== p.length) {
        throw new Error(`${fn}: mask differs from the parameters at ${where}: expected a boolean or an array of length ${p.length}, got ${describe(m)}`);
      }
      p.forEach((c, i) => walk(m[i], c, `${path}[${i}]`));
      return;
    }
    if (isPlainObject(p)) {
      if (!isPlainObject(m)) throw new Error(`${fn}: mask differs from the parameters at ${where}: expected a boolean or an object, got ${describe(m)}`);
      const keys = Object.keys(p).filter((k) => p[k] !== undefined).sort();
      for (const k of keys) {
        if (!(k in m)) throw new Error(`${fn}: mask has no entry for ${path === '' ? k : `${path}.${k}`}`);
        walk(m[k], p[k], path === '' ? k : `${path}.${k}`);
      }
      return;
    }
    throw new Error(`${fn}: unsupported parameter value at ${where}`);
  };
  walk(mask, params, '');
  return out;
}

function describe(x: unknown): string {
  if (Array.isArray(x)) return `an array of length ${x.length}`;
  if (x === null || x === undefined) return String(x);
  return typeof x === 'object' ? 'an object' : `${typeof x} ${String(x)}`;
}

/** Resolves a {@link Mask} against `params`: one boolean per leaf, in tree order. */
export function resolveMask(fn: string, mask: Mask, params: Tree): boolean[] {
  const m = typeof mask === 'function' ? mask(params) : mask;
  return maskLeaves(fn, m, params);
}

/**
 * Adds `weightDecay · params` to the updates (`optax.add_decayed_weights`): decoupled weight decay as
 * in AdamW. With `mask`, only the leaves where the mask is `true` are decayed; the others pass through
 * unchanged. Needs `params`. Stateless.
 *
 * @param weightDecay - ≥ 0. Default 0.
 * @param mask - a tree of booleans shaped like the parameters (or a prefix), or a function of the
 *   parameters that returns one.
 */
export function addDecayedWeights(weightDecay = 0, mask?: Mask): GradientTransformation<Record<string, never>> {
  const fn = 'addDecayedWeights';
  checkNumber(fn, 'weightDecay', weightDecay, { min: 0 });
  if (mask !== undefined && mask !== null && typeof mask !== 'function' && typeof mask !== 'boolean' && typeof mask !== 'object') {
    throw new Error(`${fn}: mask must be a tree of booleans or a function of the parameters, got ${typeof mask}`);
  }
  return {
    init: () => ({}),
    update(updates: Tree, _state, params?: Tree) {
      const p = requireParams(fn, params);
      tree.assertSameShapes(updates, p, fn);
      const flags = mask === undefined || mask === null ? undefined : resolveMask(fn, mask, p);
      const { leaves: us, treedef } = tree.flatten(updates);
      const ps = tree.leaves(p);
      const out = tf.tidy(() =>
        us.map((u, i) => {
          const uf = asFloat(u);
          if (flags !== undefined && !flags[i]) return tf.clone(uf);
          return tf.add(uf, tf.mul(asFloat(ps[i]!), weightDecay));
        }),
      );
      return [tree.unflatten(treedef, out) as Tree, {}];
    },
  };
}
