/**
 * blrPosterior against a brute-force float64 computation (direct Gauss–Jordan inverse of the
 * precision, the evidence through the N × N marginal covariance) on random data, on both paths.
 * Host tolerances: float64 algebra on well-conditioned 4 × 4 problems agrees to ~1e-12, checked at
 * 1e-9. Device tolerances: float32 (eps 6e-8) through a Cholesky factorisation and two triangular
 * solves of a matrix with condition number ≲ 10: ~1e-6 relative, checked at rtol 1e-4 / atol 1e-5.
 */
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { key, matrixF64 } from '@probdl/tensor-backend';
import { blrPosterior, BLR_HOST_MAX_DIM, type BlrPlacement } from '../../src/index.js';
import { bruteForceEvidence, bruteForcePosterior, expectClose, rowsOf, syntheticProblem } from './helpers.js';

const F32 = { rtol: 1e-6, atol: 1e-7 };
const TOL: Record<BlrPlacement, { rtol: number; atol: number }> = { host: { rtol: 1e-9, atol: 1e-10 }, device: { rtol: 1e-4, atol: 1e-5 } };

function allClose(got: ArrayLike<number>, want: ArrayLike<number>, what: string, tol: { rtol: number; atol: number }): void {
  expect(got.length).toBe(want.length);
  for (let i = 0; i < want.length; i++) expectClose(got[i] as number, want[i] as number, tol.rtol, tol.atol, `${what}[${i}]`);
}

describe.each<BlrPlacement>(['host', 'device'])('blrPosterior on the %s against a brute-force inverse', (on) => {
  const tol = TOL[on];
  const { phi, y } = syntheticProblem(1, 30, 4);

  it('mean, covariance, its Cholesky factor and the evidence, scalar alpha and noise variance 0.3', async () => {
    const post = await blrPosterior(phi, y, { alpha: 2.5, noiseVariance: 0.3, on });
    const ref = bruteForcePosterior(phi, y, 2.5, 0.3);
    expect([post.numData, post.numFeatures, post.noiseVariance]).toEqual([30, 4, 0.3]);
    // toHost: float64 on the host path (the device path reads its float32 values back).
    const host = await post.toHost();
    allClose(host.mean, ref.mean, 'mean', tol);
    allClose(host.covariance.data, ref.cov.data, 'covariance', tol);
    // The tensors hold those values rounded to float32.
    allClose(await post.mean.data(), host.mean, 'mean tensor', F32);
    allClose(await post.covariance.data(), host.covariance.data, 'covariance tensor', F32);
    allClose(await post.scaleTril.data(), host.scaleTril.data, 'scaleTril tensor', F32);
    // L Lᵀ = Σ and L lower triangular with a positive diagonal.
    const l = host.scaleTril.data;
    const llt = new Float64Array(16);
    for (let i = 0; i < 4; i++) for (let j = 0; j < 4; j++) for (let k = 0; k < 4; k++) llt[i * 4 + j]! += l[i * 4 + k]! * l[j * 4 + k]!;
    allClose(llt, ref.cov.data, 'L Lᵀ', tol);
    for (let i = 0; i < 4; i++) {
      expect(l[i * 4 + i]).toBeGreaterThan(0);
      for (let j = i + 1; j < 4; j++) expect(l[i * 4 + j]).toBe(0);
    }
    expectClose(post.logEvidence, bruteForceEvidence(phi, y, 2.5, 0.3), tol.rtol, tol.atol, 'log evidence');
    post.dispose();
  });

  it('a prior mean and one precision per feature (ARD), inputs as tensors', async () => {
    const alpha = Float64Array.from([0.5, 2, 8, 1]);
    const m0 = Float64Array.from([1, -1, 0.5, 0]);
    const phiT = tf.tensor2d(Float32Array.from(phi.data), [30, 4]);
    const yT = tf.tensor1d(Float32Array.from(y));
    // The reference uses the float32-rounded data that the tensors hold.
    const phi32 = { ...phi, data: Float64Array.from(Float32Array.from(phi.data)) };
    const y32 = Float64Array.from(Float32Array.from(y));
    const post = await blrPosterior(phiT, yT, { alpha: tf.tensor1d(Float32Array.from(alpha)), priorMean: m0, noiseVariance: 0.7, on });
    const ref = bruteForcePosterior(phi32, y32, alpha, 0.7, m0);
    const host = await post.toHost();
    allClose(host.mean, ref.mean, 'mean', tol);
    allClose(host.covariance.data, ref.cov.data, 'covariance', tol);
    expectClose(post.logEvidence, bruteForceEvidence(phi32, y32, alpha, 0.7, m0), tol.rtol, tol.atol, 'log evidence');
    allClose(post.alpha, alpha, 'alpha', { rtol: 1e-7, atol: 0 });
    post.dispose();
    tf.dispose([phiT, yT]);
  });

  it('predictive mean and std with and without the noise, against φ*ᵀμ and sqrt(φ*ᵀΣφ* (+ σ²))', async () => {
    const s2 = 0.3;
    const post = await blrPosterior(rowsOf(phi), y, { alpha: 2.5, noiseVariance: s2, on });
    const ref = bruteForcePosterior(phi, y, 2.5, s2);
    const star = syntheticProblem(2, 7, 4).phi;
    const want = { mean: new Float64Array(7), variance: new Float64Array(7) };
    for (let i = 0; i < 7; i++) {
      for (let j = 0; j < 4; j++) {
        want.mean[i]! += star.data[i * 4 + j]! * ref.mean[j]!;
        for (let k = 0; k < 4; k++) want.variance[i]! += star.data[i * 4 + j]! * ref.cov.data[j * 4 + k]! * star.data[i * 4 + k]!;
      }
    }
    const starM = matrixF64(7, 4, star.data);
    const a = await post.predict(starM);
    const b = await post.predict(starM, { includeNoise: true });
    // Outputs are float32 tensors on both paths: compare at float32 resolution.
    const f32 = { rtol: Math.max(tol.rtol, 1e-6), atol: Math.max(tol.atol, 1e-7) };
    allClose(await a.mean.data(), want.mean, 'mean', f32);
    allClose(await b.mean.data(), want.mean, 'mean (noise)', f32);
    allClose(await a.variance.data(), want.variance, 'variance', f32);
    allClose(await a.stddev.data(), Array.from(want.variance, Math.sqrt), 'stddev', f32);
    allClose(await b.variance.data(), Array.from(want.variance, (v) => v + s2), 'variance + noise', f32);
    allClose(await b.stddev.data(), Array.from(want.variance, (v) => Math.sqrt(v + s2)), 'stddev + noise', f32);
    tf.dispose([a.mean, a.variance, a.stddev, b.mean, b.variance, b.stddev]);
    post.dispose();
  });

  it('posterior samples: mean and covariance within Monte Carlo error', async () => {
    // n = 20,000 draws, D = 3. Sample mean: SE_i = sqrt(Σ_ii / n). Sample covariance of Gaussians:
    // Var(S_ij) ≈ (Σ_ii Σ_jj + Σ_ij²) / n. Each of the 3 + 6 checks uses 4.5 standard errors
    // (two-sided p ≈ 7e-6 each), so a correct sampler fails with probability < 1e-4; the key is fixed.
    const small = syntheticProblem(3, 5, 3, 1);
    const post = await blrPosterior(small.phi, small.y, { alpha: 1, noiseVariance: 1, on });
    const ref = bruteForcePosterior(small.phi, small.y, 1, 1);
    const n = 20000;
    const draws = post.samplePosterior(key(7), n);
    expect(draws.shape).toEqual([n, 3]);
    const w = await draws.data();
    const mean = [0, 0, 0];
    for (let s = 0; s < n; s++) for (let i = 0; i < 3; i++) mean[i]! += w[s * 3 + i]! / n;
    const S = (i: number, j: number): number => ref.cov.data[i * 3 + j]!;
    for (let i = 0; i < 3; i++) expectClose(mean[i]!, ref.mean[i]!, 0, 4.5 * Math.sqrt(S(i, i) / n), `sample mean[${i}]`);
    for (let i = 0; i < 3; i++) {
      for (let j = 0; j <= i; j++) {
        let c = 0;
        for (let s = 0; s < n; s++) c += (w[s * 3 + i]! - mean[i]!) * (w[s * 3 + j]! - mean[j]!);
        c /= n - 1;
        expectClose(c, S(i, j), 0, 4.5 * Math.sqrt((S(i, i) * S(j, j) + S(i, j) ** 2) / n), `sample covariance[${i}][${j}]`);
      }
    }
    // The same key gives the same draws; another key other draws.
    const again = post.samplePosterior(key(7), 5);
    const same = post.samplePosterior(key(7), 5);
    const other = post.samplePosterior(key(8), 5);
    const [a5, s5, o5] = await Promise.all([again.data(), same.data(), other.data()]);
    expect(Array.from(s5)).toEqual(Array.from(a5));
    expect(Array.from(o5)).not.toEqual(Array.from(a5));
    tf.dispose([draws, again, same, other]);
    post.dispose();
  });
});

