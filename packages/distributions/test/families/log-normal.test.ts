import * as tf from '@tensorflow/tfjs-core';
import { key, valueAndGrad } from '@probdl/tensor-backend';
import { describe, expect, it } from 'vitest';
import { LogNormal } from '../../src/families/log-normal.js';
import { casesOf } from '../helpers/reference.js';
import { expectGradsMatch, expectValueGradsMatch } from '../helpers/gradcheck.js';
import { host, meanWithinMcError } from '../helpers/stats.js';
import { expectMethodsDoNotLeak, scalarMethodCalls } from '../helpers/leaks.js';
import { expectKsPasses } from '../helpers/sampling.js';
import { checkReference } from './reference-check.js';

describe('LogNormal against mpmath', () => {
  for (const c of casesOf('LogNormal')) {
    const { loc, scale } = c.params as { loc: number; scale: number };
    it(`loc=${loc} scale=${scale}`, async () => {
      const d = new LogNormal({ loc, scale });
      // log x is rounded to float32 (6e-8 relative), then squared and divided by scale²: at scale 0.01 and
      // x = 1e-10 (z = -2800, logp = -3.9e6) that is ~1e-6 relative; logNdtr is ~1e-6 relative in both tails.
      // Absolute 1e-5 covers log-values near 0 and the float32 rounding of x near the mode (z within ±4).
      // At scale 0.01, float32 log x (~5, error ~3e-7 from rounding x and the log) is amplified by
      // |d logp / d log x| = |z|/scale ≈ 400 at z = 4: ~1.2e-4 absolute, so atol 5e-4 there.
      const atol = scale < 0.1 ? 5e-4 : 1e-5;
      await checkReference(d, c, {
        logProb: { rtol: 2e-6, atol },
        logCdf: { rtol: 2e-5, atol },
        logSurvival: { rtol: 2e-5, atol },
        entropy: { rtol: 1e-6, atol: 1e-6 },
        mean: { rtol: 1e-5 },
        variance: { rtol: 1e-5 },
        icdf: { rtol: 2e-5 },
      });
      d.dispose();
    });
  }
});

describe('LogNormal', () => {
  it('samples: KS test of cdf(samples) and the mean within MC error', async () => {
    const d = new LogNormal({ loc: 0.5, scale: 0.7 });
    const s = await expectKsPasses(d, key(0), 4000);
    const mean = Math.exp(0.5 + 0.49 / 2);
    const sd = Math.sqrt(Math.expm1(0.49) * Math.exp(1 + 0.49));
    expect(meanWithinMcError(s, mean, sd).ok).toBe(true);
    d.dispose();
  });
  it('is -Infinity / 0 / 1 outside x > 0, and its mode is exp(loc - scale²)', async () => {
    const d = new LogNormal({ loc: 1, scale: 0.5 });
    await expect(d.logProb([-1, 0, NaN])).toBeCloseTensor([-Infinity, -Infinity, -Infinity]);
    await expect(d.cdf([-1, 0])).toBeCloseTensor([0, 0]);
    await expect(d.survival([-1, 0])).toBeCloseTensor([1, 1]);
    await expect(d.logSurvival([-1, 0])).toBeCloseTensor([0, 0]);
    await expect(d.mode()).toBeCloseTensor(Math.exp(0.75), { rtol: 1e-6 });
    await expect(d.stddev()).toBeCloseTensor(Math.sqrt(Math.expm1(0.25) * Math.exp(2.25)), { rtol: 1e-5 });
    d.dispose();
  });
  it('shapes broadcast', () => {
    const d = new LogNormal({ loc: [0, 1, 2], scale: [[1], [2]] });
    expect(d.batchShape).toEqual([2, 3]);
    expect(d.sample(key(1), [5]).shape).toEqual([5, 2, 3]);
    expect(d.logProb([[[1]]]).shape).toEqual([1, 2, 3]);
    d.dispose();
  });
  it('rejects bad parameters, naming the argument', () => {
    expect(() => new LogNormal({ loc: 0, scale: 0 })).toThrow(/LogNormal: argument 'scale' must be positive/);
    expect(() => new LogNormal({ loc: NaN, scale: 1 })).toThrow(/LogNormal: argument 'loc' must be finite/);
    expect(() => new LogNormal({ loc: [0, 1], scale: [1, 1, 1] })).toThrow(/'loc' \[2\] and 'scale' \[3\] do not broadcast/);
  });
  it('reparameterised sample gradients: d x/d loc = x, d x/d scale = x·log(x/e^loc)/scale', async () => {
    const eps = await host(random(5));
    const [, g] = valueAndGrad((p: { loc: tf.Tensor; scale: tf.Tensor }) =>
      tf.sum(new LogNormal({ loc: p.loc, scale: p.scale, validateArgs: false }).sample(key(3), 5)),
    )({ loc: tf.scalar(0.3), scale: tf.scalar(1.5) });
    const x = Array.from(eps, (e) => Math.exp(0.3 + 1.5 * e));
    const grads = g as { loc: tf.Tensor; scale: tf.Tensor };
    await expect(grads.loc).toBeCloseTensor(x.reduce((s, v) => s + v, 0), { rtol: 1e-5 });
    await expect(grads.scale).toBeCloseTensor(x.reduce((s, v, i) => s + v * eps[i]!, 0), { rtol: 1e-5, atol: 1e-5 });
  });
  it('has no leaks', async () => {
    const calls = scalarMethodCalls({ logProb: [0.5], prob: 1, cdf: 2, logCdf: 2, survival: 2, logSurvival: 2, icdf: 0.3 });
    await expectMethodsDoNotLeak([() => new LogNormal({ loc: [0, 1], scale: 2 }), calls]);
  });
});

/** The standard normal draws behind LogNormal.sample(key(3), n). */
function random(n: number): tf.Tensor {
  const d = new LogNormal({ loc: 0, scale: 1 });
  const s = tf.log(d.sample(key(3), n));
  d.dispose();
  return s;
}

describe('LogNormal gradients', () => {
  it('d logProb / dx and d cdf / dx agree with finite differences (what HMC and transforms need)', async () => {
    const d = new LogNormal({ loc: 0.3, scale: 0.9 });
    await expectValueGradsMatch(d, ['logProb', 'cdf'], [0.2, 1.3, 5.5]);
    d.dispose();
  });
  it('d logProb / d(loc, scale) agree with finite differences', async () => {
    const x = [0.2, 1.3, 5.5];
    await expectGradsMatch((p) => tf.sum(new LogNormal({ loc: p.loc!, scale: p.scale!, validateArgs: false }).logProb(x)), { loc: 0.3, scale: 0.9 });
  });
  it('d logCdf / d(loc, scale) agree with finite differences', async () => {
    await expectGradsMatch(
      (p) => tf.sum(new LogNormal({ loc: p.loc!, scale: p.scale!, validateArgs: false }).logCdf([0.2, 1.3, 5.5])),
      { loc: 0.3, scale: 0.9 },
    );
  });
});
