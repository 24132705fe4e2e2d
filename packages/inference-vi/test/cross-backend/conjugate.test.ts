/**
 * Conjugate regression on the device path of the current backend (cpu, wasm or WebGPU) against the
 * float64 host path, on tiny data. Float32 tolerances: a 3 × 3 well-conditioned precision factored
 * and solved in float32 (kernels differ per backend, ~1e-6 relative): rtol 1e-4, atol 1e-5.
 */
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { key } from '@probdl/tensor-backend';
import { blrLogEvidence, blrPosterior, maximizeEvidence } from '../../src/index.js';
import { expectClose, syntheticProblem } from '../conjugate/helpers.js';

const TOL = { rtol: 1e-4, atol: 1e-5 };

function allClose(got: ArrayLike<number>, want: ArrayLike<number>, what: string): void {
  expect(got.length).toBe(want.length);
  for (let i = 0; i < want.length; i++) expectClose(got[i] as number, want[i] as number, TOL.rtol, TOL.atol, `${what}[${i}]`);
}

describe('conjugate regression: device path against the host path', () => {
  const { phi, y } = syntheticProblem(41, 8, 3, 0.5);

  it('posterior, predictive, samples from one key and the evidence', async () => {
    const opts = { alpha: [0.5, 1, 2], noiseVariance: 0.4, priorMean: [0.1, 0, -0.1] };
    const host = await blrPosterior(phi, y, { ...opts, on: 'host' });
    const dev = await blrPosterior(phi, y, { ...opts, on: 'device' });
    allClose(await dev.mean.data(), await host.mean.data(), 'mean');
    allClose(await dev.covariance.data(), await host.covariance.data(), 'covariance');
    allClose(await dev.scaleTril.data(), await host.scaleTril.data(), 'scaleTril');
    expectClose(dev.logEvidence, host.logEvidence, 1e-5, 0, 'log evidence');
    const star = syntheticProblem(42, 4, 3).phi;
    const [ph, pd] = await Promise.all([host.predict(star, { includeNoise: true }), dev.predict(star, { includeNoise: true })]);
    allClose(await pd.mean.data(), await ph.mean.data(), 'predictive mean');
    allClose(await pd.stddev.data(), await ph.stddev.data(), 'predictive std');
    // Both paths use the same standard normals for a key, so the draws agree to float32 round-off.
    const [sh, sd] = [host.samplePosterior(key(5), 3), dev.samplePosterior(key(5), 3)];
    allClose(await sd.data(), await sh.data(), 'samples');
    tf.dispose([ph.mean, ph.variance, ph.stddev, pd.mean, pd.variance, pd.stddev, sh, sd]);
    host.dispose();
    dev.dispose();
  });

  it('the gradient of blrLogEvidence in log alpha matches the host derivative', async () => {
    const p = tf.tensor2d(Float32Array.from(phi.data), [8, 3]);
    const yT = tf.tensor1d(Float32Array.from(y));
    const la = tf.scalar(Math.log(0.7));
    const g = tf.grad((a: tf.Tensor) => blrLogEvidence(p, yT, { alpha: tf.exp(a), noiseVariance: 0.4 }))(la);
    const h = 1e-5;
    const ev = async (a: number): Promise<number> => {
      const post = await blrPosterior(phi, y, { alpha: a, noiseVariance: 0.4, on: 'host' });
      post.dispose();
      return post.logEvidence;
    };
    const want = ((await ev(0.7 * Math.exp(h))) - (await ev(0.7 * Math.exp(-h)))) / (2 * h);
    expectClose((await g.data())[0]!, want, 1e-3, 1e-3, 'd log evidence / d log alpha');
    tf.dispose([p, yT, la, g]);
  });

  it('a few gradient-ascent steps raise the evidence', async () => {
    const fit = await maximizeEvidence(phi, y, { maxSteps: 10, checkEvery: 5 });
    expect(fit.logEvidence).toBeGreaterThan(fit.initialLogEvidence);
  });
});
