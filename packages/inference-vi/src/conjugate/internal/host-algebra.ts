import {
  choleskyF64,
  logDetFromCholeskyF64,
  matrixF64,
  triangularSolveF64,
  identityF64,
  type MatrixF64,
} from '@probdl/tensor-backend';

/** @internal The float64 posterior of conjugate linear regression and the pieces its methods reuse. */
export interface HostBlrParts {
  mean: Float64Array;
  covariance: MatrixF64;
  /** Lower Cholesky factor of Σ (`R⁻ᵀ`). */
  scaleTril: MatrixF64;
  /** Upper triangular R with `A = Σ⁻¹ = R Rᵀ`. */
  upper: MatrixF64;
  logEvidence: number;
}

const LOG_2PI = Math.log(2 * Math.PI);

/** @internal Throws naming the argument and the index of the first non-finite entry. */
export function checkFinite(data: ArrayLike<number>, arg: string, fn: string, cols = 0): void {
  for (let i = 0; i < data.length; i++) {
    const v = data[i] as number;
    if (!Number.isFinite(v)) {
      const where = cols > 0 ? `row ${Math.floor(i / cols)}, column ${i % cols}` : `index ${i}`;
      throw new Error(`${fn}: '${arg}' has a non-finite value ${v} at ${where}`);
    }
  }
}

/**
 * @internal Exact conjugate posterior in float64. `A = diag(α) + ΦᵀΦ/σ²` is factored as `A = R Rᵀ`
 * with R upper triangular (the Cholesky factor of the reversed matrix, reversed), so that
 * `Σ = R⁻ᵀ R⁻¹` has the lower Cholesky factor `R⁻ᵀ` without factoring Σ (whose condition number
 * is that of A) a second time.
 */
export function hostBlr(phi: MatrixF64, y: Float64Array, alpha: Float64Array, s2: number, m0: Float64Array | undefined, fn: string): HostBlrParts {
  const { rows: n, cols: d, data: P } = phi;
  // A = ΦᵀΦ/σ² + diag(α), stored reversed (Arev[i][j] = A[d-1-i][d-1-j]); b = Φᵀy/σ² + α m₀.
  const g = new Float64Array(d * d);
  const b = new Float64Array(d);
  for (let r = 0; r < n; r++) {
    const off = r * d;
    const yr = y[r] as number;
    for (let j = 0; j < d; j++) {
      const pj = P[off + j] as number;
      if (pj === 0) continue;
      b[j] = (b[j] as number) + pj * yr;
      for (let k = j; k < d; k++) g[j * d + k] = (g[j * d + k] as number) + pj * (P[off + k] as number);
    }
  }
  const arev = matrixF64(d, d);
  for (let j = 0; j < d; j++) {
    for (let k = j; k < d; k++) {
      const v = (g[j * d + k] as number) / s2 + (j === k ? (alpha[j] as number) : 0);
      arev.data[(d - 1 - j) * d + (d - 1 - k)] = v;
      arev.data[(d - 1 - k) * d + (d - 1 - j)] = v;
    }
    b[j] = (b[j] as number) / s2 + (m0 === undefined ? 0 : (alpha[j] as number) * (m0[j] as number));
  }
  let k: MatrixF64;
  try {
    k = choleskyF64(arev);
  } catch (e) {
    throw precisionError(fn, (e as Error).message, d);
  }
  const upper = reverse(k);
  const scaleTril = triangularSolveF64(upper, identityF64(d), { lower: false, transpose: true });
  const covariance = lowerTimesTranspose(scaleTril);
  const rhs = matrixF64(d, 1, b);
  const z = triangularSolveF64(upper, rhs, { lower: false });
  const mean = triangularSolveF64(upper, z, { lower: false, transpose: true }).data;
  // log p(y) through the D × D form.
  let rss = 0;
  for (let r = 0; r < n; r++) {
    let f = 0;
    for (let j = 0; j < d; j++) f += (P[r * d + j] as number) * (mean[j] as number);
    rss += ((y[r] as number) - f) ** 2;
  }
  let prior = 0;
  let logDetPrior = 0;
  for (let j = 0; j < d; j++) {
    const dm = (mean[j] as number) - (m0 === undefined ? 0 : (m0[j] as number));
    prior += (alpha[j] as number) * dm * dm;
    logDetPrior += Math.log(alpha[j] as number);
  }
  const logEvidence = -0.5 * n * (LOG_2PI + Math.log(s2)) - (0.5 * rss) / s2 - 0.5 * prior + 0.5 * (logDetPrior - logDetFromCholeskyF64(k));
  return { mean, covariance, scaleTril, upper, logEvidence };
}

/** @internal `diag(Φ* Σ Φ*ᵀ)` from the factor `A = R Rᵀ`: squared column norms of `R⁻¹ Φ*ᵀ`. */
export function hostPredictiveVariance(upper: MatrixF64, phiStar: MatrixF64): Float64Array {
  const { rows: m, cols: d } = phiStar;
  const t = matrixF64(d, m);
  for (let i = 0; i < m; i++) for (let j = 0; j < d; j++) t.data[j * m + i] = phiStar.data[i * d + j] as number;
  const v = triangularSolveF64(upper, t, { lower: false });
  const out = new Float64Array(m);
  for (let j = 0; j < d; j++) for (let i = 0; i < m; i++) out[i] = (out[i] as number) + (v.data[j * m + i] as number) ** 2;
  return out;
}

/** @internal `J M J` (rows and columns reversed). */
function reverse(m: MatrixF64): MatrixF64 {
  const n = m.rows;
  const out = matrixF64(n, n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) out.data[i * n + j] = m.data[(n - 1 - i) * n + (n - 1 - j)] as number;
  return out;
}

/** @internal `L Lᵀ` for lower-triangular L, exactly symmetric. */
function lowerTimesTranspose(l: MatrixF64): MatrixF64 {
  const n = l.rows;
  const out = matrixF64(n, n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let s = 0;
      for (let k = 0; k <= j; k++) s += (l.data[i * n + k] as number) * (l.data[j * n + k] as number);
      out.data[i * n + j] = s;
      out.data[j * n + i] = s;
    }
  }
  return out;
}

/**
 * @internal The error for a precision matrix whose Cholesky factorisation failed. The factor is
 * taken of the reversed matrix, so column c of the message is feature `D - 1 - c`.
 */
export function precisionError(fn: string, message: string, d: number): Error {
  const m = /column (\d+)/.exec(message);
  const p = /pivot (\S+)/.exec(message);
  const where = m ? ` at feature ${d - 1 - Number(m[1])} (0-based)${p ? `, pivot ${p[1]}` : ''}` : '';
  return new Error(
    `${fn}: the posterior precision diag(alpha) + phiᵀphi / noiseVariance is not positive definite${where}; ` +
      `check 'phi' for NaN or huge values and 'alpha' / 'noiseVariance' (${message})`,
  );
}
