import * as tf from '@tensorflow/tfjs-core';
import { assertKey, split, type PRNGKey } from './key.js';
import { isTensor } from './params.js';
import { drawBits } from './random-bits.js';
import { MAX_WORDS } from './threefry.js';

/** Options of {@link permutation}. */
export interface PermutationOptions {
  /** For a tensor argument: the axis whose slices are shuffled. Default 0. */
  axis?: number;
}

/**
 * The index order of JAX's `_shuffle` applied to `arange(n)`: `ceil(3 ln n / ln(2^32 - 1))` rounds,
 * each splitting the key and stably sorting by fresh 32-bit words. Host only.
 */
export function shuffledIndices(k: PRNGKey, n: number): Int32Array {
  let x = new Int32Array(n);
  for (let i = 0; i < n; i++) x[i] = i;
  const rounds = Math.ceil((3 * Math.log(Math.max(1, n))) / Math.log(2 ** 32 - 1));
  let current = k;
  const order = new Uint32Array(n);
  for (let r = 0; r < rounds; r++) {
    const [next, sub] = split(current, 2) as [PRNGKey, PRNGKey];
    current = next;
    const sortKeys = drawBits(sub, n);
    for (let i = 0; i < n; i++) order[i] = i;
    // lax.sort_key_val is stable: equal keys keep their order.
    order.sort((a, b) => sortKeys[a]! - sortKeys[b]! || a - b);
    const y = new Int32Array(n);
    for (let i = 0; i < n; i++) y[i] = x[order[i]!]!;
    x = y;
  }
  return x;
}

/**
 * The index order of `jax.random.permutation(key, n)` as a host Int32Array, with no tensor and no
 * readback: the same numbers as {@link permutation} gives on the device. For code that shuffles host
 * data or index lists (splits, minibatch orders) and must stay synchronous.
 */
export function permutationIndices(k: PRNGKey, n: number): Int32Array {
  assertKey('permutationIndices', k);
  if (!Number.isInteger(n) || n < 0 || n > MAX_WORDS) {
    throw new RangeError(`permutationIndices: n must be an integer in [0, ${MAX_WORDS}], got ${String(n)}`);
  }
  return shuffledIndices(k, n);
}

/**
 * A random permutation, like `jax.random.permutation(key, x, axis)` (with `independent=False`):
 * for an integer `n`, a shuffled `arange(n)` as an int32 tensor; for a tensor, the tensor with its
 * slices along `axis` shuffled (one permutation for all of them). Bit-identical to JAX: the order is
 * computed on the host, then gathered on the device. Returns a fresh tensor; the input is not disposed.
 */
export function permutation(k: PRNGKey, n: number | tf.Tensor, options: PermutationOptions = {}): tf.Tensor {
  assertKey('permutation', k);
  if (isTensor(n)) {
    const rank = n.rank;
    if (rank === 0) throw new RangeError('permutation: a tensor argument must have at least one axis (pass a number n for arange(n))');
    const axis = options.axis ?? 0;
    if (!Number.isInteger(axis) || axis < -rank || axis >= rank) {
      throw new RangeError(`permutation: axis ${axis} is out of range for a tensor of shape [${n.shape.join(', ')}]`);
    }
    const ax = axis < 0 ? axis + rank : axis;
    const idx = shuffledIndices(k, n.shape[ax]!);
    return tf.tidy(() => tf.gather(n, tf.tensor1d(idx, 'int32'), ax));
  }
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 0 || n > MAX_WORDS) {
    throw new RangeError(`permutation: n must be a non-negative integer (or a tensor), got ${String(n)}`);
  }
  if (options.axis !== undefined && options.axis !== 0 && options.axis !== -1) {
    throw new RangeError(`permutation: axis ${options.axis} is out of range for arange(n)`);
  }
  return tf.tensor1d(shuffledIndices(k, n), 'int32');
}
