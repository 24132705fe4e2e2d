import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { MultivariateNormalDiag, type MultivariateNormalTriL } from '@probdl/distributions';
import { adam } from '@probdl/optimizers';
import { key } from '@probdl/tensor-backend';
import { expectNoLeaks } from '@probdl/vitest-config/matchers';
import { blrLogEvidence, findMap, fullRankNormal, generalizedGaussNewton, laplace, laplaceToFullRankParams, type SplitTarget } from '../../src/index.js';
import { bruteForceEvidence, bruteForcePosterior, expectClose, rowsOf, syntheticProblem } from '../conjugate/helpers.js';

// Conjugate linear regression y = Φw + ε, ε ~ N(0, σ²I), w ~ N(0, α⁻¹I): the log posterior is
// quadratic, so the Laplace approximation is the exact posterior and its evidence the exact evidence.
// The references are brute-force float64 formulas (test/conjugate/helpers.ts: a direct inverse and
// the N × N marginal). The device forms the Hessian in float32: entries of ΦᵀΦ/σ² (~N = 30 terms of
// O(1)) carry a relative rounding error ~1e-6, so covariances are compared at rtol 1e-4 (the
// condition number of the precision here is < 10) and the evidence at 1e-4 absolute.

const N = 30;
const D = 3;
const ALPHA = 2;
const S2 = 0.25;
const LOG_TWO_PI = Math.log(2 * Math.PI);

function problem() {
  const raw = syntheticProblem(11, N, D, Math.sqrt(S2));
  // The device sees float32: the float64 references use the same rounded values.
  const phi = { ...raw.phi, data: Float64Array.from(Float32Array.from(raw.phi.data)) };
  const y = Float64Array.from(Float32Array.from(raw.y));
  const phiT = tf.tensor2d(rowsOf(phi));
  const yT = tf.tensor1d(Float32Array.from(y));
  const prior = new MultivariateNormalDiag({ loc: tf.zeros([D]), scaleDiag: tf.fill([D], 1 / Math.sqrt(ALPHA)) });
  const logLikelihood = (w: tf.Tensor): tf.Tensor =>
    tf.tidy(() => {
      const r = tf.sub(yT, tf.matMul(w, phiT, false, true)); // [S, N]
      return tf.sub(tf.div(tf.sum(tf.square(r), 1), -2 * S2), 0.5 * N * Math.log(2 * Math.PI * S2));
    });
  const target: SplitTarget = { logLikelihood, prior };
  const exact = bruteForcePosterior(phi, y, ALPHA, S2);
  return {
    phi, y, phiT, yT, target, exact,
    dispose: () => { tf.dispose([phiT, yT]); prior.dispose(); },
  };
}

