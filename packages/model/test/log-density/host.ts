/** Float64 host reference formulas for the log-density tests (independent of the code under test). */
const LANCZOS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059, 12.507343278686905,
  -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
];

/** log Γ(x) for x > 0 (Lanczos, g = 7), about 1e-13 relative. */
export function lgamma(x: number): number {
  if (x < 0.5) return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - lgamma(1 - x);
  const z = x - 1;
  let a = LANCZOS[0]!;
  const t = z + 7.5;
  for (let i = 1; i < 9; i++) a += LANCZOS[i]! / (z + i);
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(a);
}

export const normalLp = (x: number, m: number, s: number) => -0.5 * ((x - m) / s) ** 2 - Math.log(s) - 0.5 * Math.log(2 * Math.PI);
export const halfNormalLp = (x: number, s: number) => Math.log(2) + normalLp(x, 0, s);
export const gammaLp = (x: number, a: number, r: number) => a * Math.log(r) + (a - 1) * Math.log(x) - r * x - lgamma(a);
export const logNormalLp = (x: number, m: number, s: number) => normalLp(Math.log(x), m, s) - Math.log(x);
export const betaLp = (x: number, a: number, b: number) => (a - 1) * Math.log(x) + (b - 1) * Math.log1p(-x) - (lgamma(a) + lgamma(b) - lgamma(a + b));
export function dirichletLp(p: number[], alpha: number[]): number {
  const s = alpha.reduce((u, v) => u + v, 0);
  return p.reduce((acc, pi, i) => acc + (alpha[i]! - 1) * Math.log(pi), 0) + lgamma(s) - alpha.reduce((u, a) => u + lgamma(a), 0);
}
/** MVN with lower-triangular scale L (2x2 or any): -½|L⁻¹(x-m)|² - Σ log L_ii - d/2 log 2π. */
export function mvnTrilLp(x: number[], m: number[], L: number[][]): number {
  const d = x.length;
  const z: number[] = [];
  for (let i = 0; i < d; i++) {
    let r = x[i]! - m[i]!;
    for (let k = 0; k < i; k++) r -= L[i]![k]! * z[k]!;
    z.push(r / L[i]![i]!);
  }
  return -0.5 * z.reduce((a, v) => a + v * v, 0) - L.reduce((a, row, i) => a + Math.log(row[i]!), 0) - 0.5 * d * Math.log(2 * Math.PI);
}
/** LKJ Cholesky density without its normaliser: Σ_{i=1}^{d-1} (d - i - 1 + 2(η - 1)) log L_ii. */
export function lkjUnnormalised(L: number[][], eta: number): number {
  const d = L.length;
  let s = 0;
  for (let i = 1; i < d; i++) s += (d - i - 1 + 2 * (eta - 1)) * Math.log(L[i]![i]!);
  return s;
}

const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));
const logSigmoid = (x: number) => (x >= 0 ? -Math.log1p(Math.exp(-x)) : x - Math.log1p(Math.exp(x)));

/** exp, with log|det J| = x. */
export const positiveMap = (x: number) => ({ y: Math.exp(x), ldj: x });
/** a + (b - a)σ(x). */
export const intervalMap = (x: number, a: number, b: number) => ({ y: a + (b - a) * sigmoid(x), ldj: Math.log(b - a) + logSigmoid(x) + logSigmoid(-x) });
/** Stick breaking (NumPyro's): zᵢ = σ(xᵢ - log(K-1-i)). */
export function stickBreaking(x: number[]): { y: number[]; ldj: number } {
  const n = x.length;
  const y: number[] = [];
  let rest = 1;
  let ldj = 0;
  let logRest = 0;
  for (let i = 0; i < n; i++) {
    const z = sigmoid(x[i]! - Math.log(n - i));
    y.push(z * rest);
    ldj += Math.log(z) + Math.log1p(-z) + logRest;
    rest *= 1 - z;
    logRest += Math.log1p(-z);
  }
  y.push(rest);
  return { y, ldj };
}
/** CorrCholesky (NumPyro's): z = tanh(x) packed row-major below the diagonal, rows stick-broken to unit norm. */
export function corrCholesky(x: number[], d: number): { L: number[][]; ldj: number } {
  const L = Array.from({ length: d }, () => new Array<number>(d).fill(0));
  L[0]![0] = 1;
  let k = 0;
  let ldj = 0;
  for (let i = 1; i < d; i++) {
    let used = 0;
    for (let j = 0; j < i; j++) {
      const z = Math.tanh(x[k++]!);
      L[i]![j] = z * Math.sqrt(1 - used);
      ldj += Math.log(1 - z * z) + 0.5 * Math.log(1 - used);
      used += L[i]![j]! ** 2;
    }
    L[i]![i] = Math.sqrt(1 - used);
  }
  return { L, ldj };
}

/** log|det A| of a square matrix (rows), by LU with partial pivoting in float64. */
export function logAbsDet(rows: number[][]): number {
  const a = rows.map((r) => [...r]);
  const n = a.length;
  let s = 0;
  for (let c = 0; c < n; c++) {
    let p = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(a[r]![c]!) > Math.abs(a[p]![c]!)) p = r;
    [a[c], a[p]] = [a[p]!, a[c]!];
    const piv = a[c]![c]!;
    s += Math.log(Math.abs(piv));
    for (let r = c + 1; r < n; r++) {
      const f = a[r]![c]! / piv;
      for (let k = c; k < n; k++) a[r]![k]! -= f * a[c]![k]!;
    }
  }
  return s;
}
