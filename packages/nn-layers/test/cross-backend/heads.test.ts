// Heads and losses on every backend (cpu, wasm, WebGPU): tiny tensors, float64 host references.
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { independentNormal, mixtureNormal } from '../../src/heads/index.js';
import { negativeLogLikelihood, sigmoidBinaryCrossEntropy, softmaxCrossEntropyWithIntegerLabels } from '../../src/losses/index.js';

const softplus = (x: number): number => Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x)));
const logSigmoid = (x: number): number => Math.min(x, 0) - Math.log1p(Math.exp(-Math.abs(x)));
const logSumExp = (xs: readonly number[]): number => {
  const m = Math.max(...xs);
  return m + Math.log(xs.reduce((s, x) => s + Math.exp(x - m), 0));
};
const normalLogPdf = (y: number, loc: number, scale: number): number => -0.5 * ((y - loc) / scale) ** 2 - Math.log(scale) - 0.5 * Math.log(2 * Math.PI);

function expectClose(got: ArrayLike<number>, want: readonly number[], tol: number): void {
  expect(got.length).toBe(want.length);
  for (let i = 0; i < want.length; i++) {
    if (!(Math.abs(got[i]! - want[i]!) <= tol * (1 + Math.abs(want[i]!)))) throw new Error(`element ${i}: ${got[i]} vs ${want[i]}`);
  }
}

describe('heads and losses across backends', () => {
  it('mixtureNormal(3, [1]) logProb matches the host mixture formula', async () => {
    // Per row: logits (3), locs (3), raw scales (3).
    const rows = [
      [0.2, -1, 1.5, -1, 0.3, 0.5, -0.7, 2, 1.2],
      [0, 0, 0, 0, 0, 0, 0, 0, 0],
    ];
    const ys = [0.4, -3];
    const want = rows.map((p, r) =>
      logSumExp([0, 1, 2].map((k) => p[k]! - logSumExp(p.slice(0, 3)) + normalLogPdf(ys[r]!, p[3 + k]!, 1e-3 + softplus(p[6 + k]!)))),
    );
    const f = tf.tensor2d(rows);
    const y = tf.tensor2d(ys, [2, 1]);
    const d = mixtureNormal(3, [1]).apply(f);
    const lp = d.logProb(y);
    expectClose(await lp.data(), want, 1e-4);
    const g = tf.tensor2d([[0.5, 0.1]]);
    const target = tf.tensor2d([[1]]);
    const dn = independentNormal([1]).apply(g);
    const nll = negativeLogLikelihood(dn, target);
    expectClose(await nll.data(), [-normalLogPdf(1, 0.5, 1e-5 + softplus(0.1))], 1e-4);
    tf.dispose([f, y, lp, g, target, nll]);
    d.dispose();
    dn.dispose();
  });

  it('cross-entropies stay finite and match the host at logits ±100', async () => {
    const logits = [-100, -3, 0, 2.5, 100];
    const labels = [1, 0, 1, 0.5, 0];
    const inputs = [tf.tensor1d(logits), tf.tensor1d(labels), tf.tensor2d([[100, -100, 0], [1, 2, 3]]), tf.tensor1d([1, 2], 'int32')] as const;
    const bce = sigmoidBinaryCrossEntropy(inputs[0], inputs[1], { reduction: 'none' });
    expectClose(await bce.data(), logits.map((x, i) => -labels[i]! * logSigmoid(x) - (1 - labels[i]!) * logSigmoid(-x)), 1e-5);
    const rows = [
      [100, -100, 0],
      [1, 2, 3],
    ];
    const ce = softmaxCrossEntropyWithIntegerLabels(inputs[2], inputs[3], { reduction: 'none' });
    expectClose(await ce.data(), [logSumExp(rows[0]!) - rows[0]![1]!, logSumExp(rows[1]!) - rows[1]![2]!], 1e-5);
    tf.dispose([bce, ce, ...inputs]);
  });
});
