import * as tf from '@tensorflow/tfjs-core';
import { expectNoLeaks } from '@probdl/vitest-config/matchers';
import { key } from '@probdl/tensor-backend';
import { describe, expect, it } from 'vitest';
import { Multinomial } from '../../src/multivariate/multinomial.js';
import { expectGradsMatch } from '../helpers/gradcheck.js';
import { chiSquare, chiSquareCritical, host } from '../helpers/stats.js';

/** log Γ(x) for x > 0 in float64 (Lanczos, g = 7, 9 terms; ~1e-15 relative). */
function lgammaF64(x: number): number {
  const c = [0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059, 12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7];
  if (x < 0.5) return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - lgammaF64(1 - x);
  const z = x - 1;
  let a = c[0]!;
  const t = z + 7.5;
  for (let i = 1; i < 9; i++) a += c[i]! / (z + i);
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(a);
}

/** Multinomial log mass in float64 on the host. */
function logPmf(x: number[], n: number, p: number[]): number {
  let s = lgammaF64(n + 1);
  x.forEach((xi, i) => {
    s -= lgammaF64(xi + 1);
    if (xi > 0) s += xi * Math.log(p[i]!);
  });
  return s;
}

function binomialPmf(n: number, p: number, k: number): number {
  return Math.exp(lgammaF64(n + 1) - lgammaF64(k + 1) - lgammaF64(n - k + 1) + k * Math.log(p) + (n - k) * Math.log1p(-p));
}

describe('Multinomial logProb', () => {
  it('matches the float64 mass from probs and from logits', async () => {
    const p = [0.2, 0.3, 0.5];
    const xs = [
      [2, 3, 5],
      [0, 0, 10],
      [10, 0, 0],
      [1, 8, 1],
    ];
    const want = xs.map((x) => logPmf(x, 10, p));
    const fromProbs = new Multinomial({ totalCount: 10, probs: p });
    // Logits shifted by a constant: softmax removes it.
    const fromLogits = new Multinomial({ totalCount: 10, logits: p.map((v) => Math.log(v) + 3) });
    // float32: lgamma(11) = 15.1 and x log p sums carry ~1e-6 relative each.
    await expect(fromProbs.logProb(xs)).toBeCloseTensor(want, { rtol: 1e-5, atol: 2e-5 });
    await expect(fromLogits.logProb(xs)).toBeCloseTensor(want, { rtol: 1e-5, atol: 2e-5 });
    await expect(fromLogits.probsParameter()).toBeCloseTensor(p, { rtol: 1e-6 });
    fromProbs.dispose();
    fromLogits.dispose();
  });
  it('handles a zero probability (0 · log 0 = 0) and is -Infinity outside the support', async () => {
    const d = new Multinomial({ totalCount: 10, probs: [0, 0.4, 0.6] });
    const lp = await host(
      d.logProb([
        [0, 4, 6],
        [1, 3, 6],
        [0, 4.5, 5.5],
        [-1, 5, 6],
        [0, 4, 5],
      ]),
    );
    expect(lp[0]).toBeCloseTo(logPmf([0, 4, 6], 10, [1, 0.4, 0.6]), 4);
    expect(Array.from(lp.slice(1))).toEqual([-Infinity, -Infinity, -Infinity, -Infinity]);
    d.dispose();
  });
  it('broadcasts totalCount [2] against logits [3] and x [4, 1, 3]', () => {
    const d = new Multinomial({ totalCount: [4, 6], logits: [0, 1, 2] });
    expect(d.batchShape).toEqual([2]);
    expect(d.eventShape).toEqual([3]);
    expect(d.logProb([[[1, 1, 2]], [[2, 2, 2]], [[0, 0, 4]], [[6, 0, 0]]]).shape).toEqual([4, 2]);
    expect(d.mean().shape).toEqual([2, 3]);
    expect(d.covariance().shape).toEqual([2, 3, 3]);
    d.dispose();
  });
});

describe('Multinomial moments', () => {
  it('mean n p, variance n p (1 - p), covariance n (diag p - p pᵀ)', async () => {
    const p = [0.1, 0.6, 0.3];
    const d = new Multinomial({ totalCount: 7, probs: p });
    await expect(d.mean()).toBeCloseTensor(p.map((v) => 7 * v), { rtol: 1e-5 });
    await expect(d.variance()).toBeCloseTensor(p.map((v) => 7 * v * (1 - v)), { rtol: 1e-5 });
    await expect(d.covariance()).toBeCloseTensor(p.map((pi, i) => p.map((pj, j) => 7 * ((i === j ? pi : 0) - pi * pj))), { rtol: 1e-5, atol: 1e-6 });
    d.dispose();
  });
});

