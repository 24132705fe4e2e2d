/** Host float64 statistics for the initialiser and training tests. */

/** Sample mean and (unbiased) variance. */
export function meanVar(values: ArrayLike<number>): { mean: number; variance: number; n: number } {
  const n = values.length;
  let s = 0;
  for (let i = 0; i < n; i++) s += values[i]!;
  const mean = s / n;
  let ss = 0;
  for (let i = 0; i < n; i++) ss += (values[i]! - mean) ** 2;
  return { mean, variance: ss / (n - 1), n };
}

/** ∫_a^b f by composite Simpson with `m` (even) intervals. */
export function simpson(f: (x: number) => number, a: number, b: number, m = 20000): number {
  const h = (b - a) / m;
  let s = f(a) + f(b);
  for (let i = 1; i < m; i++) s += (i % 2 === 1 ? 4 : 2) * f(a + i * h);
  return (s * h) / 3;
}

/** Second and fourth moments of a standard normal truncated to [lo, hi] (symmetric, so the mean is 0), by quadrature. */
export function truncatedNormalMoments(lo: number, hi: number): { m2: number; m4: number } {
  const phi = (x: number): number => Math.exp(-0.5 * x * x) / Math.sqrt(2 * Math.PI);
  const z = simpson(phi, lo, hi);
  return { m2: simpson((x) => x * x * phi(x), lo, hi) / z, m4: simpson((x) => x ** 4 * phi(x), lo, hi) / z };
}

/**
 * Checks the sample mean and variance of `values` against a distribution with mean `mu`,
 * variance `sigma2` and fourth central moment `mu4`, within `k` standard errors:
 * SE(mean) = σ/√n and SE(s²) = √((μ4 − σ⁴)/n) (the CLT for the sample variance). With k = 5 a
 * correct sampler fails with probability below 1e-6 per check; the keys are fixed anyway.
 */
export function expectMoments(values: ArrayLike<number>, mu: number, sigma2: number, mu4: number, k = 5): void {
  const { mean, variance, n } = meanVar(values);
  const seMean = Math.sqrt(sigma2 / n);
  const seVar = Math.sqrt((mu4 - sigma2 * sigma2) / n);
  if (Math.abs(mean - mu) > k * seMean) throw new Error(`sample mean ${mean} vs ${mu}: off by ${(Math.abs(mean - mu) / seMean).toFixed(1)} SE (SE ${seMean.toExponential(2)}, n ${n})`);
  if (Math.abs(variance - sigma2) > k * seVar) {
    throw new Error(`sample variance ${variance} vs ${sigma2}: off by ${(Math.abs(variance - sigma2) / seVar).toFixed(1)} SE (SE ${seVar.toExponential(2)}, n ${n})`);
  }
}
