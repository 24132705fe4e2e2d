import * as tf from '@tensorflow/tfjs-core';
import { key } from '@probdl/tensor-backend';
import { describe, expect, it } from 'vitest';
import { NotDefinedError } from '../../src/distribution.js';
import { Binomial } from '../../src/families/binomial.js';
import { casesOf, nums, refNumber } from '../helpers/reference.js';
import { expectGradsMatch } from '../helpers/gradcheck.js';
import { chiSquare, chiSquareCritical, host } from '../helpers/stats.js';
import { expectMethodsDoNotLeak } from '../helpers/leaks.js';

const LOG_F32_TINY = Math.log(2 ** -126);

/** Host float64 log pmf via log-factorial sums (exact enough for n <= 1000). */
function hostLogPmf(n: number, p: number, k: number): number {
  const lf = (m: number) => {
    let s = 0;
    for (let i = 2; i <= m; i++) s += Math.log(i);
    return s;
  };
  if (k < 0 || k > n) return -Infinity;
  const a = k === 0 ? 0 : k * Math.log(p);
  const b = n - k === 0 ? 0 : (n - k) * Math.log1p(-p);
  return lf(n) - lf(k) - lf(n - k) + a + b;
}

describe('Binomial against mpmath', () => {
  for (const c of casesOf('Binomial')) {
    it(`n=${c.params.n} p=${c.params.p}`, async () => {
      const d = new Binomial({ totalCount: c.params.n, probs: c.params.p });
      const x = c.x as number[];
      // The float32 parameter differs from p (0.999 is 0.99900001287): the exact shift of the log pmf that this
      // causes, log f(k; fround(p)) - log f(k; p), is added to the mpmath value (float64, first principles).
      const p32 = Math.fround(c.params.p);
      const shift = x.map((k) => (p32 === c.params.p || k < 0 || k > c.params.n ? 0 : hostLogPmf(c.params.n, p32, k) - hostLogPmf(c.params.n, c.params.p, k)));
      const expected = (nums(c.mp_log_prob) as number[]).map((v, i) => v + shift[i]!);
      await expect(d.logProb(x)).toBeCloseTensor(expected, { rtol: 2e-6, atol: 2e-6 });
      // Log cdf via betainc (~1e-6 relative; 2e-5 with the parameter rounding above); values whose
      // probability underflows float32 (log < -87) or is within float32 rounding of 1 are left out.
      const lc = nums(c.mp_log_cdf) as number[];
      const idx = x.map((_, i) => i).filter((i) => lc[i]! > LOG_F32_TINY);
      await expect(d.logCdf(idx.map((i) => x[i]!))).toBeCloseTensor(idx.map((i) => lc[i]!), { rtol: 2e-5, atol: 1e-6 });
      await expect(d.mean()).toBeCloseTensor(refNumber(c.mean), { rtol: 1e-6, atol: 1e-6 });
      await expect(d.variance()).toBeCloseTensor(refNumber(c.variance), { rtol: 2e-5, atol: 1e-6 });
      // Entropy: the scipy field is an explicit sum over the support (README), exact to float64 rounding.
      await expect(d.entropy()).toBeCloseTensor(refNumber(c.entropy), { rtol: 2e-5, atol: 2e-6 });
      d.dispose();
    });
  }
});

