import { toFloat64Array } from '@probdl/tensor-backend';
import type * as tf from '@tensorflow/tfjs-core';

/** What {@link psisKhat} returns. */
export interface PsisResult {
  /**
   * k̂, the estimated shape ξ of the generalized Pareto fitted to the largest importance ratios
   * (Vehtari et al. 2015/2024): below 0.5 the importance sampling estimate is reliable, 0.5–0.7
   * usable with care, above 0.7 the proposal (a fitted guide) misses mass of the target. `Infinity`
   * when M < 5 (S ≤ 20: too few draws to fit, as ArviZ). `-Infinity` when fewer than 5 weights lie
   * strictly above the cutoff because the largest ones are tied (bounded, e.g. constant, weights:
   * ArviZ returns ∞ there, which would flag a perfect proposal).
   */
  readonly khat: number;
  /** The smoothed log weights, normalised (log-sum-exp 0), in the input's order (float64). */
  readonly smoothedLogWeights: Float64Array;
  /** M, the number of tail draws fitted: ⌈min(0.2 S, 3√S)⌉. */
  readonly tailLength: number;
  /** The GPD scale σ̂ of the fit (relative to the largest weight); NaN when no fit was made. */
  readonly sigma: number;
  /**
   * The sample-size-dependent k̂ threshold min(1 − 1/log10 S, 0.7) of Vehtari et al. (2024): above
   * it, the Pareto-smoothed estimate is unreliable for this S.
   */
  readonly threshold: number;
  /** The effective sample size of the smoothed weights, 1 / Σ w̃². */
  readonly ess: number;
}

const FN = 'psisKhat';

/**
 * Pareto-smoothed importance sampling on the host in float64 (ArviZ's `psislw`, loo's `psis` with
 * r_eff = 1): the largest M = ⌈min(0.2 S, 3√S)⌉ importance ratios are fitted with a generalized
 * Pareto distribution by the method of Zhang & Stephens (2009), whose shape estimate is shrunk
 * toward 0.5 with a weakly informative prior (weight 10 against M); those M ratios are replaced by
 * the GPD's expected order statistics, truncated at the largest raw ratio, and the weights are
 * normalised. Returns k̂ and the smoothed log weights.
 *
 * @param logWeights log importance ratios log p − log q (unnormalised; any finite values, length S).
 *   To pass a tensor, read it first (`await toFloat64Array(t)` of @probdl/tensor-backend), or use
 *   {@link psisKhatOf}.
 * @throws RangeError naming the argument when it has fewer than 2 values or a NaN / +∞.
 */
export function psisKhat(logWeights: ArrayLike<number>): PsisResult {
  const s = logWeights?.length;
  if (!Number.isInteger(s) || s < 2) throw new RangeError(`${FN}: argument 'logWeights' must hold at least 2 values, got ${s}`);
  const x = Float64Array.from(logWeights);
  let max = -Infinity;
  for (let i = 0; i < s; i++) {
    const v = x[i]!;
    if (Number.isNaN(v) || v === Infinity) throw new RangeError(`${FN}: argument 'logWeights' has ${v} at index ${i}; log weights must be finite or −∞`);
    if (v > max) max = v;
  }
  if (max === -Infinity) throw new RangeError(`${FN}: all log weights are −∞`);
  for (let i = 0; i < s; i++) x[i]! -= max;
  const tailLength = Math.ceil(Math.min(0.2 * s, 3 * Math.sqrt(s)));
  const order = Array.from({ length: s }, (_, i) => i).sort((a, b) => (x[a]! < x[b]! ? -1 : x[a]! > x[b]! ? 1 : 0)); // −∞ safe
  // ArviZ: cutoff at the (M+1)-th largest value (never below log of the smallest normal double);
  // the tail is every value strictly above it.
  const cutoffIdx = Math.max(0, s - tailLength - 1);
  const cutoff = Math.max(x[order[cutoffIdx]!]!, Math.log(2.2250738585072014e-308));
  const expCutoff = Math.exp(cutoff);
  const tail = order.filter((i) => x[i]! > cutoff); // ascending
  let khat: number;
  let sigma = Number.NaN;
  if (tailLength <= 4) {
    khat = Infinity;
  } else if (tail.length <= 4) {
    khat = -Infinity;
  } else {
    const exceed = Float64Array.from(tail, (i) => Math.exp(x[i]!) - expCutoff);
    if (!(exceed[exceed.length - 1]! > 0)) {
      khat = -Infinity;
    } else {
      const fit = fitGeneralizedPareto(exceed);
      khat = fit.k;
      sigma = fit.sigma;
      if (Number.isFinite(khat)) {
        const m = tail.length;
        for (let j = 0; j < m; j++) {
          const q = gpInverse((j + 0.5) / m, khat, sigma);
          x[tail[j]!] = Math.min(Math.log(q + expCutoff), 0); // truncate at the largest raw weight (0)
        }
      }
    }
  }
  // Normalise: log-sum-exp 0.
  let m = -Infinity;
  for (let i = 0; i < s; i++) if (x[i]! > m) m = x[i]!;
  let sum = 0;
  for (let i = 0; i < s; i++) sum += Math.exp(x[i]! - m);
  const lse = m + Math.log(sum);
  let sq = 0;
  for (let i = 0; i < s; i++) {
    x[i]! -= lse;
    sq += Math.exp(2 * x[i]!);
  }
  return { khat, smoothedLogWeights: x, tailLength, sigma, threshold: Math.min(1 - 1 / Math.log10(s), 0.7), ess: 1 / sq };
}

