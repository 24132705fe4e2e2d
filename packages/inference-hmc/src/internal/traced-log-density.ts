import type * as tf from '@tensorflow/tfjs-core';
import { traceKernels, type KernelTrace } from '@probdl/tensor-backend';
import type { LogDensityFn } from '../types.js';
import { logDensityAndGrad } from './value-and-grad.js';

const TRACE = Symbol('probdl.inference-hmc.kernelTrace');

type Traced = LogDensityFn & { readonly [TRACE]?: KernelTrace };

/** A log density whose batched gradient replays recorded kernels (see {@link tracedLogDensity}). */
export interface TracedLogDensity {
  /** The same function (same values); host NUTS evaluates its gradient by replay. */
  readonly logDensityFn: LogDensityFn;
  /** Frees the recorded programs. */
  dispose(): void;
}

/**
 * Wraps a log density so that the host NUTS kernel (`nuts({ independentRows })` and `sample`'s
 * lockstep NUTS, which do this themselves) evaluates its log density and gradient with
 * `traceKernels` from @probdl/tensor-backend: recorded once per batch size and replayed without
 * tfjs's engine on the cpu and wasm backends, with the same values bit for bit. The function must
 * be pure (like a function under `jax.jit`): tensors it builds or closes over are recorded as
 * constants. Elsewhere (WebGPU, or a function that reads values or uses a `tf.Variable`) the
 * gradient is evaluated through tfjs as before.
 */
export function tracedLogDensity(logDensityFn: LogDensityFn): TracedLogDensity {
  if (typeof logDensityFn !== 'function') throw new TypeError(`tracedLogDensity: logDensityFn must be a function, got ${typeof logDensityFn}`);
  const trace = traceKernels((x: tf.Tensor) => {
    const r = logDensityAndGrad(logDensityFn, x);
    return [r.logDensity, r.grad];
  });
  const fn = ((x: tf.Tensor) => logDensityFn(x)) as Traced;
  Object.defineProperty(fn, TRACE, { value: trace });
  return { logDensityFn: fn, dispose: () => trace.dispose() };
}

/** The kernel trace of a function made by {@link tracedLogDensity}, if it is one. */
export function traceOf(logDensityFn: LogDensityFn): KernelTrace | undefined {
  return (logDensityFn as Traced)[TRACE];
}
