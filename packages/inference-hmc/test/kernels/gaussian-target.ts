import * as tf from '@tensorflow/tfjs-core';
import { random, type PRNGKey } from '@probdl/tensor-backend';
import type { LogDensityFn } from '../../src/types.js';

/** A zero-mean Gaussian N(0, Σ) with Σ = Q diag(λ) Qᵀ, built on the host in float64. */
export interface GaussianTarget {
  readonly dim: number;
  /** Row-major D×D orthogonal matrix (columns are eigenvectors). */
  readonly q: Float64Array;
  /** Eigenvalues, log-spaced from `lambdaMin` to `lambdaMax`. */
  readonly lambda: Float64Array;
  /** Row-major Σ. */
  readonly covariance: Float64Array;
  /** Batched log density -½ xᵀ Σ⁻¹ x (float32 precision matrix on the device). */
  readonly logDensityFn: LogDensityFn;
  /** Exact draws `[C, D]` (x = Q diag(√λ) z, computed in float64). */
  exactDraws(key: PRNGKey, numChains: number): tf.Tensor;
  /** Whitened coordinates w = diag(λ)^(-½) Qᵀ x of host rows (`[C * D]`), ~ N(0, I) under the target. */
  whiten(rows: ArrayLike<number>, numChains: number): Float64Array;
  /** Frees the precision matrix. */
  dispose(): void;
}

/** Orthonormalises the columns of a row-major D×D matrix (modified Gram–Schmidt, float64). */
function orthogonal(a: Float64Array, d: number): Float64Array {
  const q = Float64Array.from(a);
  for (let j = 0; j < d; j++) {
    for (let k = 0; k < j; k++) {
      let dot = 0;
      for (let i = 0; i < d; i++) dot += q[i * d + j]! * q[i * d + k]!;
      for (let i = 0; i < d; i++) q[i * d + j]! -= dot * q[i * d + k]!;
    }
    let norm = 0;
    for (let i = 0; i < d; i++) norm += q[i * d + j]! ** 2;
    norm = Math.sqrt(norm);
    for (let i = 0; i < d; i++) q[i * d + j]! /= norm;
  }
  return q;
}

/** The correlated Gaussian of the invariance tests, from a fixed key. */
export function gaussianTarget(k: PRNGKey, dim: number, lambdaMin = 0.1, lambdaMax = 10): GaussianTarget {
  const d = dim;
  const q = orthogonal(Float64Array.from(random.normalHost(k, [d, d])), d);
  const lambda = new Float64Array(d);
  for (let i = 0; i < d; i++) lambda[i] = lambdaMin * (lambdaMax / lambdaMin) ** (d === 1 ? 0 : i / (d - 1));
  const covariance = new Float64Array(d * d);
  const precision = new Float64Array(d * d);
  for (let i = 0; i < d; i++) {
    for (let j = 0; j < d; j++) {
      let s = 0;
      let p = 0;
      for (let m = 0; m < d; m++) {
        s += q[i * d + m]! * lambda[m]! * q[j * d + m]!;
        p += (q[i * d + m]! * q[j * d + m]!) / lambda[m]!;
      }
      covariance[i * d + j] = s;
      precision[i * d + j] = p;
    }
  }
  const prec = tf.tensor2d(Float32Array.from(precision), [d, d]);
  return {
    dim,
    q,
    lambda,
    covariance,
    logDensityFn: (x) => tf.tidy(() => tf.mul(-0.5, tf.sum(tf.mul(x, tf.matMul(x, prec)), -1))),
    exactDraws(key, c) {
      const z = random.normalHost(key, [c, d]);
      const x = new Float32Array(c * d);
      for (let r = 0; r < c; r++) {
        for (let i = 0; i < d; i++) {
          let s = 0;
          for (let m = 0; m < d; m++) s += q[i * d + m]! * Math.sqrt(lambda[m]!) * z[r * d + m]!;
          x[r * d + i] = s;
        }
      }
      return tf.tensor2d(x, [c, d]);
    },
    whiten(rows, c) {
      const w = new Float64Array(c * d);
      for (let r = 0; r < c; r++) {
        for (let m = 0; m < d; m++) {
          let s = 0;
          for (let i = 0; i < d; i++) s += q[i * d + m]! * rows[r * d + i]!;
          w[r * d + m] = s / Math.sqrt(lambda[m]!);
        }
      }
      return w;
    },
    dispose: () => prec.dispose(),
  };
}

