import * as tf from '@tensorflow/tfjs-core';
import { key } from '@probdl/tensor-backend';
import { describe, expect, it } from 'vitest';
import { Poisson } from '../../src/families/poisson.js';
import { casesOf, nums } from '../helpers/reference.js';
import { gradCheck } from '../helpers/gradcheck.js';
import { chiSquare, chiSquareCritical, host } from '../helpers/stats.js';
import { expectMethodsDoNotLeak } from '../helpers/leaks.js';

/** Smallest log probability float32 holds in its normal range; smaller cdf values underflow. */
const LOG_F32_TINY = Math.log(2 ** -126);

describe('Poisson against mpmath', () => {
  for (const c of casesOf('Poisson')) {
    it(`rate=${c.params.rate}`, async () => {
      const x = c.x as number[];
      // Built from logRate, the float32 rounding of log λ moves λ by ~λ|log λ|·6e-8 (0.8 at λ = 1e6), a different
      // distribution: the logRate form is checked against the reference only for rates <= 100.
      const ds = [new Poisson({ rate: c.params.rate })];
      if (c.params.rate <= 100) ds.push(new Poisson({ logRate: Math.log(c.params.rate) }));
      for (const d of ds) {
        // Without cancelling terms the log pmf holds ~3e-7 even at λ = 1e6 (where the plain k log λ - λ -
        // lgamma(k + 1) in float32 is off by ~1): rtol and atol 1e-6.
        await expect(d.logProb(x)).toBeCloseTensor(nums(c.mp_log_prob), { rtol: 1e-6, atol: 1e-6 });
        // Log cdf / log survival through igammac / igamma (~1e-6 relative); values below float32's
        // normal range (log < -87: λ = 1e6 at k <= 5, and far tails) underflow and are left out.
        const lc = nums(c.mp_log_cdf) as number[];
        const ls = nums(c.mp_log_sf) as number[];
        const idx = x.map((_, i) => i).filter((i) => lc[i]! > LOG_F32_TINY && ls[i]! > LOG_F32_TINY);
        const xr = idx.map((i) => x[i]!);
        await expect(d.logCdf(xr)).toBeCloseTensor(idx.map((i) => lc[i]!), { rtol: 2e-5, atol: 1e-6 });
        await expect(d.logSurvival(xr)).toBeCloseTensor(idx.map((i) => ls[i]!), { rtol: 2e-5, atol: 1e-6 });
        await expect(d.mean()).toBeCloseTensor(c.mean, { rtol: 1e-6 });
        await expect(d.variance()).toBeCloseTensor(c.variance, { rtol: 1e-6 });
        d.dispose();
      }
    });
  }
});

describe('Poisson', () => {
  it('logProb is -Infinity for negative or non-integer x; cdf steps; mode', async () => {
    const d = new Poisson({ rate: 2.5 });
    await expect(d.logProb([-1, 0.5, 2])).toBeCloseTensor([-Infinity, -Infinity, 2 * Math.log(2.5) - 2.5 - Math.log(2)], { rtol: 1e-6 });
    const c2 = Math.exp(-2.5) * (1 + 2.5 + 2.5 ** 2 / 2);
    await expect(d.cdf([-0.5, 2, 2.7])).toBeCloseTensor([0, c2, c2], { rtol: 1e-5 });
    await expect(d.survival([-0.5, 2])).toBeCloseTensor([1, 1 - c2], { rtol: 1e-5 });
    await expect(d.mode()).toBeCloseTensor(2);
    d.dispose();
  });
  it('logProb matches the plain formula (float64 on the host) across the Stirling switch at k = 10', async () => {
    const lgammaInt = (n: number) => Array.from({ length: n - 1 }, (_, i) => Math.log(i + 2)).reduce((a, b) => a + b, 0);
    for (const rate of [0.3, 7, 40]) {
      const d = new Poisson({ rate });
      const ks = [8, 9, 10, 11, 12, 30];
      await expect(d.logProb(ks)).toBeCloseTensor(ks.map((k) => k * Math.log(rate) - rate - lgammaInt(k)), { rtol: 2e-6, atol: 2e-6 });
      d.dispose();
    }
  });
  it('samples: float32 counts, chi-square against the pmf (rates 3 and 40)', async () => {
    for (const [rate, seed] of [[3, 1], [40, 2]] as const) {
      const d = new Poisson({ rate });
      const s = d.sample(key(seed), [5000]);
      expect(s.dtype).toBe('float32');
      const h = await host(s);
      const n = Math.ceil(rate + 10 * Math.sqrt(rate) + 10);
      const counts = new Array(n + 1).fill(0);
      for (const v of h) counts[Math.min(v, n)]++;
      const lp = await host(d.logProb(Array.from({ length: n }, (_, i) => i)));
      const probs = Array.from(lp, Math.exp);
      probs.push(Math.max(0, 1 - probs.reduce((a, b) => a + b, 0)));
      const { statistic, dof } = chiSquare(counts, probs);
      expect(statistic, `rate ${rate}`).toBeLessThan(chiSquareCritical(dof));
      d.dispose();
    }
  });
  it('rejects bad arguments, naming them', () => {
    expect(() => new Poisson({ rate: 0 })).toThrow(/Poisson: argument 'rate' must be positive/);
    expect(() => new Poisson({ logRate: NaN })).toThrow(/Poisson: argument 'logRate' must be finite/);
    expect(() => new Poisson({ rate: 1, logRate: 0 })).toThrow(/exactly one of 'rate' and 'logRate'/);
  });
  it('d logProb / d (rate, logRate) agree with finite differences', async () => {
    const x = [0, 3, 9, 10, 14, 40];
    for (const [rate, worstAllowed] of [[4.5, 2e-3], [25, 2e-3]] as const) {
      const r = await gradCheck((p) => tf.sum(new Poisson({ rate: p.rate!, validateArgs: false }).logProb(x)), { rate });
      expect(r.worst, r.detail.join('\n')).toBeLessThan(worstAllowed);
      const l = await gradCheck((p) => tf.sum(new Poisson({ logRate: p.logRate!, validateArgs: false }).logProb(x)), { logRate: Math.log(rate) });
      expect(l.worst, l.detail.join('\n')).toBeLessThan(worstAllowed);
    }
  });
  it('has no leaks', async () => {
    await expectMethodsDoNotLeak(
      [
        () => new Poisson({ rate: [0.5, 30] }),
        [
          ['sample', key(1), [3]], ['logProb', [1, 40]], ['prob', 1], ['cdf', 2], ['logCdf', 2], ['survival', 3], ['logSurvival', 3],
          ['mean'], ['mode'], ['variance'], ['stddev'], ['rateParameter'],
        ],
      ],
      [() => new Poisson({ logRate: 1 }), [['logProb', 2], ['rateParameter'], ['sample', key(2)]]],
    );
  });
});
