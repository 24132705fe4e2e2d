import * as tf from '@tensorflow/tfjs-core';
import { key } from '@probdl/tensor-backend';
import { describe, expect, it } from 'vitest';
import { Categorical } from '../../src/families/categorical.js';
import { casesOf, fitsFloat32, nums, refNumber } from '../helpers/reference.js';
import { expectGradsMatch } from '../helpers/gradcheck.js';
import { chiSquare, chiSquareCritical, host } from '../helpers/stats.js';
import { expectMethodsDoNotLeak } from '../helpers/leaks.js';

// The Categorical reference has no mp_* fields: log_probs are logits - logsumexp(logits) and entropies
// -Σ p log p, closed forms that scipy/numpy compute exactly to float64 rounding in these cases.
describe('Categorical against the reference', () => {
  for (const c of casesOf('Categorical', 'logits_cases')) {
    it(`logits=${JSON.stringify(c.logits)}`, async () => {
      const logits = nums(c.logits) as number[];
      const d = new Categorical({ logits });
      const k = logits.map((_, i) => i);
      // float32: absolute error ~ eps·max|logit| (logits 700..720 and ±1000 lose that much in the subtraction).
      const maxAbs = Math.max(...logits.filter(Number.isFinite).map(Math.abs));
      await expect(d.logProb(k)).toBeCloseTensor(nums(c.log_probs), { rtol: 2e-6, atol: 1.2e-7 * Math.max(1, maxAbs) });
      await expect(d.entropy()).toBeCloseTensor(refNumber(c.entropy), { rtol: 1e-5, atol: 1e-6 });
      await expect(d.probsParameter()).toBeCloseTensor(nums(c.probs), { rtol: 1e-5, atol: 1e-7 });
      d.dispose();
    });
  }
  for (const c of casesOf('Categorical', 'probs_cases')) {
    const probs = nums(c.probs) as number[];
    // probs 1e-300 underflows to 0 in float32: that case is skipped.
    if (!probs.every(fitsFloat32)) continue;
    it(`probs=${JSON.stringify(c.probs)}`, async () => {
      const d = new Categorical({ probs });
      await expect(d.logProb(probs.map((_, i) => i))).toBeCloseTensor(nums(c.log_probs), { rtol: 2e-6, atol: 1e-7 });
      await expect(d.entropy()).toBeCloseTensor(refNumber(c.entropy), { rtol: 1e-5, atol: 1e-7 });
      d.dispose();
    });
  }
});

describe('Categorical', () => {
  it('shapes, broadcasting, int32 x, -Infinity outside the support, mode', async () => {
    const d = new Categorical({ logits: [[0, 1, 2], [2, 1, 0]] });
    expect(d.batchShape).toEqual([2]);
    expect(d.eventShape).toEqual([]);
    expect(d.numCategories).toBe(3);
    const lse = Math.log(1 + Math.E + Math.E ** 2);
    await expect(d.logProb(tf.tensor([[0], [2]], [2, 1], 'int32'))).toBeCloseTensor([[-lse, 2 - lse], [2 - lse, -lse]], { rtol: 1e-6 });
    await expect(d.logProb([[-1, 3], [0.5, 1]])).toBeCloseTensor([[-Infinity, -Infinity], [-Infinity, 1 - lse]], { rtol: 1e-6 });
    const m = d.mode();
    expect(m.dtype).toBe('int32');
    await expect(m).toBeCloseTensor([2, 0]);
    expect(() => d.mean()).toThrow(/Categorical.mean/);
    d.dispose();
  });
  it('samples: int32, chi-square on the counts', async () => {
    const logits = [-1, 0.5, 2, -Infinity, 0];
    const d = new Categorical({ logits });
    const s = d.sample(key(6), [6000]);
    expect(s.dtype).toBe('int32');
    expect(s.shape).toEqual([6000]);
    const h = await host(s);
    const counts = new Array(5).fill(0);
    for (const v of h) counts[v]++;
    expect(counts[3]).toBe(0);
    const z = logits.reduce((a, l) => a + Math.exp(l), 0);
    const p = logits.map((l) => Math.exp(l) / z);
    const { statistic, dof } = chiSquare(counts, p);
    expect(statistic).toBeLessThan(chiSquareCritical(dof));
    expect(d.sample(key(1), [4, 2]).shape).toEqual([4, 2]);
    d.dispose();
  });
  it('rejects bad arguments, naming them', () => {
    expect(() => new Categorical({ probs: [0.5, 0.6] })).toThrow(/Categorical: argument 'probs' must sum to 1/);
    expect(() => new Categorical({ logits: [0, NaN] })).toThrow(/Categorical: argument 'logits' must be a number below \+Infinity/);
    expect(() => new Categorical({ logits: [0, Infinity] })).toThrow(/Categorical: argument 'logits'/);
    expect(() => new Categorical({ logits: 0 })).toThrow(/Categorical: argument 'logits' must have rank >= 1/);
    expect(() => new Categorical({ logits: [0], probs: [1] })).toThrow(/exactly one of 'logits' and 'probs'/);
  });
  it('d logProb / d logits agree with finite differences', async () => {
    const x = [0, 2, 2, 1];
    await expectGradsMatch((p) => tf.sum(new Categorical({ logits: p.logits!, validateArgs: false }).logProb(x)), {
      logits: [-0.5, 0.3, 1.2],
    });
  });
  it('has no leaks', async () => {
    await expectMethodsDoNotLeak(
      [
        () => new Categorical({ probs: [[0.2, 0.8], [0.5, 0.5]] }),
        [['sample', key(1), [3]], ['logProb', [1, 0]], ['prob', 1], ['mode'], ['entropy'], ['probsParameter'], ['logitsParameter']],
      ],
      [() => new Categorical({ logits: [0, -Infinity, 1] }), [['probsParameter'], ['logProb', 2], ['entropy'], ['sample', key(2)]]],
    );
  });
});
