import * as tf from '@tensorflow/tfjs-core';
import { key, random } from '@probdl/tensor-backend';
import { describe, expect, it } from 'vitest';
import { nuts } from '../../src/kernels/nuts/nuts.js';
import { correlatedGaussian, disposeState, gaussianDraws, ksStatistic, normalCdf, runChain } from './helpers.js';

// Invariance: C = 256 chains started from exact draws of a 100-D Gaussian (eigenvalues 0.1..10) stay
// exact draws after NUTS transitions, so every statistic below is that of 256 iid N(0, Σ) draws.
const C = 256;
const D = 100;
const gauss = correlatedGaussian(key(11), D, 0.1, 10);
const initial = gaussianDraws(gauss, key(12), C);

async function checkExact(position: tf.Tensor): Promise<void> {
  const x = await position.data();
  // Whitened coordinates w = diag(λ)^-½ Qᵀ x ~ N(0, I).
  const w = new Float64Array(C * D);
  for (let r = 0; r < C; r++) {
    for (let m = 0; m < D; m++) {
      let s = 0;
      for (let a = 0; a < D; a++) s += gauss.q[a * D + m]! * x[r * D + a]!;
      w[r * D + m] = s / Math.sqrt(gauss.eigenvalues[m]!);
    }
  }
  let worstMean = 0;
  let worstVar = 0;
  let total = 0;
  for (let m = 0; m < D; m++) {
    let s = 0;
    let s2 = 0;
    for (let r = 0; r < C; r++) {
      s += w[r * D + m]!;
      s2 += w[r * D + m]! ** 2;
    }
    total += s2;
    worstMean = Math.max(worstMean, Math.abs(s / C) * Math.sqrt(C));
    worstVar = Math.max(worstVar, Math.abs(s2 / C - 1) / Math.sqrt(2 / C));
  }
  // Per coordinate z-scores (SE 1/√C for the mean, √(2/C) for E[w²]); 4.4 SE is a two-sided
  // 1e-5 level, so 1e-3 over 100 coordinates.
  expect(worstMean).toBeLessThan(4.4);
  expect(worstVar).toBeLessThan(4.4);
  // The mean of all C·D squares: SE √(2 / (C D)) = 0.0088; 4 SE.
  expect(Math.abs(total / (C * D) - 1)).toBeLessThan(4 * Math.sqrt(2 / (C * D)));
  // KS of projections against their exact normal CDFs: the extreme eigen-directions and three
  // random directions. Critical value at level 1e-3 / 5 per test: √(ln(2 / 2e-4) / 2) / √C = 0.134.
  const directions: Float64Array[] = [0, D - 1].map((m) => Float64Array.from({ length: D }, (_, a) => gauss.q[a * D + m]!));
  const u = random.normalHost(key(13), [3, D]);
  for (let j = 0; j < 3; j++) directions.push(Float64Array.from(u.subarray(j * D, (j + 1) * D)));
  for (const dir of directions) {
    let variance = 0;
    for (let a = 0; a < D; a++) for (let b = 0; b < D; b++) variance += dir[a]! * gauss.covariance[a * D + b]! * dir[b]!;
    const sd = Math.sqrt(variance);
    const proj = Float64Array.from({ length: C }, (_, r) => {
      let s = 0;
      for (let a = 0; a < D; a++) s += dir[a]! * x[r * D + a]!;
      return s;
    });
    expect(ksStatistic(proj, (t) => normalCdf(t / sd))).toBeLessThan(0.134);
  }
}

describe('nuts leaves a 100-D correlated Gaussian invariant', () => {
  let precision: tf.Tensor | undefined;
  const logp = (x: tf.Tensor) => {
    precision ??= tf.keep(tf.tensor2d(Float32Array.from(gauss.precision), [D, D]));
    const p = precision;
    return tf.tidy(() => tf.mul(-0.5, tf.sum(tf.mul(tf.matMul(x, p), x), -1)));
  };

  it('with the dense metric M⁻¹ = Σ', async () => {
    const inverseMassMatrix = tf.tensor2d(Float32Array.from(gauss.covariance), [D, D]);
    const kernel = nuts();
    const start = kernel.init(tf.tensor2d(Float32Array.from(initial), [C, D]), logp);
    const { state, infos } = await runChain(kernel, key(14), start, logp, { stepSize: 0.5, inverseMassMatrix }, 2);
    for (const info of infos) expect(info.isDivergent.every((v) => v === 0)).toBe(true);
    await checkExact(state.position);
    disposeState(state);
    disposeState(start);
    inverseMassMatrix.dispose();
  }, 120_000);

  it('with the diagonal metric M⁻¹ = diag(Σ)', async () => {
    const inverseMassMatrix = tf.tensor1d(Float32Array.from({ length: D }, (_, a) => gauss.covariance[a * D + a]!));
    const kernel = nuts();
    const start = kernel.init(tf.tensor2d(Float32Array.from(initial), [C, D]), logp);
    const { state, infos } = await runChain(kernel, key(15), start, logp, { stepSize: 0.2, inverseMassMatrix }, 1);
    const meanSteps = infos.flatMap((i) => Array.from(i.numIntegrationSteps)).reduce((a, b) => a + b, 0) / C;
    expect(meanSteps).toBeGreaterThan(7);
    await checkExact(state.position);
    disposeState(state);
    disposeState(start);
    inverseMassMatrix.dispose();
  }, 120_000);
});
