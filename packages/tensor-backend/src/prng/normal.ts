import * as tf from '@tensorflow/tfjs-core';
import { drawNormals } from './host-draws.js';
import { assertKey, type PRNGKey } from './key.js';
import { checkShape } from './shape.js';

/**
 * Standard normal float32 samples of the given shape, bit-identical to `jax.random.normal(key, shape)`
 * on CPU: computed on the host (threefry bits, uniform, XLA's float32 erf_inv reproduced step by step)
 * and uploaded, so every backend returns the same values. Returns a fresh tensor.
 */
export function normal(k: PRNGKey, shape: readonly number[] = []): tf.Tensor {
  assertKey('normal', k);
  const s = checkShape('normal', shape);
  return tf.tensor(drawNormals(k, s.size), s.shape, 'float32');
}

/**
 * The same standard normals as {@link normal}, as a host Float32Array (row-major), for host-side
 * algorithms and for uploading in one batch.
 */
export function normalHost(k: PRNGKey, shape: readonly number[] = []): Float32Array {
  assertKey('normalHost', k);
  return drawNormals(k, checkShape('normalHost', shape).size);
}
