/**
 * Float64 host statistics for the sampler tests, independent of the code under test: log-gamma,
 * the regularised incomplete gamma and beta functions (Numerical Recipes' series and continued
 * fractions), the Poisson CDF, Kolmogorov–Smirnov statistics and Monte Carlo error bars.
 */
const LANCZOS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
  12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
];

/** log Γ(x) for x > 0 (Lanczos, g = 7; relative error ~1e-15). */
export function lgamma(x: number): number {
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - lgamma(1 - x);
  const z = x - 1;
  let a = LANCZOS[0]!;
  const t = z + 7.5;
  for (let i = 1; i < 9; i++) a += LANCZOS[i]! / (z + i);
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(a);
}

/** Regularised lower incomplete gamma P(a, x). */
export function gammaP(a: number, x: number): number {
  if (x <= 0) return 0;
  if (x === Infinity) return 1;
  const logPrefix = -x + a * Math.log(x) - lgamma(a);
  if (x < a + 1) {
    // Series: P = e^-x x^a / Γ(a+1) Σ x^n / ((a+1)...(a+n)).
    let term = 1 / a;
    let sum = term;
    for (let n = 1; n < 100000; n++) {
      term *= x / (a + n);
      sum += term;
      if (Math.abs(term) < Math.abs(sum) * 1e-16) break;
    }
    return Math.min(1, sum * Math.exp(logPrefix));
  }
  // Continued fraction for Q (modified Lentz).
  const tiny = 1e-300;
  let b = x + 1 - a;
  let c = 1 / tiny;
  let d = 1 / b;
  let h = d;
  for (let i = 1; i < 100000; i++) {
    const an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (Math.abs(d) < tiny) d = tiny;
    c = b + an / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const del = d * c;
    h *= del;
    if (Math.abs(del - 1) < 1e-16) break;
  }
  return Math.max(0, 1 - Math.exp(logPrefix) * h);
}

function betaContinuedFraction(a: number, b: number, x: number): number {
  const tiny = 1e-300;
  const qab = a + b;
  const qap = a + 1;
  const qam = a - 1;
  let c = 1;
  let d = 1 - (qab * x) / qap;
  if (Math.abs(d) < tiny) d = tiny;
  d = 1 / d;
  let h = d;
  for (let m = 1; m < 100000; m++) {
    const m2 = 2 * m;
    let aa = (m * (b - m) * x) / ((qam + m2) * (a + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + aa / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    h *= d * c;
    aa = (-(a + m) * (qab + m) * x) / ((a + m2) * (qap + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + aa / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const del = d * c;
    h *= del;
    if (Math.abs(del - 1) < 1e-15) break;
  }
  return h;
}

/** Regularised incomplete beta I_x(a, b). */
export function betaI(a: number, b: number, x: number): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const logFront = lgamma(a + b) - lgamma(a) - lgamma(b) + a * Math.log(x) + b * Math.log1p(-x);
  if (x < (a + 1) / (a + b + 2)) return (Math.exp(logFront) * betaContinuedFraction(a, b, x)) / a;
  return 1 - (Math.exp(logFront) * betaContinuedFraction(b, a, 1 - x)) / b;
}

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
