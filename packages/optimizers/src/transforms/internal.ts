import * as tf from '@tensorflow/tfjs-core';
import { tree, type Leaf, type Tree } from '@probdl/tensor-backend';

/** Bounds for {@link checkNumber}. */
export interface NumberBounds {
  min?: number;
  max?: number;
  /** Exclude `min` itself. */
  minOpen?: boolean;
  /** Exclude `max` itself. */
  maxOpen?: boolean;
}

/** Throws an Error naming `fn`, the option and the value unless `value` is a finite number within the bounds. */
export function checkNumber(fn: string, name: string, value: unknown, bounds: NumberBounds = {}): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new Error(`${fn}: ${name} must be a finite number, got ${String(value)}`);
  }
  const { min, max, minOpen = false, maxOpen = false } = bounds;
  const belowMin = min !== undefined && (minOpen ? value <= min : value < min);
  const aboveMax = max !== undefined && (maxOpen ? value >= max : value > max);
  if (belowMin || aboveMax) {
    const lo = min === undefined ? '(-inf' : `${minOpen ? '(' : '['}${min}`;
    const hi = max === undefined ? 'inf)' : `${max}${maxOpen ? ')' : ']'}`;
    throw new Error(`${fn}: ${name} must be in ${lo}, ${hi}, got ${value}`);
  }
  return value;
}

/** A decay rate in [0, 1). */
export function checkDecay(fn: string, name: string, value: unknown): number {
  return checkNumber(fn, name, value, { min: 0, max: 1, maxOpen: true });
}

/** Throws unless `value` is a boolean. */
export function checkBoolean(fn: string, name: string, value: unknown): boolean {
  if (typeof value !== 'boolean') throw new Error(`${fn}: ${name} must be a boolean, got ${String(value)}`);
  return value;
}

/** Throws when `params` is missing (transformations that read the parameters). */
export function requireParams(fn: string, params: Tree | undefined): Tree {
  if (params === undefined || params === null) {
    throw new Error(`${fn}: this transformation needs the current parameters: call update(updates, state, params)`);
  }
  return params;
}

/** The leaf as float32 (a number leaf becomes a scalar). */
export function asFloat(x: tf.Tensor | number): tf.Tensor {
  return typeof x === 'number' ? tf.scalar(x) : x.dtype === 'float32' ? x : tf.cast(x, 'float32');
}

/** A float32 version of an int32 step count. */
export function countAsFloat(count: tf.Scalar): tf.Scalar {
  return tf.cast(count, 'float32');
}

/**
 * `tree.map` over float32 views of the leaves (number leaves become scalars): `f` gets the leaves of
 * every tree at the same place and runs inside tf.tidy. Returns a fresh tree shaped like `first`.
 */
export function mapLeaves(f: (...xs: tf.Tensor[]) => tf.Tensor, first: Tree, ...rest: Tree[]): Tree {
  return tree.map((x: Leaf, ...r: Leaf[]) => f(asFloat(x), ...r.map(asFloat)), first, ...rest) as Tree;
}

/** `decay * m + (1 - decay) * g^order`, fresh, leaf by leaf (Optax's `update_moment`). */
export function updateMoment(updates: Tree, moments: Tree, decay: number, order: 1 | 2): Tree {
  return mapLeaves((g, m) => tf.add(tf.mul(m, decay), tf.mul(order === 1 ? g : tf.square(g), 1 - decay)), updates, moments);
}

/** `1 - decay^count` as a float32 scalar (count is the incremented int32 count). */
export function biasCorrectionFactor(decay: number, count: tf.Scalar): tf.Scalar {
  return tf.sub(1, tf.pow(tf.scalar(decay), countAsFloat(count))) as tf.Scalar;
}

/** `moments / (1 - decay^count)`, fresh, leaf by leaf (Optax's `bias_correction`). */
export function biasCorrection(moments: Tree, decay: number, count: tf.Scalar): Tree {
  return tf.tidy(() => {
    const c = biasCorrectionFactor(decay, count);
    return mapLeaves((m) => tf.div(m, c), moments) as tf.TensorContainer;
  }) as Tree;
}

/** A tree shaped like `params` filled with the float32 constant `value`. */
export function fullLike(params: Tree, value: number): Tree {
  return mapLeaves((p) => tf.fill(p.shape, value, 'float32'), params);
}

export { tidyPair } from '../internal/tidy-pair.js';
