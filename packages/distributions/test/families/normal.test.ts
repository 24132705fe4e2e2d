import * as tf from '@tensorflow/tfjs-core';
import { key, valueAndGrad } from '@probdl/tensor-backend';
import { describe, expect, it } from 'vitest';
import { Normal } from '../../src/index.js';
import { casesOf } from '../helpers/reference.js';
import { expectGradsMatch, expectValueGradsMatch } from '../helpers/gradcheck.js';
import { expectMethodsDoNotLeak, scalarMethodCalls } from '../helpers/leaks.js';
import { expectKsPasses } from '../helpers/sampling.js';
import { meanWithinMcError } from '../helpers/stats.js';
import { checkReference } from './reference-check.js';

describe('Normal against mpmath', () => {
  for (const c of casesOf('Normal')) {
    it(`loc=${c.params.loc} scale=${c.params.scale}`, async () => {
      const d = new Normal({ loc: c.params.loc, scale: c.params.scale });
      // float32: relative 1e-5 of the value plus an absolute allowance for rounding of x itself.
      // icdf: ndtri is ~1e-6 relative in float32; absolute 1e-6·scale near the median (quantile 0).
      await checkReference(d, c, {
        logProb: { rtol: 2e-5, atol: 1e-5 },
        logCdf: { rtol: 1e-4, atol: 1e-6 },
        logSurvival: { rtol: 1e-4, atol: 1e-6 },
        entropy: { rtol: 1e-6, atol: 1e-6 },
        mean: { rtol: 1e-6, atol: 1e-7 },
        variance: { rtol: 1e-6 },
        icdf: { rtol: 1e-5, atol: 1e-6 * (c.params.scale as number) },
      });
      d.dispose();
    });
  }
});

describe('Normal', () => {
  it('samples: KS test of cdf(samples) and the mean within MC error', async () => {
    const d = new Normal({ loc: 1.5, scale: 2 });
    const s = await expectKsPasses(d, key(0), 4000);
    expect(meanWithinMcError(s, 1.5, 2).ok).toBe(true);
    d.dispose();
  });
  it('rejects a non-positive scale, naming the argument', () => {
    expect(() => new Normal({ loc: 0, scale: -1 })).toThrow(/Normal: argument 'scale' must be positive/);
    expect(() => new Normal({ loc: [0, 1], scale: [1, 1, 1] })).toThrow(/'loc' \[2\] and 'scale' \[3\] do not broadcast/);
  });
  it('reparameterised sample gradient: d sample / d scale = eps', async () => {
    const eps = new Normal({ loc: 0, scale: 1 }).sample(key(3), 5);
    const { grads } = await (async () => {
      const [, g] = valueAndGrad((p: { scale: tf.Tensor }) => tf.sum(new Normal({ loc: 0, scale: p.scale, validateArgs: false }).sample(key(3), 5)))({ scale: tf.scalar(2) });
      return { grads: g as { scale: tf.Tensor } };
    })();
    await expect(grads.scale).toBeCloseTensor(tf.sum(eps), { rtol: 1e-5 });
  });
  it('logProb is -Infinity at NaN; mode and stddev; shapes broadcast', async () => {
    const d = new Normal({ loc: [0, 1, 2], scale: [[1], [2]] });
    await expect(d.logProb([NaN, 0, 0])).toBeCloseTensor([
      [-Infinity, -1.4189385332046727, -2.9189385332046727],
      [-Infinity, -1.737085713764618, -2.112085713764618],
    ], { rtol: 1e-6 });
    await expect(d.mode()).toBeCloseTensor([
      [0, 1, 2],
      [0, 1, 2],
    ]);
    await expect(d.stddev()).toBeCloseTensor([
      [1, 1, 1],
      [2, 2, 2],
    ]);
    expect(d.sample(key(2), [4]).shape).toEqual([4, 2, 3]);
    d.dispose();
  });
  it('has no leaks', async () => {
    await expectMethodsDoNotLeak([() => new Normal({ loc: [0, 1], scale: 2 }), scalarMethodCalls({ logProb: [0.5], prob: 1, cdf: 0, icdf: 0.3 })]);
  });
});

describe('Normal gradients', () => {
  it('d logProb / dx and d cdf / dx agree with finite differences (what HMC and transforms need)', async () => {
    const d = new Normal({ loc: 0.3, scale: 1.7 });
    await expectValueGradsMatch(d, ['logProb', 'cdf'], [-1.3, 0.2, 2.5]);
    d.dispose();
  });
  it('d logProb / d(loc, scale) agree with finite differences', async () => {
    const x = [-1.3, 0.2, 2.5];
    await expectGradsMatch((p) => tf.sum(new Normal({ loc: p.loc!, scale: p.scale!, validateArgs: false }).logProb(x)), { loc: 0.3, scale: 1.7 });
  });
});
