import { matmulF64, matrixF64, squareF64, transposeF64, identityF64, type MatrixF64 } from './matrix.js';
import { triangularSolveF64 } from './triangular-solve-f64.js';

/**
 * Cholesky factor in float64: lower-triangular L with positive diagonal and `L Lᵀ = (A + Aᵀ)/2`
 * (symmetrised like the device `cholesky`).
 *
 * @param a `n × n`.
 * @throws Error naming the 0-based column and the pivot value when the matrix is not positive
 *   definite (a pivot ≤ 0 or NaN), or the shape when it is not square.
 */
export function choleskyF64(a: MatrixF64): MatrixF64 {
  const n = squareF64(a, 'a', 'choleskyF64');
  const l = matrixF64(n, n);
  const L = l.data;
  const A = a.data;
  for (let j = 0; j < n; j++) {
    let d = A[j * n + j] as number;
    for (let k = 0; k < j; k++) d -= (L[j * n + k] as number) ** 2;
    if (!(d > 0)) {
      throw new Error(`choleskyF64: matrix is not positive definite at column ${j} (0-based): pivot ${d} is not > 0`);
    }
    const ljj = Math.sqrt(d);
    L[j * n + j] = ljj;
    for (let i = j + 1; i < n; i++) {
      let s = ((A[i * n + j] as number) + (A[j * n + i] as number)) / 2;
      for (let k = 0; k < j; k++) s -= (L[i * n + k] as number) * (L[j * n + k] as number);
      L[i * n + j] = s / ljj;
    }
  }
  return l;
}

/**
 * `log det(L Lᵀ) = 2 Σ log |Lᵢᵢ|` in float64 (reads only the diagonal).
 * @throws Error naming the shape when `l` is not square.
 */
export function logDetFromCholeskyF64(l: MatrixF64): number {
  const n = squareF64(l, 'l', 'logDetFromCholeskyF64');
  let s = 0;
  for (let i = 0; i < n; i++) s += Math.log(Math.abs(l.data[i * n + i] as number));
  return 2 * s;
}

/**
 * Solves `(L Lᵀ) X = B` in float64 given the lower factor: `L Y = B`, then `Lᵀ X = Y`.
 * @param l `n × n` lower triangular; @param b `n × k`.
 * @throws Error naming the shapes, or a zero diagonal entry of `l`.
 */
export function choleskySolveF64(l: MatrixF64, b: MatrixF64): MatrixF64 {
  const y = triangularSolveF64(l, b, { lower: true });
  return triangularSolveF64(l, y, { lower: true, transpose: true });
}

/**
 * `(L Lᵀ)⁻¹ = L⁻ᵀ L⁻¹` in float64 from the lower factor, exactly symmetric.
 * @throws Error naming the shape, or a zero diagonal entry of `l`.
 */
export function choleskyInverseF64(l: MatrixF64): MatrixF64 {
  const n = squareF64(l, 'l', 'choleskyInverseF64');
  const lInv = triangularSolveF64(l, identityF64(n), { lower: true });
  const m = matmulF64(transposeF64(lInv), lInv);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < i; j++) {
      const v = ((m.data[i * n + j] as number) + (m.data[j * n + i] as number)) / 2;
      m.data[i * n + j] = v;
      m.data[j * n + i] = v;
    }
  }
  return m;
}
