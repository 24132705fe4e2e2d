import * as tf from '@tensorflow/tfjs-core';
import { key, valueAndGrad } from '@probdl/tensor-backend';
import { describe, expect, it } from 'vitest';
import { Gamma } from '../../src/families/gamma.js';
import { InverseGamma } from '../../src/families/inverse-gamma.js';
import { expectGradsMatch, expectValueGradsMatch } from '../helpers/gradcheck.js';
import { host, meanWithinMcError } from '../helpers/stats.js';
import { expectKsPasses } from '../helpers/sampling.js';
import { expectMethodsDoNotLeak, scalarMethodCalls } from '../helpers/leaks.js';
import { digammaHost, gammaPHost, gammaQHost, lgammaHost, meanAndSe } from './host-math.js';

// No InverseGamma cases in the reference file: the values below are computed in float64 on the host from
// the closed forms (density α log β - lgamma(α) - (α + 1) log x - β/x, CDF Q(α, β/x), survival P(α, β/x)),
// with lgamma and P/Q written independently in host-math.ts.
const cases: Array<{ concentration: number; scale: number; x: number[] }> = [
  { concentration: 0.5, scale: 1, x: [0.05, 0.3, 1, 4, 50] },
  { concentration: 3, scale: 2, x: [0.1, 0.5, 1, 2.5, 20] },
  { concentration: 50, scale: 10, x: [0.1, 0.18, 0.2, 0.25, 0.5] },
];

describe('InverseGamma against float64 closed forms', () => {
  for (const { concentration: a, scale: b, x } of cases) {
    it(`concentration=${a} scale=${b}`, async () => {
      const d = new InverseGamma({ concentration: a, scale: b });
      const logp = x.map((v) => a * Math.log(b) - lgammaHost(a) - (a + 1) * Math.log(v) - b / v);
      // float32: 1e-6 relative of the larger terms (lgamma(50) = 144, (α + 1) log x ~ 100): 2e-4 absolute.
      await expect(d.logProb(x)).toBeCloseTensor(logp, { rtol: 1e-5, atol: 2e-4 });
      await expect(d.logCdf(x)).toBeCloseTensor(x.map((v) => Math.log(gammaQHost(a, b / v))), { rtol: 2e-5, atol: 2e-6 });
      await expect(d.logSurvival(x)).toBeCloseTensor(x.map((v) => Math.log(gammaPHost(a, b / v))), { rtol: 2e-5, atol: 2e-6 });
      const entropy = a + Math.log(b) + lgammaHost(a) - (1 + a) * digammaHost(a);
      await expect(d.entropy()).toBeCloseTensor(entropy, { rtol: 1e-5, atol: 2e-5 });
      await expect(d.mode()).toBeCloseTensor(b / (a + 1), { rtol: 1e-6 });
      d.dispose();
    });
  }
  it('deep tails: logCdf near 0 and logSurvival far out stay finite (log space) and match float64', async () => {
    const d = new InverseGamma({ concentration: 3, scale: 2 });
    // Q(3, 2/0.015) ≈ e^-123 and P(30·, ·) underflow float32 as probabilities.
    await expect(d.logCdf([0.015, 0.02])).toBeCloseTensor([0.015, 0.02].map((v) => Math.log(gammaQHost(3, 2 / v))), { rtol: 2e-5 });
    const e = new InverseGamma({ concentration: 30, scale: 1 });
    await expect(e.logSurvival([2, 5])).toBeCloseTensor([2, 5].map((v) => Math.log(gammaPHost(30, 1 / v))), { rtol: 2e-5 });
    d.dispose();
    e.dispose();
  });
  it('logProb(x) = Gamma(α, rate β).logProb(1/x) - 2 log x', async () => {
    const x = [0.2, 0.7, 1.5, 6];
    const d = new InverseGamma({ concentration: [2.5], scale: 1.5 });
    const g = new Gamma({ concentration: [2.5], rate: 1.5 });
    const expected = tf.sub(g.logProb(x.map((v) => 1 / v)), tf.mul(2, tf.log(tf.tensor1d(x))));
    await expect(d.logProb(x)).toBeCloseTensor(expected, { rtol: 1e-5, atol: 1e-5 });
    d.dispose();
    g.dispose();
  });
});

