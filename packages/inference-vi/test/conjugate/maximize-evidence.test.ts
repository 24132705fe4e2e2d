/**
 * Evidence maximisation: gradient ascent (device, float32, Adam) against MacKay's fixed point (host,
 * float64) and a float64 grid search for (α, σ²) on a fixed design; and with a random-Fourier basis
 * whose lengthscale is learned, a stationarity check on an independent float64 host evidence.
 * Time: about 2–3 s for the fixed design and 5–8 s for the basis (one Cholesky per Adam step on the
 * cpu backend).
 */
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { key, random, split, type PRNGKey } from '@probdl/tensor-backend';
import { adam } from '@probdl/optimizers';
import { maximizeEvidence, randomFourierFeatures, type EvidenceOptimum } from '../../src/index.js';
import { bruteForceEvidence, evidenceGrid, expectClose, syntheticProblem, type Mat } from './helpers.js';

/** Maximises f over a grid of step h (in log α, log σ²), centred at (ca, cs), half-width w. */
function gridMax(f: (a: number, s: number) => number, ca: number, cs: number, w: number, h: number): { la: number; ls: number; value: number } {
  let best = { la: ca, ls: cs, value: -Infinity };
  const k = Math.round(w / h);
  for (let i = -k; i <= k; i++) {
    for (let j = -k; j <= k; j++) {
      const la = ca + i * h;
      const ls = cs + j * h;
      const v = f(Math.exp(la), Math.exp(ls));
      if (v > best.value) best = { la, ls, value: v };
    }
  }
  // The maximum must be interior, or the grid did not contain it.
  expect(Math.abs(best.la - ca)).toBeLessThan(w - h / 2);
  expect(Math.abs(best.ls - cs)).toBeLessThan(w - h / 2);
  return best;
}

