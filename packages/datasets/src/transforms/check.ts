import type * as tf from '@tensorflow/tfjs-core';

/** Throws unless `x` is a rank-2 tensor (`[n, features]`); names the function, argument and shape. */
export function assertMatrix(fn: string, arg: string, x: tf.Tensor): asserts x is tf.Tensor2D {
  if (x?.rank !== 2) {
    const shape = x?.shape === undefined ? String(x) : `[${x.shape.join(', ')}]`;
    throw new Error(`${fn}: ${arg} must be a [n, features] matrix, got shape ${shape}`);
  }
}

/** Throws unless `x` has `features` columns (the fitted state's width). */
export function assertWidth(fn: string, arg: string, x: tf.Tensor, features: number): void {
  assertMatrix(fn, arg, x);
  if (x.shape[1] !== features) {
    throw new Error(`${fn}: ${arg} has shape [${x.shape.join(', ')}] but the state was fitted on ${features} features`);
  }
}
