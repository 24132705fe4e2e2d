// Predictive bands from Gaussian mixtures, on the host. Both models' predictives are mixtures at
// each x: the MDN's K weighted components, the BNN's S equal-weight draws of (mean, sd). Pure code.
import type { Scaling } from './data.js';

/** One row of the plotted band, in plot coordinates. */
export interface BandRow {
  readonly x: number;
  readonly mean: number;
  readonly sd: number;
  /** The 2.5% and 97.5% quantiles of the predictive. */
  readonly lo: number;
  readonly hi: number;
}

/** Φ, the standard normal CDF, from erfc (W. J. Cody's rational fit via Numerical Recipes' erfcc; |error| < 1.2e-7). */
export function normalCdf(z: number): number {
  const x = Math.abs(z) / Math.SQRT2;
  const t = 1 / (1 + 0.5 * x);
  const erfc =
    t *
    Math.exp(
      -x * x -
        1.26551223 +
        t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))),
    );
  return z >= 0 ? 1 - 0.5 * erfc : 0.5 * erfc;
}

/** Mean and variance of Σ_k w_k N(μ_k, s_k²) (weights summing to 1). */
export function mixtureMoments(w: ArrayLike<number>, mu: ArrayLike<number>, s: ArrayLike<number>): { mean: number; variance: number } {
  let mean = 0;
  for (let k = 0; k < w.length; k++) mean += w[k]! * mu[k]!;
  let variance = 0;
  for (let k = 0; k < w.length; k++) variance += w[k]! * (s[k]! ** 2 + (mu[k]! - mean) ** 2);
  return { mean, variance };
}

/** The q-quantile of Σ_k w_k N(μ_k, s_k²), by bisection of its CDF on a ±10 sd bracket. */
export function mixtureQuantile(w: ArrayLike<number>, mu: ArrayLike<number>, s: ArrayLike<number>, q: number): number {
  let lo = Infinity;
  let hi = -Infinity;
  for (let k = 0; k < w.length; k++) {
    lo = Math.min(lo, mu[k]! - 10 * s[k]!);
    hi = Math.max(hi, mu[k]! + 10 * s[k]!);
  }
  for (let i = 0; i < 60; i++) {
    const mid = 0.5 * (lo + hi);
    let cdf = 0;
    for (let k = 0; k < w.length; k++) cdf += w[k]! * normalCdf((mid - mu[k]!) / s[k]!);
    if (cdf < q) lo = mid;
    else hi = mid;
  }
  return 0.5 * (lo + hi);
}

/** softmax of a row, stably. */
function softmax(v: number[]): number[] {
  const m = Math.max(...v);
  const e = v.map((a) => Math.exp(a - m));
  const z = e.reduce((a, b) => a + b, 0);
  return e.map((a) => a / z);
}

function softplus(v: number): number {
  return v > 20 ? v : Math.log1p(Math.exp(v));
}

function row(x: number, w: number[], mu: number[], s: number[], scaling: Scaling): BandRow {
  const { mean, variance } = mixtureMoments(w, mu, s);
  const toY = (v: number) => scaling.yMean + scaling.yStd * v;
  return {
    x,
    mean: toY(mean),
    sd: scaling.yStd * Math.sqrt(variance),
    lo: toY(mixtureQuantile(w, mu, s, 0.025)),
    hi: toY(mixtureQuantile(w, mu, s, 0.975)),
  };
}

/**
 * The band of a Mixture Density Network from its raw head features `[G, 3K]` (row-major), laid out
 * as nn-layers' `mixtureNormal` reads them: K logits, K locs, K raw scales, scale = shift + softplus(raw).
 * `xs` are the G grid points in plot coordinates; the features are in standardised y.
 */
export function mdnBand(features: ArrayLike<number>, xs: readonly number[], numComponents: number, scaling: Scaling, scaleShift = 1e-3): BandRow[] {
  const k = numComponents;
  if (features.length !== xs.length * 3 * k) throw new Error(`mdnBand: expected ${xs.length}×${3 * k} features, got ${features.length}`);
  return xs.map((x, g) => {
    const f = Array.from({ length: 3 * k }, (_, j) => features[g * 3 * k + j]!);
    return row(x, softmax(f.slice(0, k)), f.slice(k, 2 * k), f.slice(2 * k).map((r) => scaleShift + softplus(r)), scaling);
  });
}

/**
 * The band of S Gaussian predictions (a BNN's S weight draws): `means` and `scales` `[S, G]`
 * row-major, in standardised y; the predictive is their equal-weight mixture.
 */
export function drawsBand(means: ArrayLike<number>, scales: ArrayLike<number>, xs: readonly number[], scaling: Scaling): BandRow[] {
  const g = xs.length;
  const s = means.length / g;
  if (!Number.isInteger(s) || scales.length !== means.length) throw new Error(`drawsBand: means and scales must both be [S, ${g}]`);
  const w = new Array<number>(s).fill(1 / s);
  return xs.map((x, j) => {
    const mu = Array.from({ length: s }, (_, i) => means[i * g + j]!);
    const sd = Array.from({ length: s }, (_, i) => scales[i * g + j]!);
    return row(x, w, mu, sd, scaling);
  });
}
