import * as tf from '@tensorflow/tfjs-core';
import { key } from '@probdl/tensor-backend';
import { describe, expect, it } from 'vitest';
import { Logistic } from '../../src/families/logistic.js';
import { expectGradsMatch } from '../helpers/gradcheck.js';
import { expectMethodsDoNotLeak, scalarMethodCalls } from '../helpers/leaks.js';
import { expectKsPasses, expectMomentsWithinMcError, expectSampleScaleGradient } from '../helpers/sampling.js';

// No scipy reference: truth from first principles in float64 on the host.
// cdf 1/(1+e^-z), log cdf -log1p(e^-z), density e^-z / (s (1+e^-z)²), quantile loc + s log(p/(1-p)).
const logCdf = (z: number) => (z > 0 ? -Math.log1p(Math.exp(-z)) : z - Math.log1p(Math.exp(z)));
const logPdf = (z: number, s: number) => -Math.abs(z) - 2 * Math.log1p(Math.exp(-Math.abs(z))) - Math.log(s);
const cases = [
  { loc: 0, scale: 1, x: [-500, -30, -3, -1e-3, 0, 0.5, 5, 30, 500] },
  { loc: 2, scale: 0.5, x: [-100, 0, 1.9, 2, 2.3, 10, 60] },
  { loc: -1, scale: 10, x: [-3000, -31, -1, 9, 399, 3000] },
];

describe('Logistic against float64 identities', () => {
  for (const c of cases) {
    it(`loc=${c.loc} scale=${c.scale}`, async () => {
      const d = new Logistic({ loc: c.loc, scale: c.scale });
      const z = c.x.map((x) => (x - c.loc) / c.scale);
      await expect(d.logProb(c.x)).toBeCloseTensor(z.map((v) => logPdf(v, c.scale)), { rtol: 2e-6, atol: 2e-6 });
      await expect(d.logCdf(c.x)).toBeCloseTensor(z.map(logCdf), { rtol: 1e-5, atol: 1e-6 });
      await expect(d.logSurvival(c.x)).toBeCloseTensor(z.map((v) => logCdf(-v)), { rtol: 1e-5, atol: 1e-6 });
      await expect(d.cdf(c.x)).toBeCloseTensor(z.map((v) => 1 / (1 + Math.exp(-v))), { rtol: 1e-5, atol: 1e-7 });
      await expect(d.entropy()).toBeCloseTensor(Math.log(c.scale) + 2, { rtol: 1e-6, atol: 1e-6 });
      const q = [1e-6, 0.1, 0.5, 0.9, 0.999];
      await expect(d.icdf(q)).toBeCloseTensor(q.map((p) => c.loc + c.scale * Math.log(p / (1 - p))), { rtol: 2e-5, atol: 1e-5 * c.scale });
      await expect(d.variance()).toBeCloseTensor((c.scale * c.scale * Math.PI * Math.PI) / 3, { rtol: 1e-6 });
      d.dispose();
    });
  }
});

describe('Logistic', () => {
  it('samples: KS test of cdf(samples), mean and variance within MC error', async () => {
    const d = new Logistic({ loc: -0.5, scale: 1.5 });
    const h = await expectKsPasses(d, key(8), 4000);
    expectMomentsWithinMcError(h, -0.5, (1.5 * 1.5 * Math.PI * Math.PI) / 3);
    d.dispose();
  });
  it('mean, mode, stddev and shapes', async () => {
    const d = new Logistic({ loc: [1, 2], scale: [[1], [3]] });
    expect(d.batchShape).toEqual([2, 2]);
    await expect(d.mean()).toBeCloseTensor([[1, 2], [1, 2]]);
    await expect(d.mode()).toBeCloseTensor([[1, 2], [1, 2]]);
    const sd = Math.PI / Math.sqrt(3);
    await expect(d.stddev()).toBeCloseTensor([[sd, sd], [3 * sd, 3 * sd]], { rtol: 1e-6 });
    expect(d.sample(key(2), 5).shape).toEqual([5, 2, 2]);
    d.dispose();
  });
  it('rejects bad arguments, naming them', () => {
    expect(() => new Logistic({ loc: 0, scale: -1 })).toThrow(/Logistic: argument 'scale' must be positive/);
    expect(() => new Logistic({ loc: NaN, scale: 1 })).toThrow(/Logistic: argument 'loc' must be finite/);
    expect(() => new Logistic({ loc: [0, 1], scale: [1, 1, 1] })).toThrow(/'loc' \[2\] and 'scale' \[3\] do not broadcast/);
  });
  it('reparameterised sample gradient: d sample / d scale = (sample - loc) / scale', async () => {
    await expectSampleScaleGradient((scale, validateArgs) => new Logistic({ loc: 0.5, scale, validateArgs }), 0.5, 2);
  });
  it('d logProb / d(loc, scale) agree with finite differences', async () => {
    const x = [-4.1, 1.0, 2.5];
    await expectGradsMatch((p) => tf.sum(new Logistic({ loc: p.loc!, scale: p.scale!, validateArgs: false }).logProb(x)), { loc: 0.3, scale: 1.7 });
  });
  it('has no leaks', async () => {
    const calls = scalarMethodCalls({ logProb: [0.5], prob: 1, cdf: 0, logCdf: 0, survival: 1, logSurvival: 1, icdf: 0.3 });
    await expectMethodsDoNotLeak([() => new Logistic({ loc: [0, 1], scale: 2 }), calls]);
  });
});