describe('maximizeEvidence over alpha and the noise variance (fixed design)', () => {
  // N = 40, D = 3, true noise sd 0.5. Inputs rounded to float32 so host and device see the same data.
  const { phi, y } = syntheticProblem(21, 40, 3, 0.5);
  const phi32: Mat = { ...phi, data: Float64Array.from(Float32Array.from(phi.data)) };
  const y32 = Float64Array.from(Float32Array.from(y));
  const f = evidenceGrid(phi32, y32);

  it('gradient ascent, MacKay and a grid search agree', async () => {
    // Grid: coarse (step 0.05 over log α ∈ [-4, 6], log σ² ∈ [-5, 3]), then fine (step 0.002): the
    // grid optimum is within 0.001 of the true one in each coordinate.
    const coarse = gridMax(f, 1, -1, 5, 0.05);
    const fine = gridMax(f, coarse.la, coarse.ls, 0.1, 0.002);
    const mk = await maximizeEvidence(phi32, y32, { method: 'mackay', alpha: 1, noiseVariance: 1 });
    expect(mk.method).toBe('mackay');
    expect(mk.converged).toBe(true);
    // MacKay converged to 1e-10 in log space: within the grid's resolution (0.001) plus slack.
    expect(Math.abs(Math.log(mk.alpha) - fine.la)).toBeLessThan(0.002);
    expect(Math.abs(Math.log(mk.noiseVariance) - fine.ls)).toBeLessThan(0.002);
    expectClose(mk.logEvidence, f(mk.alpha, mk.noiseVariance), 1e-12, 0, 'MacKay evidence');
    expectClose(mk.logEvidence, bruteForceEvidence(phi32, y32, mk.alpha, mk.noiseVariance), 1e-10, 0, 'MacKay evidence (N × N)');
    // MacKay's fixed point is a stationary point: its analytic gradient vanishes.
    expect(Math.abs(mk.gradient.logAlpha)).toBeLessThan(1e-6);
    expect(Math.abs(mk.gradient.logNoiseVariance)).toBeLessThan(1e-6);
    expect(mk.logEvidence).toBeGreaterThan(mk.initialLogEvidence);
    expect(mk.history.logEvidence[0]).toBeCloseTo(f(1, 1), 10);

    const gr = await maximizeEvidence(tf.tensor2d(Float32Array.from(phi32.data), [40, 3]), tf.tensor1d(Float32Array.from(y32)), {
      alpha: 1,
      noiseVariance: 1,
      maxSteps: 3000,
      tolerance: 1e-3,
    });
    expect(gr.method).toBe('gradient');
    expect(gr.converged).toBe(true);
    // At the optimum the reported gradient is below the stopping tolerance...
    expect(Math.max(Math.abs(gr.gradient.logAlpha), Math.abs(gr.gradient.logNoiseVariance))).toBeLessThan(1e-3);
    // ...and so is the float64 host gradient (central differences, step 1e-5) at the returned point.
    const la = Math.log(gr.alpha);
    const ls = Math.log(gr.noiseVariance);
    const h = 1e-5;
    const dA = (f(Math.exp(la + h), gr.noiseVariance) - f(Math.exp(la - h), gr.noiseVariance)) / (2 * h);
    const dS = (f(gr.alpha, Math.exp(ls + h)) - f(gr.alpha, Math.exp(ls - h))) / (2 * h);
    expect(Math.abs(dA)).toBeLessThan(2e-3);
    expect(Math.abs(dS)).toBeLessThan(2e-3);
    // Location: |∂| < 1e-3 with curvatures ≥ 1 in log space (here -∂²/∂(log α)² ≈ γ/2 ≈ 1.4 and
    // -∂²/∂(log σ²)² ≈ (N − γ)/2 ≈ 18) puts the point within 1e-3 of the optimum; 5e-3 leaves room
    // for float32 evaluation noise near the flat top.
    expect(Math.abs(la - Math.log(mk.alpha))).toBeLessThan(5e-3);
    expect(Math.abs(ls - Math.log(mk.noiseVariance))).toBeLessThan(5e-3);
    expect(Math.abs(la - fine.la)).toBeLessThan(6e-3);
    expect(Math.abs(ls - fine.ls)).toBeLessThan(6e-3);
    // Evidence: higher than at the start, equal to the host value at the returned point (float32
    // evaluation, rtol 1e-5), and within 1e-4 of MacKay's maximum.
    expect(gr.logEvidence).toBeGreaterThan(gr.initialLogEvidence + 1);
    expectClose(gr.initialLogEvidence, f(1, 1), 1e-5, 0, 'initial evidence');
    expectClose(gr.logEvidence, f(gr.alpha, gr.noiseVariance), 1e-5, 0, 'evidence at the optimum');
    expect(mk.logEvidence - gr.logEvidence).toBeLessThan(1e-4);
    // One history entry per step (plus the step at which the stopping rule was met).
    expect(gr.history.logEvidence.length).toBeGreaterThanOrEqual(gr.steps);
    expect(gr.history.logEvidence.length).toBeLessThanOrEqual(gr.steps + 1);
    expect(Math.abs(gr.history.logEvidence.at(-1)! - gr.logEvidence)).toBeLessThan(1e-3);
    expect(gr.history.alpha[0]).toBeCloseTo(1, 6);
    expect(gr.hyper).toBeUndefined();
  });

  it('learns only what is asked: noise variance alone with alpha fixed (MacKay and gradient)', async () => {
    const mk = await maximizeEvidence(phi32, y32, { method: 'mackay', alpha: 2, learn: { alpha: false } });
    expect(mk.alpha).toBe(2);
    expect(mk.gradient.logAlpha).toBe(0);
    // 1-D grid over log σ² (step 1e-4) at α = 2.
    let best = { ls: 0, v: -Infinity };
    for (let ls = -3; ls <= 1; ls += 1e-4) {
      const v = f(2, Math.exp(ls));
      if (v > best.v) best = { ls, v };
    }
    expect(Math.abs(Math.log(mk.noiseVariance) - best.ls)).toBeLessThan(2e-4);
    const gr = await maximizeEvidence(phi32, y32, { alpha: 2, learn: { alpha: false }, optimizer: adam(0.05), maxSteps: 2000 });
    expect(gr.alpha).toBeCloseTo(2, 5);
    expect(gr.gradient.logAlpha).toBe(0);
    expect(Math.abs(Math.log(gr.noiseVariance) - best.ls)).toBeLessThan(2e-3);
  });
});

