import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { logDensity } from '@probdl/model';
import { adam } from '@probdl/optimizers';
import { key, tree } from '@probdl/tensor-backend';
import { elbo, fitVi, fullRankNormal, meanFieldNormal } from '../../src/index.js';
import { X, Y, regression } from '../fixtures/regression-model.js';

// A @probdl/model log density as the ELBO's target: y ~ N(a + b x, 1), a, b ~ N(0, 1). Its position is
// [a, b] (sites in run order, both unconstrained), batched as [S, 2] → [S].

/** The same joint written by hand, `[S, 2]` → `[S]`. */
function handWritten(z: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    const [a, b] = tf.split(z, 2, 1) as [tf.Tensor, tf.Tensor];
    const prior = tf.mul(-0.5, tf.add(tf.square(a), tf.square(b)));
    const resid = tf.sub(tf.tensor1d(Y), tf.add(a, tf.mul(b, tf.tensor1d(X))));
    const lik = tf.mul(-0.5, tf.sum(tf.square(resid), 1, true));
    return tf.reshape(tf.add(tf.add(prior, lik), -0.5 * (X.length + 2) * Math.log(2 * Math.PI)), [-1]);
  });
}

describe('a @probdl/model log density as the target', () => {
  it('gives the same ELBO as the hand-written joint, and fitVi takes its dim', async () => {
    const x = tf.tensor1d(X);
    const y = tf.tensor1d(Y);
    const model = logDensity(regression, [x, y]);
    expect(model.dim).toBe(2);
    const family = meanFieldNormal({ initScale: 0.5 });
    const params = family.init(key(0), 2);
    const viaModel = elbo(key(1), model, family, params, { numSamples: 64 });
    const viaHand = elbo(key(1), handWritten, family, params, { numSamples: 64 });
    expect(Math.abs((await viaModel.data())[0]! - (await viaHand.data())[0]!)).toBeLessThan(1e-3);
    // The exact posterior is Gaussian: precision I + XᵀX over [1, x]; a short full-rank fit lands near its mean.
    const n = X.length;
    const sx = X.reduce((s, v) => s + v, 0);
    const sxx = X.reduce((s, v) => s + v * v, 0);
    const sy = Y.reduce((s, v) => s + v, 0);
    const sxy = X.reduce((s, v, i) => s + v * Y[i]!, 0);
    const det = (n + 1) * (sxx + 1) - sx * sx;
    const mu = [((sxx + 1) * sy - sx * sxy) / det, (-sx * sy + (n + 1) * sxy) / det];
    const fr = fullRankNormal({ initScale: 1 });
    const fit = await fitVi(key(2), model, fr, { optimizer: adam(5e-2), steps: 200, numSamples: 16, stickingTheLanding: true });
    const loc = await fit.params.loc.data();
    // After 200 steps the optimisation error is below 0.02 (posterior sds are about 0.4).
    expect(Math.abs(loc[0]! - mu[0]!)).toBeLessThan(0.02);
    expect(Math.abs(loc[1]! - mu[1]!)).toBeLessThan(0.02);
    tf.dispose([x, y, viaModel, viaHand]);
    tree.dispose([params, fit.params]);
    model.dispose();
  });
});
