import * as tf from '@tensorflow/tfjs-core';
import { grad } from '@probdl/tensor-backend';
import { loadReference } from '@probdl/vitest-config/reference';
import { describe, expect, it } from 'vitest';
import { logJoint } from '../../src/index.js';
import { LOG_2PI } from './host/densities.js';
import {
  affineBasis,
  fourierBasis,
  isotropicNormalLogPdf,
  klGaussianToIsotropic,
  linearLogJoint,
  linearPosterior,
} from './host/indaba.js';
import { indabaLinearRegression, type IndabaScales } from './models/indaba-linear-regression.js';

/*
 * The Deep Learning Indaba 2022 Bayesian practical's linear regression (../shared/reference/indaba-bdl,
 * NOTES.md): w ~ N(0, s² I) with s = 1/sqrt(alpha), y ~ N(X w, σ² I), σ = 1 in the notebook. Its log
 * joint is the notebook's regularised least-squares objective plus constants; the notebook's
 * asserted and printed values are checked through `logJoint`.
 */

interface Cases {
  datasets: {
    outlier: { x: number[]; y: number[] };
    nonlinear: { x: number[]; y: number[] };
    classification: { x: number[]; y: number[] };
  };
  cases: { id: string; inputs: any; expected: any }[];
}

const cases = loadReference<Cases>('indaba-bdl/cases.json');
const caseById = (id: string) => {
  const c = cases!.cases.find((k) => k.id === id);
  if (!c) throw new Error(`cases.json has no case '${id}'`);
  return c;
};
/** Rounds a matrix to float32, as the device holds it (the host then computes from the same numbers). */
const f32 = (X: number[][]) => X.map((r) => r.map(Math.fround));
const scalesFor = (alpha: number, noiseScale = 1): IndabaScales => ({ priorScale: 1 / Math.sqrt(alpha), noiseScale });

/** logJoint of the model at w, read back (the tensors it makes are freed). */
async function deviceLogJoint(X: number[][], y: number[], scales: IndabaScales, w: number[] | number[][], batch?: number): Promise<number[]> {
  const Xt = tf.tensor2d(X);
  const yt = tf.tensor1d(y);
  const lj = logJoint(indabaLinearRegression, [Xt, yt, scales], { w: batch === undefined ? tf.tensor1d(w as number[]) : tf.tensor2d(w as number[][]) }, batch === undefined ? {} : { batchShape: [batch] });
  const out = Array.from(await lj.data(), Number);
  tf.dispose([Xt, yt, lj]);
  return out;
}

/** d logJoint / dw at w (tensor-backend's grad, as HMC and VI use it). */
async function deviceGradient(X: number[][], y: number[], scales: IndabaScales, w: number[]): Promise<number[]> {
  const Xt = tf.tensor2d(X);
  const yt = tf.tensor1d(y);
  const wt = tf.tensor1d(w);
  const g = grad((v: tf.Tensor) => logJoint(indabaLinearRegression, [Xt, yt, scales], { w: v }))(wt);
  const out = Array.from(await g.data(), Number);
  tf.dispose([Xt, yt, wt, g]);
  return out;
}

