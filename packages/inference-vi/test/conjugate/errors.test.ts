/** Bad input to the conjugate-regression functions: errors name the function, argument and value or shape. */
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { key } from '@probdl/tensor-backend';
import { blrLogEvidence, blrPosterior, maximizeEvidence, randomFourierFeatures, ridgeSolution, type BlrPlacement } from '../../src/index.js';

const PHI = [
  [1, 0],
  [0, 1],
  [1, 1],
];
const Y = [1, 2, 3];

describe.each<BlrPlacement>(['host', 'device'])('blrPosterior errors (%s)', (on) => {
  it('shape mismatches name both sizes', async () => {
    await expect(blrPosterior(PHI, [1, 2, 3, 4], { on })).rejects.toThrow(/^blrPosterior: 'phi' has 3 rows but 'y' has length 4/);
    const v = tf.tensor1d([1, 2, 3]);
    await expect(blrPosterior(v, Y, { on })).rejects.toThrow(/blrPosterior: 'phi' must be a matrix of shape \[N, D\], got shape \[3\]/);
    const y2 = tf.zeros([3, 2]);
    await expect(blrPosterior(PHI, y2, { on })).rejects.toThrow(/blrPosterior: 'y' must have shape \[n\] or \[n, 1\], got shape \[3, 2\]/);
    await expect(blrPosterior([[1, 2], [3]], [1, 2], { on })).rejects.toThrow(/'phi' row 1 has length 1, expected 2/);
    await expect(blrPosterior(PHI, Y, { on, alpha: [1, 2, 3] })).rejects.toThrow(/'alpha' has length 3, expected a number or one per feature \(D = 2\)/);
    await expect(blrPosterior(PHI, Y, { on, priorMean: [1] })).rejects.toThrow(/'priorMean' has length 1, expected D = 2/);
    tf.dispose([v, y2]);
  });

  it('non-positive or non-finite alpha and noise variance name the value', async () => {
    for (const bad of [0, -1, Number.NaN, Infinity]) {
      await expect(blrPosterior(PHI, Y, { on, alpha: bad })).rejects.toThrow(new RegExp(`blrPosterior: 'alpha' must be a finite number > 0, got ${String(bad)}`));
      await expect(blrPosterior(PHI, Y, { on, noiseVariance: bad })).rejects.toThrow(new RegExp(`blrPosterior: 'noiseVariance' must be a finite number > 0, got ${String(bad)}`));
    }
    await expect(blrPosterior(PHI, Y, { on, alpha: [1, -2] })).rejects.toThrow(/blrPosterior: 'alpha' must be > 0 and finite; entry 1 is -2/);
    await expect(blrPosterior(PHI, Y, { on: 'gpu' as BlrPlacement })).rejects.toThrow(/'on' must be 'host' or 'device', got 'gpu'/);
  });

  it('a precision that is not positive definite names the feature', async () => {
    // Two identical columns and α = 1e-30: A = [[1, 1], [1, 1]] + 1e-30 I is singular in float32 and float64.
    await expect(blrPosterior([[1, 1]], [1], { on, alpha: 1e-30 })).rejects.toThrow(
      /blrPosterior: the posterior precision diag\(alpha\) \+ phiᵀphi \/ noiseVariance is not positive definite at feature 0 \(0-based\)/,
    );
  });

  it('NaN in the data: a clear error on the host, a failed factorisation on the device', async () => {
    const msg = on === 'host' ? /blrPosterior: 'y' has a non-finite value NaN at index 2/ : /not positive definite|non-finite/;
    const phiNaN = on === 'host' ? PHI : [[1, 0], [0, 1], [1, Number.NaN]];
    await expect(blrPosterior(phiNaN, on === 'host' ? [1, 2, Number.NaN] : Y, { on })).rejects.toThrow(msg);
    if (on === 'device') await expect(blrPosterior(PHI, [1, 2, Number.NaN], { on })).rejects.toThrow(/blrPosterior: the log evidence is NaN: 'phi', 'y' or 'priorMean' hold NaN or Inf/);
    if (on === 'host') await expect(blrPosterior([[1, 0], [0, Infinity]], [1, 2], { on })).rejects.toThrow(/'phi' has a non-finite value Infinity at row 1, column 1/);
  });

  it('method errors: predict shape, sample count, use after dispose', async () => {
    const post = await blrPosterior(PHI, Y, { on });
    await expect(post.predict([[1, 2, 3]])).rejects.toThrow(/BlrPosterior.predict: 'phiStar' has 3 columns, expected D = 2/);
    expect(() => post.samplePosterior(key(0), -1)).toThrow(/samplePosterior: 'n' must be a non-negative integer, got -1/);
    expect(() => post.samplePosterior(key(0), 1.5)).toThrow(/got 1.5/);
    post.dispose();
    await expect(post.predict([[1, 2]])).rejects.toThrow(/disposed/);
    expect(() => post.samplePosterior(key(0), 1)).toThrow(/disposed/);
    expect(() => post.covariance).toThrow(/disposed/);
    await expect(post.toHost()).rejects.toThrow(/disposed/);
  });
});

