import * as tf from '@tensorflow/tfjs-core';
import { expectNoLeaks } from '@probdl/vitest-config/matchers';
import { key } from '@probdl/tensor-backend';
import { describe, expect, it } from 'vitest';
import { Normal } from '../../src/families/normal.js';
import { Independent } from '../../src/combinators/independent.js';
import { kl } from '../../src/kl/kl.js';
import { KlNotRegisteredError } from '../../src/kl/divergence.js';
import { klMonteCarlo, klMonteCarloWithError } from '../../src/kl/monte-carlo.js';
import { registerKl } from '../../src/kl/registry.js';
import { Distribution } from '../../src/distribution.js';
import { real } from '../../src/constraints/constraints.js';
import { casesOf } from '../helpers/reference.js';
import { expectGradsMatch } from '../helpers/gradcheck.js';
import { host } from '../helpers/stats.js';

describe('KL(Normal || Normal) against mpmath', () => {
  for (const c of casesOf('KL_Normal_Normal')) {
    it(`p=N(${c.p_loc}, ${c.p_scale}) q=N(${c.q_loc}, ${c.q_scale})`, async () => {
      const p = new Normal({ loc: c.p_loc, scale: c.p_scale });
      const q = new Normal({ loc: c.q_loc, scale: c.q_scale });
      // float32: relative 2e-6 of the value (the sum of three rounded terms), and an absolute 1e-7
      // for values near 0 where d = log σp - log σq carries a rounding of about 1e-7·|log σ|.
      // The q_loc = 1e-8 case (truth 5e-17, which the textbook formula rounds to 0) must come out
      // at 5e-17 within 1e-6 relative: the stable form has no cancellation there.
      const truth = c.mp_kl as number;
      const tol = truth !== 0 && truth < 1e-10 ? { rtol: 1e-6, atol: 0 } : { rtol: 2e-6, atol: 1e-7 };
      await expect(kl(p, q)).toBeCloseTensor(truth, tol);
      p.dispose();
      q.dispose();
    });
  }
});

describe('kl(Normal, Normal)', () => {
  it('broadcasts batch shapes, is zero for p = p and non-negative', async () => {
    const p = new Normal({ loc: [[0], [1]], scale: [0.5, 1, 2] });
    const q = new Normal({ loc: [0.3, -1, 2], scale: 1.5 });
    const v = kl(p, q);
    expect(v.shape).toEqual([2, 3]);
    // Each entry against the scalar formula in float64.
    const pl = [[0], [1]];
    const ps = [0.5, 1, 2];
    const ql = [0.3, -1, 2];
    const expected = pl.map(([m]) => ps.map((s, j) => Math.log(1.5 / s) + (s * s + (m! - ql[j]!) ** 2) / (2 * 1.5 * 1.5) - 0.5));
    await expect(v).toBeCloseTensor(expected, { rtol: 2e-6, atol: 1e-7 });
    const self = kl(p, p);
    await expect(self).toBeCloseTensor([[0, 0, 0], [0, 0, 0]], { atol: 1e-7 });
    expect(Math.min(...(await host(v)))).toBeGreaterThan(0);
    [v, self].forEach((t) => t.dispose());
    p.dispose();
    q.dispose();
  });
  it('keeps its digits for nearly equal scales (no cancellation in r² - 1 - 2 log r)', async () => {
    // σq = fround(1.0001) (the float32 value, so the float64 truth sees the same input): KL ≈ δ² ≈ 1e-8.
    const s = Math.fround(1.0001);
    const r = 1 / s;
    const truth = 0.5 * (r * r - 1) - Math.log(r);
    const p = new Normal({ loc: 0, scale: 1 });
    const q = new Normal({ loc: 0, scale: s });
    await expect(kl(p, q)).toBeCloseTensor(truth, { rtol: 1e-4 });
    p.dispose();
    q.dispose();
  });
  it('rejects batch shapes that do not broadcast, naming them', () => {
    const p = new Normal({ loc: [0, 1], scale: 1 });
    const q = new Normal({ loc: [0, 1, 2], scale: 1 });
    expect(() => kl(p, q)).toThrow(/KL\(Normal \|\| Normal\): shapes of 'p.batchShape' \[2\] and 'q.batchShape' \[3\] do not broadcast/);
    expect(() => klMonteCarlo(p, q, key(0), 10)).toThrow(/'p.batchShape' \[2\] and 'q.batchShape' \[3\]/);
    p.dispose();
    q.dispose();
  });
  it('agrees with klMonteCarloWithError within 5 standard errors', async () => {
    const p = new Normal({ loc: [0, 1], scale: [1, 0.5] });
    const q = new Normal({ loc: 0.5, scale: [2, 1] });
    const { estimate, stderr } = klMonteCarloWithError(p, q, key(7), 20000);
    const closed = await host(kl(p, q));
    const est = await host(estimate);
    const se = await host(stderr);
    expect(estimate.shape).toEqual([2]);
    for (let i = 0; i < 2; i++) expect(Math.abs(est[i]! - closed[i]!)).toBeLessThan(5 * se[i]! + 1e-5);
    const plain = await host(klMonteCarlo(p, q, key(7), 20000));
    // Same key and n: the same draws, so the same estimate (up to reduction order).
    for (let i = 0; i < 2; i++) expect(plain[i]).toBeCloseTo(est[i]!, 5);
    [estimate, stderr].forEach((t) => t.dispose());
    p.dispose();
    q.dispose();
  });
  it('broadcasts the Monte Carlo estimate when q has more batch dimensions than p', async () => {
    const p = new Normal({ loc: 0, scale: 1 });
    const q = new Normal({ loc: [[0.5, -0.5, 1]], scale: 2 });
    const { estimate, stderr } = klMonteCarloWithError(p, q, key(11), 20000);
    expect(estimate.shape).toEqual([1, 3]);
    const closed = await host(kl(p, q));
    const est = await host(estimate);
    const se = await host(stderr);
    for (let i = 0; i < 3; i++) expect(Math.abs(est[i]! - closed[i]!)).toBeLessThan(5 * se[i]! + 1e-5);
    [estimate, stderr].forEach((t) => t.dispose());
    p.dispose();
    q.dispose();
  });
  it('rejects a bad sample count', () => {
    const p = new Normal({ loc: 0, scale: 1 });
    expect(() => klMonteCarloWithError(p, p, key(0), 1)).toThrow(/n must be an integer >= 2, got 1/);
    expect(() => klMonteCarlo(p, p, key(0), 2.5)).toThrow(/n must be an integer >= 1, got 2.5/);
    p.dispose();
  });
  it('gradients wrt all four parameters agree with finite differences', async () => {
    await expectGradsMatch(
      (t) => {
        const p = new Normal({ loc: t.pl!, scale: t.ps!, validateArgs: false });
        const q = new Normal({ loc: t.ql!, scale: t.qs!, validateArgs: false });
        return tf.sum(kl(p, q));
      },
      { pl: [0.3, -1], ps: [0.7, 1.9], ql: [1.1, 0.4], qs: [1.3, 0.6] },
    );
  });
  it('has no leaks (kl, klMonteCarlo, klMonteCarloWithError)', async () => {
    const p = new Normal({ loc: [0, 1], scale: 2 });
    const q = new Normal({ loc: 1, scale: [1, 3] });
    await expectNoLeaks(() => {
      const { estimate, stderr } = klMonteCarloWithError(p, q, key(1), 10);
      return [kl(p, q), klMonteCarlo(p, q, key(2), 10), estimate, stderr];
    });
    p.dispose();
    q.dispose();
  });
});

