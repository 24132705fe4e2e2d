import * as tf from '@tensorflow/tfjs-core';
import { expectNoLeaks } from '@probdl/vitest-config/matchers';
import { betainc, key } from '@probdl/tensor-backend';
import { describe, expect, it } from 'vitest';
import { LKJCholesky } from '../../src/multivariate/lkj-cholesky.js';
import { expectGradsMatch } from '../helpers/gradcheck.js';
import { host, ksCritical, ksUniformStatistic, meanWithinMcError } from '../helpers/stats.js';

/** Midpoints of `m` equal cells of (lo, hi) and the cell width. */
function midpoints(lo: number, hi: number, m: number): { t: number[]; h: number } {
  const h = (hi - lo) / m;
  return { t: Array.from({ length: m }, (_, i) => lo + (i + 0.5) * h), h };
}

describe('LKJCholesky normaliser', () => {
  // d = 2: L = [[1, 0], [r, √(1 - r²)]]. The density in r must integrate to 1 over (-1, 1); with r = sin θ
  // the integrand p(sin θ) cos θ is smooth on (-π/2, π/2) even for η < 1 and the midpoint rule converges fast.
  for (const eta of [0.7, 1, 2.5, 6]) {
    it(`d = 2, η = ${eta}: ∫ p(r) dr = 1 and p(r) ∝ (1 - r²)^(η - 1)`, async () => {
      const d = new LKJCholesky({ dimension: 2, concentration: eta });
      const { t, h } = midpoints(-Math.PI / 2, Math.PI / 2, 4000);
      const ls = t.map((th) => [
        [1, 0],
        [Math.sin(th), Math.cos(th)],
      ]);
      const lp = await host(d.logProb(ls));
      let integral = 0;
      t.forEach((th, i) => (integral += Math.exp(lp[i]!) * Math.cos(th) * h));
      expect(Math.abs(integral - 1)).toBeLessThan(2e-5);
      // Shape of the density: log p(r) - log p(0) = (η - 1) log(1 - r²) = 2(η - 1) log cos θ.
      const at0 = lp[2000]!; // θ just above 0
      for (const i of [100, 700, 1500, 3300]) {
        const want = 2 * (eta - 1) * (Math.log(Math.cos(t[i]!)) - Math.log(Math.cos(t[2000]!)));
        expect(lp[i]! - at0).toBeCloseTo(want, 4);
      }
      d.dispose();
    });
  }
  it('d = 3, η = 1.5: the density of L integrates to 1 over its three free entries', async () => {
    // Row 1 = (sin θ, cos θ); row 2 = (sin ψ cos φ, sin ψ sin φ, cos ψ): Jacobian cos θ · sin ψ cos ψ.
    const m = 48;
    const th = midpoints(-Math.PI / 2, Math.PI / 2, m);
    const ps = midpoints(0, Math.PI / 2, m);
    const ph = midpoints(0, 2 * Math.PI, m);
    const d = new LKJCholesky({ dimension: 3, concentration: 1.5 });
    const mats: number[] = [];
    const jac: number[] = [];
    for (const a of th.t) {
      for (const b of ps.t) {
        for (const c of ph.t) {
          mats.push(1, 0, 0, Math.sin(a), Math.cos(a), 0, Math.sin(b) * Math.cos(c), Math.sin(b) * Math.sin(c), Math.cos(b));
          jac.push(Math.cos(a) * Math.sin(b) * Math.cos(b));
        }
      }
    }
    const x = tf.tensor(Float32Array.from(mats), [m * m * m, 3, 3]);
    const lp = await host(d.logProb(x));
    let integral = 0;
    jac.forEach((j, i) => (integral += Math.exp(lp[i]!) * j));
    integral *= th.h * ps.h * ph.h;
    expect(Math.abs(integral - 1)).toBeLessThan(1e-3);
    x.dispose();
    d.dispose();
  });
  it('d = 1: the only factor [[1]] has log density 0', async () => {
    const d = new LKJCholesky({ dimension: 1, concentration: [0.5, 3] });
    await expect(d.logProb([[1]])).toBeCloseTensor([0, 0]);
    await expect(d.sample(key(0), 2)).toBeCloseTensor([[[[1]], [[1]]], [[[1]], [[1]]]]);
    d.dispose();
  });
});

/** Off-diagonal correlations (i, j) of L Lᵀ for each sample (host). */
function correlation(l: Float64Array, dim: number, i: number, j: number): Float64Array {
  const n = l.length / (dim * dim);
  return Float64Array.from({ length: n }, (_, s) => {
    let v = 0;
    for (let k = 0; k < dim; k++) v += l[s * dim * dim + i * dim + k]! * l[s * dim * dim + j * dim + k]!;
    return v;
  });
}

