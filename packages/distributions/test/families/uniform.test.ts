import * as tf from '@tensorflow/tfjs-core';
import { key, valueAndGrad } from '@probdl/tensor-backend';
import { describe, expect, it } from 'vitest';
import type { Distribution } from '../../src/distribution.js';
import { Uniform } from '../../src/families/uniform.js';
import { casesOf } from '../helpers/reference.js';
import { expectGradsMatch, expectValueGradsMatch } from '../helpers/gradcheck.js';
import { meanWithinMcError } from '../helpers/stats.js';
import { expectMethodsDoNotLeak, scalarMethodCalls } from '../helpers/leaks.js';
import { expectKsPasses } from '../helpers/sampling.js';
import { checkReference } from './reference-check.js';

describe('Uniform against mpmath', () => {
  for (const c of casesOf('Uniform')) {
    const { low, high } = c.params as { low: number; high: number };
    it(`low=${low} high=${high}`, async () => {
      const d = new Uniform({ low, high });
      // The support is [low, high) as in TFP; scipy (and so the reference) includes x = high, where the
      // reference log density is finite: that point is skipped for logProb and checked separately below.
      // Points within 1e-12 of a bound are skipped too: they round to the bound itself in float32.
      const nearBound = (x: number) => Math.fround(x) !== x && (Math.fround(x) === Math.fround(low) || Math.fround(x) === Math.fround(high));
      const tol = {
        logProb: { rtol: 1e-6, atol: 1e-6 },
        logCdf: { rtol: 1e-5, atol: 1e-6 },
        logSurvival: { rtol: 1e-5, atol: 1e-6 },
        entropy: { rtol: 1e-5, atol: 1e-6 },
        mean: { rtol: 1e-6 },
        variance: { rtol: 1e-5 },
        icdf: { rtol: 1e-6, atol: 1e-7 },
      };
      await checkReference(d, c, tol, { skipX: (x) => x === high || nearBound(x) });
      await expect(d.logProb(high)).toBeCloseTensor(-Infinity);
      await expect(d.logSurvival(high)).toBeCloseTensor(-Infinity);
      d.dispose();
    });
  }
});

describe('Uniform', () => {
  it('samples: KS test of cdf(samples), the mean within MC error, and all in [low, high)', async () => {
    const d = new Uniform({ low: -2, high: 3 });
    const v = await expectKsPasses(d, key(0), 4000);
    expect(meanWithinMcError(v, 0.5, 5 / Math.sqrt(12)).ok).toBe(true);
    expect(v.every((x) => x >= -2 && x < 3)).toBe(true);
    d.dispose();
  });
  it('cdf is 0 below and 1 above; support check; stddev', async () => {
    const d = new Uniform({ low: [0, 1], high: 2 });
    await expect(d.cdf([-1, 5])).toBeCloseTensor([0, 1]);
    await expect(d.survival([-1, 5])).toBeCloseTensor([1, 0]);
    await expect(d.support.check(tf.tensor1d([0, 2]))).toBeCloseTensor([1, 0]);
    await expect(d.stddev()).toBeCloseTensor([2 / Math.sqrt(12), 1 / Math.sqrt(12)], { rtol: 1e-6 });
    d.dispose();
  });
  it('rejects bad bounds, naming the argument', () => {
    expect(() => new Uniform({ low: 1, high: 1 })).toThrow(/Uniform: argument 'high' must be greater than 'low', got high - low = 0/);
    expect(() => new Uniform({ low: [0, 2], high: [1, 1] })).toThrow(/Uniform: argument 'high' must be greater than 'low'.*flat index 1/);
    expect(() => new Uniform({ low: -Infinity, high: 1 })).toThrow(/Uniform: argument 'low' must be finite/);
    expect(() => new Uniform({ low: [0, 1], high: [2, 3, 4] })).toThrow(/'low' \[2\] and 'high' \[3\] do not broadcast/);
  });
  it('reparameterised sample gradients: d x/d low = 1 - u, d x/d high = u', async () => {
    const u = new Uniform({ low: 0, high: 1 }).sample(key(3), 7);
    const [, g] = valueAndGrad((p: { low: tf.Tensor; high: tf.Tensor }) =>
      tf.sum(new Uniform({ low: p.low, high: p.high, validateArgs: false }).sample(key(3), 7)),
    )({ low: tf.scalar(-1), high: tf.scalar(4) });
    const grads = g as { low: tf.Tensor; high: tf.Tensor };
    await expect(grads.high).toBeCloseTensor(tf.sum(u), { rtol: 1e-5 });
    await expect(grads.low).toBeCloseTensor(tf.sub(7, tf.sum(u)), { rtol: 1e-5 });
  });
  it('has no leaks', async () => {
    const calls = scalarMethodCalls({ logProb: [0.5], prob: 1, cdf: 1.5, logCdf: 1.5, survival: 1.5, logSurvival: 1.5, icdf: 0.3, without: ['mode'] });
    const checkSupport = (d: Distribution) => {
      const one = tf.scalar(1);
      return [one, d.support.check(one)];
    };
    await expectMethodsDoNotLeak([() => new Uniform({ low: [0, 1], high: 2 }), [...calls, checkSupport]]);
  });
});

describe('Uniform gradients', () => {
  it('d logProb / dx and d cdf / dx agree with finite differences (what HMC and transforms need)', async () => {
    const d = new Uniform({ low: -0.4, high: 2.1 });
    await expectValueGradsMatch(d, ['logProb', 'cdf'], [0.3, 1.2]);
    d.dispose();
  });
  it('d logProb and d cdf / d(low, high) agree with finite differences', async () => {
    for (const method of ['logProb', 'cdf'] as const) {
      await expectGradsMatch(
        (p) => tf.sum(new Uniform({ low: p.low!, high: p.high!, validateArgs: false })[method]([0.3, 1.2])),
        { low: -0.4, high: 2.1 },
        { label: method },
      );
    }
  });
});
