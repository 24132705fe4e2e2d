import * as tf from '@tensorflow/tfjs-core';
import { key } from '@probdl/tensor-backend';
import { describe, expect, it } from 'vitest';
import { Normal } from '../../src/families/normal.js';
import { TruncatedNormal } from '../../src/families/truncated-normal.js';
import { expectGradsMatch, expectValueGradsMatch, gradCheck } from '../helpers/gradcheck.js';
import { meanWithinMcError } from '../helpers/stats.js';
import { expectKsPasses } from '../helpers/sampling.js';
import { expectMethodsDoNotLeak, scalarMethodCalls } from '../helpers/leaks.js';
import { bisect, ndtrHost, normalPdfHost } from './host-math.js';

// No TruncatedNormal cases in the reference file: expected values come from first principles in float64 on
// the host (Φ through the independent erfc of host-math.ts): density φ(z)/(σZ), CDF (Φ(z) - Φ(a))/Z,
// Z = Φ(b) - Φ(a) (differences of upper-tail values when a > 0, so the tail case keeps its digits),
// mean loc + σ(φ(a) - φ(b))/Z, variance σ²[1 + (aφ(a) - bφ(b))/Z - ((φ(a) - φ(b))/Z)²],
// entropy log(√(2πe) σ Z) + (aφ(a) - bφ(b))/(2Z).
interface Case {
  loc: number;
  scale: number;
  low: number;
  high: number;
  x: number[];
}
const cases: Case[] = [
  { loc: 0, scale: 1, low: -1, high: 2, x: [-1, -0.5, 0, 1.2, 2] },
  { loc: 1, scale: 2, low: -Infinity, high: 0.5, x: [-20, -3, 0, 0.4] },
  { loc: 0, scale: 1, low: 4, high: 6, x: [4, 4.1, 4.5, 5.5] },
  { loc: -1, scale: 0.5, low: 0, high: Infinity, x: [0, 0.05, 0.3, 2] },
  // Far tails: Z = Φ(-20) = 2.8e-89 and Φ(-15) = 3.7e-51 are below float32's range (log space throughout).
  { loc: 0, scale: 1, low: 20, high: Infinity, x: [20, 20.01, 20.1, 20.3] },
  { loc: 2, scale: 1, low: -Infinity, high: -13, x: [-13.3, -13.1, -13.01, -13] },
];
/** Cases whose interval lies beyond float32's range of Φ: the variance formula cancels there (see the doc comment). */
const farTail = (c: Case) => c.low >= 20 || c.high <= -13;

/** Φ(hi) - Φ(lo) in float64, from the upper tail when lo > 0. */
function massHost(lo: number, hi: number): number {
  return lo > 0 ? ndtrHost(-lo) - ndtrHost(-hi) : ndtrHost(hi) - ndtrHost(lo);
}
const xPhi = (t: number) => (Number.isFinite(t) ? t * normalPdfHost(t) : 0);

function expectedOf(c: Case) {
  const a = (c.low - c.loc) / c.scale;
  const b = (c.high - c.loc) / c.scale;
  const z = massHost(a, b);
  const zs = c.x.map((v) => (v - c.loc) / c.scale);
  const ra = normalPdfHost(a) / z;
  const rb = normalPdfHost(b) / z;
  return {
    logProb: zs.map((t) => Math.log(normalPdfHost(t)) - Math.log(c.scale * z)),
    logCdf: zs.map((t) => Math.log(massHost(a, t) / z)),
    logSurvival: zs.map((t) => Math.log(massHost(t, b) / z)),
    mean: c.loc + c.scale * (ra - rb),
    variance: c.scale ** 2 * (1 + (xPhi(a) - xPhi(b)) / z - (ra - rb) ** 2),
    entropy: 0.5 * Math.log(2 * Math.PI * Math.E) + Math.log(c.scale * z) + (xPhi(a) - xPhi(b)) / (2 * z),
    quantile: (p: number) => c.loc + c.scale * bisect((t) => massHost(a, t) / z - p, Math.max(a, -40), Math.min(b, 40)),
  };
}

