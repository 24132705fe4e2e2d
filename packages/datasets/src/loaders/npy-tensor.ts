import * as tf from '@tensorflow/tfjs-core';
import type { NpyArray } from './npy.js';

/**
 * Make a tensor from a parsed `.npy` array: float dtypes become float32, integer dtypes int32
 * (with a range check for uint32 and int64), bool stays bool.
 *
 * @param npy - the array from {@link parseNpy} or {@link parseNpz}.
 * @param name - a name for error messages.
 * @returns a fresh tensor of shape `npy.shape`, owned by the caller.
 * @throws Error if an integer element does not fit int32.
 */
export function npyToTensor(npy: NpyArray, name = 'npy'): tf.Tensor {
  const { dtype, shape, data } = npy;
  if (dtype === 'float32' || dtype === 'float64') return tf.tensor(Float32Array.from(data), shape, 'float32');
  if (dtype === 'bool') return tf.tensor(Uint8Array.from(data), shape, 'bool');
  if (dtype === 'uint32' || dtype === 'int64') {
    for (let i = 0; i < data.length; i++) {
      const v = data[i]!;
      if (v > 2147483647 || v < -2147483648) {
        throw new Error(`${name}: ${dtype} element ${i} = ${v} does not fit int32`);
      }
    }
  }
  return tf.tensor(Int32Array.from(data), shape, 'int32');
}
