import * as tf from '@tensorflow/tfjs-core';
import { expectNoLeaks } from '@probdl/vitest-config/matchers';
import { key, valueAndGrad } from '@probdl/tensor-backend';
import { describe, expect, it } from 'vitest';
import { Laplace } from '../../src/families/laplace.js';
import { casesOf, fitsFloat32, nums } from '../helpers/reference.js';
import { gradCheck } from '../helpers/gradcheck.js';
import { host, ksCritical, ksUniformStatistic, meanWithinMcError, varianceWithError } from '../helpers/stats.js';

describe('Laplace against mpmath', () => {
  for (const c of casesOf('Laplace')) {
    it(`loc=${c.params.loc} scale=${c.params.scale}`, async () => {
      const d = new Laplace({ loc: c.params.loc, scale: c.params.scale });
      const xs = (c.x as number[]).map((v, i) => [v, i] as const).filter(([v]) => fitsFloat32(v));
      const x = xs.map(([v]) => v);
      const pick = (arr: unknown[]) => xs.map(([, i]) => nums(arr)[i]!);
      // atol: x such as 1.9999999995 round to 2 in float32, which moves the value by up to 1e-9 / scale.
      await expect(d.logProb(x)).toBeCloseTensor(pick(c.mp_log_prob), { rtol: 2e-6, atol: 2e-6 });
      await expect(d.logCdf(x)).toBeCloseTensor(pick(c.mp_log_cdf), { rtol: 2e-6, atol: 2e-6 });
      await expect(d.logSurvival(x)).toBeCloseTensor(pick(c.mp_log_sf), { rtol: 2e-6, atol: 2e-6 });
      await expect(d.entropy()).toBeCloseTensor(c.mp_entropy, { rtol: 1e-6, atol: 1e-6 });
      // Closed-form quantiles (scipy agrees with loc - scale sign(q-½) log(1 - 2|q-½|) to ~1e-15).
      await expect(d.icdf(c.quantile_q)).toBeCloseTensor(nums(c.quantile), { rtol: 2e-5, atol: 1e-5 * c.params.scale });
      await expect(d.mean()).toBeCloseTensor(c.mean, { rtol: 1e-6 });
      await expect(d.variance()).toBeCloseTensor(c.variance, { rtol: 1e-6 });
      d.dispose();
    });
  }
});

describe('Laplace', () => {
  it('samples: KS test of cdf(samples), mean and variance within MC error', async () => {
    const d = new Laplace({ loc: 1.5, scale: 2 });
    const s = d.sample(key(5), 4000);
    const u = await host(d.cdf(s));
    expect(ksUniformStatistic(u)).toBeLessThan(ksCritical(u.length));
    const h = await host(s);
    expect(meanWithinMcError(h, 1.5, Math.sqrt(8)).ok).toBe(true);
    const v = varianceWithError(h);
    expect(Math.abs(v.variance - 8)).toBeLessThan(5 * v.se);
    d.dispose();
  });
  it('mode, stddev and shapes', async () => {
    const d = new Laplace({ loc: [1, 2], scale: [[1], [3]] });
    expect(d.batchShape).toEqual([2, 2]);
    await expect(d.mode()).toBeCloseTensor([[1, 2], [1, 2]]);
    await expect(d.stddev()).toBeCloseTensor([[Math.SQRT2, Math.SQRT2], [3 * Math.SQRT2, 3 * Math.SQRT2]], { rtol: 1e-6 });
    await expect(d.cdf([[1, 2]])).toBeCloseTensor([[0.5, 0.5], [0.5, 0.5]]);
    d.dispose();
  });
  it('rejects bad arguments, naming them', () => {
    expect(() => new Laplace({ loc: 0, scale: 0 })).toThrow(/Laplace: argument 'scale' must be positive/);
    expect(() => new Laplace({ loc: NaN, scale: 1 })).toThrow(/Laplace: argument 'loc' must be finite/);
    expect(() => new Laplace({ loc: [0, 1], scale: [1, 1, 1] })).toThrow(/'loc' \[2\] and 'scale' \[3\] do not broadcast/);
  });
  it('reparameterised sample gradient: d sample / d scale = (sample - loc) / scale', async () => {
    const s = new Laplace({ loc: 0.5, scale: 2 }).sample(key(3), 6);
    const expected = tf.sum(tf.div(tf.sub(s, 0.5), 2));
    const [, g] = valueAndGrad((p: { scale: tf.Tensor }) => tf.sum(new Laplace({ loc: 0.5, scale: p.scale, validateArgs: false }).sample(key(3), 6)))({
      scale: tf.scalar(2),
    });
    await expect((g as { scale: tf.Tensor }).scale).toBeCloseTensor(expected, { rtol: 1e-5 });
  });
  it('d logProb / d(loc, scale) agree with finite differences', async () => {
    const x = [-4.1, 1.0, 2.5];
    const { worst, detail } = await gradCheck((p) => tf.sum(new Laplace({ loc: p.loc!, scale: p.scale!, validateArgs: false }).logProb(x)), {
      loc: 0.3,
      scale: 1.7,
    });
    expect(worst, detail.join('\n')).toBeLessThan(2e-3);
  });
  it('has no leaks', async () => {
    await expectNoLeaks(() => {
      const d = new Laplace({ loc: [0, 1], scale: 2 });
      const out = [
        d.sample(key(1), [3]), d.logProb([0.5]), d.prob(1), d.cdf(0), d.logCdf(0), d.survival(1), d.logSurvival(1), d.icdf(0.3),
        d.mean(), d.mode(), d.entropy(), d.variance(), d.stddev(),
      ];
      d.dispose();
      return out;
    });
  });
});
