import * as tf from '@tensorflow/tfjs-core';
import { tree, type Tree } from '@probdl/tensor-backend';
import { evalTarget, type VariationalTarget } from '../../elbo/target.js';
import type { LaplaceTarget } from '../types.js';

/** A position as a flat vector: the scalar log density of the vector and the way back to the position. */
export interface FlatProblem<P> {
  /** D. */
  readonly dim: number;
  /** The ravelled position `[D]` (owned by the caller of {@link flatProblem}: dispose it). */
  readonly flat: tf.Tensor1D;
  /** log p as a scalar function of a `[D]` vector. */
  readonly logDensity: (z: tf.Tensor) => tf.Tensor;
  /** The position from a `[D]` vector. */
  readonly unravel: (z: tf.Tensor) => P;
  /** Names coordinate i of the ravelled vector for error messages (`w1[0, 2]` for a tree). */
  readonly describe: (i: number) => string;
}

/** Whether the position is one flat tensor (then the target is a {@link VariationalTarget}). */
export function isFlatPosition(position: unknown): position is tf.Tensor {
  return position instanceof tf.Tensor;
}

/**
 * The scalar log density of a position given either as a `[D]` tensor with a batched target, or as a
 * pytree with a function of the tree. `fn` names the public function in errors.
 */
export function scalarLogDensity<P>(fn: string, logDensity: LaplaceTarget<P>, position: P): (p: P) => tf.Tensor {
  if (isFlatPosition(position)) {
    if (position.rank !== 1 || position.dtype !== 'float32') {
      throw new RangeError(`${fn}: a tensor position must be a float32 vector [D], got ${position.dtype} of shape [${position.shape.join(', ')}] (pass a pytree for structured parameters)`);
    }
    const d = position.shape[0]!;
    return ((z: tf.Tensor) => tf.reshape(evalTarget(fn, logDensity as VariationalTarget, tf.reshape(z, [1, d])), [])) as unknown as (p: P) => tf.Tensor;
  }
  if (typeof logDensity !== 'function') {
    throw new TypeError(`${fn}: with a pytree position, 'logDensity' must be a function of the tree returning a scalar`);
  }
  const f = logDensity as (p: P) => tf.Tensor;
  return (p: P) => {
    const out = f(p);
    if (!(out instanceof tf.Tensor) || out.size !== 1) {
      throw new RangeError(`${fn}: logDensity(position) must return a scalar tensor, got ${out instanceof tf.Tensor ? `shape [${out.shape.join(', ')}]` : typeof out}`);
    }
    return tf.reshape(out, []);
  };
}

/** The flat form of a position (see {@link FlatProblem}). */
export function flatProblem<P>(fn: string, logDensity: LaplaceTarget<P>, position: P): FlatProblem<P> {
  const scalar = scalarLogDensity(fn, logDensity, position);
  if (isFlatPosition(position)) {
    return {
      dim: position.shape[0]!,
      flat: tf.clone(position) as tf.Tensor1D,
      logDensity: scalar as unknown as (z: tf.Tensor) => tf.Tensor,
      unravel: (z) => tf.clone(z) as unknown as P,
      describe: (i) => `coordinate ${i}`,
    };
  }
  let r: ReturnType<typeof tree.ravel>;
  try {
    r = tree.ravel(position as unknown as Tree);
  } catch (e) {
    throw new TypeError(`${fn}: argument 'mapPosition' must be a [D] tensor or a pytree of float32 tensors: ${(e as Error).message}`);
  }
  const unravel = r.unravel as unknown as (z: tf.Tensor) => P;
  // Leaf paths and shapes in ravel order (tree order, as mapWithPath visits them).
  const layout: { path: string; shape: number[]; size: number }[] = [];
  tree.mapWithPath((path, leaf) => {
    const shape = leaf instanceof tf.Tensor ? leaf.shape.slice() : [];
    layout.push({ path: path.path, shape, size: shape.reduce((a, b) => a * b, 1) });
    return 0;
  }, position as unknown as Tree);
  const describe = (i: number): string => {
    let offset = 0;
    for (const l of layout) {
      if (i < offset + l.size) {
        let r = i - offset;
        const idx = l.shape.map(() => 0);
        for (let a = l.shape.length - 1; a >= 0; a--) {
          idx[a] = r % l.shape[a]!;
          r = Math.floor(r / l.shape[a]!);
        }
        return `coordinate ${i} (${l.path || 'the root leaf'}${idx.length > 0 ? `[${idx.join(', ')}]` : ''})`;
      }
      offset += l.size;
    }
    return `coordinate ${i}`;
  };
  return { dim: r.flat.shape[0]!, flat: r.flat, logDensity: (z) => scalar(unravel(z)), unravel, describe };
}
