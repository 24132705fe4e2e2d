import * as tf from '@tensorflow/tfjs-core';
import { key } from '@probdl/tensor-backend';
import { describe, expect, it } from 'vitest';
import { Cauchy } from '../../src/families/cauchy.js';
import { casesOf } from '../helpers/reference.js';
import { expectGradsMatch } from '../helpers/gradcheck.js';
import { expectMethodsDoNotLeak, scalarMethodCalls } from '../helpers/leaks.js';
import { expectKsPasses, expectSampleScaleGradient } from '../helpers/sampling.js';
import { checkReference } from './reference-check.js';

describe('Cauchy against mpmath', () => {
  for (const c of casesOf('Cauchy')) {
    it(`loc=${c.params.loc} scale=${c.params.scale}`, async () => {
      const d = new Cauchy({ loc: c.params.loc, scale: c.params.scale });
      // x = ±1e300 is not representable in float32 (checkReference drops it).
      // The log cdf's atol covers the float32 rounding of x itself (relative 6e-8 of x, times the log-cdf slope).
      // Quantiles are the closed form loc + scale tan(π(q - ½)); scipy's values agree with it to ~1e-15.
      await checkReference(d, c, {
        logProb: { rtol: 2e-6, atol: 2e-6 },
        logCdf: { rtol: 1e-5, atol: 2e-6 },
        logSurvival: { rtol: 1e-5, atol: 2e-6 },
        entropy: { rtol: 1e-6 },
        icdf: { rtol: 2e-5, atol: 1e-5 * c.params.scale },
      });
      d.dispose();
    });
  }
});

describe('Cauchy', () => {
  it('samples: KS test of cdf(samples)', async () => {
    const d = new Cauchy({ loc: -1, scale: 3 });
    const s = await expectKsPasses(d, key(11), 4000);
    // The median is loc: the fraction of samples below it is 1/2 within 4 binomial SEs.
    const below = s.filter((v) => v < -1).length / 4000;
    expect(Math.abs(below - 0.5)).toBeLessThan(4 * Math.sqrt(0.25 / 4000));
    d.dispose();
  });
  it('mean, variance and stddev are NaN; mode is loc; shapes broadcast', async () => {
    const d = new Cauchy({ loc: [1, 2], scale: [[1], [2], [3]] });
    expect(d.batchShape).toEqual([3, 2]);
    await expect(d.mean()).toBeCloseTensor(new Array(3).fill([NaN, NaN]));
    await expect(d.variance()).toBeCloseTensor(new Array(3).fill([NaN, NaN]));
    await expect(d.stddev()).toBeCloseTensor(new Array(3).fill([NaN, NaN]));
    await expect(d.mode()).toBeCloseTensor(new Array(3).fill([1, 2]));
    expect(d.sample(key(0), [4]).shape).toEqual([4, 3, 2]);
    expect(d.logProb([[[0, 0]]]).shape).toEqual([1, 3, 2]);
    d.dispose();
  });
  it('rejects bad arguments, naming them', () => {
    expect(() => new Cauchy({ loc: 0, scale: 0 })).toThrow(/Cauchy: argument 'scale' must be positive/);
    expect(() => new Cauchy({ loc: NaN, scale: 1 })).toThrow(/Cauchy: argument 'loc' must be finite/);
    expect(() => new Cauchy({ loc: [0, 1], scale: [1, 1, 1] })).toThrow(/'loc' \[2\] and 'scale' \[3\] do not broadcast/);
  });
  it('reparameterised sample gradient: d sample / d scale = (sample - loc) / scale', async () => {
    await expectSampleScaleGradient((scale, validateArgs) => new Cauchy({ loc: 0.5, scale, validateArgs }), 0.5, 2);
  });
  it('d logProb / d(loc, scale) agree with finite differences', async () => {
    const x = [-4.1, 0.2, 2.5];
    await expectGradsMatch((p) => tf.sum(new Cauchy({ loc: p.loc!, scale: p.scale!, validateArgs: false }).logProb(x)), { loc: 0.3, scale: 1.7 });
  });
  it('has no leaks', async () => {
    const calls = scalarMethodCalls({ logProb: [0.5], prob: 1, cdf: 0, logCdf: 0, survival: 1, logSurvival: 1, icdf: 0.3 });
    await expectMethodsDoNotLeak([() => new Cauchy({ loc: [0, 1], scale: 2 }), calls]);
  });
});
