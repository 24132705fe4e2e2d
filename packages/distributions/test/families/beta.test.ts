import * as tf from '@tensorflow/tfjs-core';
import { key, valueAndGrad } from '@probdl/tensor-backend';
import { describe, expect, it } from 'vitest';
import { Beta } from '../../src/families/beta.js';
import { casesOf } from '../helpers/reference.js';
import { expectGradsMatch, expectValueGradsMatch } from '../helpers/gradcheck.js';
import { host, meanWithinMcError } from '../helpers/stats.js';
import { expectKsPasses } from '../helpers/sampling.js';
import { expectMethodsDoNotLeak, scalarMethodCalls } from '../helpers/leaks.js';
import { meanAndSe } from './host-math.js';
import { checkReference } from './reference-check.js';

describe('Beta against mpmath', () => {
  for (const c of casesOf('Beta')) {
    const { a, b } = c.params as { a: number; b: number };
    it(`a=${a} b=${b}`, async () => {
      const d = new Beta({ concentration1: a, concentration0: b });
      // x = 0.9999999999 rounds to 1 in float32, a different point (the density's limit there): skipped.
      const skipX = (x: number) => Math.fround(x) === 1 && x !== 1;
      // logp: betaln in float32 is ~1e-6 relative of its magnitude (|betaln(1000, 0.01)| = 100: 1e-4 absolute)
      // and (a - 1) log x carries the rounding of x (6e-8 relative · (a - 1) = 6e-5 at a = 1000).
      // betainc is ~1e-6 relative (tensor-backend), so log CDF / survival get 2e-5 relative, 2e-6 absolute;
      // where they underflow float32 the log-space series takes over (same tolerances).
      const big = Math.max(a, b) >= 100;
      await checkReference(
        d,
        c,
        {
          logProb: { rtol: 1e-5, atol: big ? 5e-4 : 2e-5 },
          logCdf: { rtol: big ? 1e-4 : 2e-5, atol: 2e-6 },
          logSurvival: { rtol: big ? 1e-4 : 2e-5, atol: 2e-6 },
          entropy: { rtol: 1e-5, atol: big ? 5e-4 : 2e-5 },
          mean: { rtol: 1e-6 },
          variance: { rtol: 1e-5 },
        },
        { skipX },
      );
      d.dispose();
    });
  }
});

