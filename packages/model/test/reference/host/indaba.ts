import { LOG_2PI } from './densities.js';

/* Float64 host side of the Indaba 2022 practical's Bayesian linear regression: the design
   matrices, the log joint written as a penalised least-squares objective, and the conjugate
   posterior (a small dense Cholesky). */

/** The affine basis [1, x_n] (the notebook's `affine_basis`). */
export function affineBasis(x: readonly number[]): number[][] {
  return x.map((v) => [1, v]);
}

/** The random-Fourier basis cos(x_n S_k + u_k) / sqrt(K) (the notebook's `fourier_basis`). */
export function fourierBasis(x: readonly number[], S: readonly number[], u: readonly number[]): number[][] {
  const K = S.length;
  return x.map((v) => S.map((s, k) => Math.cos(v * s + u[k]!) / Math.sqrt(K)));
}

/**
 * log p(y, w) for w ~ N(0, s² I_D), y ~ N(X w, σ² I_N):
 * -||y - X w||² / (2σ²) - ||w||² / (2s²) - (N/2) log(2πσ²) - (D/2) log(2πs²).
 */
export function linearLogJoint(X: readonly number[][], y: readonly number[], w: readonly number[], priorScale: number, noiseScale: number): number {
  const N = X.length;
  const D = w.length;
  let rss = 0;
  for (let n = 0; n < N; n++) {
    let f = 0;
    for (let d = 0; d < D; d++) f += X[n]![d]! * w[d]!;
    rss += (y[n]! - f) ** 2;
  }
  const ww = w.reduce((a, v) => a + v * v, 0);
  return (
    -rss / (2 * noiseScale ** 2) -
    ww / (2 * priorScale ** 2) -
    (N / 2) * (LOG_2PI + 2 * Math.log(noiseScale)) -
    (D / 2) * (LOG_2PI + 2 * Math.log(priorScale))
  );
}

/** Lower Cholesky factor of a symmetric positive-definite matrix (float64). */
export function cholesky(A: readonly number[][]): number[][] {
  const n = A.length;
  const L = A.map(() => new Array<number>(n).fill(0));
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let s = A[i]![j]!;
      for (let k = 0; k < j; k++) s -= L[i]![k]! * L[j]![k]!;
      if (i === j) {
        if (!(s > 0)) throw new RangeError(`cholesky: not positive definite at ${i}`);
        L[i]![i] = Math.sqrt(s);
      } else L[i]![j] = s / L[j]![j]!;
    }
  }
  return L;
}

/** Solves (L Lᵀ) x = b. */
export function choleskySolve(L: readonly number[][], b: readonly number[]): number[] {
  const n = L.length;
  const z = new Array<number>(n).fill(0);
  for (let i = 0; i < n; i++) {
    let s = b[i]!;
    for (let k = 0; k < i; k++) s -= L[i]![k]! * z[k]!;
    z[i] = s / L[i]![i]!;
  }
  const x = new Array<number>(n).fill(0);
  for (let i = n - 1; i >= 0; i--) {
    let s = z[i]!;
    for (let k = i + 1; k < n; k++) s -= L[k]![i]! * x[k]!;
    x[i] = s / L[i]![i]!;
  }
  return x;
}

/**
 * The conjugate posterior of w with noise variance 1 and prior precision alpha (the notebook's
 * `solve_blr`): A = XᵀX + αI, mean = A⁻¹ Xᵀ y, covariance A⁻¹, and log det A.
 */
export function linearPosterior(X: readonly number[][], y: readonly number[], alpha: number): { mean: number[]; precision: number[][]; logDetPrecision: number } {
  const D = X[0]!.length;
  const A = Array.from({ length: D }, (_, i) =>
    Array.from({ length: D }, (_, j) => X.reduce((a, row) => a + row[i]! * row[j]!, 0) + (i === j ? alpha : 0)),
  );
  const Xty = Array.from({ length: D }, (_, i) => X.reduce((a, row, n) => a + row[i]! * y[n]!, 0));
  const L = cholesky(A);
  const logDetPrecision = 2 * L.reduce((a, row, i) => a + Math.log(row[i]!), 0);
  return { mean: choleskySolve(L, Xty), precision: A, logDetPrecision };
}

/** log N(w; 0, s² I). */
export function isotropicNormalLogPdf(w: readonly number[], s: number): number {
  return w.reduce((a, v) => a - (0.5 * v * v) / (s * s) - Math.log(s) - 0.5 * LOG_2PI, 0);
}

/**
 * KL(N(m, L Lᵀ) || N(0, s² I)) = ½ [tr(L Lᵀ)/s² + ||m||²/s² - D + D log s² - log det(L Lᵀ)].
 */
export function klGaussianToIsotropic(m: readonly number[], L: readonly number[][], s: number): number {
  const D = m.length;
  let tr = 0;
  let logDet = 0;
  for (let i = 0; i < D; i++) {
    for (let j = 0; j <= i; j++) tr += L[i]![j]! ** 2;
    logDet += 2 * Math.log(Math.abs(L[i]![i]!));
  }
  const mm = m.reduce((a, v) => a + v * v, 0);
  return 0.5 * (tr / (s * s) + mm / (s * s) - D + 2 * D * Math.log(s) - logDet);
}