describe('laplace on conjugate linear regression (exact)', () => {
  it('mean = MAP, covariance = exact posterior covariance, evidence = exact evidence', async () => {
    const p = problem();
    const mode = tf.tensor1d(Float32Array.from(p.exact.mean));
    const approx = await laplace(p.target, mode);
    expect(approx.dim).toBe(D);
    for (let i = 0; i < D * D; i++) expectClose(approx.host.covariance.data[i]!, p.exact.cov.data[i]!, 1e-4, 1e-7, `covariance[${i}]`);
    await expect(approx.mean).toBeCloseTensor(Array.from(p.exact.mean), { rtol: 0, atol: 1e-6 });
    await expect(approx.covariance).toBeCloseTensor(tf.tensor2d(Float32Array.from(p.exact.cov.data), [D, D]), { rtol: 1e-4, atol: 1e-7 });
    // The distribution is N(mean, covariance): its scale factor reproduces the covariance.
    const lcov = tf.matMul(approx.distribution.scaleTril, approx.distribution.scaleTril, false, true);
    await expect(lcov).toBeCloseTensor(tf.tensor2d(Float32Array.from(p.exact.cov.data), [D, D]), { rtol: 1e-4, atol: 1e-7 });
    const exactEvidence = bruteForceEvidence(p.phi, p.y, ALPHA, S2);
    expectClose(approx.logEvidence, exactEvidence, 0, 1e-4, 'Laplace evidence vs brute-force evidence');
    // And against the package's own conjugate evidence (float32 on the device).
    const ev = blrLogEvidence(p.phiT, p.yT, { alpha: ALPHA, noiseVariance: S2 });
    expectClose(approx.logEvidence, (await ev.data())[0]!, 0, 2e-3, 'Laplace evidence vs blrLogEvidence');
    tf.dispose([mode, lcov, ev]);
    approx.dispose();
    p.dispose();
  });

  it('findMap (Adam) then laplace recovers the exact posterior mean', async () => {
    const p = problem();
    const init = tf.zeros([D]);
    const { position, history } = await findMap(p.target, init, { optimizer: adam(0.05), steps: 600 });
    // Monotone-ish ascent: the last value is the largest up to float32 noise.
    expect(history[history.length - 1]!).toBeGreaterThan(history[0]!);
    await expect(position).toBeCloseTensor(Array.from(p.exact.mean), { rtol: 0, atol: 1e-4 });
    const approx = await laplace(p.target, position);
    for (let i = 0; i < D * D; i++) expectClose(approx.host.covariance.data[i]!, p.exact.cov.data[i]!, 1e-4, 1e-7, `covariance[${i}]`);
    approx.dispose();
    tf.dispose([init, position]);
    p.dispose();
  });

  it('the GGN of the linear-Gaussian model equals the exact negative Hessian', async () => {
    const p = problem();
    const w = tf.tensor1d([0.3, -0.2, 0.5]); // any point: the Hessian of a quadratic is constant
    const ggn = generalizedGaussNewton(w, {
      apply: (params, x) => tf.squeeze(tf.matMul(x, tf.reshape(params, [D, 1])), [1]),
      inputs: p.phiT,
      likelihood: 'gaussian',
      noiseVariance: S2,
      priorPrecision: ALPHA,
    });
    const exactPrecision = new Float64Array(D * D);
    for (let j = 0; j < D; j++) {
      for (let k = 0; k < D; k++) {
        let s = 0;
        for (let i = 0; i < N; i++) s += p.phi.data[i * D + j]! * p.phi.data[i * D + k]!;
        exactPrecision[j * D + k] = s / S2 + (j === k ? ALPHA : 0);
      }
    }
    await expect(ggn).toBeCloseTensor(tf.tensor2d(Float32Array.from(exactPrecision), [D, D]), { rtol: 1e-5, atol: 1e-4 });
    // laplace with hessian 'ggn' at the mode gives the same approximation and evidence.
    const mode = tf.tensor1d(Float32Array.from(p.exact.mean));
    const viaGgn = await laplace(p.target, mode, {
      hessian: 'ggn',
      ggn: { apply: (params, x) => tf.squeeze(tf.matMul(x, tf.reshape(params, [D, 1])), [1]), inputs: p.phiT, likelihood: 'gaussian', noiseVariance: S2, priorPrecision: ALPHA },
    });
    for (let i = 0; i < D * D; i++) expectClose(viaGgn.host.covariance.data[i]!, p.exact.cov.data[i]!, 1e-4, 1e-7, `GGN covariance[${i}]`);
    expectClose(viaGgn.logEvidence, bruteForceEvidence(p.phi, p.y, ALPHA, S2), 0, 1e-4, 'GGN Laplace evidence');
    viaGgn.dispose();
    tf.dispose([w, ggn, mode]);
    p.dispose();
  });

  it('samples have the approximation mean and covariance (within Monte Carlo error)', async () => {
    const p = problem();
    const mode = tf.tensor1d(Float32Array.from(p.exact.mean));
    const approx = await laplace(p.target, mode);
    const n = 20000;
    const s = approx.sample(key(3), n);
    const xs = await s.data();
    // Mean of coordinate j: standard error sqrt(Σ_jj / n); 4 standard errors.
    for (let j = 0; j < D; j++) {
      let m = 0;
      for (let i = 0; i < n; i++) m += xs[i * D + j]!;
      m /= n;
      const se = Math.sqrt(p.exact.cov.data[j * D + j]! / n);
      expect(Math.abs(m - p.exact.mean[j]!)).toBeLessThan(4 * se);
    }
    expect(s.shape).toEqual([n, D]);
    tf.dispose([s, mode]);
    approx.dispose();
    p.dispose();
  });

  it('a pytree position: the approximation lives on the ravelled vector and unravels back', async () => {
    const p = problem();
    // The same posterior with w split into { a: [1], b: [2] } (ravel order: a then b).
    const f = (pos: { a: tf.Tensor; b: tf.Tensor }): tf.Tensor =>
      tf.tidy(() => {
        const w = tf.reshape(tf.concat([pos.a, pos.b]), [1, D]);
        return tf.reshape(tf.add(p.target.logLikelihood(w), p.target.prior.logProb(w)), []);
      });
    const pos = { a: tf.tensor1d([p.exact.mean[0]!]), b: tf.tensor1d([p.exact.mean[1]!, p.exact.mean[2]!]) };
    const approx = await laplace(f, pos);
    for (let i = 0; i < D * D; i++) expectClose(approx.host.covariance.data[i]!, p.exact.cov.data[i]!, 1e-4, 1e-7, `covariance[${i}]`);
    const back = approx.unravel(approx.mean);
    await expect(back.b).toBeCloseTensor([p.exact.mean[1]!, p.exact.mean[2]!], { rtol: 0, atol: 1e-6 });
    // findMap over the same tree: the position keeps its structure; onStep sees every step.
    const init = { a: tf.zeros([1]), b: tf.zeros([2]) };
    const seen: number[] = [];
    const { position, history } = await findMap(f, init, { optimizer: adam(0.1), steps: 200, onStep: ({ step, logDensity }) => void seen.push(step + 0 * logDensity) });
    expect(seen).toEqual(Array.from({ length: 200 }, (_, i) => i));
    expect(history.length).toBe(200);
    await expect(position.b).toBeCloseTensor([p.exact.mean[1]!, p.exact.mean[2]!], { rtol: 0, atol: 1e-3 });
    tf.dispose([back.a, back.b, pos.a, pos.b, init.a, init.b, position.a, position.b]);
    approx.dispose();
    p.dispose();
  });

  it('laplaceToFullRankParams: the fullRankNormal family with those params is the same Gaussian', async () => {
    const p = problem();
    const mode = tf.tensor1d(Float32Array.from(p.exact.mean));
    const approx = await laplace(p.target, mode);
    const params = laplaceToFullRankParams(approx);
    const q = fullRankNormal().distribution(params) as MultivariateNormalTriL;
    const cov = tf.matMul(q.scaleTril, q.scaleTril, false, true);
    await expect(cov).toBeCloseTensor(tf.tensor2d(Float32Array.from(p.exact.cov.data), [D, D]), { rtol: 1e-4, atol: 1e-7 });
    await expect(params.loc).toBeCloseTensor(Array.from(p.exact.mean), { rtol: 0, atol: 1e-6 });
    await expectNoLeaks(() => laplaceToFullRankParams(approx));
    q.dispose();
    tf.dispose([cov, mode, params.loc, params.scaleTrilRaw]);
    approx.dispose();
    p.dispose();
  });

  it('log evidence: −½ log det and D/2 log 2π terms (a standard normal density integrates to 1)', async () => {
    // log p(z) = log N(z | 0, I) in D = 4: the normaliser is exactly 1, log evidence 0.
    const target = (z: tf.Tensor): tf.Tensor => tf.tidy(() => tf.sub(tf.mul(-0.5, tf.sum(tf.square(z), 1)), 2 * LOG_TWO_PI));
    const mode = tf.zeros([4]);
    const approx = await laplace(target, mode);
    expect(Math.abs(approx.logEvidence)).toBeLessThan(1e-5);
    approx.dispose();
    mode.dispose();
  });

  it('leaks: laplace, findMap and generalizedGaussNewton free their intermediates', async () => {
    const p = problem();
    const mode = tf.tensor1d(Float32Array.from(p.exact.mean));
    await expectNoLeaks(async () => {
      const a = await laplace(p.target, mode);
      const s = a.sample(key(0), 3);
      s.dispose();
      a.dispose();
    });
    await expectNoLeaks(async () => {
      const r = await findMap(p.target, mode, { optimizer: adam(0.01), steps: 3 });
      r.position.dispose();
    });
    await expectNoLeaks(() =>
      generalizedGaussNewton(mode, { apply: (w, x) => tf.squeeze(tf.matMul(x, tf.reshape(w, [D, 1])), [1]), inputs: p.phiT, likelihood: 'bernoulli', priorPrecision: 1 }),
    );
    mode.dispose();
    p.dispose();
  });
});
