import * as tf from '@tensorflow/tfjs-core';
import type { SpecialInput } from '../types.js';

export type { SpecialInput };

/** The float32 view of an argument; a float32 tensor passes through unchanged (callers never dispose it). */
export function toFloat(x: SpecialInput, name: string, fn: string): tf.Tensor {
  if (x instanceof tf.Tensor) {
    if (x.dtype === 'float32') return x;
    if (x.dtype === 'string' || x.dtype === 'complex64') {
      throw new Error(`${fn}: argument '${name}' must be a real tensor, got dtype ${x.dtype}`);
    }
    return tf.cast(x, 'float32');
  }
  if (typeof x === 'string' || (Array.isArray(x) && x.flat(Infinity).some((v) => typeof v !== 'number'))) {
    throw new Error(`${fn}: argument '${name}' must be numeric, got ${JSON.stringify(x).slice(0, 60)}`);
  }
  if (x === null || x === undefined) throw new Error(`${fn}: argument '${name}' is missing`);
  return tf.tensor(x as tf.TensorLike, undefined, 'float32');
}

/** The broadcast shape of several arguments, with an Error that names the function and the shapes. */
export function broadcastShapeOf(fn: string, names: string[], tensors: tf.Tensor[]): number[] {
  let shape: number[] = [];
  for (let i = 0; i < tensors.length; i++) {
    const s = (tensors[i] as tf.Tensor).shape;
    try {
      shape = tf.broadcast_util.assertAndGetBroadcastShape(shape, s);
    } catch {
      const desc = tensors.map((t, j) => `${names[j]} [${t.shape.join(', ')}]`).join(', ');
      throw new Error(`${fn}: arguments cannot be broadcast together: ${desc}`);
    }
  }
  return shape;
}

/** Converts the arguments to float32 and broadcasts them to one shape (a no-op for ones already that shape). */
export function floatArgs(fn: string, names: string[], args: SpecialInput[]): tf.Tensor[] {
  const ts = args.map((a, i) => toFloat(a, names[i] as string, fn));
  if (ts.length === 1) return ts;
  const shape = broadcastShapeOf(fn, names, ts);
  return ts.map((t) => (sameShape(t.shape, shape) ? t : tf.broadcastTo(t, shape)));
}

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

/** Saved tensors of a custom gradient, read back with a clear Error if the engine did not keep them. */
export function savedAt(saved: tf.Tensor[], i: number): tf.Tensor {
  const t = saved[i];
  if (t === undefined) throw new Error(`special: internal error, saved tensor ${i} missing in a custom gradient`);
  return t;
}
