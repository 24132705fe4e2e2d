import * as tf from '@tensorflow/tfjs-core';
import type { LogDensityFn } from '../types.js';
import { traceOf } from './traced-log-density.js';
import { logDensityAndGrad } from './value-and-grad.js';

/** The log densities `[C]` and gradients `[C, D]` of a batch, on the host. */
export interface HostLogDensity {
  readonly logDensity: Float32Array;
  readonly grad: Float32Array;
}

/**
 * One batched log density and gradient at positions given on the host (`[C, D]` row-major,
 * float32): one upload, one device evaluation for every row, the two results read back together
 * (two transfers rather than a concatenation kernel, which tfjs-wasm runs in JavaScript). A
 * function from `tracedLogDensity` is evaluated by replaying its recorded kernels where it can be.
 */
export async function hostLogDensityAndGrad(logDensityFn: LogDensityFn, position: Float32Array, numChains: number, dim: number): Promise<HostLogDensity> {
  const replayed = traceOf(logDensityFn)?.run(position, [numChains, dim]);
  if (replayed) return { logDensity: replayed[0] as Float32Array, grad: replayed[1] as Float32Array };
  const x = tf.tensor2d(position, [numChains, dim]);
  let r: { logDensity: tf.Tensor; grad: tf.Tensor } | undefined;
  try {
    r = logDensityAndGrad(logDensityFn, x);
    const [logDensity, grad] = await Promise.all([r.logDensity.data(), r.grad.data()]);
    return { logDensity: logDensity as Float32Array, grad: grad as Float32Array };
  } finally {
    x.dispose();
    if (r) tf.dispose([r.logDensity, r.grad]);
  }
}
