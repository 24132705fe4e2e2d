import * as tf from '@tensorflow/tfjs-core';
import { expectNoLeaks } from '@probdl/vitest-config/matchers';
import { key } from '@probdl/tensor-backend';
import { describe, expect, it } from 'vitest';
import { Independent } from '../../src/combinators/independent.js';
import { Normal } from '../../src/families/normal.js';
import { expectGradsMatch } from '../helpers/gradcheck.js';
import { host, meanWithinMcError } from '../helpers/stats.js';
import { normalLogPdf } from './logits-categorical.js';

const loc = [[0, 1, -1], [2, 0.5, 3]];
const scale = [[1, 2, 0.5], [0.3, 1, 4]];

describe('Independent', () => {
  it('reinterprets the last batch dimension as an event; logProb and entropy sum over it', async () => {
    const d = new Independent({ distribution: new Normal({ loc, scale }), reinterpretedBatchNdims: 1 });
    expect(d.batchShape).toEqual([2]);
    expect(d.eventShape).toEqual([3]);
    const x = [0.1, -0.4, 2];
    const expected = loc.map((row, b) => row.reduce((a, m, j) => a + normalLogPdf(x[j]!, m, scale[b]![j]!), 0));
    await expect(d.logProb(x)).toBeCloseTensor(expected, { rtol: 1e-5, atol: 1e-5 });
    // x of shape [4, 1, 3] broadcasts against batch [2]: result [4, 2]
    expect(d.logProb([[x], [x], [x], [x]]).shape).toEqual([4, 2]);
    const ent = scale.map((row) => row.reduce((a, s) => a + Math.log(s) + 0.5 + 0.5 * Math.log(2 * Math.PI), 0));
    await expect(d.entropy()).toBeCloseTensor(ent, { rtol: 1e-5, atol: 1e-5 });
    await expect(d.mean()).toBeCloseTensor(loc);
    await expect(d.mode()).toBeCloseTensor(loc);
    await expect(d.variance()).toBeCloseTensor(scale.map((r) => r.map((s) => s * s)), { rtol: 1e-6 });
    await expect(d.stddev()).toBeCloseTensor(scale, { rtol: 1e-6 });
    expect(d.sample(key(0), [5]).shape).toEqual([5, 2, 3]);
    expect(d.reparameterized).toBe(true);
    expect(d.support.eventRank).toBe(1);
    await expect(tf.tidy(() => d.support.check(tf.tensor([[0, 1, NaN], [0, 0, 0]])))).toBeCloseTensor([false, true]);
    d.dispose();
  });

  it('defaults to reinterpreting all batch dimensions, and 0 is the identity', async () => {
    const all = new Independent({ distribution: new Normal({ loc, scale }) });
    expect(all.batchShape).toEqual([]);
    expect(all.eventShape).toEqual([2, 3]);
    const x = [[0, 0, 0], [1, 1, 1]];
    const expected = loc.reduce((a, row, b) => a + row.reduce((c, m, j) => c + normalLogPdf(x[b]![j]!, m, scale[b]![j]!), 0), 0);
    await expect(all.logProb(x)).toBeCloseTensor(expected, { rtol: 1e-5 });
    const none = new Independent({ distribution: new Normal({ loc, scale }), reinterpretedBatchNdims: 0 });
    expect(none.batchShape).toEqual([2, 3]);
    expect(none.eventShape).toEqual([]);
    all.dispose();
    none.dispose();
  });

  it('samples are the base samples (mean within MC error)', async () => {
    const d = new Independent({ distribution: new Normal({ loc: [1, -2], scale: [0.5, 3] }), reinterpretedBatchNdims: 1 });
    const s = await host(d.sample(key(4), 3000));
    const col = (j: number) => Array.from({ length: 3000 }, (_, i) => s[2 * i + j]!);
    expect(meanWithinMcError(col(0), 1, 0.5).ok).toBe(true);
    expect(meanWithinMcError(col(1), -2, 3).ok).toBe(true);
    d.dispose();
  });

  it('gradients of logProb agree with finite differences', async () => {
    const x = [0.3, -1.1];
    await expectGradsMatch(
      (p) => tf.sum(new Independent({ distribution: new Normal({ loc: p.loc!, scale: p.scale!, validateArgs: false }), reinterpretedBatchNdims: 1 }).logProb(x)),
      { loc: [0.1, -0.5], scale: [0.8, 1.6] },
    );
  });

  it('errors name reinterpretedBatchNdims', () => {
    const n = new Normal({ loc: [0, 1], scale: 1 });
    expect(() => new Independent({ distribution: n, reinterpretedBatchNdims: 2 })).toThrow(/Independent: argument 'reinterpretedBatchNdims' \(2\) exceeds the rank/);
    expect(() => new Independent({ distribution: n, reinterpretedBatchNdims: -1 })).toThrow(/'reinterpretedBatchNdims' must be a non-negative integer/);
    expect(() => new Independent({ distribution: {} as Normal })).toThrow(/argument 'distribution' must be a Distribution/);
    n.dispose();
  });

  it('has no leaks', async () => {
    await expectNoLeaks(() => {
      const d = new Independent({ distribution: new Normal({ loc, scale: 2 }), reinterpretedBatchNdims: 1 });
      const out = [
        d.sample(key(1), [3]),
        d.logProb([0.5, 0, 1]),
        d.prob([0.5, 0, 1]),
        d.entropy(),
        d.mean(),
        d.mode(),
        d.variance(),
        d.stddev(),
        tf.tidy(() => d.support.check(tf.zeros([3]))),
        ...d.sampleAndLogProb(key(2), 2),
      ];
      d.dispose();
      return out;
    });
  });
});
