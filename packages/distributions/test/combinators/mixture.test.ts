import * as tf from '@tensorflow/tfjs-core';
import { key } from '@probdl/tensor-backend';
import { describe, expect, it } from 'vitest';
import { Independent } from '../../src/combinators/independent.js';
import { Mixture } from '../../src/combinators/mixture.js';
import { MixtureSameFamily } from '../../src/combinators/mixture-same-family.js';
import { Normal } from '../../src/families/normal.js';
import { casesOf, nums } from '../helpers/reference.js';
import { expectGradsMatch } from '../helpers/gradcheck.js';
import { chiSquare, chiSquareCritical, host, ksCritical, ksUniformStatistic } from '../helpers/stats.js';
import { expectMethodsDoNotLeak, scalarMethodCalls } from '../helpers/leaks.js';
import { LogitsCategorical, softmaxHost } from './logits-categorical.js';

function normals(locs: number[], scales: number[], validateArgs = true): Normal[] {
  return locs.map((loc, k) => new Normal({ loc, scale: scales[k]!, validateArgs }));
}

describe('Mixture of a list of normals against mpmath (MixtureOfNormals)', () => {
  for (const c of casesOf('MixtureOfNormals')) {
    it(`weights=${c.weights} locs=${c.locs} scales=${c.scales}`, async () => {
      const d = new Mixture({ cat: new LogitsCategorical({ logits: c.logits_equivalent }), components: normals(c.locs, c.scales) });
      // every x (±1000 at most) fits float32; same tolerances as MixtureSameFamily's test
      await expect(d.logProb(c.x)).toBeCloseTensor(nums(c.mp_log_prob), { rtol: 2e-5, atol: 1e-5 });
      await expect(d.cdf(c.x)).toBeCloseTensor(nums(c.cdf), { rtol: 1e-4, atol: 1e-7 });
      await expect(d.mean()).toBeCloseTensor(c.mean, { rtol: 1e-5, atol: 1e-5 });
      await expect(d.variance()).toBeCloseTensor(c.variance, { rtol: 1e-5, atol: 1e-5 });
      d.dispose();
    });
  }
});

describe('Mixture', () => {
  it('samples: component frequencies (chi-square) and KS of the mixture cdf', async () => {
    const w = [0.3, 0.1, 0.6];
    const d = new Mixture({ cat: new LogitsCategorical({ logits: w.map(Math.log) }), components: normals([-30, 0, 30], [1, 2, 1.5]) });
    const st = d.sample(key(21), 4000);
    const s = await host(st);
    const counts = [0, 0, 0];
    for (const v of s) counts[v < -15 ? 0 : v > 15 ? 2 : 1]! += 1;
    const { statistic, dof } = chiSquare(counts, w);
    expect(statistic).toBeLessThan(chiSquareCritical(dof));
    const u = await host(d.cdf(st));
    expect(ksUniformStatistic(u)).toBeLessThan(ksCritical(u.length));
    tf.dispose(st);
    d.dispose();
  });

  it('agrees with MixtureSameFamily over vector events (Independent normals)', async () => {
    const logits = [0.2, -0.4];
    const locs = [[0, 1], [2, -1]];
    const scales = [[1, 0.5], [0.7, 2]];
    const list = new Mixture({
      cat: new LogitsCategorical({ logits }),
      components: locs.map((l, k) => new Independent({ distribution: new Normal({ loc: l, scale: scales[k]! }), reinterpretedBatchNdims: 1 })),
    });
    const same = new MixtureSameFamily({
      mixtureDistribution: new LogitsCategorical({ logits }),
      componentsDistribution: new Independent({ distribution: new Normal({ loc: locs, scale: scales }), reinterpretedBatchNdims: 1 }),
    });
    expect(list.eventShape).toEqual([2]);
    const x = [[0, 0], [1, 1], [2, -1], [-5, 7]];
    await expect(list.logProb(x)).toBeCloseTensor(same.logProb(x), { rtol: 1e-6, atol: 1e-6 });
    await expect(list.mean()).toBeCloseTensor(same.mean(), { rtol: 1e-6 });
    await expect(list.variance()).toBeCloseTensor(same.variance(), { rtol: 1e-6 });
    await expect(list.posteriorComponentProbs(x)).toBeCloseTensor(same.posteriorComponentProbs(x), { rtol: 1e-5, atol: 1e-7 });
    const s = list.sample(key(3), 7);
    expect(s.shape).toEqual([7, 2]);
    tf.dispose(s);
    list.dispose();
    same.dispose();
  });

  it('batch shapes broadcast: x [N, 1] against batch [N]', async () => {
    const d = new Mixture({ cat: new LogitsCategorical({ logits: [0, 0] }), components: [new Normal({ loc: [0, 1, 2], scale: 1 }), new Normal({ loc: [5, 6, 7], scale: 2 })] });
    expect(d.batchShape).toEqual([3]);
    expect(d.logProb([[0], [1]]).shape).toEqual([2, 3]);
    expect(d.sample(key(0), [4]).shape).toEqual([4, 3]);
    const w = softmaxHost([0, 0]);
    await expect(d.mean()).toBeCloseTensor([0, 1, 2].map((m) => w[0]! * m + w[1]! * (m + 5)), { rtol: 1e-6 });
    d.dispose();
  });

  it('gradients of logProb wrt logits and component parameters agree with finite differences', async () => {
    const x = [-1, 0.5, 2];
    await expectGradsMatch(
      (p) =>
        tf.sum(
          new Mixture({
            cat: new LogitsCategorical({ logits: p.logits!, validateArgs: false }),
            components: [0, 1].map((k) => new Normal({ loc: tf.slice(p.loc!, k, 1), scale: tf.slice(p.scale!, k, 1), validateArgs: false })),
            validateArgs: false,
          }).logProb(x),
        ),
      { logits: [0.4, -0.3], loc: [-0.5, 1.2], scale: [0.8, 1.5] },
    );
  });

  it('errors name the offending component', () => {
    const cat = () => new LogitsCategorical({ logits: [0, 0] });
    expect(() => new Mixture({ cat: cat(), components: [new Normal({ loc: 0, scale: 1 }), new Normal({ loc: [0, 1], scale: 1 })] })).toThrow(
      /Mixture: argument 'components\[1\]' has batch shape \[2\], components\[0\] has \[\]/,
    );
    expect(() =>
      new Mixture({ cat: cat(), components: [new Normal({ loc: [0, 1], scale: 1 }), new Independent({ distribution: new Normal({ loc: [[0, 1]], scale: 1 }), reinterpretedBatchNdims: 1 })] }),
    ).toThrow(/'components\[1\]' has batch shape \[1\]/);
    expect(() => new Mixture({ cat: cat(), components: [new Normal({ loc: 0, scale: 1 })] })).toThrow(/'components' has 1 distributions but 'cat' has 2 categories/);
    expect(() => new Mixture({ cat: cat(), components: [] })).toThrow(/'components' must be a non-empty array/);
  });

  it('has no leaks', async () => {
    const calls = scalarMethodCalls({ logProb: [0.5, 1], prob: 0.1, cdf: [0.2], logCdf: 0.2, survival: 0.2, logSurvival: 0.2, without: ['mode', 'entropy'] });
    await expectMethodsDoNotLeak([
      () => new Mixture({ cat: new LogitsCategorical({ logits: [0, 1] }), components: normals([0, 2], [1, 0.5]) }),
      [...calls, ['componentLogProbs', [0.3]], ['posteriorComponentProbs', 0.3], ['sampleAndLogProb', key(2), 2]],
    ]);
  });
});