describe('blrPosterior placement', () => {
  it(`defaults to the host for D ≤ ${BLR_HOST_MAX_DIM} and to the device above`, async () => {
    const small = await blrPosterior([[1, 0], [0, 1], [1, 1]], [1, 2, 3]);
    expect(small.on).toBe('host');
    small.dispose();
    const d = BLR_HOST_MAX_DIM + 1;
    const phi = tf.eye(d);
    const y = tf.ones([d]);
    const big = await blrPosterior(phi, y);
    expect(big.on).toBe('device');
    // Φ = I: μ = y / (1 + α) = 0.5, evidence = Σ log N(1 | 0, 2).
    const m = await big.mean.data();
    expect(Math.max(...Array.from(m, (v) => Math.abs(v - 0.5)))).toBeLessThan(1e-6);
    expectClose(big.logEvidence, d * (-0.5 * Math.log(2 * Math.PI * 2) - 0.25), 1e-5, 0, 'evidence');
    big.dispose();
    tf.dispose([phi, y]);
  });

  it('host and device agree on a random problem (float32 tolerance)', async () => {
    const { phi, y } = syntheticProblem(5, 40, 6);
    const [h, d] = await Promise.all([blrPosterior(phi, y, { alpha: 0.5, noiseVariance: 0.2, on: 'host' }), blrPosterior(phi, y, { alpha: 0.5, noiseVariance: 0.2, on: 'device' })]);
    allClose(await d.mean.data(), await h.mean.data(), 'mean', { rtol: 1e-4, atol: 1e-5 });
    allClose(await d.covariance.data(), await h.covariance.data(), 'covariance', { rtol: 1e-4, atol: 1e-6 });
    expectClose(d.logEvidence, h.logEvidence, 1e-5, 0, 'evidence');
    h.dispose();
    d.dispose();
  });
});
