import * as tf from '@tensorflow/tfjs-core';
import { random, split, type PRNGKey } from '@probdl/tensor-backend';
import type { HmcParams, HmcState, Kernel, KernelInfo, LogDensityFn } from '../../src/types.js';

/** A correlated Gaussian built on the host (float64): Σ = Q diag(λ) Qᵀ with Q a random rotation. */
export interface HostGaussian {
  dim: number;
  /** Row-major Q (columns are eigenvectors). */
  q: Float64Array;
  eigenvalues: Float64Array;
  covariance: Float64Array;
  precision: Float64Array;
}

/** Eigenvalues log-spaced on [lo, hi], eigenvectors from Gram-Schmidt on normals from `k`. */
export function correlatedGaussian(k: PRNGKey, dim: number, lo: number, hi: number): HostGaussian {
  const z = random.normalHost(k, [dim, dim]);
  const q = new Float64Array(dim * dim);
  // Columns of q: orthonormalised columns of z.
  for (let j = 0; j < dim; j++) {
    const v = new Float64Array(dim);
    for (let i = 0; i < dim; i++) v[i] = z[i * dim + j]!;
    for (let pass = 0; pass < 2; pass++) {
      for (let m = 0; m < j; m++) {
        let dot = 0;
        for (let i = 0; i < dim; i++) dot += v[i]! * q[i * dim + m]!;
        for (let i = 0; i < dim; i++) v[i]! -= dot * q[i * dim + m]!;
      }
    }
    let norm = 0;
    for (let i = 0; i < dim; i++) norm += v[i]! * v[i]!;
    norm = Math.sqrt(norm);
    for (let i = 0; i < dim; i++) q[i * dim + j] = v[i]! / norm;
  }
  const eigenvalues = Float64Array.from({ length: dim }, (_, i) => lo * (hi / lo) ** (i / (dim - 1)));
  const form = (f: (l: number) => number) => {
    const out = new Float64Array(dim * dim);
    for (let a = 0; a < dim; a++) {
      for (let b = 0; b < dim; b++) {
        let s = 0;
        for (let m = 0; m < dim; m++) s += q[a * dim + m]! * f(eigenvalues[m]!) * q[b * dim + m]!;
        out[a * dim + b] = s;
      }
    }
    return out;
  };
  return { dim, q, eigenvalues, covariance: form((l) => l), precision: form((l) => 1 / l) };
}

/** `n` exact draws `[n, D]` (host float64): x = Q diag(√λ) z. */
export function gaussianDraws(g: HostGaussian, k: PRNGKey, n: number): Float64Array {
  const d = g.dim;
  const z = random.normalHost(k, [n, d]);
  const out = new Float64Array(n * d);
  for (let r = 0; r < n; r++) {
    for (let a = 0; a < d; a++) {
      let s = 0;
      for (let m = 0; m < d; m++) s += g.q[a * d + m]! * Math.sqrt(g.eigenvalues[m]!) * z[r * d + m]!;
      out[r * d + a] = s;
    }
  }
  return out;
}

/** Φ(x), |error| < 1e-7 (Abramowitz & Stegun 7.1.26 on erf). */
export function normalCdf(x: number): number {
  const t = 1 / (1 + (0.3275911 * Math.abs(x)) / Math.SQRT2);
  const y = 1 - ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.exp(-(x * x) / 2);
  return x >= 0 ? 0.5 * (1 + y) : 0.5 * (1 - y);
}

/** Kolmogorov-Smirnov statistic of a sample against a continuous CDF. */
export function ksStatistic(sample: ArrayLike<number>, cdf: (x: number) => number): number {
  const xs = Float64Array.from(sample).sort();
  const n = xs.length;
  let d = 0;
  for (let i = 0; i < n; i++) {
    const f = cdf(xs[i]!);
    d = Math.max(d, (i + 1) / n - f, f - i / n);
  }
  return d;
}

/** Effective sample size of one series (Geyer's initial positive sequence on the autocorrelations). */
export function effectiveSampleSize(x: ArrayLike<number>): number {
  const n = x.length;
  let mean = 0;
  for (let i = 0; i < n; i++) mean += x[i]!;
  mean /= n;
  const acov = (lag: number) => {
    let s = 0;
    for (let i = 0; i + lag < n; i++) s += (x[i]! - mean) * (x[i + lag]! - mean);
    return s / n;
  };
  const v0 = acov(0);
  let tau = -1;
  for (let t = 0; t + 1 < n; t += 2) {
    const pair = (acov(t) + acov(t + 1)) / v0;
    if (pair <= 0) break;
    tau += 2 * pair;
  }
  return n / Math.max(tau, 1e-3);
}

/** Runs `steps` transitions, disposing intermediate states; returns the last state and every info. */
export async function runChain(
  kernel: Kernel<HmcParams>,
  k: PRNGKey,
  state: HmcState,
  logDensityFn: LogDensityFn,
  params: HmcParams,
  steps: number,
  onStep?: (s: HmcState, info: KernelInfo) => Promise<void> | void,
): Promise<{ state: HmcState; infos: KernelInfo[] }> {
  const infos: KernelInfo[] = [];
  let s = state;
  let key = k;
  for (let i = 0; i < steps; i++) {
    const [a, b] = split(key);
    key = a!;
    const [next, info] = await kernel.step(b!, s, logDensityFn, params);
    if (s !== state) disposeState(s);
    s = next;
    infos.push(info);
    if (onStep) await onStep(s, info);
  }
  return { state: s, infos };
}

/** Disposes the three tensors of a state. */
export function disposeState(s: HmcState): void {
  tf.dispose([s.position, s.logDensity, s.logDensityGrad]);
}
