import * as tf from '@tensorflow/tfjs-core';
import type { ConvertedParam } from './params.js';

/** One deferred check of a tensor parameter: run by `validate()` with an asynchronous readback. */
export interface PendingCheck {
  readonly arg: string;
  readonly tensor: tf.Tensor;
  readonly check: (values: Float64Array, shape: readonly number[]) => string | undefined;
}

/**
 * Values readable without waiting: host parameters always; tensors only on backends whose
 * readback is synchronous (cpu, wasm). WebGPU readback is asynchronous only, so its checks wait
 * for `Distribution.validate()`.
 */
export function syncValues(p: ConvertedParam): Float64Array | undefined {
  if (p.host) return p.host;
  if (tf.getBackend() === 'webgpu') return undefined;
  // eslint-disable-next-line no-restricted-syntax -- cpu/wasm readback is synchronous and safe; WebGPU is excluded above.
  return Float64Array.from(p.tensor.dataSync() as Float32Array);
}

/** A checker for elementwise conditions: the message names the first offending value and its index. */
export function elementwise(ok: (v: number) => boolean, what: string): (values: Float64Array, shape: readonly number[]) => string | undefined {
  return (values, shape) => {
    for (let i = 0; i < values.length; i++) {
      const v = values[i]!;
      if (!ok(v)) return `must be ${what}, got ${v}${shape.length === 0 ? '' : ` at flat index ${i} of shape [${shape.join(', ')}]`}`;
    }
    return undefined;
  };
}

export const isPositive = elementwise((v) => v > 0 && Number.isFinite(v), 'positive and finite');
export const isNonNegative = elementwise((v) => v >= 0 && Number.isFinite(v), 'non-negative and finite');
export const isFinite = elementwise((v) => Number.isFinite(v), 'finite');
export const isNotNaN = elementwise((v) => !Number.isNaN(v), 'a number (not NaN)');
export const isProbability = elementwise((v) => v >= 0 && v <= 1, 'a probability in [0, 1]');
export const isNonNegativeInteger = elementwise((v) => v >= 0 && Number.isInteger(v), 'a non-negative integer');

/** Rows along the last axis that sum to one (within float32 rounding) with entries in [0, 1]. */
export function isSimplex(tolerance = 1e-4): (values: Float64Array, shape: readonly number[]) => string | undefined {
  return (values, shape) => {
    const k = shape[shape.length - 1] ?? 1;
    for (let r = 0; r * k < values.length; r++) {
      let sum = 0;
      for (let j = 0; j < k; j++) {
        const v = values[r * k + j]!;
        if (!(v >= 0 && v <= 1)) return `must hold probabilities in [0, 1], got ${v} at flat index ${r * k + j}`;
        sum += v;
      }
      if (Math.abs(sum - 1) > tolerance) return `must sum to 1 along the last axis, row ${r} sums to ${sum}`;
    }
    return undefined;
  };
}
