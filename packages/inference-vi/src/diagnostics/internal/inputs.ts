import * as tf from '@tensorflow/tfjs-core';
import { toFloat64Array } from '@probdl/tensor-backend';

/** A vector: a tensor (any shape, read as flat) or numbers. */
export type VectorLike = tf.Tensor | ArrayLike<number>;

/** A matrix: a rank-2 tensor, or nested rows. */
export type MatrixLike = tf.Tensor | readonly (readonly number[])[] | readonly ArrayLike<number>[];

/** A vector on the host in float64 (a tensor is read back once, not disposed). */
export async function readVector(fn: string, arg: string, x: VectorLike | number, length?: number): Promise<Float64Array> {
  let out: Float64Array;
  if (typeof x === 'number') out = new Float64Array(length ?? 1).fill(x);
  else if (x instanceof tf.Tensor) out = await toFloat64Array(x);
  else if (x !== null && typeof x === 'object' && typeof (x as ArrayLike<number>).length === 'number') out = Float64Array.from(x as ArrayLike<number>);
  else throw new TypeError(`${fn}: argument '${arg}' must be a tensor or an array of numbers, got ${typeof x}`);
  if (length !== undefined && out.length === 1 && length !== 1) out = new Float64Array(length).fill(out[0]!);
  if (length !== undefined && out.length !== length) throw new RangeError(`${fn}: argument '${arg}' has ${out.length} values, expected ${length} (one per observation)`);
  return out;
}

/**
 * Probabilities on the host: `[N]` (binary, p(y = 1)) or `[N, K]` rows. `binary` says which.
 */
export async function readProbs(fn: string, x: tf.Tensor | ArrayLike<number> | MatrixLike): Promise<{ data: Float64Array; n: number; k: number; binary: boolean }> {
  if (x instanceof tf.Tensor) {
    if (x.rank === 1) return { data: await toFloat64Array(x), n: x.shape[0]!, k: 2, binary: true };
    if (x.rank === 2) return { data: await toFloat64Array(x), n: x.shape[0]!, k: x.shape[1]!, binary: false };
    throw new RangeError(`${fn}: argument 'probs' must have shape [N] or [N, K], got [${x.shape.join(', ')}]`);
  }
  const arr = x as ArrayLike<unknown>;
  if (arr === null || typeof arr !== 'object' || typeof arr.length !== 'number') throw new TypeError(`${fn}: argument 'probs' must be a tensor or an array`);
  if (arr.length > 0 && typeof arr[0] === 'object') {
    const rows = arr as ArrayLike<ArrayLike<number>>;
    const k = rows[0]!.length;
    const data = new Float64Array(rows.length * k);
    for (let i = 0; i < rows.length; i++) {
      if (rows[i]!.length !== k) throw new RangeError(`${fn}: argument 'probs' row ${i} has ${rows[i]!.length} values, expected ${k}`);
      for (let j = 0; j < k; j++) data[i * k + j] = rows[i]![j]!;
    }
    return { data, n: rows.length, k, binary: false };
  }
  return { data: Float64Array.from(arr as ArrayLike<number>), n: arr.length, k: 2, binary: true };
}

/** Samples `[S, N]` on the host. */
export async function readMatrix(fn: string, arg: string, x: MatrixLike): Promise<{ data: Float64Array; rows: number; cols: number }> {
  if (x instanceof tf.Tensor) {
    if (x.rank !== 2) throw new RangeError(`${fn}: argument '${arg}' must have shape [S, N], got [${x.shape.join(', ')}]`);
    return { data: await toFloat64Array(x), rows: x.shape[0]!, cols: x.shape[1]! };
  }
  const rows = x as ArrayLike<ArrayLike<number>>;
  if (rows === null || typeof rows !== 'object' || rows.length === 0 || typeof rows[0] !== 'object') {
    throw new TypeError(`${fn}: argument '${arg}' must be a [S, N] tensor or a non-empty array of rows`);
  }
  const cols = rows[0]!.length;
  const data = new Float64Array(rows.length * cols);
  for (let i = 0; i < rows.length; i++) {
    if (rows[i]!.length !== cols) throw new RangeError(`${fn}: argument '${arg}' row ${i} has ${rows[i]!.length} values, expected ${cols}`);
    for (let j = 0; j < cols; j++) data[i * cols + j] = rows[i]![j]!;
  }
  return { data, rows: rows.length, cols };
}

/** Integer class labels in [0, k). */
export async function readLabels(fn: string, labels: VectorLike, n: number, k: number): Promise<Int32Array> {
  const v = await readVector(fn, 'labels', labels, n);
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const l = v[i]!;
    if (!Number.isInteger(l) || l < 0 || l >= k) throw new RangeError(`${fn}: argument 'labels' has ${l} at index ${i}; labels must be integers in [0, ${k})`);
    out[i] = l;
  }
  return out;
}

/**
 * The standard normal quantile in float64 (Wichura 1988, AS241 PPND16; relative error ~1e-16).
 * @param p in (0, 1).
 */
export function normalQuantile(p: number): number {
  if (!(p > 0 && p < 1)) return p === 0 ? -Infinity : p === 1 ? Infinity : Number.NaN;
  const q = p - 0.5;
  if (Math.abs(q) <= 0.425) {
    const r = 0.180625 - q * q;
    return (
      (q *
        (((((((2509.0809287301226727 * r + 33430.575583588128105) * r + 67265.770927008700853) * r + 45921.953931549871457) * r + 13731.693765509461125) * r +
          1971.5909503065514427) *
          r +
          133.14166789178437745) *
          r +
          3.387132872796366608)) /
      (((((((5226.495278852545925 * r + 28729.085735721942674) * r + 39307.89580009271061) * r + 21213.794301586595867) * r + 5394.1960214247511077) * r +
        687.1870074920579083) *
        r +
        42.313330701600911252) *
        r +
        1)
    );
  }
  let r = q < 0 ? p : 1 - p;
  r = Math.sqrt(-Math.log(r));
  let val: number;
  if (r <= 5) {
    r -= 1.6;
    val =
      (((((((7.7454501427834140764e-4 * r + 0.0227238449892691845833) * r + 0.24178072517745061177) * r + 1.27045825245236838258) * r + 3.64784832476320460504) * r +
        5.7694972214606914055) *
        r +
        4.6303378461565452959) *
        r +
        1.42343711074968357734) /
      (((((((1.05075007164441684324e-9 * r + 5.475938084995344946e-4) * r + 0.0151986665636164571966) * r + 0.14810397642748007459) * r + 0.68976733498510000455) * r +
        1.6763848301838038494) *
        r +
        2.05319162663775882187) *
        r +
        1);
  } else {
    r -= 5;
    val =
      (((((((2.01033439929228813265e-7 * r + 2.71155556874348757815e-5) * r + 0.0012426609473880784386) * r + 0.026532189526576123093) * r + 0.29656057182850489123) * r +
        1.7848265399172913358) *
        r +
        5.4637849111641143699) *
        r +
        6.6579046435011037772) /
      (((((((2.04426310338993978564e-15 * r + 1.4215117583164458887e-7) * r + 1.8463183175100546818e-5) * r + 7.868691311456132591e-4) * r + 0.0148753612908506148525) * r +
        0.13692988092273580531) *
        r +
        0.59983220655588793769) *
        r +
        1);
  }
  return q < 0 ? -val : val;
}