describe('TruncatedNormal against float64 first principles', () => {
  for (const c of cases) {
    it(`loc=${c.loc} scale=${c.scale} low=${c.low} high=${c.high}`, async () => {
      const d = new TruncatedNormal(c);
      const e = expectedOf(c);
      // float32: logNdtr and its log-differences are ~1e-6 relative; x is rounded (6e-8 relative), which moves
      // logp by |z|/σ · 6e-8 |x| (< 1e-5 here). log CDF / survival are -Infinity at the bounds.
      await expect(d.logProb(c.x)).toBeCloseTensor(e.logProb, { rtol: 1e-5, atol: 1e-5 });
      await expect(d.logCdf(c.x)).toBeCloseTensor(e.logCdf, { rtol: 1e-4, atol: 1e-5 });
      await expect(d.logSurvival(c.x)).toBeCloseTensor(e.logSurvival, { rtol: 1e-4, atol: 1e-5 });
      await expect(d.mean()).toBeCloseTensor(e.mean, { rtol: 1e-5, atol: 1e-6 });
      // The variance cancels in the tail case (1 + 20.4 - 21.3): ~1e-4 relative in float32 (see the doc comment).
      if (!farTail(c)) await expect(d.variance()).toBeCloseTensor(e.variance, { rtol: c.low > 0 ? 1e-3 : 1e-5 });
      // Far tails: φ(a)/Z = exp(log φ(a) - log Z) carries the float32 error of log φ(a) ≈ -200 (~3e-5), times a/2 = 10.
      await expect(d.entropy()).toBeCloseTensor(e.entropy, { rtol: 1e-5, atol: farTail(c) ? 2e-3 : 1e-5 });
      const ps = [0.01, 0.3, 0.5, 0.9, 0.999];
      await expect(d.icdf(ps)).toBeCloseTensor(ps.map(e.quantile), { rtol: 1e-4, atol: 1e-4 });
      d.dispose();
    });
  }
  it('is Normal renormalised: logProb - Normal.logProb = -log(cdf(high) - cdf(low)) of the Normal', async () => {
    const n = new Normal({ loc: 0.5, scale: 1.5 });
    const d = new TruncatedNormal({ loc: 0.5, scale: 1.5, low: -1, high: 3 });
    const x = [-0.5, 0.5, 2.9];
    const mass = tf.sub(n.cdf(3), n.cdf(-1));
    await expect(tf.sub(d.logProb(x), n.logProb(x))).toBeCloseTensor(tf.mul(-1, tf.log(tf.fill([3], (await mass.data())[0]!))), { rtol: 1e-5, atol: 1e-6 });
    n.dispose();
    d.dispose();
  });
});

describe('TruncatedNormal', () => {
  for (const c of [cases[0]!, cases[2]!, cases[3]!, cases[4]!, cases[5]!]) {
    it(`samples (low=${c.low}, high=${c.high}): KS test of cdf(samples), mean within MC error, all inside`, async () => {
      const d = new TruncatedNormal(c);
      const v = await expectKsPasses(d, key(2), 4000);
      const e = expectedOf(c);
      expect(meanWithinMcError(v, e.mean, Math.sqrt(e.variance)).ok).toBe(true);
      expect(v.every((x) => x >= Math.fround(c.low) && x <= Math.fround(c.high))).toBe(true);
      d.dispose();
    });
  }
  it('is -Infinity outside [low, high]; cdf 0 below and 1 above; mode is loc clipped', async () => {
    const d = new TruncatedNormal({ loc: [0, 5], scale: 1, low: -1, high: 2 });
    await expect(d.logProb([-1.5, 2.5])).toBeCloseTensor([-Infinity, -Infinity]);
    await expect(d.cdf([-1.5, 2.5])).toBeCloseTensor([0, 1]);
    await expect(d.survival([-1.5, 2.5])).toBeCloseTensor([1, 0]);
    await expect(d.mode()).toBeCloseTensor([0, 2]);
    d.dispose();
  });
  it('shapes broadcast over all four parameters', () => {
    const d = new TruncatedNormal({ loc: [0, 1, 2], scale: [[1], [2]], low: -5, high: 5 });
    expect(d.batchShape).toEqual([2, 3]);
    expect(d.sample(key(1), [4]).shape).toEqual([4, 2, 3]);
    expect(d.logProb(0.5).shape).toEqual([2, 3]);
    d.dispose();
  });
  it('rejects bad parameters, naming the argument', () => {
    expect(() => new TruncatedNormal({ loc: 0, scale: 1, low: 1, high: 1 })).toThrow(/TruncatedNormal: argument 'high' must be greater than 'low'/);
    expect(() => new TruncatedNormal({ loc: 0, scale: -1, low: 0, high: 1 })).toThrow(/TruncatedNormal: argument 'scale' must be positive/);
    expect(() => new TruncatedNormal({ loc: 0, scale: 1, low: NaN, high: 1 })).toThrow(/TruncatedNormal: argument 'low' must be a number/);
    expect(() => new TruncatedNormal({ loc: [0, 1], scale: 1, low: [0, 0, 0], high: 1 })).toThrow(/'loc', 'scale' \[2\] and 'low' \[3\] do not broadcast/);
  });
  it('has no leaks', async () => {
    const calls = scalarMethodCalls({ logProb: [0.5], prob: 1, cdf: 0.2, logCdf: 0.3, survival: 2, logSurvival: 2, icdf: 0.4 });
    await expectMethodsDoNotLeak([() => new TruncatedNormal({ loc: [0, 1], scale: 2, low: -1, high: 3 }), calls]);
  });
});

