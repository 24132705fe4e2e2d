import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { independentNormal, mixtureNormal, multivariateNormalTriL, type Head } from '../../src/heads/index.js';
import { negativeLogLikelihood, type ScalarLossOptions } from '../../src/losses/index.js';
import { expectGradientsMatchHost } from '../helpers/finite-difference.js';
import { mixtureNormalLogProb, normalLogPdf, softplus, values } from './host.js';

/** `f ↦ negativeLogLikelihood(head.apply(f), y, options)`, disposing the distribution it builds. */
function headNll(head: Head, y: tf.Tensor, options?: ScalarLossOptions): (f: tf.Tensor) => tf.Scalar {
  return (f) => {
    const d = head.apply(f);
    const nll = negativeLogLikelihood(d, y, options);
    d.dispose();
    return nll;
  };
}

// d NLL(head.apply(features), y) / d features against central differences of a float64 host NLL.
describe('gradients of negativeLogLikelihood(head.apply(features), y) wrt features', () => {
  it('mixtureNormal(3, [1]) (the MDN head)', async () => {
    const k = 3;
    const ps = mixtureNormal.paramsSize(k, [1]);
    const rows = 4;
    const p = values(rows * ps).map((v) => v / 2);
    const yv = [-0.8, 0.1, 0.9, 2.0];
    const y = tf.tensor2d(yv, [rows, 1]);
    const head = mixtureNormal(k, [1]);
    await expectGradientsMatchHost(
      headNll(head, y),
      ([f]) => -yv.reduce((s, v, r) => s + mixtureNormalLogProb(f!.subarray(r * ps, (r + 1) * ps), [v], k, 1), 0) / rows,
      [{ values: p, shape: [rows, ps] }],
    );
    y.dispose();
  });

  it('mixtureNormal(2, [2]) over vector events', async () => {
    const k = 2;
    const n = 2;
    const ps = mixtureNormal.paramsSize(k, [n]);
    const rows = 3;
    const p = values(rows * ps, 1).map((v) => v / 2);
    const yv = values(rows * n, 2).map((v) => v / 2);
    const y = tf.tensor(Float32Array.from(yv), [rows, n]);
    const head = mixtureNormal(k, [n]);
    await expectGradientsMatchHost(
      headNll(head, y, { reduction: 'sum' }),
      ([f]) => -Array.from({ length: rows }, (_, r) => mixtureNormalLogProb(f!.subarray(r * ps, (r + 1) * ps), yv.subarray(r * n, (r + 1) * n), k, n)).reduce((a, b) => a + b, 0),
      [{ values: p, shape: [rows, ps] }],
    );
    y.dispose();
  });

  it('independentNormal([2]) with two batch dimensions', async () => {
    const batch = [2, 2];
    const p = values(4 * 4, 3).map((v) => v / 2);
    const yv = values(4 * 2, 4);
    const y = tf.tensor(Float32Array.from(yv), [...batch, 2]);
    const head = independentNormal([2]);
    await expectGradientsMatchHost(
      headNll(head, y),
      ([f]) => {
        let s = 0;
        for (let b = 0; b < 4; b++) for (let e = 0; e < 2; e++) s -= normalLogPdf(yv[b * 2 + e]!, f![b * 4 + e]!, 1e-5 + softplus(f![b * 4 + 2 + e]!));
        return s / 4;
      },
      [{ values: p, shape: [...batch, 4] }],
    );
    y.dispose();
  });

  it('mixtureNormal stays finite far in the tails (y = ±1000, logits ±30, raw scales ±50)', async () => {
    const k = 3;
    const row = [30, -30, 0, 0, 1, -1, -50, 50, 0];
    const f = tf.tensor2d([row, row, row, row]);
    const y = tf.tensor2d([[1000], [-1000], [0], [1e-3]]);
    const head = mixtureNormal(k, [1]);
    const [value, g] = tf.tidy(() => {
      const { value: v, grads } = tf.valueAndGrads(headNll(head, y))([f]);
      return [v, grads[0]!];
    });
    expect(Number.isFinite((await value.data())[0])).toBe(true);
    expect(Array.from(await g.data()).every(Number.isFinite)).toBe(true);
    const want = -[1000, -1000, 0, 1e-3].reduce((s, yv) => s + mixtureNormalLogProb(row, [yv], k, 1), 0) / 4;
    expect(Math.abs((await value.data())[0]! - want)).toBeLessThan(1e-5 * Math.abs(want));
    tf.dispose([f, y, value, g]);
  });

  it('multivariateNormalTriL(2)', async () => {
    const dim = 2;
    const ps = multivariateNormalTriL.paramsSize(dim);
    const p = values(2 * ps, 5).map((v) => v / 3);
    const yv = [0.4, -0.6, 1.1, 0.2];
    const y = tf.tensor2d(yv, [2, dim]);
    const head = multivariateNormalTriL(dim);
    await expectGradientsMatchHost(
      headNll(head, y),
      ([f]) => {
        let s = 0;
        for (let b = 0; b < 2; b++) {
          const q = f!.subarray(b * ps, (b + 1) * ps);
          // Packing [loc0, loc1, L00, L10, L11].
          const l00 = softplus(q[2]!) + 1e-5;
          const l10 = q[3]!;
          const l11 = softplus(q[4]!) + 1e-5;
          const z0 = (yv[b * 2]! - q[0]!) / l00;
          const z1 = (yv[b * 2 + 1]! - q[1]! - l10 * z0) / l11;
          s += 0.5 * (z0 * z0 + z1 * z1) + Math.log(l00) + Math.log(l11) + Math.log(2 * Math.PI);
        }
        return s / 2;
      },
      [{ values: p, shape: [2, ps] }],
    );
    y.dispose();
  });
});
