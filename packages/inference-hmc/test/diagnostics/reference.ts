// Straightforward reference implementations of Vehtari et al. (2021) written independently of
// src/diagnostics: direct O(n²) autocovariance sums (no FFT), O(n²) counting ranks (no sort),
// Acklam's normal quantile (relative error < 1.2e-9; src uses Wichura's AS 241), Geyer's initial
// positive / monotone sequences written over pairs as in the paper, and R's quantile(type = 7)
// formula. Chains are number[][] (one array per chain).
import { key, random, split } from '@probdl/tensor-backend';
import { betaPpfF64 } from '../../src/diagnostics/special-f64.js';

export type Chains = number[][];

export function flat(chains: Chains): Float64Array {
  return Float64Array.from(chains.flat());
}

function avg(x: readonly number[]): number {
  return x.reduce((a, b) => a + b, 0) / x.length;
}

function sampleVar(x: readonly number[]): number {
  const m = avg(x);
  return x.reduce((a, b) => a + (b - m) ** 2, 0) / (x.length - 1);
}

/** γ_t = (1/n) Σ_{i < n−t} (x_i − x̄)(x_{i+t} − x̄), by direct sums. */
export function refAutocov(x: readonly number[]): number[] {
  const n = x.length;
  const m = avg(x);
  const out: number[] = [];
  for (let t = 0; t < n; t++) {
    let s = 0;
    for (let i = 0; i + t < n; i++) s += ((x[i] ?? 0) - m) * ((x[i + t] ?? 0) - m);
    out.push(s / n);
  }
  return out;
}

