import * as tf from '@tensorflow/tfjs-core';
import { key, valueAndGrad } from '@probdl/tensor-backend';
import { describe, expect, it } from 'vitest';
import { Exponential } from '../../src/families/exponential.js';
import { casesOf } from '../helpers/reference.js';
import { expectGradsMatch, expectValueGradsMatch } from '../helpers/gradcheck.js';
import { meanWithinMcError } from '../helpers/stats.js';
import { expectMethodsDoNotLeak, scalarMethodCalls } from '../helpers/leaks.js';
import { expectKsPasses } from '../helpers/sampling.js';
import { checkReference } from './reference-check.js';

describe('Exponential against mpmath', () => {
  for (const c of casesOf('Exponential')) {
    const { rate } = c.params as { rate: number };
    it(`rate=${rate}`, async () => {
      const d = new Exponential({ rate });
      // logp = log λ - λx: rounding of λx in float32 (6e-8 relative; -700 ± 4e-5); log1mexp ~1e-6 relative.
      await checkReference(d, c, {
        logProb: { rtol: 2e-6, atol: 1e-6 },
        logCdf: { rtol: 2e-5, atol: 1e-6 },
        logSurvival: { rtol: 2e-6, atol: 1e-6 },
        entropy: { rtol: 1e-6, atol: 1e-6 },
        icdf: { rtol: 2e-6 },
      });
      await expect(d.mean()).toBeCloseTensor(1 / rate, { rtol: 1e-6 });
      await expect(d.variance()).toBeCloseTensor(1 / rate ** 2, { rtol: 1e-6 });
      d.dispose();
    });
  }
});

describe('Exponential', () => {
  it('samples: KS test of cdf(samples) and the mean within MC error', async () => {
    const d = new Exponential({ rate: 0.7 });
    const s = await expectKsPasses(d, key(0), 4000);
    expect(meanWithinMcError(s, 1 / 0.7, 1 / 0.7).ok).toBe(true);
    d.dispose();
  });
  it('support x >= 0: -Infinity below, logProb(0) = log rate; cdf 0 / survival 1 below; mode 0', async () => {
    const d = new Exponential({ rate: [2, 5] });
    await expect(d.logProb([-1, 0])).toBeCloseTensor([-Infinity, Math.log(5)], { rtol: 1e-6 });
    await expect(d.cdf([-1, -3])).toBeCloseTensor([0, 0]);
    await expect(d.survival([-1, -3])).toBeCloseTensor([1, 1]);
    await expect(d.mode()).toBeCloseTensor([0, 0]);
    await expect(d.stddev()).toBeCloseTensor([0.5, 0.2], { rtol: 1e-6 });
    d.dispose();
  });
  it('rejects a non-positive rate, naming the argument', () => {
    expect(() => new Exponential({ rate: 0 })).toThrow(/Exponential: argument 'rate' must be positive/);
    expect(() => new Exponential({ rate: Infinity })).toThrow(/Exponential: argument 'rate' must be positive and finite/);
  });
  it('reparameterised sample gradient: d sample / d rate = -sample / rate', async () => {
    const [, g] = valueAndGrad((p: { rate: tf.Tensor }) => tf.sum(new Exponential({ rate: p.rate, validateArgs: false }).sample(key(3), [2, 3])))({
      rate: tf.scalar(1.7),
    });
    const s = new Exponential({ rate: 1.7 }).sample(key(3), [2, 3]);
    await expect((g as { rate: tf.Tensor }).rate).toBeCloseTensor(tf.div(tf.sum(s), -1.7), { rtol: 1e-5 });
    expect(s.shape).toEqual([2, 3]);
  });
  it('has no leaks', async () => {
    const calls = scalarMethodCalls({ logProb: [0.5], prob: 1, cdf: 2, logCdf: 2, survival: 2, logSurvival: 2, icdf: 0.3 });
    await expectMethodsDoNotLeak([() => new Exponential({ rate: [1, 2] }), calls]);
  });
});

describe('Exponential gradients', () => {
  it('d logProb / dx and d cdf / dx agree with finite differences (what HMC and transforms need)', async () => {
    const d = new Exponential({ rate: 1.3 });
    await expectValueGradsMatch(d, ['logProb', 'cdf'], [0.05, 0.8, 3]);
    d.dispose();
  });
  it('d logProb / d rate and d logCdf / d rate agree with finite differences', async () => {
    for (const method of ['logProb', 'logCdf'] as const) {
      await expectGradsMatch((p) => tf.sum(new Exponential({ rate: p.rate!, validateArgs: false })[method]([0.01, 0.8, 3])), { rate: 1.3 }, { label: method });
    }
  });
});
