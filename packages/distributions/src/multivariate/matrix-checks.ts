import { choleskyF64, matrixF64 } from '@probdl/tensor-backend';

/** A validation check over host values and their shape (the base class's `param` check). */
export type HostCheck = (values: Float64Array, shape: readonly number[]) => string | undefined;

/** The batch index `[i, j, ...]` of matrix number `flat` in a `[...batch, n, n]` array, as text. */
function batchIndex(flat: number, shape: readonly number[], eventRank: number): string {
  const dims = shape.slice(0, shape.length - eventRank);
  if (dims.length === 0) return '';
  const out = new Array<number>(dims.length).fill(0);
  for (let i = dims.length - 1, r = flat; i >= 0; i--) {
    const d = dims[i]!;
    out[i] = r % d;
    r = Math.floor(r / d);
  }
  return ` at batch index [${out.join(', ')}]`;
}

/** Throws-free check that a shape is `[..., n, n]`; the message, or undefined. */
function squareMessage(shape: readonly number[]): string | undefined {
  if (shape.length < 2) return `must have shape [..., n, n], got [${shape.join(', ')}]`;
  if (shape[shape.length - 1] !== shape[shape.length - 2]) return `must be square in its last two dimensions, got shape [${shape.join(', ')}]`;
  return undefined;
}

/** Lower-triangular matrices with a positive finite diagonal and finite entries (Cholesky factors). */
export const isLowerTriangularPositiveDiagonal: HostCheck = (values, shape) => {
  const bad = squareMessage(shape);
  if (bad) return bad;
  const n = shape[shape.length - 1]!;
  for (let b = 0; b * n * n < values.length; b++) {
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        const v = values[b * n * n + i * n + j]!;
        const where = `entry (${i}, ${j})${batchIndex(b, shape, 2)}`;
        if (!Number.isFinite(v)) return `must be lower triangular with a positive diagonal, got ${v} at ${where}`;
        if (j > i && v !== 0) return `must be lower triangular with a positive diagonal, got ${v} above the diagonal at ${where}`;
        if (j === i && !(v > 0)) return `must be lower triangular with a positive diagonal, got diagonal ${v} at ${where}`;
      }
    }
  }
  return undefined;
};

/**
 * Symmetric (within float32 rounding, relative to the largest entry) positive-definite matrices:
 * a float64 Cholesky factorisation on the host must succeed for each batch entry.
 */
export const isSymmetricPositiveDefinite: HostCheck = (values, shape) => {
  const bad = squareMessage(shape);
  if (bad) return bad;
  const n = shape[shape.length - 1]!;
  for (let b = 0; b * n * n < values.length; b++) {
    const m = values.subarray(b * n * n, (b + 1) * n * n);
    let biggest = 0;
    for (const v of m) {
      if (!Number.isFinite(v)) return `must be finite, got ${v}${batchIndex(b, shape, 2)}`;
      biggest = Math.max(biggest, Math.abs(v));
    }
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < i; j++) {
        if (Math.abs(m[i * n + j]! - m[j * n + i]!) > 1e-5 * biggest) {
          return `must be symmetric, entries (${i}, ${j}) and (${j}, ${i}) differ (${m[i * n + j]} vs ${m[j * n + i]})${batchIndex(b, shape, 2)}`;
        }
      }
    }
    try {
      choleskyF64(matrixF64(n, n, m));
    } catch (e) {
      const why = e instanceof Error ? e.message.replace(/^choleskyF64: matrix is not positive definite /, '') : String(e);
      return `is not positive definite${batchIndex(b, shape, 2)} (${why})`;
    }
  }
  return undefined;
};

/** A device Cholesky factor without NaN (tensor-backend's `cholesky` turns failed columns into NaN). */
export const isFiniteFactor: HostCheck = (values, shape) => {
  const n = shape[shape.length - 1] ?? 1;
  for (let i = 0; i < values.length; i++) {
    if (Number.isNaN(values[i])) {
      return `is not positive definite in float32${batchIndex(Math.floor(i / (n * n)), shape, 2)}: its Cholesky factor failed at column ${i % n} (0-based)`;
    }
  }
  return undefined;
};
