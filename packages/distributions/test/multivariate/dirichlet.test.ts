import * as tf from '@tensorflow/tfjs-core';
import { expectNoLeaks } from '@probdl/vitest-config/matchers';
import { betainc, key, valueAndGrad } from '@probdl/tensor-backend';
import { describe, expect, it } from 'vitest';
import { sampleGamma } from '../../src/internal/gamma-sample.js';
import { Dirichlet } from '../../src/multivariate/dirichlet.js';
import { casesOf, nums, refNumber } from '../helpers/reference.js';
import { gradCheck } from '../helpers/gradcheck.js';
import { host, ksCritical, ksUniformStatistic, meanWithinMcError } from '../helpers/stats.js';

describe('Dirichlet against the reference', () => {
  // The Dirichlet cases carry scipy's float64 values (no mp_* fields; the README rates scipy's
  // Dirichlet exact to ~1e-15, far below float32 error). Tolerances: log density relative 1e-5 plus
  // 2e-5 absolute (lgamma of the concentrations is accurate to ~1e-6 relative, and alpha = [100, 200]
  // cancels log B = -192 against x terms of 200 to leave 2.7, so atol 2e-4 there).
  for (const c of casesOf('Dirichlet')) {
    const alpha = c.alpha as number[];
    it(`alpha=[${alpha.join(', ')}]`, async () => {
      const d = new Dirichlet({ concentration: alpha });
      const big = Math.max(...alpha) >= 100;
      await expect(d.logProb(c.x)).toBeCloseTensor(nums(c.log_prob as unknown[]), { rtol: 1e-5, atol: big ? 2e-4 : 2e-5 });
      await expect(d.mean()).toBeCloseTensor(c.mean, { rtol: 1e-6 });
      await expect(d.variance()).toBeCloseTensor(c.variance, { rtol: 1e-5 });
      await expect(d.entropy()).toBeCloseTensor(refNumber(c.entropy), { rtol: 1e-5, atol: big ? 2e-4 : 2e-5 });
      d.dispose();
    });
  }
});

