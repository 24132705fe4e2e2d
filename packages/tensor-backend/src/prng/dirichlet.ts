import * as tf from '@tensorflow/tfjs-core';
import { logGammaDevice, positiveParam } from './gamma.js';
import { assertKey, type PRNGKey } from './key.js';
import { shapeOf, toFloatTensor, type ParamLike } from './params.js';
import { sampleShape } from './shape.js';

/**
 * Dirichlet(alpha) samples, like `jax.random.dirichlet` in distribution (not JAX's stream): independent
 * Gamma(alpha_i) draws normalised along the last axis, as a softmax of their logarithms (so small alphas
 * stay finite). `alpha` has shape [...batch, K] (K >= 1 categories); `shape` is the sample's batch
 * shape, to which alpha's batch shape must broadcast (default: alpha's batch shape); the result has
 * shape [...shape, K]. Numbers must be positive; tensor entries that are NaN or <= 0 give NaN in their
 * row. Computed on the device, no readback. Returns a fresh float32 tensor.
 */
export function dirichlet(k: PRNGKey, alpha: ParamLike, shape?: readonly number[]): tf.Tensor {
  assertKey('dirichlet', k);
  const aShape = shapeOf('dirichlet', 'alpha', alpha);
  if (aShape.length === 0) throw new RangeError('dirichlet: alpha must have at least one axis (the categories)');
  const K = aShape[aShape.length - 1]!;
  if (K === 0) throw new RangeError(`dirichlet: alpha of shape [${aShape.join(', ')}] has no categories`);
  const p = positiveParam('dirichlet', 'alpha', alpha);
  const batch = sampleShape('dirichlet', shape, { 'alpha batch shape': aShape.slice(0, -1) });
  const s = [...batch, K];
  return tf.tidy(() => tf.softmax(logGammaDevice(k, toFloatTensor(p), s), -1));
}
