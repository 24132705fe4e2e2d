import { asChains, mean, variance } from './chains.js';

/**
 * Estimated Bayesian fraction of missing information per chain (Betancourt 2016, eq. 3.3; ArviZ
 * `bfmi`): `mean_t (E_t − E_{t−1})² / var(E)` with the sample variance (ddof 1), which equals
 * `Σ_t (E_t − E_{t−1})² / Σ_t (E_t − Ē)²`. `energy` is row-major `[numChains, draws]`; values
 * below 0.3 indicate that momentum resampling explores the energy poorly.
 */
export function ebfmi(energy: Float64Array, numChains: number): Float64Array {
  const m = asChains('ebfmi', energy, numChains);
  const out = new Float64Array(numChains);
  for (let c = 0; c < numChains; c++) {
    const e = energy.subarray(c * m.numDraws, (c + 1) * m.numDraws);
    const d = new Float64Array(Math.max(e.length - 1, 0));
    for (let t = 1; t < e.length; t++) d[t - 1] = ((e[t] ?? 0) - (e[t - 1] ?? 0)) ** 2;
    out[c] = mean(d) / variance(e, 1);
  }
  return out;
}