describe.skipIf(cases === undefined)('Indaba 2022 Bayesian linear regression', () => {
  const outlier = () => ({ X: f32(affineBasis(cases!.datasets.outlier.x)), y: cases!.datasets.outlier.y });

  it('logJoint = -||y - Xw||²/(2σ²) - ||w||²/(2s²) - N/2 log(2πσ²) - D/2 log(2πs²), one w and a batch of w', async () => {
    const { X, y } = outlier();
    const ws = [
      [0, 0],
      [2, 2],
      [-1.5, -1.2],
      [3, -4],
    ];
    for (const scales of [scalesFor(3.58), scalesFor(5), { priorScale: 2, noiseScale: 0.5 }]) {
      const want = ws.map((w) => linearLogJoint(X, y, w, scales.priorScale, scales.noiseScale));
      for (let i = 0; i < ws.length; i++) {
        const [got] = await deviceLogJoint(X, y, scales, ws[i]!);
        expect(got).toBeCloseTo(want[i]!, 4);
      }
      const batched = await deviceLogJoint(X, y, scales, ws, ws.length);
      batched.forEach((got, i) => expect(got).toBeCloseTo(want[i]!, 4));
    }
  });

  it("cell 23: at w = [2, 2] the log joint is minus the asserted squared-error loss 121.35892, less the prior and constants", async () => {
    const { X, y } = outlier();
    const c = caseById('squared_error_loss_w22');
    const loss: number = c.expected.loss; // 0.5 * sum((X @ [2, 2] - y)^2)
    const N = X.length;
    const D = 2;
    // alpha = 1: s = σ = 1, so the prior term is -½||w||² = -4 and the constants are -(N + D)/2 log 2π.
    const want = -loss - 0.5 * 8 - ((N + D) / 2) * LOG_2PI;
    const [got] = await deviceLogJoint(X, y, scalesFor(1), c.inputs.w);
    expect(Math.abs(got! - want)).toBeLessThan(1e-6 * Math.abs(want) + 1e-5);
  });

  it('cell 47: alpha = 5: the log joint peaks at the asserted posterior mean with curvature -inv(Sigma) = -11 I', async () => {
    const { X, y } = outlier();
    const c = caseById('blr_posterior_alpha5');
    const mu: number[] = c.expected.mu;
    const scales = scalesFor(5);
    const g = await deviceGradient(X, y, scales, mu);
    // mu is printed to 7 digits (float32): at most ~11·1e-7 of gradient from that, plus float32 round-off of Xᵀr.
    g.forEach((v) => expect(Math.abs(v)).toBeLessThan(1e-5));
    // Sigma = I/11 exactly (XᵀX = 6I for the standardised x, plus alpha = 5): log p(y, mu + d) - log p(y, mu) = -11/2 ||d||².
    const cov: number[][] = c.expected.covariance;
    expect(cov[0]![0]).toBeCloseTo(1 / 11, 7);
    const [at] = await deviceLogJoint(X, y, scales, mu);
    for (const d of [
      [0.3, -0.2],
      [-1, 0.5],
      [0.05, 0.05],
    ]) {
      const [moved] = await deviceLogJoint(X, y, scales, [mu[0]! + d[0]!, mu[1]! + d[1]!]);
      const want = -5.5 * (d[0]! ** 2 + d[1]! ** 2);
      expect(Math.abs(moved! - at! - want), `d = [${d}]`).toBeLessThan(2e-5);
    }
  });

  it("cells 33-34: alpha = 3.58: the printed exact ridge solution is the log joint's maximiser (the MAP)", async () => {
    const { X, y } = outlier();
    const c = caseById('adam_regularised_linear_alpha3.58');
    const ridge: number[] = c.expected.exact_ridge_solution;
    const g = await deviceGradient(X, y, scalesFor(c.inputs.alpha), ridge);
    g.forEach((v) => expect(Math.abs(v)).toBeLessThan(1e-5));
    // and the gradient is not small elsewhere (the check has teeth): at Adam's unconverged point it is O(0.1-1)
    const adam: number[] = c.expected.params_after_adam;
    const gAdam = await deviceGradient(X, y, scalesFor(c.inputs.alpha), adam);
    expect(Math.max(...gAdam.map(Math.abs))).toBeGreaterThan(0.1);
  });

  it('cell 55: alpha = 3: log evidence = logJoint(mu) + D/2 log 2π - ½ log det(XᵀX + αI) = -26.85217', async () => {
    const { X, y } = outlier();
    const c = caseById('blr_posterior_predictive_alpha3');
    const post = linearPosterior(X, y, 3);
    expect(post.mean[0]).toBeCloseTo(c.expected.mu[0], 6);
    expect(post.mean[1]).toBeCloseTo(c.expected.mu[1], 6);
    const [lj] = await deviceLogJoint(X, y, scalesFor(3), post.mean);
    const evidence = lj! + LOG_2PI - 0.5 * post.logDetPrecision;
    // The expected value was computed in float32 by JAX: agreement to ~1e-5 absolute on -26.85.
    expect(Math.abs(evidence - c.expected.log_evidence)).toBeLessThan(5e-5);
  });

  it('cell 71: alpha = 0.01 on the nonlinear data: affine evidence -95.67348 and random-Fourier evidence -27.6092', async () => {
    const c = caseById('linear_evidence_nonlinear_alpha0.01');
    const { x, y } = cases!.datasets.nonlinear;
    const basis = loadReference<{ S: number[]; u: number[] }>('indaba-bdl/fourier_basis_S_u.json');
    const designs: [string, number[][], number, number][] = [['affine', f32(affineBasis(x)), c.expected.affine_evidence, 1e-4]];
    // Fourier: the reference is JAX's float32 result; NOTES.md reports a 1e-4 float32 spread (-27.60921 vs -27.609333 printed).
    if (basis) designs.push(['fourier', f32(fourierBasis(x, basis.S, basis.u)), c.expected.fourier_evidence, 3e-4]);
    for (const [label, X, expected, tol] of designs) {
      const post = linearPosterior(X, y, 0.01);
      const D = X[0]!.length;
      const [lj] = await deviceLogJoint(X, y, scalesFor(0.01), post.mean);
      const host = linearLogJoint(X, y, post.mean, 1 / Math.sqrt(0.01), 1);
      expect(Math.abs(lj! - host), `${label}: logJoint at the posterior mean`).toBeLessThan(2e-6 * Math.abs(host) + 1e-4);
      const evidence = lj! + (D / 2) * LOG_2PI - 0.5 * post.logDetPrecision;
      expect(Math.abs(evidence - expected), `${label}: evidence ${evidence} vs ${expected}`).toBeLessThan(tol);
    }
  });

  it("cell 97: the notebook's ELBO assert (-28.404984 ± 1e-3) from a batch of 1000 log joints at its own draws", async () => {
    const c = caseById('gaussian_elbo_assert');
    const epsFile = loadReference<{ eps: number[][] }>('indaba-bdl/elbo_eps.json');
    if (!epsFile) return;
    const { x, y } = cases!.datasets.classification;
    const X = f32(affineBasis(x));
    const q = c.inputs.q_params as { w: number[]; L_o: number[][]; sig: number[] };
    // L = tril(L_o, -1) + diag(max(exp(sig), 1e-6)); w_s = w + L eps_s.
    const L = [
      [Math.max(Math.exp(q.sig[0]!), 1e-6), 0],
      [q.L_o[1]![0]!, Math.max(Math.exp(q.sig[1]!), 1e-6)],
    ];
    const S = epsFile.eps[0]!.length;
    const ws = Array.from({ length: S }, (_, s) => {
      const e0 = epsFile.eps[0]![s]!;
      const e1 = epsFile.eps[1]![s]!;
      return [q.w[0]! + L[0]![0]! * e0, q.w[1]! + L[1]![0]! * e0 + L[1]![1]! * e1];
    });
    const scales = scalesFor(c.inputs.alpha);
    const lj = await deviceLogJoint(X, y, scales, ws, S);
    // The notebook's ELBO is E_q[log p(y | w)] - KL(q || prior), the KL in closed form: take the prior back out of the joint.
    const logLik = lj.map((v, s) => v - isotropicNormalLogPdf(ws[s]!, scales.priorScale));
    const kl = klGaussianToIsotropic(q.w, L, scales.priorScale);
    expect(kl).toBeCloseTo(c.expected.KL_q_prior, 4);
    const elbo = logLik.reduce((a, v) => a + v, 0) / S - kl;
    expect(Math.abs(elbo - c.expected.ELBO_correct)).toBeLessThan(1e-3); // the notebook's assert
    expect(Math.abs(elbo - c.expected.elbo_mc_reproduced)).toBeLessThan(1e-4); // JAX float32 re-run with the same draws
  });
});
