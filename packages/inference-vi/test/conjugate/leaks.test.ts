/** Every exported conjugate function that makes tensors leaves none behind (success and error paths). */
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { expectNoLeaks } from '@probdl/vitest-config/matchers';
import { key } from '@probdl/tensor-backend';
import { blrLogEvidence, blrPosterior, maximizeEvidence, randomFourierFeatures, ridgeSolution, type BlrPlacement } from '../../src/index.js';
import { syntheticProblem } from './helpers.js';

const { phi, y } = syntheticProblem(31, 12, 3);

describe.each<BlrPlacement>(['host', 'device'])('no leaks on the %s', (on) => {
  it('blrPosterior with all its methods, disposed; tensor inputs are not disposed', async () => {
    const phiT = tf.tensor2d(Float32Array.from(phi.data), [12, 3]);
    const yT = tf.tensor1d(Float32Array.from(y));
    const alpha = tf.tensor1d([1, 2, 3]);
    await expectNoLeaks(async () => {
      const post = await blrPosterior(phiT, yT, { alpha, priorMean: [0, 1, 0], noiseVariance: 0.5, on });
      const p = await post.predict(phiT, { includeNoise: true });
      const s = post.samplePosterior(key(1), 4);
      // The lazily made covariance is owned by the posterior, even when first touched inside a tidy.
      const trace = tf.tidy(() => tf.sum(tf.mul(post.covariance, tf.eye(3))));
      await post.toHost();
      await trace.data();
      tf.dispose([p.mean, p.variance, p.stddev, s, trace]);
      post.dispose();
      post.dispose();
    });
    expect(phiT.isDisposed || yT.isDisposed || alpha.isDisposed).toBe(false);
    tf.dispose([phiT, yT, alpha]);
  });

  it('ridgeSolution and the error paths of blrPosterior', async () => {
    await expectNoLeaks(() => ridgeSolution(phi, y, { alpha: 2, on }));
    await expectNoLeaks(async () => {
      await expect(blrPosterior([[1, 1]], [1], { on, alpha: 1e-30 })).rejects.toThrow(/not positive definite/);
      await expect(blrPosterior([[1, 0]], [Number.NaN], { on })).rejects.toThrow(/NaN/);
      await expect(blrPosterior(phi, [1], { on })).rejects.toThrow(/rows/);
    });
  });
});

describe('no leaks in the device functions', () => {
  it('blrLogEvidence, randomFourierFeatures (and their gradients)', async () => {
    const p = tf.tensor2d(Float32Array.from(phi.data), [12, 3]);
    const yT = tf.tensor1d(Float32Array.from(y));
    const x = tf.linspace(-1, 1, 5);
    const S = tf.ones([1, 4]);
    const u = tf.zeros([4]);
    const half = tf.scalar(0.5);
    const zero = tf.scalar(0);
    await expectNoLeaks(() => blrLogEvidence(p, yT, { alpha: 2, noiseVariance: half }));
    await expectNoLeaks(() => randomFourierFeatures(x, { frequencies: S, phases: u, lengthscale: 2 }));
    await expectNoLeaks(() => randomFourierFeatures(x, { frequencies: S, phases: u, lengthscale: half }));
    await expectNoLeaks(() => tf.grad((la: tf.Tensor) => blrLogEvidence(p, yT, { alpha: tf.exp(la) }))(zero));
    tf.dispose([p, yT, x, S, u, half, zero]);
  });

  it('maximizeEvidence (gradient with a basis, MacKay, and an error thrown inside the loop)', async () => {
    const x = tf.linspace(-2, 2, 12);
    const S = tf.tensor2d([[0.5, -1, 1.5]]);
    const u = tf.tensor1d([0.1, 1, 2]);
    const hyper = { logL: tf.scalar(0) };
    const basis = { x, hyper, basis: (xx: tf.Tensor, h: typeof hyper) => randomFourierFeatures(xx, { frequencies: S, phases: u, lengthscale: tf.exp(h.logL) }) };
    await expectNoLeaks(async () => {
      const fit = await maximizeEvidence(basis, y, { maxSteps: 30, checkEvery: 7 });
      tf.dispose(fit.hyper!.logL);
    });
    await expectNoLeaks(() => maximizeEvidence(phi, y, { method: 'mackay' }));
    await expectNoLeaks(async () => {
      let calls = 0;
      const failing = { x, hyper, basis: (xx: tf.Tensor, h: typeof hyper) => (++calls > 3 ? tf.zeros([2, 2]) : basis.basis(xx, h)) };
      await expect(maximizeEvidence(failing, y, { maxSteps: 10 })).rejects.toThrow(/'basis' must return/);
    });
    expect(hyper.logL.isDisposed).toBe(false);
    tf.dispose([x, S, u, hyper.logL]);
  });
});
