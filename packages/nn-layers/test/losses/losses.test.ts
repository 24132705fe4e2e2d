import * as tf from '@tensorflow/tfjs-core';
import { Independent, Normal } from '@probdl/distributions';
import { describe, expect, it } from 'vitest';
import {
  meanAbsoluteError,
  meanSquaredError,
  negativeLogLikelihood,
  sigmoidBinaryCrossEntropy,
  softmaxCrossEntropy,
  softmaxCrossEntropyWithIntegerLabels,
} from '../../src/losses/index.js';
import { expectGradientsMatchHost } from '../helpers/finite-difference.js';

// Float64 host references, from the definitions.
const logSigmoid = (x: number): number => Math.min(x, 0) - Math.log1p(Math.exp(-Math.abs(x)));
const logSumExp = (xs: readonly number[]): number => {
  const m = Math.max(...xs);
  return m + Math.log(xs.reduce((s, x) => s + Math.exp(x - m), 0));
};
const normalLogPdf = (y: number, loc: number, scale: number): number => -0.5 * ((y - loc) / scale) ** 2 - Math.log(scale) - 0.5 * Math.log(2 * Math.PI);
const mean = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;
const sum = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0);

async function values(t: tf.Tensor): Promise<number[]> {
  const v = Array.from(await t.data());
  t.dispose();
  return v;
}

function expectClose(got: readonly number[], want: readonly number[], rtol = 1e-5, atol = 1e-5): void {
  expect(got).toHaveLength(want.length);
  got.forEach((g, i) => {
    expect(Number.isFinite(g)).toBe(true);
    if (!(Math.abs(g - want[i]!) <= atol + rtol * Math.abs(want[i]!))) throw new Error(`element ${i}: ${g} vs ${want[i]}`);
  });
}

const pred = [0.5, -1.25, 3, 2, 0, -7];
const targ = [1, -1, 2.5, -2, 0.5, -6];

describe('meanSquaredError and meanAbsoluteError', () => {
  it('match the host formulas for every reduction', async () => {
    const p = tf.tensor(pred, [2, 3]);
    const t = tf.tensor(targ, [2, 3]);
    const sq = pred.map((v, i) => (v - targ[i]!) ** 2);
    const ab = pred.map((v, i) => Math.abs(v - targ[i]!));
    expectClose(await values(meanSquaredError(p, t)), [mean(sq)]);
    expectClose(await values(meanSquaredError(p, t, { reduction: 'sum' })), [sum(sq)]);
    const none = meanSquaredError(p, t, { reduction: 'none' });
    expect(none.shape).toEqual([2, 3]);
    expectClose(await values(none), sq);
    expectClose(await values(meanAbsoluteError(p, t)), [mean(ab)]);
    expectClose(await values(meanAbsoluteError(p, t, { reduction: 'sum' })), [sum(ab)]);
    expectClose(await values(meanAbsoluteError(p, t, { reduction: 'none' })), ab);
    const scalar = meanSquaredError(p, t);
    expect(scalar.shape).toEqual([]);
    scalar.dispose();
    tf.dispose([p, t]);
  });

  it('refuse to broadcast, naming both shapes', () => {
    const p = tf.zeros([4, 1]);
    const t = tf.zeros([4]);
    expect(() => meanSquaredError(p, t)).toThrow('meanSquaredError: predictions has shape [4, 1] but targets has shape [4]; they must match (losses do not broadcast)');
    expect(() => meanAbsoluteError(p, t)).toThrow(/meanAbsoluteError: predictions has shape \[4, 1\] but targets has shape \[4\]/);
    expect(() => meanSquaredError(p, p, { reduction: 'avg' as 'mean' })).toThrow(/option 'reduction'/);
    tf.dispose([p, t]);
  });
});

