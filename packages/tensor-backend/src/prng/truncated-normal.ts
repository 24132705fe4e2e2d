import * as tf from '@tensorflow/tfjs-core';
import { erfDevice, erfInvDevice, nextDownDevice, nextUpDevice } from './device-math.js';
import { erfF32, erfInvF32, nextDown32, nextUp32 } from './float32.js';
import { SQRT2_F32, drawUnitFloats, scaleUnit } from './host-draws.js';
import { assertKey, type PRNGKey } from './key.js';
import { isTensor, shapeOf, toFloatTensor, toHostParam, type ParamLike } from './params.js';
import { broadcastIndex, sampleShape } from './shape.js';

const fround = Math.fround;

/**
 * Standard normal samples truncated to the open interval (lower, upper), like
 * `jax.random.truncated_normal(key, lower, upper, shape)`: u uniform between erf(lower/√2) and
 * erf(upper/√2), then √2 erf_inv(u), clipped strictly inside the bounds.
 *
 * `lower`/`upper` broadcast with each other and to `shape` (default: their broadcast shape); ±Infinity
 * is allowed. With number (or number-array) bounds the draws are computed on the host and are
 * bit-identical to JAX on CPU; such bounds must satisfy lower < upper. Tensor bounds are used on the
 * device with the same float32 formulas (values then agree with JAX to a few ulps; lower >= upper or
 * NaN bounds give NaN or a bound there, as in JAX). Returns a fresh float32 tensor.
 */
export function truncatedNormal(
  k: PRNGKey,
  lower: ParamLike,
  upper: ParamLike,
  shape?: readonly number[],
): tf.Tensor {
  assertKey('truncatedNormal', k);
  if (isTensor(lower) || isTensor(upper)) {
    const s = sampleShape('truncatedNormal', shape, { lower: shapeOf('truncatedNormal', 'lower', lower), upper: shapeOf('truncatedNormal', 'upper', upper) });
    const floats = drawUnitFloats(k, s.reduce((a, b) => a * b, 1));
    return tf.tidy(() => {
      const lo = toFloatTensor(lower);
      const hi = toFloatTensor(upper);
      const a = erfDevice(tf.div(lo, SQRT2_F32));
      const b = erfDevice(tf.div(hi, SQRT2_F32));
      const f = tf.tensor(floats, s, 'float32');
      const u = tf.maximum(a, tf.add(tf.mul(f, tf.sub(b, a)), a));
      const z = tf.mul(erfInvDevice(u), SQRT2_F32);
      return tf.minimum(nextDownDevice(hi), tf.maximum(nextUpDevice(lo), z));
    });
  }
  const lo = toHostParam('truncatedNormal', 'lower', lower);
  const hi = toHostParam('truncatedNormal', 'upper', upper);
  const s = sampleShape('truncatedNormal', shape, { lower: lo.shape, upper: hi.shape });
  const size = s.reduce((a, b) => a * b, 1);
  const iLo = broadcastIndex(lo.shape, s);
  const iHi = broadcastIndex(hi.shape, s);
  // Per distinct parameter pair the erf values are the same; compute them per element only when broadcast.
  const lo32 = Float32Array.from(lo.values);
  const hi32 = Float32Array.from(hi.values);
  const checkPair = (a: number, b: number): void => {
    if (!(fround(a) < fround(b))) throw new RangeError(`truncatedNormal: lower must be < upper (as float32), got lower ${a}, upper ${b}`);
  };
  const out = drawUnitFloats(k, size);
  const single = iLo === undefined && iHi === undefined;
  let ea = 0, eb = 0, clipLo = 0, clipHi = 0;
  const setup = (l: number, h: number): void => {
    checkPair(l, h);
    ea = erfF32(fround(l / SQRT2_F32));
    eb = erfF32(fround(h / SQRT2_F32));
    clipLo = nextUp32(l);
    clipHi = nextDown32(h);
  };
  if (single) setup(lo32[0]!, hi32[0]!);
  for (let i = 0; i < size; i++) {
    if (!single) setup(lo32[iLo === undefined ? 0 : iLo[i]!]!, hi32[iHi === undefined ? 0 : iHi[i]!]!);
    const u = scaleUnit(out[i]!, ea, eb);
    const z = fround(SQRT2_F32 * erfInvF32(u));
    out[i] = Math.min(clipHi, Math.max(clipLo, z));
  }
  if (size === 0 && lo32.length > 0 && hi32.length > 0) checkPair(lo32[0]!, hi32[0]!);
  return tf.tensor(out, s, 'float32');
}
