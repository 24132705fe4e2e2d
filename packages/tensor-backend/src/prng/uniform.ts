import * as tf from '@tensorflow/tfjs-core';
import { drawUnitFloats, scaleUnit } from './host-draws.js';
import { assertKey, type PRNGKey } from './key.js';
import { isTensor, requireValues, shapeOf, toFloatTensor, toHostParam, type ParamLike } from './params.js';
import { broadcastIndex, sampleShape } from './shape.js';

/** Options of {@link uniform}. */
export interface UniformOptions {
  /** Lower bound (inclusive), broadcast against the sample shape. Default 0. */
  minval?: ParamLike;
  /** Upper bound (exclusive), broadcast against the sample shape. Default 1. */
  maxval?: ParamLike;
}

/**
 * Uniform float32 samples on [minval, maxval), like `jax.random.uniform(key, shape, minval=, maxval=)`.
 *
 * With number (or number-array) bounds everything is computed on the host and the values are
 * bit-identical to JAX on CPU (including its fused multiply-add), on every backend. Tensor bounds
 * are applied on the device (`max(minval, u (maxval - minval) + minval)` without the fusion), so those
 * values may differ from JAX by an ulp. Bounds must broadcast to `shape`. Returns a fresh tensor.
 */
export function uniform(k: PRNGKey, shape: readonly number[] = [], options: UniformOptions = {}): tf.Tensor {
  assertKey('uniform', k);
  const minval = options.minval ?? 0;
  const maxval = options.maxval ?? 1;
  if (isTensor(minval) || isTensor(maxval)) {
    const s = sampleShape('uniform', shape, { minval: shapeOf('uniform', 'minval', minval), maxval: shapeOf('uniform', 'maxval', maxval) });
    const floats = drawUnitFloats(k, s.reduce((a, b) => a * b, 1));
    return tf.tidy(() => {
      const lo = toFloatTensor(minval);
      const hi = toFloatTensor(maxval);
      const f = tf.tensor(floats, s, 'float32');
      return tf.maximum(lo, tf.add(tf.mul(f, tf.sub(hi, lo)), lo));
    });
  }
  const lo = toHostParam('uniform', 'minval', minval);
  const hi = toHostParam('uniform', 'maxval', maxval);
  requireValues('uniform', 'minval', lo, (v) => !Number.isNaN(v), 'a number (not NaN)');
  requireValues('uniform', 'maxval', hi, (v) => !Number.isNaN(v), 'a number (not NaN)');
  const s = sampleShape('uniform', shape, { minval: lo.shape, maxval: hi.shape });
  const size = s.reduce((a, b) => a * b, 1);
  const out = drawUnitFloats(k, size);
  const iLo = broadcastIndex(lo.shape, s);
  const iHi = broadcastIndex(hi.shape, s);
  const lo32 = Float32Array.from(lo.values);
  const hi32 = Float32Array.from(hi.values);
  for (let i = 0; i < size; i++) {
    const a = lo32[iLo === undefined ? 0 : iLo[i]!]!;
    const b = hi32[iHi === undefined ? 0 : iHi[i]!]!;
    out[i] = scaleUnit(out[i]!, a, b);
  }
  return tf.tensor(out, s, 'float32');
}
