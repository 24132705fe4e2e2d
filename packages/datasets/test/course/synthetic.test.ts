import * as tf from '@tensorflow/tfjs-core';
import { key, toFloat64Array } from '@probdl/tensor-backend';
import { expectNoLeaks } from '@probdl/vitest-config/matchers';
import { beforeAll, describe, expect, it } from 'vitest';
import { flaxSinusoid, lognormalToy, lognormalToySummaries } from '../../src/course/index.js';

function mean(a: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]!;
  return s / a.length;
}
function sd(a: ArrayLike<number>): number {
  const m = mean(a);
  let s = 0;
  for (let i = 0; i < a.length; i++) s += (a[i]! - m) ** 2;
  return Math.sqrt(s / (a.length - 1));
}

describe('flaxSinusoid', () => {
  it('has 40 sorted points in [-1, 1], is deterministic per key', async () => {
    const a = flaxSinusoid(key(0));
    expect(a.x.shape).toEqual([40, 1]);
    expect(a.y.shape).toEqual([40, 1]);
    const x = await toFloat64Array(a.x);
    for (let i = 1; i < 40; i++) expect(x[i]!).toBeGreaterThanOrEqual(x[i - 1]!);
    expect(x[0]!).toBeGreaterThanOrEqual(-1);
    expect(x[39]!).toBeLessThan(1);
    const b = flaxSinusoid(key(0));
    expect(Array.from(await toFloat64Array(b.y))).toEqual(Array.from(await toFloat64Array(a.y)));
    const c = flaxSinusoid(key(1));
    expect(Array.from(await toFloat64Array(c.x))).not.toEqual(Array.from(x));
    tf.dispose([a.x, a.y, b.x, b.y, c.x, c.y]);
  });

  it('has residuals against x sin(5x) with the stated noise sd, within Monte Carlo error', async () => {
    for (const [n, noiseSd] of [
      [40, 0.1],
      [40000, 0.3],
    ] as const) {
      const d = flaxSinusoid(key(3), { n, noiseSd });
      const x = await toFloat64Array(d.x);
      const y = await toFloat64Array(d.y);
      const r = y.map((v, i) => v - x[i]! * Math.sin(5 * x[i]!));
      // sd of a sample sd: about sigma / sqrt(2 (n - 1)); mean: sigma / sqrt(n).
      expect(Math.abs(sd(r) - noiseSd)).toBeLessThan((4 * noiseSd) / Math.sqrt(2 * (n - 1)));
      expect(Math.abs(mean(r))).toBeLessThan((4 * noiseSd) / Math.sqrt(n));
      tf.dispose([d.x, d.y]);
    }
    expect(() => flaxSinusoid(key(0), { noiseSd: -1 })).toThrow(/noiseSd/);
    await expectNoLeaks(() => flaxSinusoid(key(0)));
  });
});

describe('lognormalToy (DATASET_DESCRIPTION.md of cluster-masses)', () => {
  const n = 1_000_000;
  let d: ReturnType<typeof lognormalToy>;
  let xy: Promise<[Float64Array, Float64Array]>;
  beforeAll(() => {
    d = lognormalToy(key(11), n);
    xy = Promise.all([toFloat64Array(d.x), toFloat64Array(d.y)]);
  });

  it('has x ~ U(0.1, 1.5) and log(y - 2x) / x ~ N(0, 1)', async () => {
    expect(d.x.shape).toEqual([n, 1]);
    const [x, y] = await xy;
    expect(Math.min(...x.subarray(0, 10000))).toBeGreaterThanOrEqual(0.1);
    expect(Math.abs(mean(x) - 0.8)).toBeLessThan((4 * 1.4) / Math.sqrt(12 * n));
    const z = y.map((v, i) => Math.log(v - 2 * x[i]!) / x[i]!);
    expect(Math.abs(mean(z))).toBeLessThan(4 / Math.sqrt(n) + 1e-4);
    expect(Math.abs(sd(z) - 1)).toBeLessThan(4 / Math.sqrt(2 * n) + 1e-4);
  });

  it('the analytic mean 2x + exp(x^2/2) and median 2x + 1 hold within Monte Carlo error', async () => {
    const [x, y] = await xy;
    const s = lognormalToySummaries(d.x);
    const m = await toFloat64Array(s.mean);
    const med = await toFloat64Array(s.median);
    // Independent host formulas for the summaries.
    expect(m[5]!).toBeCloseTo(2 * x[5]! + Math.exp(x[5]! ** 2 / 2), 5);
    const r = y.map((v, i) => v - m[i]!);
    expect(Math.abs(mean(r))).toBeLessThan((4 * sd(r)) / Math.sqrt(n));
    let below = 0;
    for (let i = 0; i < n; i++) if (y[i]! < med[i]!) below++;
    expect(Math.abs(below / n - 0.5)).toBeLessThan(4 * 0.5 / Math.sqrt(n));
    tf.dispose([s.mean, s.median, s.mode]);
  });

  it('the density peaks at the analytic mode 2x + exp(-x^2)', async () => {
    const [x, y] = await xy;
    const s = lognormalToySummaries(d.x);
    const mode = await toFloat64Array(s.mode);
    // In the slice x in [0.9, 1.0), count y - mode(x) in windows of width 0.1: centred at 0 it beats
    // windows 0.2 to either side (expected ratio about 0.92 and 0.77; counts about 4,700 each, so the
    // right-hand gap of about 400 is 4 Monte Carlo sd).
    const counts = [0, 0, 0];
    const centres = [-0.2, 0, 0.2];
    for (let i = 0; i < n; i++) {
      if (x[i]! < 0.9 || x[i]! >= 1) continue;
      const r = y[i]! - mode[i]!;
      centres.forEach((c, j) => {
        if (Math.abs(r - c) < 0.05) counts[j]!++;
      });
    }
    expect(counts[1]!).toBeGreaterThan(counts[0]!);
    expect(counts[1]!).toBeGreaterThan(counts[2]!);
    tf.dispose([s.mean, s.median, s.mode, d.x, d.y]);
  });

  it('is deterministic per key and leaves nothing behind', async () => {
    const a = lognormalToy(key(2), 5);
    const b = lognormalToy(key(2), 5);
    expect(Array.from(await toFloat64Array(a.y))).toEqual(Array.from(await toFloat64Array(b.y)));
    tf.dispose([a.x, a.y, b.x, b.y]);
    expect(() => lognormalToy(key(2), 0)).toThrow(/lognormalToy: n/);
    await expectNoLeaks(() => lognormalToy(key(2), 10));
    const x = tf.tensor1d([0.5]);
    await expectNoLeaks(() => lognormalToySummaries(x));
  });
});