/** Acklam's rational approximation of Φ⁻¹. */
export function refNdtri(p: number): number {
  const a = [-3.969683028665376e1, 2.209460984245205e2, -2.759285104469687e2, 1.38357751867269e2, -3.066479806614716e1, 2.506628277459239];
  const b = [-5.447609879822406e1, 1.615858368580409e2, -1.556989798598866e2, 6.680131188771972e1, -1.328068155288572e1];
  const c = [-7.784894002430293e-3, -3.223964580411365e-1, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
  const d = [7.784695709041462e-3, 3.224671290700398e-1, 2.445134137142996, 3.754408661907416];
  const [a0 = 0, a1 = 0, a2 = 0, a3 = 0, a4 = 0, a5 = 0] = a;
  const [b0 = 0, b1 = 0, b2 = 0, b3 = 0, b4 = 0] = b;
  const [c0 = 0, c1 = 0, c2 = 0, c3 = 0, c4 = 0, c5 = 0] = c;
  const [d0 = 0, d1 = 0, d2 = 0, d3 = 0] = d;
  const lowTail = (q: number) => (((((c0 * q + c1) * q + c2) * q + c3) * q + c4) * q + c5) / ((((d0 * q + d1) * q + d2) * q + d3) * q + 1);
  if (p < 0.02425) return lowTail(Math.sqrt(-2 * Math.log(p)));
  if (p > 1 - 0.02425) return -lowTail(Math.sqrt(-2 * Math.log(1 - p)));
  const q = p - 0.5;
  const r = q * q;
  return ((((((a0 * r + a1) * r + a2) * r + a3) * r + a4) * r + a5) * q) / (((((b0 * r + b1) * r + b2) * r + b3) * r + b4) * r + 1);
}

/** Split every chain into first and last ⌊n/2⌋ draws. */
export function refSplit(chains: Chains): Chains {
  const out: Chains = [];
  for (const x of chains) {
    const h = Math.floor(x.length / 2);
    out.push(x.slice(0, h), x.slice(x.length - h));
  }
  return out;
}

/** Average ranks by counting, then Blom's normal scores over all chains. */
export function refZ(chains: Chains): Chains {
  const all = chains.flat();
  const s = all.length;
  return chains.map((x) =>
    x.map((v) => {
      let less = 0;
      let equal = 0;
      for (const w of all) {
        if (w < v) less++;
        else if (w === v) equal++;
      }
      const rank = less + (equal + 1) / 2;
      return refNdtri((rank - 3 / 8) / (s + 1 / 4));
    }),
  );
}

/** R-hat = sqrt(var⁺ / W), var⁺ = (N−1)/N W + B/N (Vehtari et al. 2021, eqs. 3–4). */
export function refRhat(chains: Chains): number {
  const n = chains[0]?.length ?? 0;
  const w = avg(chains.map(sampleVar));
  const bOverN = sampleVar(chains.map(avg));
  return Math.sqrt((((n - 1) / n) * w + bOverN) / w);
}

/** ESS (Vehtari et al. 2021 eqs. 10–11) with Geyer's pairs Γ_k = ρ_{2k} + ρ_{2k+1}. */
export function refEss(chains: Chains): number {
  const m = chains.length;
  const n = chains[0]?.length ?? 0;
  const all = chains.flat();
  if (Math.max(...all) - Math.min(...all) < 1e-15) return all.length;
  const acov = chains.map(refAutocov);
  const w = avg(chains.map(sampleVar));
  const varPlus = ((n - 1) / n) * w + (m > 1 ? sampleVar(chains.map(avg)) : 0);
  // ρ̂_0 is 1 by definition (Stan, posterior and ArviZ set it rather than estimate it).
  const rho = (t: number) => (t === 0 ? 1 : 1 - (w - avg(acov.map((a) => a[t] ?? 0))) / varPlus);
  // Pairs are summed while positive; Stan (and ArviZ, posterior) look at pairs k with
  // 2k − 1 < n − 3 only, and the last pair looked at contributes only its even term (if positive).
  const pairs: number[] = [];
  let extra = 0;
  for (let k = 0; ; k++) {
    const p = rho(2 * k) + rho(2 * k + 1);
    const last = k > 0 && 2 * k - 1 >= n - 3 - 2;
    if (!(p > 0) || last) {
      extra = Math.max(rho(2 * k), 0);
      break;
    }
    pairs.push(k === 0 ? p : Math.min(p, pairs[k - 1] ?? p));
  }
  const tau = Math.max(-1 + 2 * pairs.reduce((a, b) => a + b, 0) + extra, 1 / Math.log10(m * n));
  return (m * n) / tau;
}

/** R's quantile(type = 7): j = ⌊1 + (n−1)p⌋ (1-based), g = 1 + (n−1)p − j. */
export function refQuantile(x: readonly number[], p: number): number {
  const s = [...x].sort((u, v) => u - v);
  const hh = 1 + (s.length - 1) * p;
  const j = Math.floor(hh);
  const g = hh - j;
  const lo = s[j - 1] ?? NaN;
  const hi = s[Math.min(j, s.length - 1)] ?? NaN;
  return (1 - g) * lo + g * hi;
}

export const refEssBulk = (c: Chains) => refEss(refZ(refSplit(c)));
export const refEssMean = (c: Chains) => refEss(refSplit(c));
export function refEssTail(c: Chains): number {
  const all = c.flat();
  const ind = (p: number) => {
    const q = refQuantile(all, p);
    return refEss(refSplit(c.map((x) => x.map((v) => (v <= q ? 1 : 0)))));
  };
  return Math.min(ind(0.05), ind(0.95));
}
export function refEssSd(c: Chains): number {
  const m = avg(c.flat());
  return refEss(refSplit(c.map((x) => x.map((v) => (v - m) ** 2))));
}
export const refSplitRhat = (c: Chains) => refRhat(refSplit(c));
export function refRankRhat(c: Chains): number {
  const s = refSplit(c);
  const med = refQuantile(s.flat(), 0.5);
  return Math.max(refRhat(refZ(s)), refRhat(refZ(s.map((x) => x.map((v) => Math.abs(v - med))))));
}
export function refMcseMean(c: Chains): number {
  return Math.sqrt(sampleVar(c.flat()) / refEssMean(c));
}

/** AR(1) chains x_t = ρ x_{t−1} + sqrt(1 − ρ²) ε_t (stationary N(0, 1) start) plus per-chain shifts. */
export function ar1Chains(seed: number, numChains: number, numDraws: number, rho: number, shifts: readonly number[] = []): Chains {
  const keys = split(key(seed), numChains);
  return keys.map((k, c) => {
    const eps = random.normalHost(k, [numDraws]);
    const x: number[] = [];
    let prev = eps[0] ?? 0;
    x.push(prev);
    for (let t = 1; t < numDraws; t++) {
      prev = rho * prev + Math.sqrt(1 - rho * rho) * (eps[t] ?? 0);
      x.push(prev);
    }
    return x.map((v) => v + (shifts[c] ?? 0));
  });
}

/** Delta-method MCSE of the sd: y = (x − x̄)², sqrt(Var(y) / ESS_mean(x) / E[y] / 4) (ArviZ's choice of ESS). */
export function refMcseSd(c: Chains): number {
  const m = avg(c.flat());
  const y = c.map((x) => x.map((v) => (v - m) ** 2));
  const ey = avg(y.flat());
  const vary = avg(y.flat().map((v) => (v - ey) ** 2));
  return Math.sqrt(vary / refEssMean(c) / ey / 4);
}

/**
 * ArviZ's quantile MCSE (arviz-stats `_mcse_quantile`). The Beta quantile is src's (tested on its
 * own against closed forms); everything else is the reference's.
 */
export function refMcseQuantile(c: Chains, prob: number): number {
  const all = c.flat();
  const q = refQuantile(all, prob);
  const ess = refEss(refSplit(c.map((x) => x.map((v) => (v <= q ? 1 : 0)))));
  const s = [...all].sort((u, v) => u - v);
  const a = betaPpfF64(0.1586553, ess * prob + 1, ess * (1 - prob) + 1) * s.length - 1;
  const b = betaPpfF64(0.8413447, ess * prob + 1, ess * (1 - prob) + 1) * s.length - 1;
  return ((s[Math.ceil(Math.min(b, s.length - 1))] ?? NaN) - (s[Math.floor(Math.max(a, 0))] ?? NaN)) / 2;
}