describe('Dirichlet', () => {
  it('logProb on the boundary of the simplex follows the density limits, and is -Infinity off it', async () => {
    const d = new Dirichlet({ concentration: [0.5, 2, 1] });
    // log B(0.5, 2, 1) = log Γ(1/2) + log Γ(2) + log Γ(1) - log Γ(3.5), Γ(3.5) = 15 √π / 8.
    const logB = Math.log(Math.sqrt(Math.PI)) - Math.log((15 * Math.sqrt(Math.PI)) / 8);
    const onEdge = -0.5 * Math.log(0.5) + Math.log(0.5) - logB; // x = [0.5, 0.5, 0]: α_3 = 1 contributes 0.
    const lp = await host(
      d.logProb([
        [0, 0.5, 0.5],
        [0.5, 0, 0.5],
        [0.5, 0.5, 0],
        [0.5, 0.6, -0.1],
        [0.2, 0.2, 0.2],
      ]),
    );
    expect(lp[0]).toBe(Infinity);
    expect(lp[1]).toBe(-Infinity);
    expect(lp[2]).toBeCloseTo(onEdge, 5);
    expect(lp[3]).toBe(-Infinity);
    expect(lp[4]).toBe(-Infinity);
    d.dispose();
  });
  it('mode, covariance and batch shapes', async () => {
    const d = new Dirichlet({ concentration: [[2, 3, 4], [0.5, 3, 4]] });
    expect(d.batchShape).toEqual([2]);
    expect(d.eventShape).toEqual([3]);
    // (α - 1) / (α0 - K) where all α > 1; NaN otherwise (allow_nan_stats).
    await expect(d.mode()).toBeCloseTensor([[1 / 6, 2 / 6, 3 / 6], [NaN, NaN, NaN]]);
    const a0 = 9;
    const p = [2 / 9, 3 / 9, 4 / 9];
    const cov = p.map((pi, i) => p.map((pj, j) => ((i === j ? pi : 0) - pi * pj) / (a0 + 1)));
    const all = await host(d.covariance());
    await expect(tf.tensor(Float32Array.from(all.slice(0, 9)), [3, 3])).toBeCloseTensor(cov, { rtol: 1e-5, atol: 1e-7 });
    expect(d.logProb([[[0.2, 0.3, 0.5]]]).shape).toEqual([1, 2]);
    expect(d.sample(key(0), [4]).shape).toEqual([4, 2, 3]);
    d.dispose();
  });
  it('samples lie on the simplex; each marginal passes a KS test against Beta(α_k, α0 - α_k)', async () => {
    const alpha = [0.7, 1.5, 3];
    const a0 = alpha.reduce((a, b) => a + b, 0);
    const d = new Dirichlet({ concentration: alpha });
    const n = 4000;
    const s = d.sample(key(11), n);
    const values = await host(s);
    for (let r = 0; r < n; r++) expect(Math.abs(values[r * 3]! + values[r * 3 + 1]! + values[r * 3 + 2]! - 1)).toBeLessThan(1e-5);
    for (let k = 0; k < 3; k++) {
      const col = Float64Array.from({ length: n }, (_, r) => values[r * 3 + k]!);
      const u = await host(betainc(alpha[k]!, a0 - alpha[k]!, tf.tensor1d(Float32Array.from(col))));
      expect(ksUniformStatistic(u), `marginal ${k}`).toBeLessThan(ksCritical(n));
      const m = alpha[k]! / a0;
      const sd = Math.sqrt((m * (1 - m)) / (a0 + 1));
      expect(meanWithinMcError(col, m, sd).ok, `mean ${k}`).toBe(true);
    }
    s.dispose();
    d.dispose();
  });
  it('samples are the normalised sampleGamma draws of the same key', async () => {
    const alpha = tf.tensor1d([0.7, 1.5, 3]);
    const d = new Dirichlet({ concentration: alpha });
    const g = sampleGamma(key(5), alpha, [6, 3]);
    const want = tf.div(g, tf.sum(g, -1, true));
    await expect(d.sample(key(5), 6)).toBeCloseTensor(want, { rtol: 1e-5, atol: 1e-7 });
    d.dispose();
    alpha.dispose();
  });
  it('reparameterised: gradients equal those of g / Σ g through sampleGamma, draw by draw', async () => {
    const n = 20;
    const c0 = [[0.6, 1.7, 3.2]];
    const w = tf.tensor1d([0.3, -1.2, 2]); // a linear functional of the sample, Σ w·x
    const [, viaDirichlet] = valueAndGrad((p: { c: tf.Tensor }) => tf.sum(tf.mul(new Dirichlet({ concentration: p.c, validateArgs: false }).sample(key(8), n), w)))({
      c: tf.tensor2d(c0),
    });
    const [, viaGammas] = valueAndGrad((p: { c: tf.Tensor }) => {
      const g = sampleGamma(key(8), p.c, [n, 1, 3]);
      return tf.sum(tf.mul(tf.div(g, tf.sum(g, -1, true)), w));
    })({ c: tf.tensor2d(c0) });
    await expect((viaDirichlet as { c: tf.Tensor }).c).toBeCloseTensor((viaGammas as { c: tf.Tensor }).c, { rtol: 1e-4, atol: 1e-5 });
    w.dispose();
  });
  it('tiny concentrations (gammas below float32 range) still give simplex samples with the right mean', async () => {
    const alpha = [0.01, 0.02, 0.05];
    const a0 = 0.08;
    const d = new Dirichlet({ concentration: alpha });
    const n = 3000;
    const s = await host(d.sample(key(13), n));
    for (let r = 0; r < n; r++) {
      const row = [s[r * 3]!, s[r * 3 + 1]!, s[r * 3 + 2]!];
      expect(row.every((v) => v >= 0 && v <= 1)).toBe(true);
      expect(Math.abs(row[0]! + row[1]! + row[2]! - 1)).toBeLessThan(1e-5);
    }
    for (let k = 0; k < 3; k++) {
      const m = alpha[k]! / a0;
      const col = Float64Array.from({ length: n }, (_, r) => s[r * 3 + k]!);
      expect(meanWithinMcError(col, m, Math.sqrt((m * (1 - m)) / (a0 + 1))).ok, `mean ${k}`).toBe(true);
    }
    d.dispose();
  });
  it('reparameterised: per-sample gradients of x_1 average to d E[x_1] / dα = (b, -a) / (a + b)²', async () => {
    // K = 2, α = (a, b): E[x_1] = a / (a + b). One sample per batch row gives per-sample gradients.
    const a = 1.7;
    const b = 2.4;
    const n = 4000;
    const [, g] = valueAndGrad((p: { c: tf.Tensor }) => {
      const s = new Dirichlet({ concentration: p.c, validateArgs: false }).sample(key(21));
      return tf.sum(tf.slice(s, [0, 0], [n, 1]));
    })({ c: tf.tile(tf.tensor2d([[a, b]]), [n, 1]) });
    const grads = await host((g as { c: tf.Tensor }).c);
    const want = [b / (a + b) ** 2, -a / (a + b) ** 2];
    for (let j = 0; j < 2; j++) {
      const col = Float64Array.from({ length: n }, (_, r) => grads[r * 2 + j]!);
      const m = col.reduce((x, y) => x + y, 0) / n;
      const sd = Math.sqrt(col.reduce((x, y) => x + (y - m) ** 2, 0) / (n - 1));
      expect(Math.abs(m - want[j]!), `d E[x_1] / dα_${j}: ${m} vs ${want[j]}`).toBeLessThan((4.5 * sd) / Math.sqrt(n));
    }
  });
  it('rejects a non-positive concentration and a scalar one, naming the argument', () => {
    expect(() => new Dirichlet({ concentration: [1, 0, 2] })).toThrow(/Dirichlet: argument 'concentration' must be positive/);
    expect(() => new Dirichlet({ concentration: 2 })).toThrow(/Dirichlet: argument 'concentration' must have rank >= 1/);
    const d = new Dirichlet({ concentration: [1, 2] });
    expect(() => d.logProb([0.2, 0.3, 0.5])).toThrow(/Dirichlet.logProb: argument 'x' must have shape \[\.\.\., 2\]/);
    d.dispose();
  });
  it('has no leaks', async () => {
    await expectNoLeaks(() => {
      const d = new Dirichlet({ concentration: [[1.5, 2, 3]] });
      const out = [d.sample(key(1), [3]), d.logProb([0.2, 0.3, 0.5]), d.prob([0.2, 0.3, 0.5]), d.mean(), d.variance(), d.stddev(), d.mode(), d.covariance(), d.entropy(), ...d.sampleAndLogProb(key(2), 2)];
      d.dispose();
      return out;
    });
    await expectNoLeaks(() => {
      expect(() => new Dirichlet({ concentration: 2 })).toThrow();
    });
    // The reparameterised path (a gradient tape recording) leaves nothing behind either.
    await expectNoLeaks(() => {
      const c = tf.tensor1d([0.8, 2]);
      const [v, g] = valueAndGrad((p: { c: tf.Tensor }) => tf.sum(tf.square(new Dirichlet({ concentration: p.c, validateArgs: false }).sample(key(4), 3))))({ c });
      c.dispose();
      return [v, (g as { c: tf.Tensor }).c];
    });
  });
});

describe('Dirichlet gradients', () => {
  it('d logProb / d concentration and d entropy / d concentration agree with finite differences', async () => {
    const x = [
      [0.2, 0.3, 0.5],
      [0.6, 0.1, 0.3],
    ];
    const lp = await gradCheck((p) => tf.sum(new Dirichlet({ concentration: p.c!, validateArgs: false }).logProb(x)), { c: [0.8, 2.5, 4] });
    expect(lp.worst, lp.detail.join('\n')).toBeLessThan(2e-3);
    const ent = await gradCheck((p) => new Dirichlet({ concentration: p.c!, validateArgs: false }).entropy(), { c: [0.8, 2.5, 4] });
    expect(ent.worst, ent.detail.join('\n')).toBeLessThan(2e-3);
  });
});
