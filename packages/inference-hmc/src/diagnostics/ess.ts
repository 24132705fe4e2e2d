import { autocovariance } from './autocorrelation.js';
import { asChains, hasNonFinite, mapChains, mean, splitChains, variance, zScale, type ChainMatrix } from './chains.js';
import { quantile } from './quantile.js';

/**
 * Effective sample size of a `[chains, draws]` matrix as in Stan / ArviZ's `_ess` (Vehtari et al.
 * 2021, eqs. 10–11): the multi-chain autocorrelation estimate `ρ̂_t = 1 − (W − mean_c γ_{c,t}) / var⁺`
 * truncated by Geyer's initial positive sequence and made monotone (initial monotone sequence),
 * `τ̂ = −1 + 2 Σ_{t ≤ T} ρ̂_t (+ ρ̂_{T+1})`, `ESS = S / max(τ̂, 1 / log10 S)`. No chain splitting here.
 * A constant input returns `S`; non-finite input returns NaN.
 */
export function essOfChains(m: ChainMatrix): number {
  const { values, numChains, numDraws } = m;
  if (hasNonFinite(values)) return NaN;
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of values) {
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  if (hi - lo < 1e-15) return values.length;
  if (numDraws < 4) return NaN;
  const acov: Float64Array[] = [];
  const chainMean = new Float64Array(numChains);
  for (let c = 0; c < numChains; c++) {
    const x = values.subarray(c * numDraws, (c + 1) * numDraws);
    acov.push(autocovariance(x));
    chainMean[c] = mean(x);
  }
  const meanAcov = (t: number): number => {
    let s = 0;
    for (const a of acov) s += a[t] ?? 0;
    return s / numChains;
  };
  const meanVar = (meanAcov(0) * numDraws) / (numDraws - 1);
  let varPlus = (meanVar * (numDraws - 1)) / numDraws;
  if (numChains > 1) varPlus += variance(chainMean, 1);
  const rho = new Float64Array(numDraws);
  let rhoEven = 1;
  rho[0] = rhoEven;
  let rhoOdd = 1 - (meanVar - meanAcov(1)) / varPlus;
  rho[1] = rhoOdd;
  // Geyer's initial positive sequence.
  let t = 1;
  while (t < numDraws - 3 && rhoEven + rhoOdd > 0) {
    rhoEven = 1 - (meanVar - meanAcov(t + 1)) / varPlus;
    rhoOdd = 1 - (meanVar - meanAcov(t + 2)) / varPlus;
    if (rhoEven + rhoOdd >= 0) {
      rho[t + 1] = rhoEven;
      rho[t + 2] = rhoOdd;
    }
    t += 2;
  }
  const maxT = t - 2;
  if (rhoEven > 0) rho[maxT + 1] = rhoEven;
  // Geyer's initial monotone sequence.
  t = 1;
  while (t <= maxT - 2) {
    const prev = (rho[t - 1] ?? 0) + (rho[t] ?? 0);
    if ((rho[t + 1] ?? 0) + (rho[t + 2] ?? 0) > prev) {
      rho[t + 1] = prev / 2;
      rho[t + 2] = prev / 2;
    }
    t += 2;
  }
  let sum = 0;
  for (let k = 0; k <= maxT; k++) sum += rho[k] ?? 0;
  let tau = -1 + 2 * sum + (rho[maxT + 1] ?? 0);
  const size = numChains * numDraws;
  tau = Math.max(tau, 1 / Math.log10(size));
  const ess = size / tau;
  return rho.some(Number.isNaN) ? NaN : ess;
}

function tooShort(m: ChainMatrix): boolean {
  return m.numDraws < 4 || hasNonFinite(m.values);
}

/**
 * Bulk effective sample size (Vehtari et al. 2021; ArviZ `ess(method='bulk')`, posterior
 * `ess_bulk`): {@link essOfChains} of the rank-normalised split chains. `x` is row-major
 * `[numChains, draws]`. NaN for fewer than 4 draws or non-finite values.
 */
export function essBulk(x: Float64Array, numChains: number): number {
  const m = asChains('essBulk', x, numChains);
  if (tooShort(m)) return NaN;
  return essOfChains(zScale(splitChains(m)));
}

/**
 * ESS of the quantile `prob` (ArviZ `ess(method='quantile')`): {@link essOfChains} of the split
 * chains of the indicator `x ≤ q̂_prob` (type-7 quantile over all draws).
 */
export function essQuantile(x: Float64Array, numChains: number, prob: number): number {
  const m = asChains('essQuantile', x, numChains);
  if (tooShort(m)) return NaN;
  const q = quantile(x, prob);
  return essOfChains(splitChains(mapChains(m, (v) => (v <= q ? 1 : 0))));
}

/**
 * Tail effective sample size: the smaller of the 5% and 95% quantile ESS (Vehtari et al. 2021;
 * ArviZ `ess(method='tail')`, posterior `ess_tail`).
 */
export function essTail(x: Float64Array, numChains: number): number {
  asChains('essTail', x, numChains);
  return Math.min(essQuantile(x, numChains, 0.05), essQuantile(x, numChains, 0.95));
}

/** ESS of the mean: {@link essOfChains} of the split chains, no rank normalisation (ArviZ `method='mean'`). */
export function essMean(x: Float64Array, numChains: number): number {
  const m = asChains('essMean', x, numChains);
  if (tooShort(m)) return NaN;
  return essOfChains(splitChains(m));
}

/**
 * ESS of the standard deviation: {@link essOfChains} of the split chains of `(x − x̄)²` (ArviZ's
 * current `ess(method='sd')`; older ArviZ and posterior releases took `min(ESS(x), ESS(x²))`).
 */
export function essSd(x: Float64Array, numChains: number): number {
  const m = asChains('essSd', x, numChains);
  if (tooShort(m)) return NaN;
  const xbar = mean(x);
  return essOfChains(splitChains(mapChains(m, (v) => (v - xbar) ** 2)));
}
