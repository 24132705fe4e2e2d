import { normalQuantile, readMatrix, readVector, type MatrixLike, type VectorLike } from './internal/inputs.js';

const LOG_TWO_PI = Math.log(2 * Math.PI);

/** What the interval-coverage functions return. */
export interface CoverageResult {
  /** The fraction of observations inside their interval (bounds included). */
  readonly coverage: number;
  /** The mean interval width (sharpness: narrower is better at equal coverage). */
  readonly meanWidth: number;
  /** The number of observations N. */
  readonly count: number;
}

/**
 * The mean negative log-likelihood of observations under Gaussian predictives,
 * `(1/N) Σ ½ log 2π + log σᵢ + (yᵢ − μᵢ)² / (2σᵢ²)`, in float64 on the host (tensors are read back
 * once and not disposed). Lower is better; it rewards calibrated and sharp predictive sds.
 *
 * @param mean μ, one per observation (or one number for all).
 * @param std σ > 0 (the predictive sd, including the noise), one per observation or one number.
 * @param y the observations, length N.
 * @throws RangeError naming the argument on a length mismatch or a σ ≤ 0.
 */
export async function gaussianNll(mean: VectorLike | number, std: VectorLike | number, y: VectorLike): Promise<number> {
  const fn = 'gaussianNll';
  const ys = await readVector(fn, 'y', y);
  const n = ys.length;
  if (n === 0) throw new RangeError(`${fn}: argument 'y' is empty`);
  const [m, s] = await Promise.all([readVector(fn, 'mean', mean, n), readVector(fn, 'std', std, n)]);
  let total = 0;
  for (let i = 0; i < n; i++) {
    const si = s[i]!;
    if (!(si > 0)) throw new RangeError(`${fn}: argument 'std' must be > 0, got ${si} at index ${i}`);
    const z = (ys[i]! - m[i]!) / si;
    total += 0.5 * LOG_TWO_PI + Math.log(si) + 0.5 * z * z;
  }
  return total / n;
}

/**
 * The empirical coverage of given intervals: the fraction of i with lowerᵢ ≤ yᵢ ≤ upperᵢ, and their
 * mean width. Host float64; tensors are read back once and not disposed.
 * @throws RangeError naming the argument on a length mismatch or a lower bound above its upper one.
 */
export async function intervalCoverage(lower: VectorLike, upper: VectorLike, y: VectorLike): Promise<CoverageResult> {
  const fn = 'intervalCoverage';
  const ys = await readVector(fn, 'y', y);
  const n = ys.length;
  if (n === 0) throw new RangeError(`${fn}: argument 'y' is empty`);
  const [lo, hi] = await Promise.all([readVector(fn, 'lower', lower, n), readVector(fn, 'upper', upper, n)]);
  return coverageOf(fn, lo, hi, ys);
}

function coverageOf(fn: string, lo: Float64Array, hi: Float64Array, ys: Float64Array): CoverageResult {
  const n = ys.length;
  let inside = 0;
  let width = 0;
  for (let i = 0; i < n; i++) {
    if (!(lo[i]! <= hi[i]!)) throw new RangeError(`${fn}: interval ${i} has lower ${lo[i]} > upper ${hi[i]}`);
    if (lo[i]! <= ys[i]! && ys[i]! <= hi[i]!) inside++;
    width += hi[i]! - lo[i]!;
  }
  return { coverage: inside / n, meanWidth: width / n, count: n };
}

/** A predictive distribution per observation: draws `[S, N]`, or Gaussian means and sds. */
export type PredictiveSummary = { readonly samples: MatrixLike } | { readonly mean: VectorLike; readonly std: VectorLike | number };

/**
 * The coverage of central predictive intervals at `level`: from draws, the empirical
 * (1 − level)/2 and (1 + level)/2 quantiles of each column (linear interpolation between order
 * statistics, numpy's default); from a Gaussian, μ ± z σ with z = Φ⁻¹((1 + level)/2). For a
 * calibrated predictive the coverage is close to `level` (binomial error √(level(1 − level)/N)).
 *
 * @param predictive `{ samples }` (`[S, N]`, S ≥ 2) or `{ mean, std }`.
 * @param level in (0, 1), default 0.9.
 */
export async function predictiveIntervalCoverage(predictive: PredictiveSummary, y: VectorLike, level = 0.9): Promise<CoverageResult> {
  const fn = 'predictiveIntervalCoverage';
  if (!(level > 0 && level < 1)) throw new RangeError(`${fn}: argument 'level' must be in (0, 1), got ${level}`);
  const ys = await readVector(fn, 'y', y);
  const n = ys.length;
  if (n === 0) throw new RangeError(`${fn}: argument 'y' is empty`);
  const lo = new Float64Array(n);
  const hi = new Float64Array(n);
  if (predictive !== null && typeof predictive === 'object' && 'samples' in predictive) {
    const { data, rows: s, cols } = await readMatrix(fn, 'samples', predictive.samples);
    if (cols !== n) throw new RangeError(`${fn}: 'samples' has ${cols} columns but 'y' has ${n} values`);
    if (s < 2) throw new RangeError(`${fn}: 'samples' needs at least 2 draws, got ${s}`);
    const col = new Float64Array(s);
    for (let j = 0; j < n; j++) {
      for (let i = 0; i < s; i++) col[i] = data[i * n + j]!;
      col.sort();
      lo[j] = quantileSorted(col, (1 - level) / 2);
      hi[j] = quantileSorted(col, (1 + level) / 2);
    }
  } else if (predictive !== null && typeof predictive === 'object' && 'mean' in predictive) {
    const [m, sd] = await Promise.all([readVector(fn, 'mean', predictive.mean, n), readVector(fn, 'std', predictive.std, n)]);
    const z = normalQuantile((1 + level) / 2);
    for (let j = 0; j < n; j++) {
      if (!(sd[j]! >= 0)) throw new RangeError(`${fn}: 'std' must be >= 0, got ${sd[j]} at index ${j}`);
      lo[j] = m[j]! - z * sd[j]!;
      hi[j] = m[j]! + z * sd[j]!;
    }
  } else {
    throw new TypeError(`${fn}: argument 'predictive' must be { samples } or { mean, std }`);
  }
  return coverageOf(fn, lo, hi, ys);
}

/** numpy's default (type 7) quantile of an ascending array. */
function quantileSorted(sorted: Float64Array, p: number): number {
  const h = (sorted.length - 1) * p;
  const i = Math.floor(h);
  const f = h - i;
  return i + 1 < sorted.length ? sorted[i]! + f * (sorted[i + 1]! - sorted[i]!) : sorted[i]!;
}
