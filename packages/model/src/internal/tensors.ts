import * as tf from '@tensorflow/tfjs-core';
import type { TensorInput } from '@probdl/distributions';

/** A value as a float32 tensor (a tensor passed in is returned as it is); errors name the site and argument. */
export function toTensor(where: string, arg: string, x: TensorInput): tf.Tensor {
  if (x instanceof tf.Tensor) {
    if (x.isDisposed) throw new Error(`${where}: '${arg}' is a disposed tensor`);
    return x;
  }
  if (typeof x === 'number') return tf.scalar(x);
  if (x instanceof Float32Array || x instanceof Float64Array || x instanceof Int32Array) return tf.tensor1d(Float32Array.from(x));
  if (Array.isArray(x)) {
    try {
      return tf.tensor(x as number[]);
    } catch (e) {
      throw new TypeError(`${where}: '${arg}' is not a rectangular array of numbers (${(e as Error).message})`);
    }
  }
  throw new TypeError(`${where}: '${arg}' must be a number, an array or a tensor, got ${x === null ? 'null' : typeof x}`);
}

/** Whether two shapes are equal. */
export function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}
