import * as tf from '@tensorflow/tfjs-core';
import { assertKey, split, type PRNGKey } from './key.js';
import { toHostParam, type NumberArray } from './params.js';
import { drawBits } from './random-bits.js';
import { broadcastIndex, sampleShape } from './shape.js';

const INT32_MAX = 2 ** 31 - 1;
const INT32_MIN = -(2 ** 31);

/** XLA's unsigned remainder: x % 0 is x. */
function urem(x: number, y: number): number {
  return y === 0 ? x : x % y;
}

/**
 * Uniform integers in [minval, maxval) as an int32 tensor, bit-identical to
 * `jax.random.randint(key, shape, minval, maxval)` (int32): two 32-bit draws combined modulo the span,
 * which (as in JAX) is very slightly biased when the span is not a power of two.
 *
 * `minval` and `maxval` are integers (numbers or number arrays broadcasting to `shape`) in
 * [-2^31, 2^31]; `maxval = 2^31` reaches int32's maximum. Where maxval <= minval the result is minval
 * (JAX's rule). Computed on the host (tfjs has no uint32 arithmetic), so tensors are not accepted.
 */
export function randint(
  k: PRNGKey,
  shape: readonly number[],
  minval: number | readonly NumberArray[],
  maxval: number | readonly NumberArray[],
): tf.Tensor {
  assertKey('randint', k);
  const lo = toHostParam('randint', 'minval', minval);
  const hi = toHostParam('randint', 'maxval', maxval);
  for (const [name, p] of [['minval', lo], ['maxval', hi]] as const) {
    for (const v of p.values) {
      if (!Number.isInteger(v) || v < INT32_MIN || v > 2 ** 31) {
        throw new RangeError(`randint: ${name} must hold integers in [-2^31, 2^31], got ${v}`);
      }
    }
  }
  const s = sampleShape('randint', shape, { minval: lo.shape, maxval: hi.shape });
  const size = s.reduce((a, b) => a * b, 1);
  const [k1, k2] = split(k, 2) as [PRNGKey, PRNGKey];
  const higher = drawBits(k1, size);
  const lower = drawBits(k2, size);
  const iLo = broadcastIndex(lo.shape, s);
  const iHi = broadcastIndex(hi.shape, s);
  const out = new Int32Array(size);
  for (let i = 0; i < size; i++) {
    const rawMax = hi.values[iHi === undefined ? 0 : iHi[i]!]!;
    const mn = lo.values[iLo === undefined ? 0 : iLo[i]!]!;
    const outOfRange = rawMax > INT32_MAX;
    const mx = outOfRange ? INT32_MAX : rawMax;
    // uint32(maxval - minval) of int32 values (wrapping), then JAX's two adjustments.
    let span = (mx - mn) >>> 0;
    if (mx <= mn) span = 1;
    if (outOfRange && mx > mn) span = (span + 1) >>> 0;
    let multiplier = urem(2 ** 16, span);
    multiplier = urem(Math.imul(multiplier, multiplier) >>> 0, span);
    let offset = (Math.imul(urem(higher[i]!, span), multiplier) >>> 0) + urem(lower[i]!, span);
    offset = urem(offset >>> 0, span);
    out[i] = (mn + offset) | 0;
  }
  return tf.tensor(out, s, 'int32');
}