describe('LKJCholesky sampling', () => {
  for (const [dim, eta] of [
    [3, 0.8],
    [4, 1.5],
    [2, 3],
  ] as const) {
    it(`d = ${dim}, η = ${eta}: valid factors, E[L Lᵀ] = I, correlations ~ Beta(η - 1 + d/2) on (-1, 1) (KS)`, async () => {
      const d = new LKJCholesky({ dimension: dim, concentration: eta });
      const n = 3000;
      const s = d.sample(key(7 + dim), n);
      expect(s.shape).toEqual([n, dim, dim]);
      const ok = await host(d.support.check(s));
      expect(ok.every((v) => v === 1)).toBe(true);
      const lp = await host(d.logProb(s));
      expect(lp.every((v) => Number.isFinite(v))).toBe(true);
      const values = await host(s);
      const a = eta - 1 + dim / 2;
      for (const [i, j] of [
        [1, 0],
        [dim - 1, 0],
        [dim - 1, dim - 2],
      ] as const) {
        if (i === j) continue;
        const r = correlation(values, dim, i, j);
        // Correlation = 2B - 1 with B ~ Beta(a, a): mean 0, variance 1 / (2a + 1).
        expect(meanWithinMcError(r, 0, Math.sqrt(1 / (2 * a + 1)), 4.5).ok, `mean of r(${i}, ${j})`).toBe(true);
        const u = await host(betainc(a, a, tf.tensor1d(Float32Array.from(r, (v) => (v + 1) / 2))));
        expect(ksUniformStatistic(u), `KS of r(${i}, ${j})`).toBeLessThan(ksCritical(n));
      }
      for (let i = 0; i < dim; i++) {
        const diag = correlation(values, dim, i, i);
        expect(diag.every((v) => Math.abs(v - 1) < 1e-5)).toBe(true);
      }
      s.dispose();
      d.dispose();
    });
  }
  it('batches: concentration [2] gives samples [n, 2, d, d] and logProb [n, 2]', () => {
    const d = new LKJCholesky({ dimension: 3, concentration: [1, 4] });
    expect(d.batchShape).toEqual([2]);
    expect(d.eventShape).toEqual([3, 3]);
    const s = d.sample(key(1), [5]);
    expect(s.shape).toEqual([5, 2, 3, 3]);
    expect(d.logProb(s).shape).toEqual([5, 2]);
    d.dispose();
  });
});

describe('LKJCholesky logProb', () => {
  it('is -Infinity outside the Cholesky factors of correlation matrices', async () => {
    const d = new LKJCholesky({ dimension: 2, concentration: 2 });
    const lp = await host(
      d.logProb([
        [[1, 0], [0.6, 0.8]],
        [[1, 0], [0.6, 0.9]],
        [[1, 0.1], [0.6, 0.8]],
        [[1, 0], [0.6, -0.8]],
      ]),
    );
    expect(Number.isFinite(lp[0])).toBe(true);
    expect(Array.from(lp.slice(1))).toEqual([-Infinity, -Infinity, -Infinity]);
    d.dispose();
  });
  it('d logProb / d concentration agrees with finite differences', async () => {
    const l = [
      [1, 0, 0],
      [0.3, Math.sqrt(1 - 0.09), 0],
      [-0.2, 0.5, Math.sqrt(1 - 0.04 - 0.25)],
    ];
    await expectGradsMatch((p) => tf.sum(new LKJCholesky({ dimension: 3, concentration: p.eta!, validateArgs: false }).logProb(l)), { eta: [0.7, 2.5] });
  });
});

describe('LKJCholesky errors and leaks', () => {
  it('rejects bad arguments, naming them', () => {
    expect(() => new LKJCholesky({ dimension: 2.5, concentration: 1 })).toThrow(/LKJCholesky: argument 'dimension' must be an integer >= 1/);
    expect(() => new LKJCholesky({ dimension: 0, concentration: 1 })).toThrow(/argument 'dimension'/);
    expect(() => new LKJCholesky({ dimension: 3, concentration: -1 })).toThrow(/LKJCholesky: argument 'concentration' must be positive/);
    const d = new LKJCholesky({ dimension: 3, concentration: 1 });
    expect(() => d.logProb([[1, 0], [0, 1]])).toThrow(/LKJCholesky.logProb: argument 'x' must have shape \[\.\.\., 3, 3\]/);
    d.dispose();
  });
  it('has no leaks', async () => {
    await expectNoLeaks(() => {
      const d = new LKJCholesky({ dimension: 3, concentration: [1, 2] });
      const out = [d.sample(key(1), [2]), d.logProb([[1, 0, 0], [0, 1, 0], [0, 0, 1]]), d.prob([[1, 0, 0], [0, 1, 0], [0, 0, 1]]), ...d.sampleAndLogProb(key(2), 2)];
      d.dispose();
      return out;
    });
  });
});
