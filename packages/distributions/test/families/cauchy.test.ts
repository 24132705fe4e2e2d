import * as tf from '@tensorflow/tfjs-core';
import { expectNoLeaks } from '@probdl/vitest-config/matchers';
import { key, valueAndGrad } from '@probdl/tensor-backend';
import { describe, expect, it } from 'vitest';
import { Cauchy } from '../../src/families/cauchy.js';
import { casesOf, fitsFloat32, nums } from '../helpers/reference.js';
import { gradCheck } from '../helpers/gradcheck.js';
import { host, ksCritical, ksUniformStatistic } from '../helpers/stats.js';

describe('Cauchy against mpmath', () => {
  for (const c of casesOf('Cauchy')) {
    it(`loc=${c.params.loc} scale=${c.params.scale}`, async () => {
      const d = new Cauchy({ loc: c.params.loc, scale: c.params.scale });
      // x = ±1e300 is not representable in float32 (fitsFloat32 drops it).
      const xs = (c.x as number[]).map((v, i) => [v, i] as const).filter(([v]) => fitsFloat32(v));
      const x = xs.map(([v]) => v);
      const pick = (arr: unknown[]) => xs.map(([, i]) => nums(arr)[i]!);
      await expect(d.logProb(x)).toBeCloseTensor(pick(c.mp_log_prob), { rtol: 2e-6, atol: 2e-6 });
      // atol covers the float32 rounding of x itself (relative 6e-8 of x, times the log-cdf slope).
      await expect(d.logCdf(x)).toBeCloseTensor(pick(c.mp_log_cdf), { rtol: 1e-5, atol: 2e-6 });
      await expect(d.logSurvival(x)).toBeCloseTensor(pick(c.mp_log_sf), { rtol: 1e-5, atol: 2e-6 });
      await expect(d.entropy()).toBeCloseTensor(c.mp_entropy, { rtol: 1e-6 });
      // Quantiles are the closed form loc + scale tan(π(q - ½)); scipy's values agree with it to ~1e-15.
      await expect(d.icdf(c.quantile_q)).toBeCloseTensor(nums(c.quantile), { rtol: 2e-5, atol: 1e-5 * c.params.scale });
      d.dispose();
    });
  }
});

describe('Cauchy', () => {
  it('samples: KS test of cdf(samples)', async () => {
    const d = new Cauchy({ loc: -1, scale: 3 });
    const s = d.sample(key(11), 4000);
    const u = await host(d.cdf(s));
    expect(ksUniformStatistic(u)).toBeLessThan(ksCritical(u.length));
    // The median is loc: the fraction of samples below it is 1/2 within 4 binomial SEs.
    const below = (await host(s)).filter((v) => v < -1).length / 4000;
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
    const s = new Cauchy({ loc: 0.5, scale: 2 }).sample(key(3), 6);
    const expected = tf.sum(tf.div(tf.sub(s, 0.5), 2));
    const [, g] = valueAndGrad((p: { scale: tf.Tensor }) => tf.sum(new Cauchy({ loc: 0.5, scale: p.scale, validateArgs: false }).sample(key(3), 6)))({
      scale: tf.scalar(2),
    });
    await expect((g as { scale: tf.Tensor }).scale).toBeCloseTensor(expected, { rtol: 1e-5 });
  });
  it('d logProb / d(loc, scale) agree with finite differences', async () => {
    const x = [-4.1, 0.2, 2.5];
    const { worst, detail } = await gradCheck((p) => tf.sum(new Cauchy({ loc: p.loc!, scale: p.scale!, validateArgs: false }).logProb(x)), {
      loc: 0.3,
      scale: 1.7,
    });
    expect(worst, detail.join('\n')).toBeLessThan(2e-3);
  });
  it('has no leaks', async () => {
    await expectNoLeaks(() => {
      const d = new Cauchy({ loc: [0, 1], scale: 2 });
      const out = [
        d.sample(key(1), [3]), d.logProb([0.5]), d.prob(1), d.cdf(0), d.logCdf(0), d.survival(1), d.logSurvival(1), d.icdf(0.3),
        d.mean(), d.mode(), d.entropy(), d.variance(), d.stddev(),
      ];
      d.dispose();
      return out;
    });
  });
});
