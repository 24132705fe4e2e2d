import * as tf from '@tensorflow/tfjs-core';

/**
 * Async readback only: `dataSync` breaks on Node's WebGPU and returns zeros in browsers.
 * None of these dispose their input.
 */
export async function toFloat64Array(t: tf.Tensor): Promise<Float64Array> {
  return Float64Array.from(await t.data());
}

/** One number out of a tensor of size 1. */
export async function toScalar(t: tf.Tensor): Promise<number> {
  if (t.size !== 1) throw new Error(`toScalar: expected a tensor of size 1, got shape [${t.shape.join(', ')}]`);
  const data = await t.data();
  return Number(data[0]);
}

/** Nested arrays, as `array()` but with an explicit name for the async path. */
export async function toNested(t: tf.Tensor): Promise<unknown> {
  return t.array();
}
