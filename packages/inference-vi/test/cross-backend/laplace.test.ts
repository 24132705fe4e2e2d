import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { logSigmoid, key } from '@probdl/tensor-backend';
import { expectNoLeaks } from '@probdl/vitest-config/matchers';
import { generalizedGaussNewton, guideKhat, laplace } from '../../src/index.js';
import { logisticPrecision } from '../laplace/logistic-precision.js';

// Laplace (second-order autodiff and the GGN) and guideKhat's device part on every backend
// (cpu, wasm, WebGPU): the practical's 7-point logistic regression, α = 0.75.

const X = [-2.700000047683716, -1.899999976158142, -1.2999999523162842, 0.699999988079071, 0.800000011920929, 1.399999976158142, 2.4000000953674316];
const Y = [0, 0, 0, 1, 1, 1, 1];
const ALPHA = 0.75;
const W = [0.31, 1.38];

describe('laplace across backends', () => {
  it('autodiff Hessian and GGN equal the float64 precision Xᵀdiag(p(1−p))X + αI; guideKhat runs', async () => {
    const x = tf.tensor2d(X.map((v) => [1, v]));
    const y = tf.tensor1d(Y);
    const target = (w: tf.Tensor): tf.Tensor =>
      tf.tidy(() => {
        const logits = tf.matMul(w, x, false, true);
        const ll = tf.sum(tf.add(tf.mul(y, logSigmoid(logits)), tf.mul(tf.sub(1, y), logSigmoid(tf.neg(logits)))), 1);
        return tf.sub(ll, tf.mul(0.5 * ALPHA, tf.sum(tf.square(w), 1)));
      });
    const w = tf.tensor1d(W);
    const want = logisticPrecision(X, W.map(Math.fround), ALPHA);
    const approx = await laplace(target, w);
    for (let i = 0; i < 4; i++) expect(Math.abs(approx.host.precision.data[i]! - want[i]!)).toBeLessThan(1e-4 * (1 + Math.abs(want[i]!)));
    const apply = (p: tf.Tensor, xs: tf.Tensor): tf.Tensor => tf.squeeze(tf.matMul(xs, tf.reshape(p, [2, 1])), [1]);
    const g = generalizedGaussNewton(w, { apply, inputs: x, likelihood: 'bernoulli', priorPrecision: ALPHA });
    await expect(g).toBeCloseTensor([[want[0]!, want[1]!], [want[2]!, want[3]!]], { rtol: 1e-4, atol: 1e-5 });
    const res = await guideKhat(key(0), target, approx.distribution, { numSamples: 200 });
    expect(Number.isFinite(res.khat)).toBe(true);
    expect(res.logWeights.every(Number.isFinite)).toBe(true);
    await expectNoLeaks(async () => {
      const a = await laplace(target, w);
      a.dispose();
    });
    approx.dispose();
    tf.dispose([x, y, w, g]);
  }, 60000);
});