describe('maximizeEvidence with a basis hyperparameter (random-Fourier lengthscale)', () => {
  it('reaches a stationary point of the float64 evidence in (log α, log σ², log ℓ), above the start', async () => {
    // y = sin(2x) + 0.1 ε on 30 points of [-3, 3]; M = 20 features cos(x S/ℓ + u)/sqrt(M), S ~ N(0, 0.75²).
    const [k1, k2, k3] = split(key(3), 3) as [PRNGKey, PRNGKey, PRNGKey];
    const n = 30;
    const M = 20;
    const xs = tf.linspace(-3, 3, n);
    const y = tf.tidy(() => tf.add(tf.sin(tf.mul(xs, 2)), tf.mul(random.normal(k3, [n]), 0.1)));
    const S = tf.tidy(() => tf.mul(random.normal(k1, [1, M]), 0.75));
    const u = random.uniform(k2, [M], { minval: -Math.PI, maxval: Math.PI });
    const hyper0 = { logLengthscale: tf.scalar(0) };
    const fit: EvidenceOptimum<typeof hyper0> = await maximizeEvidence(
      { x: xs, hyper: hyper0, basis: (x, h) => randomFourierFeatures(x, { frequencies: S, phases: u, lengthscale: tf.exp(h.logLengthscale) }) },
      y,
      { maxSteps: 800, tolerance: 1e-2 },
    );
    expect(fit.converged).toBe(true);
    expect(fit.gradient.hyper.length).toBe(1);
    expect(Math.max(Math.abs(fit.gradient.logAlpha), Math.abs(fit.gradient.logNoiseVariance), Math.abs(fit.gradient.hyper[0]!))).toBeLessThan(1e-2);
    const logL = (await fit.hyper!.logLengthscale.data())[0]!;
    // An independent float64 evidence of (log α, log σ², log ℓ): the basis and the N × N marginal on the host.
    const [xv, yv, sv, uv] = (await Promise.all([xs.data(), y.data(), S.data(), u.data()])).map((a) => Float64Array.from(a)) as Float64Array[];
    const host = (la: number, ls: number, ll: number): number => {
      const data = new Float64Array(n * M);
      for (let i = 0; i < n; i++) for (let j = 0; j < M; j++) data[i * M + j] = Math.cos((xv![i]! * sv![j]!) / Math.exp(ll) + uv![j]!) / Math.sqrt(M);
      return bruteForceEvidence({ rows: n, cols: M, data }, yv!, Math.exp(la), Math.exp(ls));
    };
    const p = [Math.log(fit.alpha), Math.log(fit.noiseVariance), logL] as [number, number, number];
    const at = (dp: [number, number, number]): number => host(p[0] + dp[0], p[1] + dp[1], p[2] + dp[2]);
    const v0 = at([0, 0, 0]);
    // Float32 evaluation of a 20-feature evidence with σ² ≈ 0.01: agreement to ~1e-4 relative.
    expectClose(fit.logEvidence, v0, 1e-4, 1e-3, 'evidence at the optimum');
    expectClose(fit.initialLogEvidence, host(0, 0, 0), 1e-4, 1e-3, 'initial evidence');
    expect(fit.logEvidence).toBeGreaterThan(fit.initialLogEvidence + 10);
    // Stationary: float64 central differences (step 1e-5) below 0.05 (the stopping rule is 1e-2 on
    // the float32 gradient; float32 vs float64 gradients differ by ≲ 1e-2 here); and a maximum:
    // moving 0.1 along any axis lowers the evidence.
    const h = 1e-5;
    for (let i = 0; i < 3; i++) {
      const e = [0, 0, 0] as [number, number, number];
      e[i] = h;
      const g = (at(e) - at([-e[0], -e[1], -e[2]])) / (2 * h);
      expect(Math.abs(g)).toBeLessThan(0.05);
      e[i] = 0.1;
      expect(at(e)).toBeLessThan(v0);
      expect(at([-e[0], -e[1], -e[2]])).toBeLessThan(v0);
    }
    tf.dispose([xs, y, S, u, hyper0.logLengthscale]);
    tf.dispose(fit.hyper!.logLengthscale);
  });
});
