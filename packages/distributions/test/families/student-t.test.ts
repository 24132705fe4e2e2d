import * as tf from '@tensorflow/tfjs-core';
import { grad, key, valueAndGrad } from '@probdl/tensor-backend';
import { describe, expect, it } from 'vitest';
import { StudentT } from '../../src/families/student-t.js';
import { casesOf, fitsFloat32, nums } from '../helpers/reference.js';
import { expectGradsMatch } from '../helpers/gradcheck.js';
import { expectMethodsDoNotLeak, scalarMethodCalls } from '../helpers/leaks.js';
import { host, meanWithinMcError } from '../helpers/stats.js';
import { expectKsPasses } from '../helpers/sampling.js';

/** Smallest log probability a float32 cdf can hold (normal range); below it the cdf underflows. */
const LOG_F32_TINY = Math.log(2 ** -126);

describe('StudentT against mpmath', () => {
  for (const c of casesOf('StudentT')) {
    it(`df=${c.params.df} loc=${c.params.loc} scale=${c.params.scale}`, async () => {
      const d = new StudentT({ df: c.params.df, loc: c.params.loc, scale: c.params.scale });
      const xs = (c.x as number[]).map((v, i) => [v, i] as const).filter(([v]) => fitsFloat32(v));
      const x = xs.map(([v]) => v);
      const pick = (arr: unknown[]) => xs.map(([, i]) => nums(arr)[i]!);
      // rtol 2e-6 relative (df = 1e6 at x = ±1e10 has log density -1.6e7); atol for x's float32 rounding.
      await expect(d.logProb(x)).toBeCloseTensor(pick(c.mp_log_prob), { rtol: 2e-6, atol: 5e-6 });
      // Log cdf / log survival: probabilities below float32's normal range (log < -87) underflow in the
      // betainc-based cdf (df = 30 at x = -51, df = 1e6 at x = ±100 and ±1e10): those x are left out.
      const logCdfTruth = pick(c.mp_log_cdf);
      const logSfTruth = pick(c.mp_log_sf);
      const ok = (i: number) => logCdfTruth[i]! > LOG_F32_TINY && logSfTruth[i]! > LOG_F32_TINY;
      const idx = x.map((_, i) => i).filter(ok);
      const xr = idx.map((i) => x[i]!);
      // betainc is accurate to ~1e-6 relative in float32.
      await expect(d.logCdf(xr)).toBeCloseTensor(idx.map((i) => logCdfTruth[i]!), { rtol: 2e-5, atol: 1e-6 });
      await expect(d.logSurvival(xr)).toBeCloseTensor(idx.map((i) => logSfTruth[i]!), { rtol: 2e-5, atol: 1e-6 });
      await expect(d.entropy()).toBeCloseTensor(c.mp_entropy, { rtol: 2e-6, atol: 2e-6 });
      // Quantiles: scipy 1.17's values (no mp field; README: only scipy 1.10 is off, by 4e-9).
      // For p > ½ the float32 rounding of p moves q = 1 - p by |fround(p) - p| (1.3e-5 relative at p = 0.999),
      // which moves a tail quantile by that over df (relative): allowed on top of 2e-5.
      const qs = c.quantile_q as number[];
      const got = await host(d.icdf(qs));
      const want = nums(c.quantile) as number[];
      qs.forEach((p, i) => {
        const q = Math.min(p, 1 - p);
        const inputShift = Math.abs(Math.fround(p) - p) / q / Math.min(1, c.params.df);
        const tol = (2e-5 + inputShift) * Math.abs(want[i]! - c.params.loc) + 2e-6 * c.params.scale;
        expect(Math.abs(got[i]! - want[i]!), `p=${p}: got ${got[i]}, want ${want[i]}`).toBeLessThanOrEqual(tol);
      });
      d.dispose();
    });
  }
});

