import * as tf from '@tensorflow/tfjs-core';
import { key } from '@probdl/tensor-backend';
import { describe, expect, it } from 'vitest';
import { Bernoulli } from '../../src/families/bernoulli.js';
import { casesOf, fitsFloat32, refNumber } from '../helpers/reference.js';
import { expectGradsMatch } from '../helpers/gradcheck.js';
import { chiSquare, chiSquareCritical, host } from '../helpers/stats.js';
import { expectMethodsDoNotLeak } from '../helpers/leaks.js';

describe('Bernoulli against mpmath', () => {
  const logitCases = casesOf('Bernoulli', 'logits_cases');
  it.each(logitCases.map((c) => [c.logits as number, c] as const))('logits=%s', async (_l, c) => {
    const d = new Bernoulli({ logits: c.logits });
    // Exact float32 results: logSigmoid(-1000) must be -1000 (not -inf); tiny values keep relative precision.
    await expect(d.logProb([1, 0])).toBeCloseTensor([refNumber(c.mp_log_prob_1), refNumber(c.mp_log_prob_0)], { rtol: 2e-6, atol: 0 });
    // Entropy (no mp field): scipy's value, which is exact to float64 rounding in this range; absolute 1e-7 at the tails.
    await expect(d.entropy()).toBeCloseTensor(refNumber(c.entropy), { rtol: 1e-5, atol: 1e-7 });
    d.dispose();
  });
  it('logits -1000 gives exactly -1000 and 0', async () => {
    const d = new Bernoulli({ logits: [-1000, 1000] });
    expect(Array.from(await d.logProb([[1, 1], [0, 0]]).data())).toEqual([-1000, -0, -0, -1000].map((v) => v + 0));
    d.dispose();
  });
  // probs cases: 1e-300 (underflows to 0) and 0.999999999999 (rounds to 1) are not float32 values: skipped.
  const probCases = casesOf('Bernoulli', 'probs_cases').filter((c) => {
    const p = refNumber(c.probs);
    return fitsFloat32(p) && (p === 1 || Math.fround(p) !== 1);
  });
  it.each(probCases.map((c) => [c.probs as number, c] as const))('probs=%s', async (_p, c) => {
    const d = new Bernoulli({ probs: c.probs });
    await expect(d.logProb([1, 0])).toBeCloseTensor([refNumber(c.log_prob_1), refNumber(c.log_prob_0)], { rtol: 2e-6, atol: 1e-12 });
    await expect(d.mean()).toBeCloseTensor(refNumber(c.mean), { rtol: 1e-6, atol: 0 });
    await expect(d.variance()).toBeCloseTensor(refNumber(c.variance), { rtol: 1e-5, atol: 0 });
    await expect(d.entropy()).toBeCloseTensor(refNumber(c.entropy), { rtol: 1e-5, atol: 1e-12 });
    await expect(d.logitsParameter()).toBeCloseTensor(refNumber(c.logits), { rtol: 1e-5, atol: 1e-7 });
    await expect(d.probsParameter()).toBeCloseTensor(Math.fround(refNumber(c.probs)), { rtol: 0, atol: 0 });
    d.dispose();
  });
});

describe('Bernoulli', () => {
  it('logProb is -Infinity outside {0, 1}; cdf and mode', async () => {
    const d = new Bernoulli({ probs: 0.3 });
    await expect(d.logProb([-1, 0.5, 2, 1])).toBeCloseTensor([-Infinity, -Infinity, -Infinity, Math.log(0.3)], { rtol: 1e-6 });
    await expect(d.cdf([-0.5, 0, 0.5, 1, 3])).toBeCloseTensor([0, 0.7, 0.7, 1, 1], { rtol: 1e-6 });
    await expect(d.mode()).toBeCloseTensor(0);
    await expect(new Bernoulli({ logits: [-1, 0, 2] }).mode()).toBeCloseTensor([0, 0, 1]);
    d.dispose();
  });
  it('samples: float32, chi-square on the counts, shape sampleShape + batchShape', async () => {
    const d = new Bernoulli({ logits: [-1.5, 0.2] });
    const s = d.sample(key(4), [5000]);
    expect(s.dtype).toBe('float32');
    expect(s.shape).toEqual([5000, 2]);
    const h = await host(s);
    const p = [1 / (1 + Math.exp(1.5)), 1 / (1 + Math.exp(-0.2))];
    for (let j = 0; j < 2; j++) {
      let ones = 0;
      for (let i = j; i < h.length; i += 2) ones += h[i]!;
      expect(h.every((v) => v === 0 || v === 1)).toBe(true);
      const { statistic, dof } = chiSquare([5000 - ones, ones], [1 - p[j]!, p[j]!]);
      expect(statistic).toBeLessThan(chiSquareCritical(dof));
    }
    d.dispose();
  });
  it('rejects bad arguments, naming them', () => {
    expect(() => new Bernoulli({ probs: 1.5 })).toThrow(/Bernoulli: argument 'probs' must be a probability/);
    expect(() => new Bernoulli({ logits: NaN })).toThrow(/Bernoulli: argument 'logits' must be a number/);
    expect(() => new Bernoulli({ logits: 0, probs: 0.5 })).toThrow(/exactly one of 'logits' and 'probs'/);
    expect(() => new Bernoulli({})).toThrow(/exactly one of 'logits' and 'probs'/);
  });
  it('d logProb / d logits agree with finite differences', async () => {
    const x = [1, 0, 1, 0];
    await expectGradsMatch((p) => tf.sum(new Bernoulli({ logits: p.logits!, validateArgs: false }).logProb(x)), {
      logits: [-2, -0.3, 0.7, 4],
    });
  });
  it('has no leaks', async () => {
    await expectMethodsDoNotLeak(
      [
        () => new Bernoulli({ probs: [0.2, 0.9] }),
        [['sample', key(1), [3]], ['logProb', [1, 0]], ['prob', 1], ['cdf', 0], ['mean'], ['mode'], ['entropy'], ['variance'], ['stddev'], ['probsParameter'], ['logitsParameter']],
      ],
      [() => new Bernoulli({ logits: 0.5 }), [['probsParameter'], ['logProb', 1]]],
    );
  });
});
