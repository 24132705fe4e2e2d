import * as tf from '@tensorflow/tfjs-core';
import type { PRNGKey } from '@probdl/tensor-backend';
import { checkInitShape, checkNumber } from './shape.js';
import type { Initializer } from './types.js';

/** All elements `value` (the key is ignored). */
export function constant(value: number): Initializer {
  checkNumber('constant', 'value', value);
  return (_key, shape) => tf.fill(checkInitShape(`constant(${value})`, shape).shape, value, 'float32');
}

const zerosInit: Initializer = (_key, shape) => tf.zeros(checkInitShape('zeros', shape).shape, 'float32');
const onesInit: Initializer = (_key, shape) => tf.ones(checkInitShape('ones', shape).shape, 'float32');

/**
 * All zeros, Flax's default bias initialiser (the key is ignored). Usable both ways, as in Flax
 * (`zeros`) and like the other factories here (`zeros()`): `biasInit: zeros` and
 * `biasInit: zeros()` are the same.
 */
export function zeros(): Initializer;
/** The zeros tensor of `shape` (the key is ignored). */
export function zeros(key: PRNGKey, shape: readonly number[]): tf.Tensor;
export function zeros(...args: readonly unknown[]): Initializer | tf.Tensor {
  return args.length === 0 ? zerosInit : zerosInit(args[0] as PRNGKey, args[1] as readonly number[]);
}

/** All ones, LayerNorm's default scale (the key is ignored); like {@link zeros}, `ones` and `ones()` both work. */
export function ones(): Initializer;
/** The ones tensor of `shape` (the key is ignored). */
export function ones(key: PRNGKey, shape: readonly number[]): tf.Tensor;
export function ones(...args: readonly unknown[]): Initializer | tf.Tensor {
  return args.length === 0 ? onesInit : onesInit(args[0] as PRNGKey, args[1] as readonly number[]);
}