describe('StudentT', () => {
  it('samples: KS test of cdf(samples) for df = 0.7, 3 and 40', async () => {
    for (const [df, seed] of [[0.7, 1], [3, 2], [40, 3]] as const) {
      const d = new StudentT({ df, loc: 1, scale: 2 });
      await expectKsPasses(d, key(seed), 3000, `df=${df}`);
      d.dispose();
    }
  });
  it('samples: mean within MC error for df = 5', async () => {
    const d = new StudentT({ df: 5, loc: -1, scale: 0.5 });
    const s = await host(d.sample(key(9), 4000));
    expect(meanWithinMcError(s, -1, Math.sqrt((0.25 * 5) / 3)).ok).toBe(true);
    d.dispose();
  });
  it('mean is NaN for df <= 1; variance is Infinity for 1 < df <= 2 and NaN for df <= 1', async () => {
    const d = new StudentT({ df: [0.5, 1, 1.5, 2, 3, 10], loc: 2, scale: 3 });
    await expect(d.mean()).toBeCloseTensor([NaN, NaN, 2, 2, 2, 2]);
    await expect(d.variance()).toBeCloseTensor([NaN, NaN, Infinity, Infinity, 27, (9 * 10) / 8], { rtol: 1e-6 });
    await expect(d.mode()).toBeCloseTensor([2, 2, 2, 2, 2, 2]);
    d.dispose();
  });
  it('icdf inverts the cdf across df and p (log cdf within 1e-4 relative, both tails)', async () => {
    const dfs = [0.3, 1, 2.5, 7, 29, 31, 150, 1e4];
    const ps = [1e-6, 1e-3, 0.05, 0.2, 0.45, 0.5, 0.6, 0.95, 0.999];
    const d = new StudentT({ df: dfs.map((v) => [v]), loc: 0.5, scale: 2 });
    const x = d.icdf(ps);
    const lc = await host(d.logCdf(x));
    const ls = await host(d.logSurvival(x));
    for (let i = 0; i < dfs.length; i++) {
      for (let j = 0; j < ps.length; j++) {
        const p = Math.fround(ps[j]!);
        // Compare in the smaller tail, where the relative error is meaningful.
        const [got, want] = p < 0.5 ? [lc[i * ps.length + j]!, Math.log(p)] : [ls[i * ps.length + j]!, Math.log1p(-p)];
        expect(Math.abs(got - want), `df=${dfs[i]} p=${p}`).toBeLessThan(1e-4 * Math.abs(want) + 1e-6);
      }
    }
    await expect(d.icdf([0, 1])).toBeCloseTensor(new Array(dfs.length).fill([-Infinity, Infinity]));
    d.dispose();
  });
  it('entropy on both sides of the switch to the asymptotic digamma series (df = 20) against mpmath', async () => {
    // (df+1)/2 (ψ((df+1)/2) - ψ(df/2)) + log(sqrt(df) B(df/2, ½)), evaluated with mpmath at 30 digits for this test.
    const dfs = [0.7, 5, 19.999, 20, 25, 100, 1e4];
    const mp = [3.02044381208916, 1.627502672414396, 1.469544574676921, 1.4695420153045369, 1.459327578078393, 1.4289633653182439, 1.419038535704506];
    const d = new StudentT({ df: dfs, loc: 0, scale: 1 });
    await expect(d.entropy()).toBeCloseTensor(mp, { rtol: 2e-6, atol: 2e-6 });
    d.dispose();
  });
  it('rejects bad arguments, naming them', () => {
    expect(() => new StudentT({ df: 0, loc: 0, scale: 1 })).toThrow(/StudentT: argument 'df' must be positive/);
    expect(() => new StudentT({ df: 3, loc: 0, scale: -1 })).toThrow(/StudentT: argument 'scale' must be positive/);
    expect(() => new StudentT({ df: 3, loc: NaN, scale: 1 })).toThrow(/StudentT: argument 'loc' must be finite/);
    expect(() => new StudentT({ df: [1, 2], loc: [0, 1, 2], scale: 1 })).toThrow(/'df' \[2\] and 'loc' \[3\] do not broadcast/);
  });
  it('reparameterised sample gradients: d sample / d scale = (sample - loc) / scale, d sample / d loc = 1', async () => {
    const s = new StudentT({ df: 4, loc: 0.5, scale: 2 }).sample(key(3), 6);
    const expected = tf.sum(tf.div(tf.sub(s, 0.5), 2));
    const [, g] = valueAndGrad((p: { loc: tf.Tensor; scale: tf.Tensor }) =>
      tf.sum(new StudentT({ df: 4, loc: p.loc, scale: p.scale, validateArgs: false }).sample(key(3), 6)),
    )({ loc: tf.scalar(0.5), scale: tf.scalar(2) });
    const grads = g as { loc: tf.Tensor; scale: tf.Tensor };
    await expect(grads.scale).toBeCloseTensor(expected, { rtol: 1e-5 });
    await expect(grads.loc).toBeCloseTensor(6, { rtol: 1e-6 });
  });
  it('d sample / d df (implicit Gamma gradient): E[d X² / d df] = d/d df (df / (df - 2)) within MC error', async () => {
    // One df per draw, so the gradient holds the per-draw derivatives (their spread gives the MC error).
    const n = 20000;
    const df0 = 10;
    const [, g] = valueAndGrad((p: { df: tf.Tensor }) => tf.sum(tf.square(new StudentT({ df: p.df, loc: 0, scale: 1, validateArgs: false }).sample(key(5)))))({
      df: tf.fill([n], df0),
    });
    const per = await host((g as { df: tf.Tensor }).df);
    const truth = -2 / (df0 - 2) ** 2;
    const mean = per.reduce((a, b) => a + b, 0) / n;
    const sd = Math.sqrt(per.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1));
    expect(Math.abs(mean - truth), `mean ${mean} truth ${truth} se ${sd / Math.sqrt(n)}`).toBeLessThan((5 * sd) / Math.sqrt(n));
  });
  it('d logProb / d(df, loc, scale) agree with finite differences', async () => {
    const x = [-4.1, 0.2, 2.5];
    await expectGradsMatch(
      (p) => tf.sum(new StudentT({ df: p.df!, loc: p.loc!, scale: p.scale!, validateArgs: false }).logProb(x)),
      { df: 3.5, loc: 0.3, scale: 1.7 },
    );
  });
  it('d cdf / d x is the density (incomplete-beta and Hill branches)', async () => {
    const d = new StudentT({ df: [4, 4, 4, 4, 250, 250, 250, 250], loc: 0.5, scale: 2 });
    const x = tf.tensor1d([-3, 0.5, 1, 6, -3, 0.5, 1, 6]);
    const g = grad((t: tf.Tensor) => tf.sum(d.cdf(t)))(x);
    await expect(g).toBeCloseTensor(d.prob(x), { rtol: 1e-4, atol: 1e-6 });
    d.dispose();
  });
  it('cdf is continuous across the switch to Hill\'s approximation (df = 100)', async () => {
    const d = new StudentT({ df: [99.999, 100, 99.999, 100], loc: 0, scale: 1 });
    const c = await host(d.logCdf([-4, -4, 2, 2]));
    expect(Math.abs(c[0]! - c[1]!)).toBeLessThan(1e-5 * Math.abs(c[0]!));
    expect(Math.abs(c[2]! - c[3]!)).toBeLessThan(1e-5 * Math.abs(c[2]!) + 1e-7);
    d.dispose();
  });
  it('has no leaks', async () => {
    const calls = scalarMethodCalls({ logProb: [0.5], prob: 1, cdf: 0, logCdf: 0, survival: 1, logSurvival: 1, icdf: [[0.2], [0.7]] });
    await expectMethodsDoNotLeak([() => new StudentT({ df: [3, 30], loc: 0, scale: 2 }), calls]);
  });
});
