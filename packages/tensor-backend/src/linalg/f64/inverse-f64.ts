import { matrixF64, squareF64, type MatrixF64 } from './matrix.js';

/**
 * Inverse of a general square matrix in float64 by Gauss–Jordan elimination with partial pivoting.
 *
 * @param a `n × n`.
 * @throws Error naming the column when the matrix is singular to working precision: a pivot of
 *   magnitude ≤ n · ε · max|aᵢⱼ| (ε = 2⁻⁵²), which includes an exactly zero pivot, or NaN.
 */
export function inverseF64(a: MatrixF64): MatrixF64 {
  const n = squareF64(a, 'a', 'inverseF64');
  const m = Float64Array.from(a.data); // reduced in place to the identity
  const inv = matrixF64(n, n);
  const x = inv.data; // starts as the identity
  for (let i = 0; i < n; i++) x[i * n + i] = 1;
  let scale = 0;
  for (const v of m) scale = Math.max(scale, Math.abs(v));
  const tol = n * Number.EPSILON * scale;
  const swapRows = (d: Float64Array, r: number, s: number): void => {
    for (let c = 0; c < n; c++) {
      const t = d[r * n + c] as number;
      d[r * n + c] = d[s * n + c] as number;
      d[s * n + c] = t;
    }
  };
  for (let j = 0; j < n; j++) {
    let p = j;
    for (let i = j + 1; i < n; i++) if (Math.abs(m[i * n + j] as number) > Math.abs(m[p * n + j] as number)) p = i;
    const piv = m[p * n + j] as number;
    if (!(Math.abs(piv) > tol)) {
      throw new Error(
        `inverseF64: matrix is singular to working precision at column ${j} (0-based): pivot ${piv}, tolerance ${tol}`,
      );
    }
    if (p !== j) {
      swapRows(m, p, j);
      swapRows(x, p, j);
    }
    for (let c = 0; c < n; c++) {
      m[j * n + c] = (m[j * n + c] as number) / piv;
      x[j * n + c] = (x[j * n + c] as number) / piv;
    }
    for (let i = 0; i < n; i++) {
      if (i === j) continue;
      const f = m[i * n + j] as number;
      if (f === 0) continue;
      for (let c = 0; c < n; c++) {
        m[i * n + c] = (m[i * n + c] as number) - f * (m[j * n + c] as number);
        x[i * n + c] = (x[i * n + c] as number) - f * (x[j * n + c] as number);
      }
    }
  }
  return inv;
}