/** {@link psisKhat} of log weights held in a tensor (read back once; the tensor is not disposed). */
export async function psisKhatOf(logWeights: tf.Tensor): Promise<PsisResult> {
  return psisKhat(await toFloat64Array(logWeights));
}

/**
 * The generalized Pareto fit of Zhang & Stephens (2009) as ArviZ's `_gpdfit` does it: exceedances
 * `x` (ascending, ≥ 0) → shape k (ξ; after the prior's shrinkage toward 0.5 with weight 10) and
 * scale σ. Host float64.
 */
export function fitGeneralizedPareto(x: Float64Array): { k: number; sigma: number } {
  const n = x.length;
  if (n < 2) throw new RangeError(`fitGeneralizedPareto: need at least 2 exceedances, got ${n}`);
  for (let i = 1; i < n; i++) {
    if (!(x[i]! >= x[i - 1]!)) throw new RangeError('fitGeneralizedPareto: exceedances must be sorted ascending');
  }
  const priorBs = 3;
  const priorK = 10;
  const mEst = 30 + Math.floor(Math.sqrt(n));
  const quartile = x[Math.floor(n / 4 + 0.5) - 1]!;
  const last = x[n - 1]!;
  const b = new Float64Array(mEst);
  for (let j = 0; j < mEst; j++) b[j] = (1 - Math.sqrt(mEst / (j + 1 - 0.5))) / (priorBs * quartile) + 1 / last;
  const lenScale = new Float64Array(mEst);
  for (let j = 0; j < mEst; j++) {
    let k = 0;
    for (let i = 0; i < n; i++) k += Math.log1p(-b[j]! * x[i]!);
    k /= n;
    lenScale[j] = n * (Math.log(-(b[j]! / k)) - k - 1);
  }
  const w = new Float64Array(mEst);
  for (let j = 0; j < mEst; j++) {
    let t = 0;
    for (let i = 0; i < mEst; i++) t += Math.exp(lenScale[i]! - lenScale[j]!);
    w[j] = 1 / t;
  }
  let wSum = 0;
  let bPost = 0;
  const eps = 2.220446049250313e-16;
  for (let j = 0; j < mEst; j++) {
    if (!(w[j]! >= 10 * eps)) continue; // negligible weights are dropped
    wSum += w[j]!;
    bPost += b[j]! * w[j]!;
  }
  bPost /= wSum;
  let k = 0;
  for (let i = 0; i < n; i++) k += Math.log1p(-bPost * x[i]!);
  k /= n;
  const sigma = -k / bPost;
  return { k: (n * k + priorK * 0.5) / (n + priorK), sigma };
}

/** The GPD quantile function (location 0): σ((1 − p)^(−k) − 1)/k, σ(−log(1 − p)) at k = 0. */
function gpInverse(p: number, k: number, sigma: number): number {
  if (!(sigma > 0)) return Number.NaN;
  if (Math.abs(k) < 2.220446049250313e-16) return -sigma * Math.log1p(-p);
  return (sigma * Math.expm1(-k * Math.log1p(-p))) / k;
}
