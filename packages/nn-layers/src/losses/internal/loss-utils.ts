import * as tf from '@tensorflow/tfjs-core';
import type { LossOptions, Reduction } from '../types.js';

/** `[a, b, c]` for error messages. */
export function fmtShape(shape: readonly number[]): string {
  return `[${shape.join(', ')}]`;
}

/** Whether two shapes are identical. */
export function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

/** Checks that `x` is a live tensor; returns it. */
export function checkTensor(fn: string, arg: string, x: unknown): tf.Tensor {
  if (!(x instanceof tf.Tensor)) throw new TypeError(`${fn}: argument '${arg}' must be a tf.Tensor, got ${x === null ? 'null' : typeof x}`);
  if (x.isDisposed) throw new Error(`${fn}: argument '${arg}' is a disposed tensor`);
  if (x.dtype === 'string' || x.dtype === 'complex64') throw new TypeError(`${fn}: argument '${arg}' must be numeric, got dtype ${x.dtype}`);
  return x;
}

/**
 * Checks that `a` and `b` have the same shape. Losses do not broadcast: a prediction of shape
 * [N, 1] against targets of shape [N] would silently become an [N, N] loss.
 */
export function checkSameShape(fn: string, aName: string, a: tf.Tensor, bName: string, b: tf.Tensor): void {
  if (!sameShape(a.shape, b.shape)) {
    throw new RangeError(`${fn}: ${aName} has shape ${fmtShape(a.shape)} but ${bName} has shape ${fmtShape(b.shape)}; they must match (losses do not broadcast)`);
  }
}

/** The reduction option, checked (default 'mean'). */
export function resolveReduction(fn: string, options: LossOptions | undefined): Reduction {
  const r = options?.reduction ?? 'mean';
  if (r !== 'mean' && r !== 'sum' && r !== 'none') {
    throw new RangeError(`${fn}: option 'reduction' must be 'mean', 'sum' or 'none', got ${JSON.stringify(r)}`);
  }
  return r;
}

/** Applies the reduction to per-element values (inside the caller's tidy). */
export function reduce(values: tf.Tensor, reduction: Reduction): tf.Tensor {
  if (reduction === 'none') return values;
  return reduction === 'sum' ? tf.sum(values) : tf.mean(values);
}

/** `x` as float32 (a cast inside the caller's tidy when it is not). */
export function asFloat(x: tf.Tensor): tf.Tensor {
  return x.dtype === 'float32' ? x : tf.cast(x, 'float32');
}
