import * as tf from '@tensorflow/tfjs-core';
import { key } from '@probdl/tensor-backend';
import { describe, expect, it } from 'vitest';
import { MixtureSameFamily } from '../../src/combinators/mixture-same-family.js';
import { Normal } from '../../src/families/normal.js';
import { casesOf, nums } from '../helpers/reference.js';
import { LogitsCategorical } from '../combinators/logits-categorical.js';

// The MixtureOfNormals references on each backend (cpu, wasm, webgpu): the logSumExp path, the
// weighted cdf and the moments. Every x (±1000 at most) fits float32. Tolerances as on cpu.
describe(`MixtureSameFamily of normals against mpmath on ${tf.getBackend()}`, () => {
  for (const c of casesOf('MixtureOfNormals')) {
    it(`weights=${c.weights} locs=${c.locs} scales=${c.scales}`, async () => {
      const d = new MixtureSameFamily({
        mixtureDistribution: new LogitsCategorical({ logits: c.logits_equivalent }),
        componentsDistribution: new Normal({ loc: c.locs, scale: c.scales }),
      });
      await expect(d.logProb(c.x)).toBeCloseTensor(nums(c.mp_log_prob), { rtol: 2e-5, atol: 1e-5 });
      await expect(d.cdf(c.x)).toBeCloseTensor(nums(c.cdf), { rtol: 1e-4, atol: 1e-6 });
      await expect(d.mean()).toBeCloseTensor(c.mean, { rtol: 1e-5, atol: 1e-5 });
      await expect(d.variance()).toBeCloseTensor(c.variance, { rtol: 1e-5, atol: 1e-5 });
      d.dispose();
    });
  }
  it('sample has shape sampleShape + batchShape and finite values', async () => {
    const d = new MixtureSameFamily({
      mixtureDistribution: new LogitsCategorical({ logits: [[0, 1, -1], [1, 0, 0]] }),
      componentsDistribution: new Normal({ loc: [[-5, 0, 5], [1, 2, 3]], scale: [[1, 1, 1], [0.5, 0.5, 0.5]] }),
    });
    const s = d.sample(key(0), 8);
    expect(s.shape).toEqual([8, 2]);
    for (const v of await s.data()) expect(Number.isFinite(v)).toBe(true);
    s.dispose();
    d.dispose();
  });
});