class Oddball extends Distribution {
  readonly name: string = 'Oddball';
  readonly batchShape: readonly number[] = [];
  readonly eventShape: readonly number[] = [];
  readonly reparameterized = false;
  constructor() {
    super({});
  }
  get support() {
    return real;
  }
  sample(k: Parameters<Distribution['sample']>[0], s?: number | readonly number[]): tf.Tensor {
    return tf.tidy(() => tf.mul(new Normal({ loc: 0, scale: 1 }).sample(k, s), 1));
  }
  logProb(x: tf.Tensor | number): tf.Tensor {
    return tf.tidy(() => tf.mul(-0.5, tf.square(this.value(x))));
  }
}

describe('kl errors and the registry', () => {
  it('throws a clear error for a pair with no closed form, naming both families', () => {
    const p = new Oddball();
    const q = new Normal({ loc: 0, scale: 1 });
    expect(() => kl(p, q)).toThrow(KlNotRegisteredError);
    expect(() => kl(p, q)).toThrow('no closed-form KL(Oddball || Normal) is registered; use klMonteCarlo(p, q, key, n)');
    expect(() => kl(q, p)).toThrow('no closed-form KL(Normal || Oddball) is registered');
    q.dispose();
  });
  it('rejects different event shapes', () => {
    const p = new Independent({ distribution: new Normal({ loc: [0, 0], scale: 1 }), reinterpretedBatchNdims: 1 });
    const q = new Independent({ distribution: new Normal({ loc: [0, 0, 0], scale: 1 }), reinterpretedBatchNdims: 1 });
    expect(() => kl(p, q)).toThrow(/KL\(Independent \|\| Independent\): event shapes differ: p has \[2\], q has \[3\]/);
    p.dispose();
    q.dispose();
  });
  it('uses a user registration for a new pair', async () => {
    class Oddball2 extends Oddball {}
    registerKl(Oddball2, Normal, (_p, qq) => tf.tidy(() => tf.add(tf.zerosLike(qq.loc), 42)));
    const q = new Normal({ loc: [0, 1], scale: 1 });
    await expect(kl(new Oddball2(), q)).toBeCloseTensor([42, 42]);
    q.dispose();
  });
});