describe('errors of the other conjugate functions', () => {
  it('ridgeSolution names itself', async () => {
    await expect(ridgeSolution(PHI, [1, 2], { alpha: 1 })).rejects.toThrow(/^ridgeSolution: 'phi' has 3 rows but 'y' has length 2/);
    await expect(ridgeSolution(PHI, Y, { alpha: -3 })).rejects.toThrow(/^ridgeSolution: 'alpha' must be a finite number > 0, got -3/);
  });

  it('blrLogEvidence checks shapes and numbers', () => {
    const p = tf.tensor2d(PHI);
    const y = tf.tensor1d(Y);
    const y4 = tf.tensor1d([1, 2, 3, 4]);
    const a3 = tf.ones([3]);
    expect(() => blrLogEvidence(p, y4)).toThrow(/blrLogEvidence: 'phi' has 3 rows but 'y' has length 4/);
    expect(() => blrLogEvidence(y, y)).toThrow(/blrLogEvidence: 'phi' must be a tensor of shape \[N, D\], got shape \[3\]/);
    expect(() => blrLogEvidence(p, y, { alpha: a3 })).toThrow(/'alpha' must be a scalar or have shape \[2\], got shape \[3\]/);
    expect(() => blrLogEvidence(p, y, { noiseVariance: 0 })).toThrow(/blrLogEvidence: 'noiseVariance' must be a finite number > 0, got 0/);
    tf.dispose([p, y, y4, a3]);
  });

  it('maximizeEvidence: bad settings, MacKay with a basis, a basis of the wrong shape', async () => {
    const x = tf.tensor1d([0, 1, 2]);
    const basis = { x, hyper: { s: tf.scalar(1) }, basis: (xx: tf.Tensor, h: { s: tf.Scalar }) => tf.mul(tf.reshape(xx, [-1, 1]), h.s) };
    await expect(maximizeEvidence(PHI, Y, { alpha: 0 })).rejects.toThrow(/maximizeEvidence: 'alpha' must be a finite number > 0, got 0/);
    await expect(maximizeEvidence(PHI, Y, { noiseVariance: -1 })).rejects.toThrow(/'noiseVariance' must be a finite number > 0, got -1/);
    await expect(maximizeEvidence(PHI, [1, 2])).rejects.toThrow(/maximizeEvidence: 'design' has 3 rows but 'y' has length 2/);
    await expect(maximizeEvidence(basis, Y, { method: 'mackay' })).rejects.toThrow(/method 'mackay' needs a fixed design matrix/);
    await expect(maximizeEvidence(basis, [1, 2], { maxSteps: 2 })).rejects.toThrow(/'basis' must return a tensor of shape \[N, D\] with N = 2 \(the length of 'y'\), got shape \[3, 1\]/);
    await expect(maximizeEvidence(PHI, Y, { method: 'newton' as 'mackay' })).rejects.toThrow(/'method' must be 'gradient' or 'mackay', got 'newton'/);
    await expect(maximizeEvidence(PHI, Y, { learn: { alpha: false, noiseVariance: false } })).rejects.toThrow(/'learn' turns every hyperparameter off/);
    tf.dispose([x, basis.hyper.s]);
  });

  it('randomFourierFeatures checks shapes and the lengthscale', () => {
    const x = tf.tensor1d([0, 1]);
    const s = tf.ones([1, 4]);
    const u = tf.zeros([3]);
    const u4 = tf.zeros([4]);
    expect(() => randomFourierFeatures(x, { frequencies: s, phases: u })).toThrow(/randomFourierFeatures: 'phases' must have shape \[4\] to match 'frequencies', got shape \[3\]/);
    expect(() => randomFourierFeatures(tf.zeros([2, 2]), { frequencies: s, phases: u4 })).toThrow(/'frequencies' must have shape \[2, M\]/);
    expect(() => randomFourierFeatures(x, { frequencies: s, phases: u4, lengthscale: 0 })).toThrow(/'lengthscale' must be a finite number > 0, got 0/);
    tf.dispose([x, s, u, u4]);
  });
});
