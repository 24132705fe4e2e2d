import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { bayesianMlp } from '@probdl/nn-layers';
import { adam } from '@probdl/optimizers';
import { key, tree, type Tree } from '@probdl/tensor-backend';
import { gaussianLikelihood, gaussianMixturePredictive, predictiveSamples, predictiveSummary, trainBayesByBackprop } from '../../src/index.js';

// The BNN utilities' device paths (topk sorting for quantiles, the bisection of a mixture CDF with
// ndtr, a few Bayes-by-backprop steps) on every backend, against host values. Tiny tensors: the
// WebGPU project runs on a software adapter.

describe('bnn utilities on this backend', () => {
  it('predictiveSummary quantiles and gaussianMixturePredictive agree with host computations', async () => {
    const vals = [0.3, -1.2, 2.5, 0.0, 1.1, -0.4, 0.9, 3.0]; // S = 4 samples of 2 elements
    const samples = tf.tensor2d(vals, [4, 2]);
    const s = predictiveSummary(samples, { quantiles: [0.25, 0.5] });
    const q = await s.quantiles.data();
    // Column 0: 0.3, 2.5, 1.1, 0.9 → sorted 0.3, 0.9, 1.1, 2.5; positions 0.75 and 1.5.
    expect(q[0]!).toBeCloseTo(0.3 + 0.75 * 0.6, 5);
    expect(q[2]!).toBeCloseTo(1.0, 5);
    // Column 1: −1.2, 0.0, −0.4, 3.0 → sorted −1.2, −0.4, 0.0, 3.0.
    expect(q[1]!).toBeCloseTo(-1.2 + 0.75 * 0.8, 5);
    expect(q[3]!).toBeCloseTo(-0.2, 5);
    // Two equal-weight components N(0, 1), N(2, 1): the median is 1 by symmetry, the mean 1, the
    // variance 1 + 1 = 2.
    const m = gaussianMixturePredictive(tf.tensor2d([0, 2], [2, 1]), 1, { quantiles: [0.5] });
    expect((await m.quantiles.data())[0]!).toBeCloseTo(1, 4);
    expect((await m.variance.data())[0]!).toBeCloseTo(2, 5);
    tree.dispose([s, m] as unknown as Tree);
    samples.dispose();
  });

  it('a few Bayes-by-backprop steps run, leak nothing and give finite losses', async () => {
    const x = tf.tensor2d([-0.5, 0, 0.5, 1], [4, 1]);
    const y = tf.tensor2d([0.1, 0.0, -0.2, 0.4], [4, 1]);
    const net = bayesianMlp([4, 1], { activation: 'tanh' });
    const before = tf.memory().numTensors;
    const { params, history } = await trainBayesByBackprop(key(0), net, { x, y }, { optimizer: adam(1e-2), likelihood: gaussianLikelihood(0.5), steps: 3, batchSize: 2 });
    const out = predictiveSamples(net, params, x, key(1), { numSamples: 2 });
    expect(out.shape).toEqual([2, 4, 1]);
    expect(Array.from(history).every(Number.isFinite)).toBe(true);
    out.dispose();
    tree.dispose(params);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([x, y]);
  });
});
