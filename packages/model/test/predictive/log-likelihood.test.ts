import * as tf from '@tensorflow/tfjs-core';
import { HalfNormal, Normal } from '@probdl/distributions';
import { expectNoLeaks } from '@probdl/vitest-config/matchers';
import { describe, expect, it } from 'vitest';
import { logLikelihood, mask, scale, type ModelContext } from '../../src/index.js';
import { normalLogPdf } from '../helpers.js';

const X = [0, 1, 2, 3];
const Y = [0.1, 0.9, 2.2, 2.8];
function regression(ctx: ModelContext, x: tf.Tensor, y?: tf.Tensor) {
  const w = ctx.sample('w', new Normal({ loc: 0, scale: 1 }));
  const sigma = ctx.sample('sigma', new HalfNormal({ scale: 1 }));
  ctx.plate('data', x.shape[0]!, () =>
    ctx.sample('y', new Normal({ loc: tf.mul(tf.expandDims(w, -1), x), scale: tf.expandDims(sigma, -1) }), { obs: y }),
  );
}

const W = [1, 0.8, 1.2];
const SIG = [0.5, 0.3, 1.5];
const host = (k = 1, keep = [true, true, true, true]) =>
  W.map((w, s) => Y.map((y, i) => (keep[i] ? k * normalLogPdf(y, w * X[i]!, SIG[s]!) : 0)));

describe('logLikelihood', () => {
  it('pointwise log likelihood per draw, [S, N], against a float64 host computation', async () => {
    const ll = logLikelihood(regression, { w: tf.tensor1d(W), sigma: tf.tensor1d(SIG) }, tf.tensor1d(X), tf.tensor1d(Y));
    expect(Object.keys(ll)).toEqual(['y']);
    expect(ll.y!.shape).toEqual([3, 4]);
    await expect(ll.y!).toBeCloseTensor(host(), { rtol: 1e-5 });
  });

  it('applies scale and mask', async () => {
    const samples = { w: tf.tensor1d(W), sigma: tf.tensor1d(SIG) };
    const scaled = logLikelihood(scale(regression, 3), samples, tf.tensor1d(X), tf.tensor1d(Y));
    await expect(scaled.y!).toBeCloseTensor(host(3), { rtol: 1e-5 });
    const keep = [true, false, true, true];
    const masked = logLikelihood(mask(regression, tf.tensor1d(keep, 'bool')), samples, tf.tensor1d(X), tf.tensor1d(Y));
    await expect(masked.y!).toBeCloseTensor(host(1, keep), { rtol: 1e-5, atol: 1e-6 });
  });

  it('a latent site missing from the samples is an error naming it', () => {
    expect(() => logLikelihood(regression, { w: tf.tensor1d(W) }, tf.tensor1d(X), tf.tensor1d(Y))).toThrow(/'sigma'/);
    expect(() => logLikelihood(regression, {}, tf.tensor1d(X), tf.tensor1d(Y))).toThrow(/empty/);
  });

  it('no leaks', async () => {
    const samples = { w: tf.tensor1d(W), sigma: tf.tensor1d(SIG) };
    const x = tf.tensor1d(X);
    const y = tf.tensor1d(Y);
    await expectNoLeaks(() => logLikelihood(regression, samples, x, y));
  });
});
