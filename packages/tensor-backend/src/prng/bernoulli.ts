import * as tf from '@tensorflow/tfjs-core';
import { drawUnitFloats } from './host-draws.js';
import { assertKey, type PRNGKey } from './key.js';
import { isTensor, requireValues, toFloatTensor, toHostParam, type ParamLike } from './params.js';
import { broadcastIndex, sampleShape } from './shape.js';

/**
 * Bernoulli(p) samples as a bool tensor, like `jax.random.bernoulli(key, p, shape)`: `uniform < p`.
 *
 * `p` broadcasts to `shape` (default: p's shape). Number (or number-array) p must lie in [0, 1] and
 * gives values bit-identical to JAX; a tensor p is compared on the device (same result: the uniforms
 * are exact and the comparison is exact), where p <= 0 or NaN gives false and p >= 1 gives true.
 * Returns a fresh bool tensor.
 */
export function bernoulli(k: PRNGKey, p: ParamLike = 0.5, shape?: readonly number[]): tf.Tensor {
  assertKey('bernoulli', k);
  if (isTensor(p)) {
    const s = sampleShape('bernoulli', shape, { p: p.shape });
    const u = drawUnitFloats(k, s.reduce((a, b) => a * b, 1));
    return tf.tidy(() => tf.less(tf.tensor(u, s, 'float32'), toFloatTensor(p)));
  }
  const hp = toHostParam('bernoulli', 'p', p);
  requireValues('bernoulli', 'p', hp, (v) => v >= 0 && v <= 1, 'a probability in [0, 1]');
  const s = sampleShape('bernoulli', shape, { p: hp.shape });
  const size = s.reduce((a, b) => a * b, 1);
  const u = drawUnitFloats(k, size);
  const idx = broadcastIndex(hp.shape, s);
  const p32 = Float32Array.from(hp.values);
  const out = new Uint8Array(size);
  for (let i = 0; i < size; i++) out[i] = u[i]! < p32[idx === undefined ? 0 : idx[i]!]! ? 1 : 0;
  return tf.tensor(out, s, 'bool');
}
