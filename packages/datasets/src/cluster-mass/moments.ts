/** @internal Two-pass moments of `x[0..n)`: mean, population std (ddof 0), scipy's biased skewness g1 and excess kurtosis g2. */
export function moments4(x: Float64Array, n: number, out: Float64Array, at: number): void {
  let s = 0;
  for (let i = 0; i < n; i++) s += x[i]!;
  const mean = s / n;
  let m2 = 0;
  let m3 = 0;
  let m4 = 0;
  for (let i = 0; i < n; i++) {
    const d = x[i]! - mean;
    const d2 = d * d;
    m2 += d2;
    m3 += d2 * d;
    m4 += d2 * d2;
  }
  m2 /= n;
  m3 /= n;
  m4 /= n;
  out[at] = mean;
  out[at + 1] = Math.sqrt(m2);
  // scipy.stats.skew / kurtosis (bias=True, fisher=True); 0 for a constant sample.
  out[at + 2] = m2 > 0 ? m3 / m2 ** 1.5 : 0;
  out[at + 3] = m2 > 0 ? m4 / (m2 * m2) - 3 : 0;
}

/** @internal Sample standard deviation (ddof 1) of `x[0..n)`, NaN for n < 2. */
export function sampleStd(x: Float64Array, n: number): number {
  if (n < 2) return NaN;
  let s = 0;
  for (let i = 0; i < n; i++) s += x[i]!;
  const mean = s / n;
  let ss = 0;
  for (let i = 0; i < n; i++) ss += (x[i]! - mean) ** 2;
  return Math.sqrt(ss / (n - 1));
}