describe('Beta', () => {
  for (const [a, b] of [
    [2, 5],
    [0.5, 0.5],
    [0.2, 3],
  ] as const) {
    it(`samples (α=${a}, β=${b}): KS test of cdf(samples) and the mean within MC error`, async () => {
      const d = new Beta({ concentration1: a, concentration0: b });
      const s = await expectKsPasses(d, key(1), 4000);
      const sd = Math.sqrt((a * b) / ((a + b) ** 2 * (a + b + 1)));
      expect(meanWithinMcError(s, a / (a + b), sd).ok).toBe(true);
      d.dispose();
    });
  }
  it('tiny concentrations: samples stay in [0, 1] without NaN (both gamma draws may underflow)', async () => {
    const d = new Beta({ concentration1: 0.01, concentration0: 0.02 });
    const v = await host(d.sample(key(3), 2000));
    expect(v.every((x) => x >= 0 && x <= 1)).toBe(true);
    // Beta(0.01, 0.02) puts almost all its mass within 1e-30 of 0 or 1 (a near-Bernoulli of mean
    // a / (a + b) = 1/3): the fraction above 1/2 is 1/3 within MC error.
    const nearOne = v.filter((x) => x > 0.5).length / v.length;
    expect(Math.abs(nearOne - 1 / 3)).toBeLessThan(5 * Math.sqrt((1 / 3) * (2 / 3) / v.length));
    d.dispose();
  });
  it('boundaries: +Infinity at 0 (α < 1) and 1 (β < 1), -Infinity outside [0, 1]', async () => {
    const d = new Beta({ concentration1: [0.5, 1, 3], concentration0: [0.5, 1, 3] });
    await expect(d.logProb([0, 0, 0])).toBeCloseTensor([Infinity, 0, -Infinity]);
    await expect(d.logProb([1, 1, 1])).toBeCloseTensor([Infinity, 0, -Infinity]);
    await expect(d.logProb([-0.1, 1.1, NaN])).toBeCloseTensor([-Infinity, -Infinity, -Infinity]);
    await expect(d.cdf([-1, 2, 0.5])).toBeCloseTensor([0, 1, 0.5], { rtol: 1e-6 });
    await expect(d.survival([-1, 2, 0.5])).toBeCloseTensor([1, 0, 0.5], { rtol: 1e-6 });
    d.dispose();
  });
  it('mode (NaN unless both concentrations exceed 1) and stddev', async () => {
    const d = new Beta({ concentration1: [2, 0.5, 3], concentration0: [5, 2, 1] });
    await expect(d.mode()).toBeCloseTensor([0.2, NaN, NaN], { equalNan: true, rtol: 1e-6 });
    await expect(d.stddev()).toBeCloseTensor([Math.sqrt(10 / (49 * 8)), Math.sqrt(1 / (6.25 * 3.5)), Math.sqrt(3 / (16 * 5))], { rtol: 1e-5 });
    d.dispose();
  });
  it('shapes broadcast', () => {
    const d = new Beta({ concentration1: [1, 2, 3], concentration0: [[1], [2]] });
    expect(d.batchShape).toEqual([2, 3]);
    expect(d.sample(key(1), [4]).shape).toEqual([4, 2, 3]);
    expect(d.logProb(0.5).shape).toEqual([2, 3]);
    d.dispose();
  });
  it('rejects bad parameters, naming the argument', () => {
    expect(() => new Beta({ concentration1: 0, concentration0: 1 })).toThrow(/Beta: argument 'concentration1' must be positive/);
    expect(() => new Beta({ concentration1: 1, concentration0: -1 })).toThrow(/Beta: argument 'concentration0' must be positive/);
    expect(() => new Beta({ concentration1: [1, 2], concentration0: [1, 2, 3] })).toThrow(/'concentration1' \[2\] and 'concentration0' \[3\] do not broadcast/);
  });
  it('reparameterised sample gradients: E[dx/dα] = β/(α+β)², E[dx/dβ] = -α/(α+β)² within MC error', async () => {
    const n = 4000;
    const a = tf.fill([n], 2);
    const b = tf.fill([n], 3);
    const [, g] = valueAndGrad((p: { a: tf.Tensor; b: tf.Tensor }) => tf.sum(new Beta({ concentration1: p.a, concentration0: p.b, validateArgs: false }).sample(key(6))))({ a, b });
    const grads = g as { a: tf.Tensor; b: tf.Tensor };
    const ga = meanAndSe(await host(grads.a));
    const gb = meanAndSe(await host(grads.b));
    expect(Math.abs(ga.mean - 3 / 25)).toBeLessThan(5 * ga.se);
    expect(Math.abs(gb.mean + 2 / 25)).toBeLessThan(5 * gb.se);
  });
  it('has no leaks', async () => {
    const calls = scalarMethodCalls({ logProb: [0.5], prob: 0.2, cdf: 0.2, logCdf: 0.3, survival: 0.6, logSurvival: 0.6 });
    await expectMethodsDoNotLeak([() => new Beta({ concentration1: [0.5, 2], concentration0: 3 }), calls]);
  });
});

describe('Beta gradients', () => {
  it('d logProb / dx and d cdf / dx agree with finite differences (what HMC and transforms need)', async () => {
    const d = new Beta({ concentration1: [0.7, 4, 2], concentration0: [2.5, 1.5, 30] });
    await expectValueGradsMatch(d, ['logProb', 'cdf'], [0.1, 0.45, 0.05]);
    d.dispose();
  });
  it('d logProb / d(concentration1, concentration0) agree with finite differences', async () => {
    for (const [a, b] of [
      [0.7, 2.5],
      [4, 1.5],
    ]) {
      await expectGradsMatch(
        (p) => tf.sum(new Beta({ concentration1: p.a!, concentration0: p.b!, validateArgs: false }).logProb([0.1, 0.45, 0.9])),
        { a: a!, b: b! },
      );
    }
  });
  it('deep tails (log-space series): logCdf / logSurvival gradients agree with finite differences', async () => {
    // Beta(50, 40): log I_0.05 ≈ -120 and log(1 - I_0.95) ≈ -95 underflow float32 as probabilities.
    for (const [method, x] of [
      ['logCdf', [0.05, 0.08]],
      ['logSurvival', [0.95, 0.9]],
    ] as const) {
      await expectGradsMatch(
        (p) => tf.sum(new Beta({ concentration1: p.a!, concentration0: p.b!, validateArgs: false })[method]([...x])),
        { a: 50, b: 40 },
        { step: 1e-3, label: method },
      );
    }
  });
  it('d cdf / d(concentration1, concentration0) agree with finite differences', async () => {
    await expectGradsMatch(
      (p) => tf.sum(new Beta({ concentration1: p.a!, concentration0: p.b!, validateArgs: false }).cdf([0.1, 0.45, 0.9])),
      { a: 1.7, b: 2.5 },
    );
  });
});