describe('InverseGamma', () => {
  it('samples: KS test of cdf(samples) and the mean within MC error', async () => {
    const d = new InverseGamma({ concentration: 5, scale: 2 });
    const s = await expectKsPasses(d, key(0), 4000);
    expect(meanWithinMcError(s, 2 / 4, Math.sqrt(4 / (16 * 3))).ok).toBe(true);
    d.dispose();
  });
  it('moments: mean Infinity for α <= 1; variance NaN for α <= 1, Infinity for 1 < α <= 2', async () => {
    const d = new InverseGamma({ concentration: [0.5, 1.5, 4], scale: 3 });
    await expect(d.mean()).toBeCloseTensor([Infinity, 6, 1], { rtol: 1e-6 });
    await expect(d.variance()).toBeCloseTensor([NaN, Infinity, 9 / 18], { rtol: 1e-6, equalNan: true });
    d.dispose();
  });
  it('is -Infinity at x <= 0, cdf 0 and survival 1 there', async () => {
    const d = new InverseGamma({ concentration: 2, scale: 1 });
    await expect(d.logProb([-1, 0, NaN])).toBeCloseTensor([-Infinity, -Infinity, -Infinity]);
    await expect(d.cdf([-1, 0])).toBeCloseTensor([0, 0]);
    await expect(d.survival([-1, 0])).toBeCloseTensor([1, 1]);
    d.dispose();
  });
  it('shapes broadcast', () => {
    const d = new InverseGamma({ concentration: [1, 2, 3], scale: [[1], [2]] });
    expect(d.batchShape).toEqual([2, 3]);
    expect(d.sample(key(1), [4]).shape).toEqual([4, 2, 3]);
    expect(d.logProb(0.5).shape).toEqual([2, 3]);
    d.dispose();
  });
  it('rejects bad parameters, naming the argument', () => {
    expect(() => new InverseGamma({ concentration: -1, scale: 1 })).toThrow(/InverseGamma: argument 'concentration' must be positive/);
    expect(() => new InverseGamma({ concentration: 1, scale: 0 })).toThrow(/InverseGamma: argument 'scale' must be positive/);
  });
  it('reparameterised sample gradients: d x/d scale = x/scale; E[dx/dα] = -β/(α-1)² within MC error', async () => {
    const n = 4000;
    const conc = tf.fill([n], 6);
    const scale = tf.fill([n], 2);
    const [, g] = valueAndGrad((p: { conc: tf.Tensor; scale: tf.Tensor }) => tf.sum(new InverseGamma({ concentration: p.conc, scale: p.scale, validateArgs: false }).sample(key(8))))({
      conc,
      scale,
    });
    const grads = g as { conc: tf.Tensor; scale: tf.Tensor };
    const s = new InverseGamma({ concentration: conc, scale }).sample(key(8));
    await expect(grads.scale).toBeCloseTensor(tf.div(s, 2), { rtol: 1e-5 });
    const ga = meanAndSe(await host(grads.conc));
    expect(Math.abs(ga.mean + 2 / 25)).toBeLessThan(5 * ga.se);
  });
  it('has no leaks', async () => {
    const calls = scalarMethodCalls({ logProb: [0.5], prob: 1, cdf: 0.2, logCdf: 0.3, survival: 2, logSurvival: 2 });
    await expectMethodsDoNotLeak([() => new InverseGamma({ concentration: [0.5, 3], scale: 2 }), calls]);
  });
});

describe('InverseGamma gradients', () => {
  it('d logProb / dx and d cdf / dx agree with finite differences (what HMC and transforms need)', async () => {
    const d = new InverseGamma({ concentration: 2.3, scale: 1.4 });
    await expectValueGradsMatch(d, ['logProb', 'cdf'], [0.3, 1.1, 4]);
    d.dispose();
  });
  it('d logProb and d logCdf / d(concentration, scale) agree with finite differences', async () => {
    for (const method of ['logProb', 'logCdf'] as const) {
      await expectGradsMatch(
        (p) => tf.sum(new InverseGamma({ concentration: p.concentration!, scale: p.scale!, validateArgs: false })[method]([0.3, 1.1, 4])),
        { concentration: 2.3, scale: 1.4 },
        { label: method },
      );
    }
  });
});
