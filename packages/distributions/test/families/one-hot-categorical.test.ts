import * as tf from '@tensorflow/tfjs-core';
import { key } from '@probdl/tensor-backend';
import { describe, expect, it } from 'vitest';
import { OneHotCategorical } from '../../src/families/one-hot-categorical.js';
import { casesOf, nums, refNumber } from '../helpers/reference.js';
import { expectGradsMatch } from '../helpers/gradcheck.js';
import { chiSquare, chiSquareCritical, host } from '../helpers/stats.js';
import { expectMethodsDoNotLeak } from '../helpers/leaks.js';

const eye = (k: number) => Array.from({ length: k }, (_, i) => Array.from({ length: k }, (_, j) => (i === j ? 1 : 0)));

// No OneHotCategorical reference: the Categorical cases apply to one-hot vectors (closed forms, see categorical.test.ts).
describe('OneHotCategorical against the Categorical reference', () => {
  for (const c of casesOf('Categorical', 'logits_cases')) {
    it(`logits=${JSON.stringify(c.logits)}`, async () => {
      const logits = nums(c.logits) as number[];
      const d = new OneHotCategorical({ logits });
      const maxAbs = Math.max(...logits.filter(Number.isFinite).map(Math.abs));
      await expect(d.logProb(eye(logits.length))).toBeCloseTensor(nums(c.log_probs), { rtol: 2e-6, atol: 1.2e-7 * Math.max(1, maxAbs) });
      await expect(d.entropy()).toBeCloseTensor(refNumber(c.entropy), { rtol: 1e-5, atol: 1e-6 });
      const p = nums(c.probs) as number[];
      await expect(d.mean()).toBeCloseTensor(p, { rtol: 1e-5, atol: 1e-7 });
      await expect(d.variance()).toBeCloseTensor(p.map((v) => v * (1 - v)), { rtol: 1e-5, atol: 1e-7 });
      d.dispose();
    });
  }
});

describe('OneHotCategorical', () => {
  it('shapes, -Infinity for vectors that are not one-hot, mode', async () => {
    const d = new OneHotCategorical({ probs: [[0.2, 0.3, 0.5], [0.6, 0.3, 0.1]] });
    expect(d.batchShape).toEqual([2]);
    expect(d.eventShape).toEqual([3]);
    await expect(d.logProb([[0, 0, 1], [0, 0, 1]])).toBeCloseTensor([Math.log(0.5), Math.log(0.1)], { rtol: 1e-6 });
    await expect(d.logProb([[1, 1, 0], [0, 0, 0]])).toBeCloseTensor([-Infinity, -Infinity]);
    await expect(d.logProb([[[0, 1, 0]], [[1, 0, 0]]])).toBeCloseTensor([[Math.log(0.3), Math.log(0.3)], [Math.log(0.2), Math.log(0.6)]], { rtol: 1e-6 });
    await expect(d.mode()).toBeCloseTensor([[0, 0, 1], [1, 0, 0]]);
    expect(() => d.logProb([1, 0])).toThrow(/OneHotCategorical.logProb: x must end in the event shape \[3\]/);
    d.dispose();
  });
  it('samples: float32 one-hot vectors, chi-square on the counts', async () => {
    const p = [0.1, 0.25, 0.4, 0.25];
    const d = new OneHotCategorical({ probs: p });
    const s = d.sample(key(12), [5000]);
    expect(s.dtype).toBe('float32');
    expect(s.shape).toEqual([5000, 4]);
    const h = await host(s);
    const counts = [0, 0, 0, 0];
    for (let i = 0; i < 5000; i++) {
      let ones = 0;
      for (let j = 0; j < 4; j++) {
        counts[j]! += h[i * 4 + j]!;
        ones += h[i * 4 + j]!;
      }
      expect(ones).toBe(1);
    }
    const { statistic, dof } = chiSquare(counts, p);
    expect(statistic).toBeLessThan(chiSquareCritical(dof));
    d.dispose();
  });
  it('rejects bad arguments, naming them', () => {
    expect(() => new OneHotCategorical({ probs: [0.5, 0.6] })).toThrow(/OneHotCategorical: argument 'probs' must sum to 1/);
    expect(() => new OneHotCategorical({ logits: [0, NaN] })).toThrow(/OneHotCategorical: argument 'logits'/);
    expect(() => new OneHotCategorical({})).toThrow(/exactly one of 'logits' and 'probs'/);
  });
  it('d logProb / d logits agree with finite differences', async () => {
    const x = [[1, 0, 0], [0, 0, 1], [0, 1, 0]];
    await expectGradsMatch(
      (p) => tf.sum(new OneHotCategorical({ logits: p.logits!, validateArgs: false }).logProb(x)),
      {
      logits: [-0.5, 0.3, 1.2],
    },
    );
  });
  it('has no leaks', async () => {
    await expectMethodsDoNotLeak(
      [
        () => new OneHotCategorical({ probs: [[0.2, 0.8], [0.5, 0.5]] }),
        [['sample', key(1), [3]], ['logProb', [1, 0]], ['prob', [0, 1]], ['mode'], ['mean'], ['variance'], ['entropy'], ['probsParameter'], ['logitsParameter']],
      ],
      [() => new OneHotCategorical({ logits: [0, -Infinity, 1] }), [['logProb', [0, 0, 1]], ['entropy'], ['sample', key(2)]]],
    );
  });
});