describe('sigmoidBinaryCrossEntropy', () => {
  const logits = [-100, -20, -3.3, 0, 0.7, 4, 20, 100];
  const labels = [0, 1, 0.25, 1, 0, 1, 0, 1];
  const host = logits.map((x, i) => -labels[i]! * logSigmoid(x) - (1 - labels[i]!) * logSigmoid(-x));

  it('matches the host formula, finite at logits ±100', async () => {
    const x = tf.tensor1d(logits);
    const y = tf.tensor1d(labels);
    expectClose(await values(sigmoidBinaryCrossEntropy(x, y, { reduction: 'none' })), host, 1e-6, 1e-6);
    expectClose(await values(sigmoidBinaryCrossEntropy(x, y)), [mean(host)], 1e-6);
    expectClose(await values(sigmoidBinaryCrossEntropy(x, y, { reduction: 'sum' })), [sum(host)], 1e-6);
    // Gradient σ(x) − y stays finite at the extremes.
    const g = tf.grad((z: tf.Tensor) => sigmoidBinaryCrossEntropy(z, y, { reduction: 'sum' }))(x);
    expectClose(await values(g), logits.map((v, i) => 1 / (1 + Math.exp(-v)) - labels[i]!), 1e-5, 1e-6);
    tf.dispose([x, y]);
  });

  it('gradients match finite differences of the host formula', async () => {
    const ls = [-2, 0.3, 1.7, -0.4];
    const ys = [0, 1, 0.5, 1];
    const yt = tf.tensor1d(ys);
    await expectGradientsMatchHost(
      (x) => sigmoidBinaryCrossEntropy(x, yt),
      ([x]) => mean(Array.from(x!, (v, i) => -ys[i]! * logSigmoid(v) - (1 - ys[i]!) * logSigmoid(-v))),
      [{ values: Float64Array.from(ls), shape: [4] }],
    );
    yt.dispose();
  });

  it('names both shapes on a mismatch', () => {
    const x = tf.zeros([3, 2]);
    const y = tf.zeros([2, 3]);
    expect(() => sigmoidBinaryCrossEntropy(x, y)).toThrow(/logits has shape \[3, 2\] but labels has shape \[2, 3\]/);
    tf.dispose([x, y]);
  });
});

describe('softmaxCrossEntropy', () => {
  const logits = [
    [100, -100, 0],
    [-100, 100, 50],
    [0.5, -1.5, 2],
    [3, 3, 3],
  ];
  const probs = [
    [1, 0, 0],
    [0, 0, 1],
    [0.2, 0.3, 0.5],
    [0, 1, 0],
  ];
  const host = logits.map((row, r) => -row.reduce((s, x, k) => s + probs[r]![k]! * (x - logSumExp(row)), 0));

  it('matches the host formula with one-hot and soft labels, finite at logits ±100', async () => {
    const x = tf.tensor2d(logits);
    const y = tf.tensor2d(probs);
    const none = softmaxCrossEntropy(x, y, { reduction: 'none' });
    expect(none.shape).toEqual([4]);
    expectClose(await values(none), host, 1e-6, 1e-5);
    expectClose(await values(softmaxCrossEntropy(x, y)), [mean(host)], 1e-6, 1e-5);
    expectClose(await values(softmaxCrossEntropy(x, y, { reduction: 'sum' })), [sum(host)], 1e-6, 1e-5);
    tf.dispose([x, y]);
  });

  it('a -Infinity logit with a zero label counts 0 (no NaN)', async () => {
    const x = tf.tensor2d([[-Infinity, 1, 2]]);
    const y = tf.tensor2d([[0, 0, 1]]);
    expectClose(await values(softmaxCrossEntropy(x, y)), [-(2 - logSumExp([1, 2]))]);
    tf.dispose([x, y]);
  });

  it('integer labels give the same values, and check dtype and shape', async () => {
    const x = tf.tensor2d(logits);
    const oneHot = [0, 2, 1, 1];
    const labels = tf.tensor1d(oneHot, 'int32');
    const want = logits.map((row, r) => logSumExp(row) - row[oneHot[r]!]!);
    expectClose(await values(softmaxCrossEntropyWithIntegerLabels(x, labels, { reduction: 'none' })), want, 1e-6, 1e-5);
    expectClose(await values(softmaxCrossEntropyWithIntegerLabels(x, labels)), [mean(want)], 1e-6, 1e-5);
    expectClose(await values(softmaxCrossEntropyWithIntegerLabels(x, labels, { reduction: 'sum' })), [sum(want)], 1e-6, 1e-5);
    const floatLabels = tf.tensor1d(oneHot);
    expect(() => softmaxCrossEntropyWithIntegerLabels(x, floatLabels)).toThrow(/labels must be int32/);
    const wrong = tf.tensor2d([[0], [1], [2], [0]], [4, 1], 'int32');
    expect(() => softmaxCrossEntropyWithIntegerLabels(x, wrong)).toThrow('softmaxCrossEntropyWithIntegerLabels: labels has shape [4, 1] but logits has shape [4, 3]; labels must have shape [4] (logits without the class axis)');
    const y = tf.zeros([4, 2]);
    expect(() => softmaxCrossEntropy(x, y)).toThrow(/logits has shape \[4, 3\] but labels has shape \[4, 2\]/);
    tf.dispose([x, labels, floatLabels, wrong, y]);
  });

  it('integer labels with leading batch dimensions', async () => {
    const raw = [0.1, 0.2, -1, 2, 0, 0.5, 1, -2, 3, 0, 0, 0];
    const x = tf.tensor(raw, [2, 2, 3]);
    const labels = tf.tensor([[2, 0], [1, 2]], [2, 2], 'int32');
    const idx = [2, 0, 1, 2];
    const want = idx.map((c, r) => logSumExp(raw.slice(r * 3, r * 3 + 3)) - raw[r * 3 + c]!);
    const none = softmaxCrossEntropyWithIntegerLabels(x, labels, { reduction: 'none' });
    expect(none.shape).toEqual([2, 2]);
    expectClose(await values(none), want, 1e-6, 1e-5);
    tf.dispose([x, labels]);
  });

  it('gradients match finite differences of the host formula', async () => {
    const ys = [0.2, 0.5, 0.3, 0, 1, 0];
    const yt = tf.tensor2d(ys, [2, 3]);
    await expectGradientsMatchHost(
      (x) => softmaxCrossEntropy(x, yt),
      ([x]) => mean([0, 1].map((r) => -[0, 1, 2].reduce((s, k) => s + ys[r * 3 + k]! * (x![r * 3 + k]! - logSumExp(Array.from(x!.subarray(r * 3, r * 3 + 3)))), 0))),
      [{ values: Float64Array.from([0.3, -1, 2, 1.5, 0.2, -0.7]), shape: [2, 3] }],
    );
    yt.dispose();
  });
});