/** Standard normal CDF (Abramowitz & Stegun 7.1.26 for erf, absolute error below 1.5e-7). */
export function normalCdf(x: number): number {
  const z = Math.abs(x) / Math.SQRT2;
  const t = 1 / (1 + 0.3275911 * z);
  const erf = 1 - ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.exp(-z * z);
  return x >= 0 ? 0.5 * (1 + erf) : 0.5 * (1 - erf);
}

/** Kolmogorov–Smirnov statistic of a sample against the standard normal. */
export function ksStatistic(sample: ArrayLike<number>): number {
  const s = Float64Array.from(sample).sort();
  const n = s.length;
  let dMax = 0;
  for (let i = 0; i < n; i++) {
    const f = normalCdf(s[i]!);
    dMax = Math.max(dMax, (i + 1) / n - f, f - i / n);
  }
  return dMax;
}

/**
 * Checks that rows `[C, D]` look like exact draws of the target, with tolerances from Monte Carlo
 * standard errors of C independent draws: every coordinate's mean within 4.5 sd (sd √(Σᵢᵢ / C)),
 * every variance ratio s²/Σᵢᵢ within 1 ± 4.5 √(2 / C), the mean squared whitened norm (χ²_D per
 * chain) within D ± 4.5 √(2D / C), and KS statistics of three whitened projections (smallest and
 * largest eigen-directions, the normalised sum) below the 0.1% critical value 1.95 / √C.
 * Returns the failures (empty when all pass) and the figures.
 */
export function invarianceReport(target: GaussianTarget, rows: ArrayLike<number>, c: number): { failures: string[]; figures: Record<string, number> } {
  const d = target.dim;
  const failures: string[] = [];
  let worstMeanZ = 0;
  let worstVar = 0;
  for (let i = 0; i < d; i++) {
    let m = 0;
    for (let r = 0; r < c; r++) m += rows[r * d + i]!;
    m /= c;
    let v = 0;
    for (let r = 0; r < c; r++) v += (rows[r * d + i]! - m) ** 2;
    v /= c - 1;
    const sigma2 = target.covariance[i * d + i]!;
    const z = Math.abs(m) / Math.sqrt(sigma2 / c);
    worstMeanZ = Math.max(worstMeanZ, z);
    worstVar = Math.max(worstVar, Math.abs(v / sigma2 - 1));
  }
  if (worstMeanZ > 4.5) failures.push(`mean: worst |z| ${worstMeanZ.toFixed(2)} > 4.5`);
  const varTol = 4.5 * Math.sqrt(2 / c);
  if (worstVar > varTol) failures.push(`variance ratio: worst |s²/σ² - 1| ${worstVar.toFixed(3)} > ${varTol.toFixed(3)}`);
  const w = target.whiten(rows, c);
  let norm2 = 0;
  for (let j = 0; j < c * d; j++) norm2 += w[j]! ** 2;
  norm2 /= c;
  const normTol = 4.5 * Math.sqrt((2 * d) / c);
  if (Math.abs(norm2 - d) > normTol) failures.push(`mean |w|²: ${norm2.toFixed(2)} not within ${d} ± ${normTol.toFixed(2)}`);
  const proj = (f: (r: number) => number) => Array.from({ length: c }, (_, r) => f(r));
  const ksCrit = 1.95 / Math.sqrt(c);
  const ks = [
    ksStatistic(proj((r) => w[r * d]!)),
    ksStatistic(proj((r) => w[r * d + d - 1]!)),
    ksStatistic(proj((r) => {
      let s = 0;
      for (let m = 0; m < d; m++) s += w[r * d + m]!;
      return s / Math.sqrt(d);
    })),
  ];
  ks.forEach((k, j) => {
    if (k > ksCrit) failures.push(`KS of projection ${j}: ${k.toFixed(3)} > ${ksCrit.toFixed(3)}`);
  });
  return { failures, figures: { worstMeanZ, worstVar, norm2, ksMax: Math.max(...ks) } };
}
