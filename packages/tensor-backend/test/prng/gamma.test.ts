import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { expectNoLeaks } from '@probdl/vitest-config/matchers';
import { gamma, key, loggamma, split } from '../../src/prng/index.js';
import { expectMoments } from './expect-moments.js';
import { gammaP, ksCritical, ksDistance } from './stats.js';

// Distribution tests with fixed keys. Tolerances are Monte Carlo standard errors computed from the
// exact distribution (5 SE for moments) and the 0.1% Kolmogorov–Smirnov critical value; the CDFs are
// float64 host computations (incomplete gamma series / continued fraction) independent of the sampler.
const N = 10000;

async function read(t: tf.Tensor): Promise<Float32Array> {
  const v = (await t.data()) as Float32Array;
  t.dispose();
  return v;
}

/** Gamma(a, 1): variance a, fourth central moment 3a^2 + 6a. */
function gammaMoments(xs: Float32Array, a: number, label: string): void {
  expectMoments(xs, a, a, 3 * a * a + 6 * a, label);
}

describe('gamma and loggamma', () => {
  const keys = split(key(2024), 8);

  for (const [i, a] of [0.01, 0.3, 1, 2.5, 1000].entries()) {
    it(`concentration ${a}: moments and KS`, async () => {
      const g = await read(gamma(keys[i]!, a, [N]));
      expect(g.every((v) => v >= 0 && Number.isFinite(v))).toBe(true);
      gammaMoments(g, a, `gamma(${a})`);
      if (a >= 0.3) {
        // Below a = 0.3 much of the mass underflows float32; the log-space test below covers it.
        expect(ksDistance(g, (x) => gammaP(a, x))).toBeLessThan(ksCritical(N));
      }
      // log G has CDF P(a, e^t); exact in float32 even where G itself underflows.
      const lg = await read(loggamma(keys[i]!, a, [N]));
      expect(lg.every((v) => Number.isFinite(v))).toBe(true);
      expect(ksDistance(lg, (t) => gammaP(a, Math.exp(t)))).toBeLessThan(ksCritical(N));
    });
  }

  it('gamma is exp(loggamma) for the same key', async () => {
    const k = keys[6]!;
    const g = await read(gamma(k, [0.5, 3], [2]));
    const lg = await read(loggamma(k, [0.5, 3], [2]));
    g.forEach((v, j) => expect(v).toBeCloseTo(Math.exp(lg[j]!), 5));
  });

  it('a tensor concentration broadcasts to the sample shape (no readback)', async () => {
    const conc = tf.tensor2d([[0.3], [1000]]);
    const t = gamma(keys[7]!, conc, [2, N]);
    conc.dispose();
    expect(t.shape).toEqual([2, N]);
    const v = await read(t);
    gammaMoments(v.subarray(0, N), 0.3, 'row 0 (0.3)');
    gammaMoments(v.subarray(N), 1000, 'row 1 (1000)');
    expect(ksDistance(v.subarray(N), (x) => gammaP(1000, x))).toBeLessThan(ksCritical(N));
  });

  it('tensor entries NaN or <= 0 give NaN; +Infinity gives +Infinity', async () => {
    const conc = tf.tensor1d([-1, 0, NaN, Infinity, 2]);
    const v = await read(gamma(key(1), conc));
    conc.dispose();
    expect(Number.isNaN(v[0]!) && Number.isNaN(v[1]!) && Number.isNaN(v[2]!)).toBe(true);
    expect(v[3]).toBe(Infinity);
    expect(v[4]! > 0 && Number.isFinite(v[4]!)).toBe(true);
  });

  it('same key, same draws; different keys, different draws', async () => {
    const a = await read(gamma(key(5), 2, [4]));
    const b = await read(gamma(key(5), 2, [4]));
    const c = await read(gamma(key(6), 2, [4]));
    expect(Array.from(a)).toEqual(Array.from(b));
    expect(Array.from(a)).not.toEqual(Array.from(c));
  });

  it('rejects invalid numbers and shapes', () => {
    const k = key(0);
    expect(() => gamma(k, 0)).toThrow(/concentration must be positive/);
    expect(() => gamma(k, -2)).toThrow(/concentration must be positive/);
    expect(() => gamma(k, NaN)).toThrow(/concentration/);
    expect(() => gamma(k, 1e-50)).toThrow(/float32/);
    expect(() => loggamma(k, [1, Infinity])).toThrow(/flat index 1/);
    expect(() => gamma(k, [1, 2, 3], [2])).toThrow(/does not broadcast/);
    expect(() => gamma(k, 1, [-1])).toThrow(/shape/);
    expect(() => gamma({} as never, 1)).toThrow(/key must be a PRNGKey/);
  });

  it('does not leak', async () => {
    const conc = tf.tensor1d([0.2, 4]);
    await expectNoLeaks(() => gamma(key(0), 2, [3]));
    await expectNoLeaks(() => loggamma(key(0), conc, [5, 2]));
    await expectNoLeaks(() => gamma(key(0), conc));
    conc.dispose();
  });
});
