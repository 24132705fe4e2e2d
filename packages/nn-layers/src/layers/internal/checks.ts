import type * as tf from '@tensorflow/tfjs-core';

/** `[2, 3]` for error messages. */
export function fmtShape(shape: readonly number[]): string {
  return `[${shape.join(', ')}]`;
}

/** Throws unless `value` is an integer ≥ `min` (a factory's size argument). */
export function checkInt(where: string, name: string, value: unknown, min: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min) {
    throw new RangeError(`${where}: ${name} must be an integer >= ${min}, got ${String(value)}`);
  }
  return value;
}

/** Throws unless `value` is a finite number > 0. */
export function checkPositive(where: string, name: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    throw new RangeError(`${where}: ${name} must be a finite number > 0, got ${String(value)}`);
  }
  return value;
}

/** Throws unless `inputShape` is an array of positive integers of rank ≥ `minRank`. */
export function checkInputShape(where: string, inputShape: readonly number[], minRank: number): void {
  if (!Array.isArray(inputShape) || inputShape.some((d) => typeof d !== 'number' || !Number.isInteger(d) || d < 1)) {
    throw new TypeError(`${where}: inputShape must be an array of positive integers, got ${JSON.stringify(inputShape)}`);
  }
  if (inputShape.length < minRank) {
    throw new RangeError(`${where}: inputShape ${fmtShape(inputShape)} must have rank >= ${minRank}`);
  }
}

/** Throws unless `t` is a tensor (params and inputs checked before any op runs). */
export function checkTensor(where: string, name: string, t: unknown): asserts t is tf.Tensor {
  const ok = t !== null && typeof t === 'object' && typeof (t as tf.Tensor).rank === 'number' && Array.isArray((t as tf.Tensor).shape);
  if (!ok) throw new TypeError(`${where}: ${name} must be a tensor, got ${t === null ? 'null' : typeof t}`);
}
