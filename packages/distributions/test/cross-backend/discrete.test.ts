import { key } from '@probdl/tensor-backend';
import { describe, expect, it } from 'vitest';
import { Bernoulli } from '../../src/families/bernoulli.js';
import { Binomial } from '../../src/families/binomial.js';
import { Categorical } from '../../src/families/categorical.js';
import { Poisson } from '../../src/families/poisson.js';
import { StudentT } from '../../src/families/student-t.js';
import { casesOf, fitsFloat32, nums, refNumber } from '../helpers/reference.js';
import { host } from '../helpers/stats.js';

// A small subset of the reference checks of test/families/*, run on every backend (their kernels differ:
// WebGPU's exp/log and its flushing of subnormals in particular). Tolerances are those of the cpu tests.

describe('discrete families and StudentT across backends', () => {
  it('Bernoulli at logits ±1000 and ±40: exact log probabilities', async () => {
    const cases = casesOf('Bernoulli', 'logits_cases').filter((c) => [-1000, -40, 40, 1000].includes(refNumber(c.logits)));
    const d = new Bernoulli({ logits: cases.map((c) => refNumber(c.logits)) });
    await expect(d.logProb([[1, 1, 1, 1]])).toBeCloseTensor([cases.map((c) => refNumber(c.mp_log_prob_1))], { rtol: 2e-6, atol: 0 });
    await expect(d.logProb([[0, 0, 0, 0]])).toBeCloseTensor([cases.map((c) => refNumber(c.mp_log_prob_0))], { rtol: 2e-6, atol: 0 });
    d.dispose();
  });

  it('Categorical with -Infinity, ±1000 and 700..720 logits', async () => {
    for (const c of casesOf('Categorical', 'logits_cases')) {
      const logits = nums(c.logits) as number[];
      if (!logits.some((l) => !Number.isFinite(l) || Math.abs(l) >= 700)) continue;
      const d = new Categorical({ logits });
      const maxAbs = Math.max(...logits.filter(Number.isFinite).map(Math.abs));
      await expect(d.logProb(logits.map((_, i) => i))).toBeCloseTensor(nums(c.log_probs), { rtol: 2e-6, atol: 1.2e-7 * maxAbs });
      await expect(d.entropy()).toBeCloseTensor(refNumber(c.entropy), { rtol: 1e-5, atol: 1e-6 });
      d.dispose();
    }
  });

  it('Poisson log pmf at rates 3.5 and 1e6, and a small sample in the support', async () => {
    for (const c of casesOf('Poisson').filter((c) => c.params.rate === 3.5 || c.params.rate === 1e6)) {
      const d = new Poisson({ rate: c.params.rate });
      await expect(d.logProb(c.x)).toBeCloseTensor(nums(c.mp_log_prob), { rtol: 1e-6, atol: 1e-6 });
      d.dispose();
    }
    const d = new Poisson({ rate: [0.5, 30] });
    const s = await host(d.sample(key(3), [50]));
    expect(s.every((v) => Number.isInteger(v) && v >= 0)).toBe(true);
    d.dispose();
  });

  it('Binomial n = 1000, p = 0.999 log pmf near the mode', async () => {
    const d = new Binomial({ totalCount: 1000, logits: Math.log(0.999 / 0.001) });
    // logits given in float64 and rounded once; log P(999), log P(1000) within float32 rounding of the logit.
    await expect(d.logProb([999, 1000, 1001])).toBeCloseTensor([-0.99949983324995, -1.0005003335835343, -Infinity], { rtol: 2e-5 });
    d.dispose();
  });

  it('StudentT df = 3: log density and log cdf', async () => {
    const c = casesOf('StudentT').find((e) => e.params.df === 3);
    if (!c) return;
    const d = new StudentT({ df: c.params.df, loc: c.params.loc, scale: c.params.scale });
    const xs = (c.x as number[]).map((v, i) => [v, i] as const).filter(([v]) => fitsFloat32(v) && Math.abs(v) < 1e3);
    const x = xs.map(([v]) => v);
    const pick = (arr: unknown[]) => xs.map(([, i]) => nums(arr)[i]!);
    await expect(d.logProb(x)).toBeCloseTensor(pick(c.mp_log_prob), { rtol: 2e-6, atol: 5e-6 });
    await expect(d.logCdf(x)).toBeCloseTensor(pick(c.mp_log_cdf), { rtol: 2e-5, atol: 1e-6 });
    d.dispose();
  });
});
