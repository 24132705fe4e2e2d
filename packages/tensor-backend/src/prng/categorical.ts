import * as tf from '@tensorflow/tfjs-core';
import { logF32 } from './float32.js';
import { drawUnitFloats, scaleUnit } from './host-draws.js';
import { assertKey, type PRNGKey } from './key.js';
import { isTensor, requireValues, shapeOf, toFloatTensor, toHostParam, type ParamLike } from './params.js';
import { broadcastIndex, sampleShape } from './shape.js';

const fround = Math.fround;
/** float32 smallest normal, JAX's `finfo(float32).tiny`: the gumbel uniform's lower bound. */
const TINY_F32 = 2 ** -126;

/** Options of {@link categorical}. */
export interface CategoricalOptions {
  /** The axis of `logits` that indexes the categories. Default -1 (the last). */
  axis?: number;
  /**
   * Sample shape; the batch shape of `logits` (its shape without `axis`) must broadcast to it.
   * Default: the batch shape of `logits`.
   */
  shape?: readonly number[];
}

/**
 * Category indices drawn from unnormalised log-probabilities, like
 * `jax.random.categorical(key, logits, axis, shape)`: the argmax over `axis` of `logits` plus Gumbel
 * noise `-log(-log(u))` (JAX's default mode). The noise is computed on the host in float32; with
 * number (or number-array) logits the whole draw is on the host and matches JAX exactly (up to
 * float32 log ties, vanishingly rare). Tensor logits are added and reduced on the device.
 * Number logits must not be NaN or +Infinity (-Infinity means probability 0). Returns a fresh int32 tensor.
 */
export function categorical(k: PRNGKey, logits: ParamLike, options: CategoricalOptions = {}): tf.Tensor {
  assertKey('categorical', k);
  const L = shapeOf('categorical', 'logits', logits);
  const r = L.length;
  if (r === 0) throw new RangeError('categorical: logits must have at least one axis (the categories)');
  const axis = options.axis ?? -1;
  if (!Number.isInteger(axis) || axis < -r || axis >= r) {
    throw new RangeError(`categorical: axis ${axis} is out of range for logits of shape [${L.join(', ')}]`);
  }
  const ax = axis < 0 ? axis + r : axis;
  if (L[ax] === 0) throw new RangeError(`categorical: logits has no categories along axis ${axis} (shape [${L.join(', ')}])`);
  const batch = L.filter((_, i) => i !== ax);
  const s = sampleShape('categorical', options.shape, { 'logits batch shape': batch });
  const prefix = s.slice(0, s.length - batch.length);
  const trailing = s.slice(s.length - batch.length);
  const G = [...prefix, ...trailing.slice(0, ax), L[ax]!, ...trailing.slice(ax)];
  const gAx = prefix.length + ax;
  const gSize = G.reduce((a, b) => a * b, 1);
  const noise = drawUnitFloats(k, gSize);
  for (let i = 0; i < gSize; i++) {
    const u = scaleUnit(noise[i]!, TINY_F32, 1);
    noise[i] = -logF32(-logF32(u));
  }
  if (isTensor(logits)) {
    return tf.tidy(() => tf.argMax(tf.add(tf.tensor(noise, G, 'float32'), toFloatTensor(logits)), gAx));
  }
  const hl = toHostParam('categorical', 'logits', logits);
  requireValues('categorical', 'logits', hl, (v) => !Number.isNaN(v) && v !== Infinity, 'a number below +Infinity');
  const l32 = Float32Array.from(hl.values);
  const idx = broadcastIndex(L, G);
  const outer = G.slice(0, gAx).reduce((a, b) => a * b, 1);
  const n = G[gAx]!;
  const inner = G.slice(gAx + 1).reduce((a, b) => a * b, 1);
  const out = new Int32Array(outer * inner);
  for (let o = 0; o < outer; o++) {
    for (let q = 0; q < inner; q++) {
      let best = -Infinity;
      let arg = 0;
      for (let j = 0; j < n; j++) {
        const g = (o * n + j) * inner + q;
        const v = fround(noise[g]! + l32[idx === undefined ? 0 : idx[g]!]!);
        // argmax keeps the first maximum.
        if (v > best) {
          best = v;
          arg = j;
        }
      }
      out[o * inner + q] = arg;
    }
  }
  return tf.tensor(out, s, 'int32');
}