describe('negativeLogLikelihood', () => {
  it('is the mean (sum, none) of −logProb over the batch', async () => {
    const loc = [0, 1, -2];
    const scale = [1, 0.5, 2];
    const yv = [0.3, 1.2, 0];
    const d = new Normal({ loc, scale });
    const y = tf.tensor1d(yv);
    const nll = yv.map((v, i) => -normalLogPdf(v, loc[i]!, scale[i]!));
    expectClose(await values(negativeLogLikelihood(d, y)), [mean(nll)]);
    expectClose(await values(negativeLogLikelihood(d, y, { reduction: 'sum' })), [sum(nll)]);
    expectClose(await values(negativeLogLikelihood(d, y, { reduction: 'none' })), nll);
    tf.dispose(y);
    d.dispose();
  });

  it('accepts leading sample dimensions and rejects broadcasting against the batch or event shape', async () => {
    const single = new Normal({ loc: 1, scale: 2 });
    const ys = [0, 1, 2, 5];
    const y = tf.tensor1d(ys);
    expectClose(await values(negativeLogLikelihood(single, y)), [mean(ys.map((v) => -normalLogPdf(v, 1, 2)))]);
    const batched = new Independent({ distribution: new Normal({ loc: tf.zeros([4, 1]), scale: 1 }), reinterpretedBatchNdims: 1 });
    expect(() => negativeLogLikelihood(batched, y)).toThrow(
      'negativeLogLikelihood: y has shape [4] but the distribution has batch shape [4] and event shape [1]; y must end with [4, 1]',
    );
    const scalarEvents = new Normal({ loc: tf.zeros([4]), scale: 1 });
    const column = tf.zeros([4, 1]);
    expect(() => negativeLogLikelihood(scalarEvents, column)).toThrow(/y has shape \[4, 1\] but the distribution has batch shape \[4\] and event shape \[\]/);
    tf.dispose([y, column, (batched.distribution as Normal).loc, (scalarEvents as Normal).loc]);
    [single, batched, scalarEvents].forEach((d) => d.dispose());
  });
});