describe('Binomial', () => {
  it('logProb: -Infinity outside 0..n, broadcasting of totalCount, logits form', async () => {
    const d = new Binomial({ totalCount: [[5], [12]], logits: [-0.4, 1.3] });
    expect(d.batchShape).toEqual([2, 2]);
    const p = [1 / (1 + Math.exp(0.4)), 1 / (1 + Math.exp(-1.3))];
    await expect(d.logProb([3, 7])).toBeCloseTensor(
      [[hostLogPmf(5, p[0]!, 3), -Infinity], [hostLogPmf(12, p[0]!, 3), hostLogPmf(12, p[1]!, 7)]],
      { rtol: 2e-6, atol: 2e-6 },
    );
    await expect(d.logProb([[-1, 2.5]])).toBeCloseTensor([[-Infinity, -Infinity], [-Infinity, -Infinity]]);
    await expect(d.mode()).toBeCloseTensor([[Math.floor(6 * p[0]!), Math.floor(6 * p[1]!)], [Math.floor(13 * p[0]!), Math.floor(13 * p[1]!)]]);
    d.dispose();
  });
  it('cdf sums the pmf', async () => {
    const d = new Binomial({ totalCount: 9, probs: 0.35 });
    const ks = [-1, 0, 3, 3.5, 8, 9, 12];
    const cum = (k: number) => {
      let s = 0;
      for (let j = 0; j <= Math.min(Math.floor(k), 9); j++) s += Math.exp(hostLogPmf(9, 0.35, j));
      return s;
    };
    await expect(d.cdf(ks)).toBeCloseTensor(ks.map(cum), { rtol: 1e-5, atol: 1e-7 });
    d.dispose();
  });
  it('samples: float32 counts, chi-square for inversion (n p < 10), BTRS (n p >= 10) and flipped p > ½', async () => {
    const cases = [
      { n: 20, p: 0.15, seed: 1 },
      { n: 200, p: 0.3, seed: 2 },
      { n: 1000, p: 0.97, seed: 3 },
      { n: 60, p: 0.8, seed: 4 },
    ];
    for (const { n, p, seed } of cases) {
      const d = new Binomial({ totalCount: n, probs: p });
      const s = d.sample(key(seed), [4000]);
      expect(s.dtype).toBe('float32');
      const h = await host(s);
      const counts = new Array(n + 1).fill(0);
      for (const v of h) {
        expect(Number.isInteger(v) && v >= 0 && v <= n).toBe(true);
        counts[v]++;
      }
      const probs = counts.map((_, k) => Math.exp(hostLogPmf(n, p, k)));
      const { statistic, dof } = chiSquare(counts, probs);
      expect(statistic, `n=${n} p=${p}`).toBeLessThan(chiSquareCritical(dof));
      d.dispose();
    }
  });
  it('samples with a batch of totalCount and logits (both branches at once)', async () => {
    const d = new Binomial({ totalCount: [3, 400, 0], logits: [0.2, -0.5, 1] });
    const s = await host(d.sample(key(7), [4000]));
    const means = [0, 0, 0];
    for (let i = 0; i < s.length; i++) means[i % 3]! += s[i]! / 4000;
    const p = [1 / (1 + Math.exp(-0.2)), 1 / (1 + Math.exp(0.5))];
    expect(Math.abs(means[0]! - 3 * p[0]!)).toBeLessThan(5 * Math.sqrt((3 * p[0]! * (1 - p[0]!)) / 4000));
    expect(Math.abs(means[1]! - 400 * p[1]!)).toBeLessThan(5 * Math.sqrt((400 * p[1]! * (1 - p[1]!)) / 4000));
    expect(means[2]).toBe(0);
    d.dispose();
  });
  it('entropy needs totalCount on the host', () => {
    const n = tf.scalar(4);
    const d = new Binomial({ totalCount: n, probs: 0.5 });
    expect(() => d.entropy()).toThrow(NotDefinedError);
    d.dispose();
    n.dispose();
  });
  it('rejects bad arguments, naming them', () => {
    expect(() => new Binomial({ totalCount: 2.5, probs: 0.5 })).toThrow(/Binomial: argument 'totalCount' must be a non-negative integer/);
    expect(() => new Binomial({ totalCount: 3, probs: -0.1 })).toThrow(/Binomial: argument 'probs' must be a probability/);
    expect(() => new Binomial({ totalCount: 3 })).toThrow(/exactly one of 'logits' and 'probs'/);
    expect(() => new Binomial({ totalCount: [1, 2], logits: [0, 0, 0] })).toThrow(/'totalCount' \[2\] and 'logits' \[3\] do not broadcast/);
  });
  it('d logProb / d logits agree with finite differences', async () => {
    const x = [0, 4, 7, 10];
    await expectGradsMatch(
      (p) => tf.sum(new Binomial({ totalCount: 10, logits: p.logits!, validateArgs: false }).logProb(x)),
      {
      logits: [-1.2, 0.1, 0.8, 2.5],
    },
    );
  });
  it('has no leaks', async () => {
    await expectMethodsDoNotLeak(
      [
        () => new Binomial({ totalCount: [5, 50], probs: [0.2, 0.9] }),
        [
          ['sample', key(1), [3]], ['logProb', [1, 40]], ['prob', 1], ['cdf', 2], ['logCdf', 2], ['survival', 3], ['mean'], ['mode'], ['variance'],
          ['stddev'], ['entropy'], ['probsParameter'], ['logitsParameter'],
        ],
      ],
      [() => new Binomial({ totalCount: 7, logits: 0.5 }), [['logProb', 2], ['probsParameter'], ['sample', key(2)]]],
    );
  });
});
