import { asChains, mean, variance } from './chains.js';
import { essMean, essQuantile } from './ess.js';
import { betaPpfF64 } from './special-f64.js';

/** Monte Carlo standard error of the mean: `sd(x) / sqrt(essMean)` (ArviZ `mcse(method='mean')`). */
export function mcseMean(x: Float64Array, numChains: number): number {
  asChains('mcseMean', x, numChains);
  return Math.sqrt(variance(x, 1)) / Math.sqrt(essMean(x, numChains));
}

/**
 * Monte Carlo standard error of the standard deviation by the delta method, as ArviZ computes it
 * (arviz-stats `_mcse_sd`): with `y = (x − x̄)²`, `sqrt((mean y² − (mean y)²) / essMean(x) /
 * mean y / 4)` — ArviZ takes the ESS of the mean of `x` itself.
 */
export function mcseSd(x: Float64Array, numChains: number): number {
  asChains('mcseSd', x, numChains);
  const xbar = mean(x);
  const y = x.map((v) => (v - xbar) ** 2);
  const ess = essMean(x, numChains);
  const ey = mean(y);
  const ey2 = mean(y.map((v) => v * v));
  return Math.sqrt((ey2 - ey * ey) / ess / ey / 4);
}

/**
 * Monte Carlo standard error of the `prob` quantile (ArviZ `mcse(method='quantile')`): with `ess`
 * the quantile ESS and `a`, `b` the 0.1586553 and 0.8413447 quantiles (±1 sd) of
 * Beta(`ess·p + 1`, `ess·(1 − p) + 1`), half the distance between the sorted draws at 0-based
 * positions `⌊max(a·S − 1, 0)⌋` and `⌈min(b·S − 1, S − 1)⌉` (`S` draws in all).
 */
export function mcseQuantile(x: Float64Array, numChains: number, prob: number): number {
  asChains('mcseQuantile', x, numChains);
  const ess = essQuantile(x, numChains, prob);
  if (Number.isNaN(ess)) return NaN;
  const a = ess * prob + 1;
  const b = ess * (1 - prob) + 1;
  const sorted = Float64Array.from(x).sort();
  const size = sorted.length;
  const lo = betaPpfF64(0.1586553, a, b) * size - 1;
  const hi = betaPpfF64(0.8413447, a, b) * size - 1;
  const th1 = sorted[Math.floor(Math.max(lo, 0))] ?? NaN;
  const th2 = sorted[Math.ceil(Math.min(hi, size - 1))] ?? NaN;
  return (th2 - th1) / 2;
}
