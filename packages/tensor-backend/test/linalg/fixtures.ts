import * as tf from '@tensorflow/tfjs-core';
import {
  choleskyF64,
  inverseF64,
  matmulF64,
  matrixF64,
  transposeF64,
  type MatrixF64,
} from '../../src/linalg/index.js';

/** The backend this project runs on; WebGPU is a software GPU here, so its tests stay small. */
export const backend = process.env.PROBDL_BACKEND ?? 'cpu';
export const onWebGpu = backend === 'webgpu';

/** float32 unit roundoff 2⁻²⁴. */
export const U32 = 2 ** -24;

/** A seeded LCG (Numerical Recipes constants) giving uniforms in [-1, 1): fixed test data, no Math.random. */
export function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(1664525, s) + 1013904223) >>> 0;
    return (s / 2 ** 32) * 2 - 1;
  };
}

/** Rounds every entry to float32, so host references see exactly the numbers the device sees. */
export function f32(m: MatrixF64): MatrixF64 {
  return matrixF64(m.rows, m.cols, Array.from(m.data, Math.fround));
}

export function randomMatrix(rng: () => number, rows: number, cols: number): MatrixF64 {
  return f32(matrixF64(rows, cols, Array.from({ length: rows * cols }, rng)));
}

/** `M Mᵀ + shift I` for a uniform M (cond ≈ (4n/3 + shift)/shift), rounded to float32. */
export function randomSpd(rng: () => number, n: number, shift = n): MatrixF64 {
  const m = randomMatrix(rng, n, n);
  const a = matmulF64(m, transposeF64(m));
  for (let i = 0; i < n; i++) a.data[i * n + i] = (a.data[i * n + i] as number) + shift;
  return f32(a);
}

/** A lower triangular factor with modest condition: the float64 Cholesky factor of a random SPD matrix. */
export function randomLower(rng: () => number, n: number): MatrixF64 {
  return f32(choleskyF64(randomSpd(rng, n)));
}

/** Stacks host matrices into a tensor `[...batch, r, c]` (row-major batch order). */
export function stack(ms: readonly MatrixF64[], batch: readonly number[]): tf.Tensor {
  const first = ms[0] as MatrixF64;
  const data = new Float32Array(ms.length * first.rows * first.cols);
  ms.forEach((m, i) => data.set(m.data, i * first.rows * first.cols));
  return tf.tensor(data, [...batch, first.rows, first.cols], 'float32');
}

/** Reads a `[..., r, c]` tensor back as host matrices, one per batch entry. */
export async function unstack(t: tf.Tensor): Promise<MatrixF64[]> {
  const r = t.shape[t.rank - 2] as number;
  const c = t.shape[t.rank - 1] as number;
  const data = await t.data();
  const out: MatrixF64[] = [];
  for (let off = 0; off < data.length; off += r * c) out.push(matrixF64(r, c, data.subarray(off, off + r * c)));
  return out;
}

/** Concatenated data of host matrices (the expected value for toBeCloseTensor, with the tensor's shape). */
export function flat(ms: readonly MatrixF64[], shape: readonly number[]): tf.TensorLike {
  const data: number[] = [];
  for (const m of ms) data.push(...m.data);
  return reshapeNested(data, shape);
}

function reshapeNested(data: number[], shape: readonly number[]): tf.TensorLike {
  if (shape.length === 0) return data[0] as number;
  if (shape.length === 1) return data;
  const [d, ...rest] = shape as [number, ...number[]];
  const size = rest.reduce((p, x) => p * x, 1);
  return Array.from({ length: d }, (_, i) => reshapeNested(data.slice(i * size, (i + 1) * size), rest)) as tf.TensorLike;
}

export function maxAbs(m: MatrixF64 | readonly MatrixF64[]): number {
  const list = Array.isArray(m) ? m : [m as MatrixF64];
  let s = 0;
  for (const x of list) for (const v of x.data) s = Math.max(s, Math.abs(v));
  return s;
}

/** 1-norm condition number ‖A‖₁ ‖A⁻¹‖₁ computed in float64. */
export function cond1(a: MatrixF64): number {
  const norm1 = (m: MatrixF64): number => {
    let best = 0;
    for (let j = 0; j < m.cols; j++) {
      let s = 0;
      for (let i = 0; i < m.rows; i++) s += Math.abs(m.data[i * m.cols + j] as number);
      best = Math.max(best, s);
    }
    return best;
  };
  return norm1(a) * norm1(inverseF64(a));
}

/**
 * Relative float32 tolerance for an n × n computation on a matrix of condition κ: standard
 * backward-error bounds are a small multiple of n·u·κ (u = 2⁻²⁴); the factor 20 leaves room for the
 * order of summation, which differs between backends.
 */
export function tol32(n: number, kappa: number): number {
  return 20 * Math.max(n, 2) * U32 * kappa;
}

/** `f(x)` at `x ± h eᵢ` for every index i: a float64 central difference gradient. */
export function centralDiff(f: (x: Float64Array) => number, x: Float64Array, step = 1e-6): Float64Array {
  const g = new Float64Array(x.length);
  for (let i = 0; i < x.length; i++) {
    const xi = x[i] as number;
    const h = step * Math.max(1, Math.abs(xi));
    const xp = Float64Array.from(x);
    const xm = Float64Array.from(x);
    xp[i] = xi + h;
    xm[i] = xi - h;
    g[i] = (f(xp) - f(xm)) / (2 * h);
  }
  return g;
}

/** Σ W ∘ M over host matrices. */
export function weightedSum(w: readonly MatrixF64[], m: readonly MatrixF64[]): number {
  let s = 0;
  m.forEach((mi, b) => mi.data.forEach((v, i) => (s += v * ((w[b] as MatrixF64).data[i] as number))));
  return s;
}

/** Splits a flat Float64Array into `count` r × c matrices. */
export function split(x: Float64Array, count: number, r: number, c: number): MatrixF64[] {
  return Array.from({ length: count }, (_, b) => matrixF64(r, c, x.subarray(b * r * c, (b + 1) * r * c)));
}

/** Flat data of host matrices as a Float64Array. */
export function concat(ms: readonly MatrixF64[]): Float64Array {
  const out = new Float64Array(ms.reduce((p, m) => p + m.data.length, 0));
  let off = 0;
  for (const m of ms) {
    out.set(m.data, off);
    off += m.data.length;
  }
  return out;
}

/** The flat index into a batch of shape `own` that broadcasting maps flat index `flatFull` of `full` to. */
export function broadcastIndex(full: readonly number[], own: readonly number[], flatFull: number): number {
  const idx: number[] = [];
  for (let i = full.length - 1, r = flatFull; i >= 0; i--) {
    const d = full[i] as number;
    idx.unshift(r % d);
    r = Math.floor(r / d);
  }
  const lead = full.length - own.length;
  let flatOwn = 0;
  own.forEach((d, i) => (flatOwn = flatOwn * d + (d === 1 ? 0 : (idx[lead + i] as number))));
  return flatOwn;
}
