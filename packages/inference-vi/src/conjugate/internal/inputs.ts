import * as tf from '@tensorflow/tfjs-core';
import { fromRowsF64, type MatrixF64 } from '@probdl/tensor-backend';
import type { DesignInput, VectorInput } from '../types.js';

/** @internal `[a, b]` for messages. */
export function showShape(shape: readonly number[]): string {
  return `[${shape.join(', ')}]`;
}

/** @internal True for a {@link MatrixF64}. */
export function isMatrixF64(x: unknown): x is MatrixF64 {
  if (typeof x !== 'object' || x === null || x instanceof tf.Tensor) return false;
  const m = x as Partial<MatrixF64>;
  return typeof m.rows === 'number' && typeof m.cols === 'number' && m.data instanceof Float64Array;
}

/** @internal The `[rows, cols]` of a design input, checked; throws naming the function and argument. */
export function designShape(x: DesignInput, arg: string, fn: string): [number, number] {
  if (x instanceof tf.Tensor) {
    if (x.rank !== 2) throw new Error(`${fn}: '${arg}' must be a matrix of shape [N, D], got shape ${showShape(x.shape)}`);
    return [x.shape[0] as number, x.shape[1] as number];
  }
  if (isMatrixF64(x)) return [x.rows, x.cols];
  if (Array.isArray(x)) {
    const cols = (x[0] as readonly number[] | undefined)?.length ?? 0;
    x.forEach((row: unknown, i) => {
      if (!Array.isArray(row)) throw new Error(`${fn}: '${arg}' must be nested arrays (one per row); row ${i} is not an array`);
      if (row.length !== cols) throw new Error(`${fn}: '${arg}' row ${i} has length ${row.length}, expected ${cols} (the length of row 0)`);
    });
    return [x.length, cols];
  }
  throw new Error(`${fn}: '${arg}' must be a rank-2 tensor, a MatrixF64 or nested arrays, got ${describe(x)}`);
}

/** @internal The length of a vector input ([n] or [n, 1]); throws naming the argument and shape. */
export function vectorLength(v: VectorInput, arg: string, fn: string): number {
  if (v instanceof tf.Tensor) {
    if (v.rank === 1) return v.shape[0] as number;
    if (v.rank === 2 && v.shape[1] === 1) return v.shape[0] as number;
    throw new Error(`${fn}: '${arg}' must have shape [n] or [n, 1], got shape ${showShape(v.shape)}`);
  }
  if (v !== null && typeof v === 'object' && typeof (v as ArrayLike<number>).length === 'number') return v.length;
  throw new Error(`${fn}: '${arg}' must be a tensor or an array of numbers, got ${describe(v)}`);
}

/** @internal Reads a design matrix into float64 (one async readback for a tensor). */
export async function designToHost(x: DesignInput): Promise<MatrixF64> {
  if (x instanceof tf.Tensor) {
    const data = await x.data();
    return { rows: x.shape[0] as number, cols: x.shape[1] as number, data: Float64Array.from(data) };
  }
  if (isMatrixF64(x)) return x;
  return fromRowsF64(x as number[][]);
}

/** @internal Reads a vector into float64. */
export async function vectorToHost(v: VectorInput): Promise<Float64Array> {
  if (v instanceof tf.Tensor) return Float64Array.from(await v.data());
  return Float64Array.from(v);
}

/** @internal A float32 `[N, D]` tensor of a design input (a fresh tensor the caller disposes). */
export function designToTensor(x: DesignInput): tf.Tensor2D {
  if (x instanceof tf.Tensor) return tf.tidy(() => tf.cast(x, 'float32') as tf.Tensor2D);
  if (isMatrixF64(x)) return tf.tensor2d(Float32Array.from(x.data), [x.rows, x.cols], 'float32');
  const rows = x as readonly (readonly number[])[];
  const cols = rows[0]?.length ?? 0;
  const data = new Float32Array(rows.length * cols);
  rows.forEach((r, i) => data.set(r, i * cols));
  return tf.tensor2d(data, [rows.length, cols], 'float32');
}

/** @internal A float32 `[n]` tensor of a vector input (fresh). */
export function vectorToTensor(v: VectorInput): tf.Tensor1D {
  if (v instanceof tf.Tensor) return tf.tidy(() => tf.reshape(tf.cast(v, 'float32'), [-1]) as tf.Tensor1D);
  return tf.tensor1d(Float32Array.from(v), 'float32');
}

/** @internal A short description of a value for error messages. */
export function describe(x: unknown): string {
  if (x === null) return 'null';
  if (x instanceof tf.Tensor) return `a tensor of shape ${showShape(x.shape)}`;
  if (Array.isArray(x)) return `an array of length ${x.length}`;
  if (typeof x === 'number') return String(x);
  if (typeof x === 'string') return `'${x}'`;
  return typeof x;
}