describe('TruncatedNormal gradients', () => {
  it('d logProb / dx and d cdf / dx agree with finite differences (what HMC and transforms need)', async () => {
    const d = new TruncatedNormal({ loc: 0.3, scale: 1.2, low: -1, high: 2 });
    await expectValueGradsMatch(d, ['logProb', 'cdf'], [-0.8, 0.5, 1.9]);
    d.dispose();
  });
  const make = (p: Record<string, tf.Tensor>) => new TruncatedNormal({ loc: p.loc!, scale: p.scale!, low: p.low!, high: p.high!, validateArgs: false });
  it('gradients stay finite with infinite bounds (d logProb, d mean, d sample / d(loc, scale))', async () => {
    for (const [low, high] of [
      [-Infinity, 1],
      [0, Infinity],
      [-Infinity, Infinity],
    ]) {
      const x = [Math.max(low!, -2) + 0.5, Math.min(high!, 3) - 0.5];
      for (const f of [(p: Record<string, tf.Tensor>) => tf.sum(make({ ...p, low: tf.scalar(low!), high: tf.scalar(high!) }).logProb(x)),
        (p: Record<string, tf.Tensor>) => tf.sum(make({ ...p, low: tf.scalar(low!), high: tf.scalar(high!) }).mean()),
        (p: Record<string, tf.Tensor>) => tf.sum(make({ ...p, low: tf.scalar(low!), high: tf.scalar(high!) }).entropy()),
        (p: Record<string, tf.Tensor>) => tf.sum(make({ ...p, low: tf.scalar(low!), high: tf.scalar(high!) }).sample(key(5), 4))]) {
        const { worst, detail } = await gradCheck(f, { loc: 0.3, scale: 1.2 });
        expect(worst, `low=${low} high=${high}\n${detail.join('\n')}`).toBeLessThan(2e-3);
      }
    }
  });
  for (const params of [
    { loc: 0.3, scale: 1.2, low: -1, high: 2 },
    { loc: -0.5, scale: 0.8, low: 1, high: 2.5 },
  ]) {
    it(`d logProb and d logCdf / d(loc, scale, low, high) agree with finite differences (${JSON.stringify(params)})`, async () => {
      const x = [params.low + 0.2, (params.low + params.high) / 2, params.high - 0.1];
      for (const method of ['logProb', 'logCdf'] as const) {
        await expectGradsMatch((p) => tf.sum(make(p)[method](x)), params, { label: method });
      }
    });
    it(`reparameterised sample gradients (inverse-CDF) agree with finite differences at a fixed key (${JSON.stringify(params)})`, async () => {
      await expectGradsMatch((p) => tf.sum(make(p).sample(key(4), 5)), params);
    });
  }
});
