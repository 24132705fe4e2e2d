import * as tf from '@tensorflow/tfjs-core';

/**
 * Statistical checks for samplers with fixed keys. Critical values are for a small false-alarm
 * rate (alpha = 1e-3 per test), so a correct sampler fails about once in a thousand keys, and
 * the fixed key makes the result deterministic.
 */

/** Kolmogorov–Smirnov statistic of values that should be Uniform(0, 1) (e.g. cdf(samples)). */
export function ksUniformStatistic(u: ArrayLike<number>): number {
  const s = Float64Array.from(u).sort();
  const n = s.length;
  let d = 0;
  for (let i = 0; i < n; i++) {
    const v = s[i]!;
    d = Math.max(d, (i + 1) / n - v, v - i / n);
  }
  return d;
}

/** Asymptotic KS critical value sqrt(-ln(alpha/2)/2)/sqrt(n) (1.949/sqrt(n) at alpha = 1e-3). */
export function ksCritical(n: number, alpha = 1e-3): number {
  return Math.sqrt(-Math.log(alpha / 2) / 2) / Math.sqrt(n);
}

/** Pearson chi-square statistic of observed counts against expected probabilities (bins with expectation < 5 are pooled). */
export function chiSquare(counts: ArrayLike<number>, probs: ArrayLike<number>): { statistic: number; dof: number } {
  const n = Array.from(counts).reduce((a, b) => a + b, 0);
  let stat = 0;
  let bins = 0;
  let poolObs = 0;
  let poolExp = 0;
  for (let i = 0; i < counts.length; i++) {
    const e = n * probs[i]!;
    if (e < 5) {
      poolObs += counts[i]!;
      poolExp += e;
      continue;
    }
    stat += (counts[i]! - e) ** 2 / e;
    bins++;
  }
  if (poolExp > 0) {
    stat += (poolObs - poolExp) ** 2 / Math.max(poolExp, 1e-12);
    bins++;
  }
  return { statistic: stat, dof: Math.max(bins - 1, 1) };
}

/** Upper critical value of chi-square with `dof` degrees of freedom (Wilson–Hilferty), alpha = 1e-3 by default. */
export function chiSquareCritical(dof: number, alpha = 1e-3): number {
  const z = alpha === 1e-3 ? 3.090232306167813 : alpha === 1e-2 ? 2.3263478740408408 : 3.090232306167813;
  const h = 2 / (9 * dof);
  return dof * (1 - h + z * Math.sqrt(h)) ** 3;
}

/**
 * Checks a sample mean against the true mean within `z` Monte Carlo standard errors:
 * |mean - truth| <= z * sd / sqrt(n), with sd the true standard deviation. z = 4 by default.
 */
export function meanWithinMcError(values: ArrayLike<number>, truth: number, trueSd: number, z = 4): { ok: boolean; mean: number; bound: number } {
  let s = 0;
  for (let i = 0; i < values.length; i++) s += values[i]!;
  const mean = s / values.length;
  const bound = (z * trueSd) / Math.sqrt(values.length);
  return { ok: Math.abs(mean - truth) <= bound, mean, bound };
}

/** Sample variance, with its Monte Carlo standard error from the fourth central moment of the data. */
export function varianceWithError(values: ArrayLike<number>): { variance: number; se: number } {
  const n = values.length;
  let m = 0;
  for (let i = 0; i < n; i++) m += values[i]!;
  m /= n;
  let m2 = 0;
  let m4 = 0;
  for (let i = 0; i < n; i++) {
    const d = values[i]! - m;
    m2 += d * d;
    m4 += d ** 4;
  }
  m2 /= n;
  m4 /= n;
  return { variance: (m2 * n) / (n - 1), se: Math.sqrt(Math.max(m4 - m2 * m2, 0) / n) };
}

/** Host float64 copy of a tensor. */
export async function host(t: tf.Tensor): Promise<Float64Array> {
  return Float64Array.from((await t.data()) as Float32Array);
}
