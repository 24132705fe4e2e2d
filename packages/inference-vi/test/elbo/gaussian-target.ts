import * as tf from '@tensorflow/tfjs-core';

/**
 * A 2-D correlated Gaussian target with a known normaliser: log p(z) = log N(z; m, Σ) + logZ, so the
 * evidence is logZ and ELBO(q) = logZ − KL(q ‖ N(m, Σ)). Host values in float64.
 */
export const TARGET = {
  m: [0.5, -1],
  cov: [
    [1, 0.6],
    [0.6, 0.8],
  ],
  logZ: 1.5,
};
const det = TARGET.cov[0]![0]! * TARGET.cov[1]![1]! - TARGET.cov[0]![1]! ** 2;
/** Σ⁻¹. */
export const PRECISION = [
  [TARGET.cov[1]![1]! / det, -TARGET.cov[0]![1]! / det],
  [-TARGET.cov[0]![1]! / det, TARGET.cov[0]![0]! / det],
];
const LOG_NORM = -Math.log(2 * Math.PI) - 0.5 * Math.log(det);

/** The target as a batched log density `[S, 2]` → `[S]` on the device. */
export function gaussianTarget(): { logDensity: (z: tf.Tensor) => tf.Tensor; dispose: () => void } {
  const m = tf.tensor1d(TARGET.m);
  const p = tf.tensor2d(PRECISION);
  return {
    logDensity: (z) =>
      tf.tidy(() => {
        const d = tf.sub(z, m);
        return tf.add(tf.mul(-0.5, tf.sum(tf.mul(tf.matMul(d, p), d), 1)), LOG_NORM + TARGET.logZ);
      }),
    dispose: () => tf.dispose([m, p]),
  };
}

/** ∇ log p(z) = −Σ⁻¹ (z − m) on the host. */
export function hostGradLogP(z: readonly number[]): number[] {
  const d = [z[0]! - TARGET.m[0]!, z[1]! - TARGET.m[1]!];
  return [-(PRECISION[0]![0]! * d[0]! + PRECISION[0]![1]! * d[1]!), -(PRECISION[1]![0]! * d[0]! + PRECISION[1]![1]! * d[1]!)];
}

/** KL(N(μ, diag(s²)) ‖ target) and the analytic ELBO and its gradient in (μ, s), float64. */
export function hostMeanFieldElbo(mu: readonly number[], s: readonly number[]): { elbo: number; dMu: number[]; dS: number[] } {
  const dm = [mu[0]! - TARGET.m[0]!, mu[1]! - TARGET.m[1]!];
  const tr = PRECISION[0]![0]! * s[0]! ** 2 + PRECISION[1]![1]! * s[1]! ** 2;
  const maha = dm[0]! * (PRECISION[0]![0]! * dm[0]! + PRECISION[0]![1]! * dm[1]!) + dm[1]! * (PRECISION[1]![0]! * dm[0]! + PRECISION[1]![1]! * dm[1]!);
  const klv = 0.5 * (tr + maha - 2 + Math.log(det) - 2 * (Math.log(s[0]!) + Math.log(s[1]!)));
  const dMu = hostGradLogP(mu); // −∂KL/∂μ = −Σ⁻¹(μ − m)
  const dS = [1 / s[0]! - PRECISION[0]![0]! * s[0]!, 1 / s[1]! - PRECISION[1]![1]! * s[1]!];
  return { elbo: TARGET.logZ - klv, dMu, dS };
}

/** Mean and standard error of a sample. */
export function meanAndSe(xs: ArrayLike<number>): { mean: number; se: number } {
  const n = xs.length;
  let m = 0;
  for (let i = 0; i < n; i++) m += xs[i]!;
  m /= n;
  let v = 0;
  for (let i = 0; i < n; i++) v += (xs[i]! - m) ** 2;
  return { mean: m, se: Math.sqrt(v / (n - 1) / n) };
}
