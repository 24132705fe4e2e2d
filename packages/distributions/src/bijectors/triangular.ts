import * as tf from '@tensorflow/tfjs-core';

/**
 * Packing of triangular matrices into vectors, in row-major order of the lower triangle (numpy's
 * `tril_indices` order): (0,0), (1,0), (1,1), (2,0), (2,1), (2,2), ... with the diagonal, or
 * (1,0), (2,0), (2,1), (3,0), ... strictly below it. (TFP's `fill_triangular` uses another order.)
 */

/** The matrix size d for a packed length n: d(d+1)/2 = n (with diagonal) or d(d-1)/2 = n (strict); undefined when n is not such a number. */
export function triangularDim(n: number, strict: boolean): number | undefined {
  const d = strict ? (1 + Math.sqrt(1 + 8 * n)) / 2 : (-1 + Math.sqrt(1 + 8 * n)) / 2;
  const r = Math.round(d);
  return r >= (strict ? 1 : 0) && (strict ? (r * (r - 1)) / 2 : (r * (r + 1)) / 2) === n ? r : undefined;
}

/** Packed length of a d×d triangle. */
export function packedLength(d: number, strict: boolean): number {
  return strict ? (d * (d - 1)) / 2 : (d * (d + 1)) / 2;
}

/** Position of (i, j) (j <= i, or j < i when strict) in the packed vector. */
export function packedIndex(i: number, j: number, strict: boolean): number {
  return strict ? (i * (i - 1)) / 2 + j : (i * (i + 1)) / 2 + j;
}

/** Row-major flat positions i·d + j of the packed entries, in packed order. */
export function packedFlatPositions(d: number, strict: boolean): number[] {
  const out: number[] = [];
  for (let i = 0; i < d; i++) for (let j = 0; j <= (strict ? i - 1 : i); j++) out.push(i * d + j);
  return out;
}

/** Gathers along the last axis with host indices. */
export function gatherLast(x: tf.Tensor, indices: number[]): tf.Tensor {
  return tf.gather(x, tf.tensor1d(indices, 'int32'), x.rank - 1);
}

/** [..., n] packed → [..., d, d] with zeros outside the triangle. */
export function unpackTriangle(v: tf.Tensor, d: number, strict: boolean): tf.Tensor {
  const n = v.shape[v.rank - 1]!;
  const batch = v.shape.slice(0, -1);
  const padded = tf.concat([v, tf.zeros([...batch, 1])], -1);
  const idx: number[] = [];
  for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) idx.push(strict ? (j < i ? packedIndex(i, j, true) : n) : j <= i ? packedIndex(i, j, false) : n);
  return tf.reshape(gatherLast(padded, idx), [...batch, d, d]);
}

/** [..., d, d] → [..., n] packed (entries outside the triangle ignored). */
export function packTriangle(m: tf.Tensor, strict: boolean): tf.Tensor {
  const d = m.shape[m.rank - 1]!;
  const batch = m.shape.slice(0, -2);
  return gatherLast(tf.reshape(m, [...batch, d * d]), packedFlatPositions(d, strict));
}

/** A constant d×d 0/1 mask of the lower triangle (strict: without the diagonal). */
export function lowerMask(d: number, strict: boolean): tf.Tensor {
  const vals = new Float32Array(d * d);
  for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) vals[i * d + j] = strict ? (j < i ? 1 : 0) : j <= i ? 1 : 0;
  return tf.tensor2d(vals, [d, d]);
}

/** The diagonal of [..., d, d] as [..., d]. */
export function matrixDiag(m: tf.Tensor): tf.Tensor {
  const d = m.shape[m.rank - 1]!;
  const batch = m.shape.slice(0, -2);
  const idx: number[] = [];
  for (let i = 0; i < d; i++) idx.push(i * d + i);
  return gatherLast(tf.reshape(m, [...batch, d * d]), idx);
}

/** Checks that a shape ends in a square matrix; returns d. */
export function squareDim(name: string, arg: string, shape: readonly number[]): number {
  const d = shape[shape.length - 1];
  if (shape.length < 2 || d === undefined || shape[shape.length - 2] !== d) {
    throw new RangeError(`${name}: argument '${arg}' must end in a square matrix [..., d, d], got shape [${shape.join(', ')}]`);
  }
  return d;
}

/** Checks a packed length; returns d. */
export function packedDim(name: string, arg: string, shape: readonly number[], strict: boolean): number {
  const n = shape[shape.length - 1];
  const d = n === undefined ? undefined : triangularDim(n, strict);
  if (d === undefined) {
    throw new RangeError(
      `${name}: argument '${arg}' last dimension must be ${strict ? 'd(d-1)/2' : 'd(d+1)/2'} for some d, got shape [${shape.join(', ')}]`,
    );
  }
  return d;
}

/** Cumulative sum along the last axis (tfjs's cumsum needs a non-negative axis). */
export function cumsumLast(x: tf.Tensor, exclusive = false, reverse = false): tf.Tensor {
  return tf.cumsum(x, x.rank - 1, exclusive, reverse);
}
