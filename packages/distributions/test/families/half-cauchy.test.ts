import * as tf from '@tensorflow/tfjs-core';
import { key } from '@probdl/tensor-backend';
import { describe, expect, it } from 'vitest';
import { HalfCauchy } from '../../src/families/half-cauchy.js';
import { expectGradsMatch } from '../helpers/gradcheck.js';
import { expectMethodsDoNotLeak, scalarMethodCalls } from '../helpers/leaks.js';
import { expectKsPasses, expectSampleScaleGradient } from '../helpers/sampling.js';

// No scipy reference: truth from first principles in float64 on the host.
// density 2 / (π s (1 + z²)) for x >= loc, cdf (2/π) atan(z), survival (2/π) atan(1/z), quantile loc + s tan(πp/2).
const cases = [
  { loc: 0, scale: 1, x: [0, 1e-6, 0.5, 1, 3, 1e4, 1e12] },
  { loc: -2, scale: 0.1, x: [-2, -1.9, -1.5, 0, 100] },
  { loc: 3, scale: 10, x: [3, 4, 13, 503, 1e7] },
];
const truth = (loc: number, s: number, x: number) => {
  const z = (x - loc) / s;
  return {
    logProb: Math.log(2 / Math.PI) - Math.log(s) - Math.log1p(z * z),
    logCdf: Math.log((2 / Math.PI) * Math.atan(z)),
    logSf: Math.log((2 / Math.PI) * Math.atan2(1, z)),
  };
};

describe('HalfCauchy against float64 identities', () => {
  for (const c of cases) {
    it(`loc=${c.loc} scale=${c.scale}`, async () => {
      const d = new HalfCauchy({ loc: c.loc, scale: c.scale });
      const t = c.x.map((x) => truth(c.loc, c.scale, x));
      await expect(d.logProb(c.x)).toBeCloseTensor(t.map((v) => v.logProb), { rtol: 2e-6, atol: 2e-6 });
      // Below z ~ 1e-6 the float32 rounding of x - loc dominates; x = loc itself gives log 0 = -inf exactly.
      await expect(d.logCdf(c.x)).toBeCloseTensor(t.map((v) => v.logCdf), { rtol: 1e-5, atol: 2e-6 });
      await expect(d.logSurvival(c.x)).toBeCloseTensor(t.map((v) => v.logSf), { rtol: 1e-5, atol: 2e-6 });
      await expect(d.entropy()).toBeCloseTensor(Math.log(2 * Math.PI * c.scale), { rtol: 1e-6, atol: 1e-6 });
      const q = [1e-4, 0.1, 0.5, 0.9, 0.999];
      await expect(d.icdf(q)).toBeCloseTensor(q.map((p) => c.loc + c.scale * Math.tan((Math.PI * p) / 2)), { rtol: 2e-5, atol: 1e-5 * c.scale });
      d.dispose();
    });
  }
  it('is twice the Cauchy density above loc and -Infinity below; x = loc is in the support', async () => {
    const d = new HalfCauchy({ loc: 1, scale: 2 });
    const z = (x: number) => (x - 1) / 2;
    const cauchyLog = (x: number) => -Math.log(Math.PI * 2 * (1 + z(x) ** 2));
    await expect(d.logProb([0.999, 1, 2, 5])).toBeCloseTensor([-Infinity, Math.LN2 + cauchyLog(1), Math.LN2 + cauchyLog(2), Math.LN2 + cauchyLog(5)], { rtol: 2e-6 });
    await expect(d.cdf([-5, 1])).toBeCloseTensor([0, 0]);
    await expect(d.survival([-5, 1])).toBeCloseTensor([1, 1]);
    d.dispose();
  });
});

describe('HalfCauchy', () => {
  it('samples: KS test of cdf(samples), all >= loc', async () => {
    const d = new HalfCauchy({ loc: 0.5, scale: 3 });
    const s = await expectKsPasses(d, key(21), 4000);
    expect(Math.min(...s)).toBeGreaterThanOrEqual(0.5);
    d.dispose();
  });
  it('mean, variance and stddev are NaN; mode is loc', async () => {
    const d = new HalfCauchy({ loc: [1, 2], scale: 1 });
    await expect(d.mean()).toBeCloseTensor([NaN, NaN]);
    await expect(d.variance()).toBeCloseTensor([NaN, NaN]);
    await expect(d.stddev()).toBeCloseTensor([NaN, NaN]);
    await expect(d.mode()).toBeCloseTensor([1, 2]);
    await expect(d.support.check(tf.tensor1d([1, 1.5]))).toBeCloseTensor([1, 0]);
    d.dispose();
  });
  it('rejects bad arguments, naming them', () => {
    expect(() => new HalfCauchy({ loc: 0, scale: -2 })).toThrow(/HalfCauchy: argument 'scale' must be positive/);
    expect(() => new HalfCauchy({ loc: Infinity, scale: 1 })).toThrow(/HalfCauchy: argument 'loc' must be finite/);
    expect(() => new HalfCauchy({ loc: [0, 1], scale: [1, 1, 1] })).toThrow(/'loc' \[2\] and 'scale' \[3\] do not broadcast/);
  });
  it('reparameterised sample gradient: d sample / d scale = (sample - loc) / scale', async () => {
    await expectSampleScaleGradient((scale, validateArgs) => new HalfCauchy({ loc: 0.5, scale, validateArgs }), 0.5, 2);
  });
  it('d logProb / d(loc, scale) agree with finite differences', async () => {
    const x = [1.1, 2.5, 7];
    await expectGradsMatch((p) => tf.sum(new HalfCauchy({ loc: p.loc!, scale: p.scale!, validateArgs: false }).logProb(x)), { loc: 0.3, scale: 1.7 });
  });
  it('has no leaks', async () => {
    const one = tf.scalar(1);
    const calls = scalarMethodCalls({ logProb: [0.5], prob: 1, cdf: 0, logCdf: 2, survival: 1, logSurvival: 1, icdf: 0.3 });
    await expectMethodsDoNotLeak([() => new HalfCauchy({ loc: [0, 1], scale: 2 }), [...calls, (d) => d.support.check(one)]]);
    one.dispose();
  });
});