describe('Multinomial sampling', () => {
  it('counts sum to totalCount per batch entry; chi-square of each marginal against Binomial(n, p_k)', async () => {
    const p = [0.2, 0.3, 0.5];
    const ns = [3, 8];
    const d = new Multinomial({ totalCount: ns, probs: p });
    const m = 5000;
    const s = await host(d.sample(key(17), m));
    for (let r = 0; r < m; r++) {
      for (let b = 0; b < 2; b++) {
        const row = [0, 1, 2].map((k) => s[(r * 2 + b) * 3 + k]!);
        expect(row.every((v) => Number.isInteger(v) && v >= 0)).toBe(true);
        expect(row[0]! + row[1]! + row[2]!).toBe(ns[b]);
      }
    }
    for (let b = 0; b < 2; b++) {
      const n = ns[b]!;
      for (let k = 0; k < 3; k++) {
        const counts = new Array<number>(n + 1).fill(0);
        for (let r = 0; r < m; r++) counts[s[(r * 2 + b) * 3 + k]!]! += 1;
        const probs = counts.map((_, j) => binomialPmf(n, p[k]!, j));
        const { statistic, dof } = chiSquare(counts, probs);
        expect(statistic, `n=${n} category ${k}: counts ${counts.join(' ')}`).toBeLessThan(chiSquareCritical(dof));
      }
    }
    d.dispose();
  });
  it('samples with a tensor totalCount and validation off (host maximum read back on cpu)', async () => {
    const n = tf.tensor1d([2, 0, 5]);
    const d = new Multinomial({ totalCount: n, logits: [0, 0], validateArgs: false });
    const s = await host(d.sample(key(3), [4]));
    for (let r = 0; r < 4; r++) expect([s[r * 6]! + s[r * 6 + 1]!, s[r * 6 + 2]! + s[r * 6 + 3]!, s[r * 6 + 4]! + s[r * 6 + 5]!]).toEqual([2, 0, 5]);
    d.dispose();
    n.dispose();
  });
});

describe('Multinomial gradients', () => {
  it('d logProb / d logits agree with finite differences', async () => {
    const x = [
      [2, 3, 5],
      [0, 1, 9],
    ];
    await expectGradsMatch(
      (q) => tf.sum(new Multinomial({ totalCount: 10, logits: q.logits!, validateArgs: false }).logProb(x)),
      {
      logits: [0.3, -0.5, 1.2],
    },
    );
  });
});

describe('Multinomial errors and leaks', () => {
  it('rejects bad arguments, naming them', () => {
    expect(() => new Multinomial({ totalCount: 2.5, probs: [0.5, 0.5] })).toThrow(/Multinomial: argument 'totalCount' must be a non-negative integer/);
    expect(() => new Multinomial({ totalCount: -1, probs: [0.5, 0.5] })).toThrow(/argument 'totalCount' must be a non-negative integer/);
    expect(() => new Multinomial({ totalCount: 3, probs: [0.5, 0.6] })).toThrow(/Multinomial: argument 'probs' must sum to 1/);
    expect(() => new Multinomial({ totalCount: 3, logits: [0, NaN] })).toThrow(/argument 'logits' must be a number/);
    expect(() => new Multinomial({ totalCount: 3 } as never)).toThrow(/exactly one of 'logits' and 'probs'/);
    expect(() => new Multinomial({ totalCount: [1, 2, 3], logits: [[0, 1], [1, 0]] })).toThrow(/'totalCount' \[3\] and 'logits' \[2\] do not broadcast/);
    expect(() => new Multinomial({ totalCount: 3, logits: 1 })).toThrow(/argument 'logits' must have rank >= 1/);
  });
  it('has no leaks', async () => {
    await expectNoLeaks(() => {
      const d = new Multinomial({ totalCount: [3, 4], probs: [0.2, 0.8] });
      const out = [
        d.sample(key(1), [3]),
        d.logProb([1, 2]),
        d.prob([1, 2]),
        d.mean(),
        d.variance(),
        d.stddev(),
        d.covariance(),
        d.probsParameter(),
        d.logitsParameter(),
        ...d.sampleAndLogProb(key(2), 2),
      ];
      d.dispose();
      return out;
    });
    await expectNoLeaks(() => {
      expect(() => new Multinomial({ totalCount: [1, 2, 3], logits: [[0, 1], [1, 0]] })).toThrow();
    });
  });
});
