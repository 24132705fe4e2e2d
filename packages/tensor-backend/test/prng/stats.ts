/**
 * Float64 host statistics for the sampler tests, independent of the code under test: log-gamma,
 * the regularised incomplete gamma and beta functions (from the special-function tests' float64
 * versions), the Poisson CDF, Kolmogorov–Smirnov statistics and Monte Carlo error bars.
 */
// Float64 special functions, checked against mpmath in test/special/host-math.test.ts.
import { lgamma64 as lgamma } from '../special/host-math.js';
export { lgamma };
export { gammaincP64 as gammaP, betainc64 as betaI } from '../special/host-math.js';

/** Poisson CDF P(X <= k), summing the pmf from k = 0 in log space. */
export function poissonCdfTable(rate: number, kMax: number): Float64Array {
  const out = new Float64Array(kMax + 1);
  let acc = 0;
  for (let k = 0; k <= kMax; k++) {
    acc += rate === 0 ? (k === 0 ? 1 : 0) : Math.exp(-rate + k * Math.log(rate) - lgamma(k + 1));
    out[k] = Math.min(1, acc);
  }
  return out;
}

/** Kolmogorov's asymptotic 0.1% critical value of sqrt(n) D, with Stephens' finite-n correction. */
export function ksCritical(n: number): number {
  return 1.94947 / (Math.sqrt(n) + 0.12 + 0.11 / Math.sqrt(n));
}

/**
 * The Kolmogorov–Smirnov distance sup |F_n(x) - F(x)| between a continuous CDF and the sample,
 * evaluated only at sample points inside (lo, hi): samples outside still count in F_n, which handles
 * values that round to 0 or 1 in float32 (the sup over a subset is smaller, so the test stays valid).
 */
export function ksDistance(samples: ArrayLike<number>, cdf: (x: number) => number, lo = -Infinity, hi = Infinity): number {
  const xs = Float64Array.from(samples).sort();
  const n = xs.length;
  let d = 0;
  for (let i = 0; i < n; i++) {
    const x = xs[i]!;
    if (!(x > lo && x < hi)) continue;
    const f = cdf(x);
    d = Math.max(d, (i + 1) / n - f, f - i / n);
  }
  return d;
}

/** The KS distance of integer samples against a discrete CDF table (conservative with the continuous critical value). */
export function ksDistanceDiscrete(samples: ArrayLike<number>, cdfTable: Float64Array): number {
  const n = samples.length;
  const counts = new Float64Array(cdfTable.length);
  for (let i = 0; i < n; i++) {
    const k = samples[i]!;
    if (k >= cdfTable.length) throw new Error(`sample ${k} beyond the CDF table`);
    counts[k]!++;
  }
  let acc = 0;
  let d = 0;
  for (let k = 0; k < cdfTable.length; k++) {
    acc += counts[k]!;
    d = Math.max(d, Math.abs(acc / n - cdfTable[k]!));
  }
  return d;
}

/** Sample mean and (unbiased) variance in float64. */
export function meanVar(xs: ArrayLike<number>): { mean: number; variance: number } {
  const n = xs.length;
  let m = 0;
  for (let i = 0; i < n; i++) m += xs[i]!;
  m /= n;
  let v = 0;
  for (let i = 0; i < n; i++) v += (xs[i]! - m) ** 2;
  return { mean: m, variance: v / (n - 1) };
}

/** Central moments (variance, mu4) from the first four raw moments m1..m4. */
export function centralFromRaw(m1: number, m2: number, m3: number, m4: number): { variance: number; mu4: number } {
  return { variance: m2 - m1 * m1, mu4: m4 - 4 * m1 * m3 + 6 * m1 * m1 * m2 - 3 * m1 ** 4 };
}
