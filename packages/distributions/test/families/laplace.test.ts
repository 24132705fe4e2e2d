import * as tf from '@tensorflow/tfjs-core';
import { key } from '@probdl/tensor-backend';
import { describe, expect, it } from 'vitest';
import { Laplace } from '../../src/families/laplace.js';
import { casesOf } from '../helpers/reference.js';
import { expectGradsMatch } from '../helpers/gradcheck.js';
import { expectMethodsDoNotLeak, scalarMethodCalls } from '../helpers/leaks.js';
import { expectKsPasses, expectMomentsWithinMcError, expectSampleScaleGradient } from '../helpers/sampling.js';
import { checkReference } from './reference-check.js';

describe('Laplace against mpmath', () => {
  for (const c of casesOf('Laplace')) {
    it(`loc=${c.params.loc} scale=${c.params.scale}`, async () => {
      const d = new Laplace({ loc: c.params.loc, scale: c.params.scale });
      // atol: x such as 1.9999999995 round to 2 in float32, which moves the value by up to 1e-9 / scale.
      // Closed-form quantiles (scipy agrees with loc - scale sign(q-½) log(1 - 2|q-½|) to ~1e-15).
      await checkReference(d, c, {
        logProb: { rtol: 2e-6, atol: 2e-6 },
        logCdf: { rtol: 2e-6, atol: 2e-6 },
        logSurvival: { rtol: 2e-6, atol: 2e-6 },
        entropy: { rtol: 1e-6, atol: 1e-6 },
        icdf: { rtol: 2e-5, atol: 1e-5 * c.params.scale },
        mean: { rtol: 1e-6 },
        variance: { rtol: 1e-6 },
      });
      d.dispose();
    });
  }
});

describe('Laplace', () => {
  it('samples: KS test of cdf(samples), mean and variance within MC error', async () => {
    const d = new Laplace({ loc: 1.5, scale: 2 });
    const h = await expectKsPasses(d, key(5), 4000);
    expectMomentsWithinMcError(h, 1.5, 8);
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
    await expectSampleScaleGradient((scale, validateArgs) => new Laplace({ loc: 0.5, scale, validateArgs }), 0.5, 2);
  });
  it('d logProb / d(loc, scale) agree with finite differences', async () => {
    const x = [-4.1, 1.0, 2.5];
    await expectGradsMatch((p) => tf.sum(new Laplace({ loc: p.loc!, scale: p.scale!, validateArgs: false }).logProb(x)), { loc: 0.3, scale: 1.7 });
  });
  it('has no leaks', async () => {
    const calls = scalarMethodCalls({ logProb: [0.5], prob: 1, cdf: 0, logCdf: 0, survival: 1, logSurvival: 1, icdf: 0.3 });
    await expectMethodsDoNotLeak([() => new Laplace({ loc: [0, 1], scale: 2 }), calls]);
  });
});
