import * as tf from '@tensorflow/tfjs-core';
import { logGammaDevice, positiveParam } from './gamma.js';
import { assertKey, split, type PRNGKey } from './key.js';
import { shapeOf, toFloatTensor, type ParamLike } from './params.js';
import { sampleShape } from './shape.js';

/**
 * Beta(a, b) samples, like `jax.random.beta` in distribution (not JAX's stream): X / (X + Y) for
 * independent X ~ Gamma(a), Y ~ Gamma(b), formed from their logarithms (scaled by the larger one) so
 * that small a and b do not give 0/0. `a` and `b` (numbers, arrays or tensors) broadcast with each
 * other and to `shape` (default: their broadcast shape); numbers must be positive, tensor entries that
 * are NaN or <= 0 give NaN. Computed on the device, no readback. Returns a fresh float32 tensor.
 */
export function beta(k: PRNGKey, a: ParamLike, b: ParamLike, shape?: readonly number[]): tf.Tensor {
  assertKey('beta', k);
  const pa = positiveParam('beta', 'a', a);
  const pb = positiveParam('beta', 'b', b);
  const s = sampleShape('beta', shape, { a: shapeOf('beta', 'a', a), b: shapeOf('beta', 'b', b) });
  const [ka, kb] = split(k, 2) as [PRNGKey, PRNGKey];
  return tf.tidy(() => {
    const logX = logGammaDevice(ka, toFloatTensor(pa), s);
    const logY = logGammaDevice(kb, toFloatTensor(pb), s);
    const m = tf.maximum(logX, logY);
    const x = tf.exp(tf.sub(logX, m));
    const y = tf.exp(tf.sub(logY, m));
    return tf.div(x, tf.add(x, y));
  });
}
