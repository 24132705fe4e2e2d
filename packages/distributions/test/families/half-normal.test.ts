import * as tf from '@tensorflow/tfjs-core';
import { key, valueAndGrad } from '@probdl/tensor-backend';
import { describe, expect, it } from 'vitest';
import { HalfNormal } from '../../src/families/half-normal.js';
import { casesOf } from '../helpers/reference.js';
import { expectGradsMatch, expectValueGradsMatch } from '../helpers/gradcheck.js';
import { meanWithinMcError } from '../helpers/stats.js';
import { expectMethodsDoNotLeak, scalarMethodCalls } from '../helpers/leaks.js';
import { expectKsPasses } from '../helpers/sampling.js';
import { checkReference } from './reference-check.js';

describe('HalfNormal against mpmath', () => {
  for (const c of casesOf('HalfNormal')) {
    const { scale } = c.params as { scale: number };
    it(`scale=${scale}`, async () => {
      const d = new HalfNormal({ scale });
      // float32: ~1e-6 relative for logp and logNdtr; absolute 1e-6 near log 1 = 0.
      await checkReference(d, c, {
        logProb: { rtol: 2e-6, atol: 1e-6 },
        logCdf: { rtol: 2e-5, atol: 1e-6 },
        logSurvival: { rtol: 2e-5, atol: 1e-6 },
        entropy: { rtol: 1e-6, atol: 1e-6 },
        mean: { rtol: 1e-6 },
        variance: { rtol: 1e-6 },
        icdf: { rtol: 2e-5 },
      });
      d.dispose();
    });
  }
});

describe('HalfNormal', () => {
  it('samples: KS test of cdf(samples) and the mean within MC error', async () => {
    const d = new HalfNormal({ scale: 2 });
    const s = await expectKsPasses(d, key(0), 4000);
    expect(meanWithinMcError(s, 2 * Math.sqrt(2 / Math.PI), 2 * Math.sqrt(1 - 2 / Math.PI)).ok).toBe(true);
    d.dispose();
  });
  it('support x >= 0: -Infinity below, cdf 0 and survival 1 there; mode 0, stddev', async () => {
    const d = new HalfNormal({ scale: [1, 3] });
    await expect(d.logProb([-0.5, -1e-12])).toBeCloseTensor([-Infinity, -Infinity]);
    await expect(d.cdf([-1, -1])).toBeCloseTensor([0, 0]);
    await expect(d.survival([-1, -1])).toBeCloseTensor([1, 1]);
    await expect(d.mode()).toBeCloseTensor([0, 0]);
    await expect(d.stddev()).toBeCloseTensor([1, 3].map((s) => s * Math.sqrt(1 - 2 / Math.PI)), { rtol: 1e-6 });
    d.dispose();
  });
  it('shapes broadcast', () => {
    const d = new HalfNormal({ scale: [1, 2, 3] });
    expect(d.sample(key(1), [4, 2]).shape).toEqual([4, 2, 3]);
    expect(d.logProb([[1], [2]]).shape).toEqual([2, 3]);
    d.dispose();
  });
  it('rejects a non-positive scale, naming the argument', () => {
    expect(() => new HalfNormal({ scale: -1 })).toThrow(/HalfNormal: argument 'scale' must be positive/);
    expect(() => new HalfNormal({ scale: [1, 0] })).toThrow(/HalfNormal: argument 'scale' must be positive and finite, got 0 at flat index 1/);
  });
  it('reparameterised sample gradient: d sample / d scale = sample / scale', async () => {
    const scale = tf.scalar(2.5);
    const [, g] = valueAndGrad((p: { scale: tf.Tensor }) => tf.sum(new HalfNormal({ scale: p.scale, validateArgs: false }).sample(key(3), 6)))({ scale });
    const s = new HalfNormal({ scale: 2.5 }).sample(key(3), 6);
    await expect((g as { scale: tf.Tensor }).scale).toBeCloseTensor(tf.div(tf.sum(s), 2.5), { rtol: 1e-5 });
  });
  it('has no leaks', async () => {
    const calls = scalarMethodCalls({ logProb: [0.5], prob: 1, cdf: 2, logCdf: 2, survival: 2, logSurvival: 2, icdf: 0.3 });
    await expectMethodsDoNotLeak([() => new HalfNormal({ scale: [1, 2] }), calls]);
  });
});

describe('HalfNormal gradients', () => {
  it('d logProb / dx and d cdf / dx agree with finite differences (what HMC and transforms need)', async () => {
    const d = new HalfNormal({ scale: 1.4 });
    await expectValueGradsMatch(d, ['logProb', 'cdf'], [0.2, 1.3, 3.5]);
    d.dispose();
  });
  it('d logProb / d scale and d logCdf / d scale agree with finite differences', async () => {
    const x = [0.2, 1.3, 3.5];
    for (const method of ['logProb', 'logCdf', 'logSurvival'] as const) {
      await expectGradsMatch((p) => tf.sum(new HalfNormal({ scale: p.scale!, validateArgs: false })[method](x)), { scale: 1.4 }, { label: method });
    }
  });
});
