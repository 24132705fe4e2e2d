import { matrixF64, squareF64, type MatrixF64 } from './matrix.js';

/** Options of {@link triangularSolveF64} (the same as the device `triangularSolve`). */
export interface TriangularSolveF64Options {
  /** A is lower triangular (default true); otherwise upper. Only that triangle is read. */
  lower?: boolean;
  /** Solve with Aᵀ (default false). */
  transpose?: boolean;
  /** `op(A) X = B` (default true); false solves `X op(A) = B`. */
  left?: boolean;
}

/**
 * Solves `op(A) X = B` (left) or `X op(A) = B` (right) for triangular A in float64 by substitution.
 * Reads only the chosen triangle of `a`, diagonal included.
 *
 * @param a `n × n`.
 * @param b `n × k` (left) or `k × n` (right).
 * @throws Error naming the shapes when they do not fit, or the index of a zero diagonal entry.
 */
export function triangularSolveF64(a: MatrixF64, b: MatrixF64, options: TriangularSolveF64Options = {}): MatrixF64 {
  const lower = options.lower ?? true;
  const transpose = options.transpose ?? false;
  const left = options.left ?? true;
  const fn = 'triangularSolveF64';
  const n = squareF64(a, 'a', fn);
  if ((left ? b.rows : b.cols) !== n) {
    throw new Error(`${fn}: 'b' is ${b.rows} × ${b.cols}, which does not fit 'a' ${n} × ${n} (left: ${left})`);
  }
  for (let i = 0; i < n; i++) {
    if (a.data[i * n + i] === 0) throw new Error(`${fn}: 'a' is singular: diagonal entry ${i} is 0`);
  }
  // Right solves become left ones: X op(A) = B  <=>  op(A)ᵀ Xᵀ = Bᵀ.
  const opT = left ? transpose : !transpose;
  const k = left ? b.cols : b.rows;
  // Entry (i, j) of op(A) (j on the stored side of the diagonal).
  const at = (i: number, j: number): number => (opT ? a.data[j * n + i] : a.data[i * n + j]) as number;
  const opLower = lower !== opT;
  const x = new Float64Array(n * k); // row-major n × k (x[i * k + c])
  for (let c = 0; c < k; c++) {
    for (let s = 0; s < n; s++) {
      const i = opLower ? s : n - 1 - s;
      let sum = (left ? b.data[i * k + c] : b.data[c * n + i]) as number;
      if (opLower) for (let j = 0; j < i; j++) sum -= at(i, j) * (x[j * k + c] as number);
      else for (let j = i + 1; j < n; j++) sum -= at(i, j) * (x[j * k + c] as number);
      x[i * k + c] = sum / at(i, i);
    }
  }
  if (left) return matrixF64(n, k, x);
  const out = matrixF64(k, n);
  for (let i = 0; i < n; i++) for (let c = 0; c < k; c++) out.data[c * n + i] = x[i * k + c] as number;
  return out;
}
