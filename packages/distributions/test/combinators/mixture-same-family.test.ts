import * as tf from '@tensorflow/tfjs-core';
import { expectNoLeaks } from '@probdl/vitest-config/matchers';
import { key, valueAndGrad } from '@probdl/tensor-backend';
import { describe, expect, it } from 'vitest';
import { Independent } from '../../src/combinators/independent.js';
import { MixtureSameFamily } from '../../src/combinators/mixture-same-family.js';
import { NotDefinedError } from '../../src/distribution.js';
import type { TensorInput } from '../../src/internal/params.js';
import { Categorical } from '../../src/families/categorical.js';
import { Normal } from '../../src/families/normal.js';
import { MultivariateNormalDiag } from '../../src/multivariate/multivariate-normal-diag.js';
import { casesOf, fitsFloat32, nums } from '../helpers/reference.js';
import { expectGradsMatch } from '../helpers/gradcheck.js';
import { chiSquare, chiSquareCritical, host, ksCritical, ksUniformStatistic, meanWithinMcError, varianceWithError } from '../helpers/stats.js';
import { expectMethodsDoNotLeak, scalarMethodCalls } from '../helpers/leaks.js';
import { LogitsCategorical, logSumExpHost, normalLogPdf, softmaxHost } from './logits-categorical.js';

/** A mixture of scalar normals: logits [...batch, K], locs and scales [...batch, K]. */
function normalMixture(logits: TensorInput, loc: TensorInput, scale: TensorInput, validateArgs = true) {
  return new MixtureSameFamily({
    mixtureDistribution: new LogitsCategorical({ logits, validateArgs }),
    componentsDistribution: new Normal({ loc, scale, validateArgs }),
    validateArgs,
  });
}

describe('MixtureSameFamily of normals against mpmath (MixtureOfNormals)', () => {
  for (const c of casesOf('MixtureOfNormals')) {
    it(`weights=${c.weights} locs=${c.locs} scales=${c.scales}`, async () => {
      // all x here (±1000 at most) fit float32; the filter is kept for the rule's sake.
      const xs = (c.x as number[]).map((v, i) => [v, i] as const).filter(([v]) => fitsFloat32(v));
      const x = xs.map(([v]) => v);
      const pick = (arr: unknown[]) => xs.map(([, i]) => nums(arr)[i]!);
      const d = normalMixture(c.logits_equivalent, c.locs, c.scales);
      // |log p| reaches 5e5 at x = ±1000: float32 keeps ~6e-8 relative, so rtol 2e-6 in the tails and
      // 2e-5 + atol 1e-5 in the bulk (the case with weights 1e-10 has logits -23, -1e-10).
      const lp = d.logProb(x);
      await expect(lp).toBeCloseTensor(pick(c.mp_log_prob), { rtol: 2e-5, atol: 1e-5 });
      // the naive log(Σ w·pdf) is -inf at the far tails; logProb must stay finite there
      const naive = nums(c.naive_log_sum_pdf_float64);
      const lpHost = await host(lp);
      xs.forEach(([, i], j) => {
        if (naive[i] === -Infinity) expect(Number.isFinite(lpHost[j]!)).toBe(true);
      });
      // cdf: scipy's float64 cdf (no mp field for it); float32 absolute ~1e-7.
      await expect(d.cdf(x)).toBeCloseTensor(pick(c.cdf), { rtol: 1e-4, atol: 1e-7 });
      // logCdf where the cdf is representable: relative 1e-4 of log(cdf).
      const cdfRef = pick(c.cdf);
      const keep = cdfRef.map((v, i) => [v!, i] as const).filter(([v]) => v > 1e-35);
      const lc = await host(d.logCdf(keep.map(([, i]) => x[i]!)));
      keep.forEach(([v], j) => expect(Math.abs(lc[j]! - Math.log(v))).toBeLessThan(1e-4 * Math.max(1, Math.abs(Math.log(v)))));
      await expect(d.mean()).toBeCloseTensor(c.mean, { rtol: 1e-5, atol: 1e-5 });
      await expect(d.variance()).toBeCloseTensor(c.variance, { rtol: 1e-5, atol: 1e-5 });
      tf.dispose(lp);
      d.dispose();
    });
  }
});

describe('MixtureSameFamily with the package Categorical', () => {
  it('takes Categorical({ probs }) as mixtureDistribution', async () => {
    const c = casesOf('MixtureOfNormals')[0];
    if (!c) return; // reference file missing outside CI
    const d = new MixtureSameFamily({ mixtureDistribution: new Categorical({ probs: c.weights }), componentsDistribution: new Normal({ loc: c.locs, scale: c.scales }) });
    await expect(d.logProb(c.x)).toBeCloseTensor(nums(c.mp_log_prob), { rtol: 2e-5, atol: 1e-5 });
    const s = d.sample(key(0), 3);
    expect(s.shape).toEqual([3]);
    tf.dispose(s);
    d.dispose();
  });
});

describe('MixtureSameFamily sampling', () => {
  it('component frequencies (chi-square) with well-separated components', async () => {
    const w = [0.15, 0.25, 0.6];
    const d = normalMixture(w.map(Math.log), [-30, 0, 30], [1, 1, 1]);
    const s = await host(d.sample(key(11), 5000));
    const counts = [0, 0, 0];
    for (const v of s) counts[v < -15 ? 0 : v > 15 ? 2 : 1]! += 1;
    const { statistic, dof } = chiSquare(counts, w);
    expect(statistic).toBeLessThan(chiSquareCritical(dof));
    d.dispose();
  });

  it('KS test of the mixture cdf of samples, and moments within MC error', async () => {
    const w = [0.2, 0.5, 0.3];
    const locs = [-3, 0, 4];
    const scales = [0.5, 1, 2];
    const d = normalMixture(w.map(Math.log), locs, scales);
    const st = d.sample(key(5), 4000);
    const s = await host(st);
    const u = await host(d.cdf(st));
    expect(ksUniformStatistic(u)).toBeLessThan(ksCritical(u.length));
    // host float64 moments: mean Σ w μ, variance Σ w (σ² + μ²) - mean²
    const mean = w.reduce((a, wk, k) => a + wk * locs[k]!, 0);
    const second = w.reduce((a, wk, k) => a + wk * (scales[k]! ** 2 + locs[k]! ** 2), 0);
    const variance = second - mean * mean;
    expect(meanWithinMcError(s, mean, Math.sqrt(variance), 5).ok).toBe(true);
    const v = varianceWithError(s);
    expect(Math.abs(v.variance - variance)).toBeLessThan(5 * v.se);
    tf.dispose(st);
    d.dispose();
  });

  it('draws independently per batch entry, with the shape sampleShape + batchShape', async () => {
    const d = normalMixture([[0, 0], [0, 0], [0, 0]], [[-10, 10], [-10, 10], [-10, 10]], [[1, 1], [1, 1], [1, 1]]);
    const s = d.sample(key(2), [2000]);
    expect(s.shape).toEqual([2000, 3]);
    const v = await host(s);
    // each batch column: half near -10, half near +10; the columns are not identical
    for (let b = 0; b < 3; b++) {
      let pos = 0;
      for (let i = 0; i < 2000; i++) if (v[i * 3 + b]! > 0) pos++;
      const { statistic, dof } = chiSquare([pos, 2000 - pos], [0.5, 0.5]);
      expect(statistic).toBeLessThan(chiSquareCritical(dof));
    }
    let same = 0;
    for (let i = 0; i < 2000; i++) if (Math.sign(v[i * 3]!) === Math.sign(v[i * 3 + 1]!)) same++;
    expect(same).toBeLessThan(1200);
    tf.dispose(s);
    d.dispose();
  });

  it('sample gradient reaches the component locs (d Σ sample / d loc_k = times k was drawn), not the weights', async () => {
    const n = 500;
    const [, g] = valueAndGrad((p: { logits: tf.Tensor; loc: tf.Tensor }) =>
      tf.sum(normalMixture(p.logits, p.loc, [1, 1, 1], false).sample(key(7), n)),
    )({ logits: tf.tensor1d([0.1, 0.2, 0.3]), loc: tf.tensor1d([-20, 0, 20]) });
    const grads = g as { logits: tf.Tensor; loc: tf.Tensor };
    const gl = await host(grads.loc);
    // the same draw, counted on the host
    const d = normalMixture([0.1, 0.2, 0.3], [-20, 0, 20], [1, 1, 1]);
    const s = await host(d.sample(key(7), n));
    const counts = [0, 0, 0];
    for (const v of s) counts[v < -10 ? 0 : v > 10 ? 2 : 1]! += 1;
    expect(Array.from(gl)).toEqual(counts);
    await expect(grads.logits).toBeCloseTensor([0, 0, 0]);
    expect(d.reparameterized).toBe(false);
    tf.dispose([grads.logits, grads.loc]);
    d.dispose();
  });
});

describe('MixtureSameFamily gradients', () => {
  it('d logProb / d(logits, locs, scales) agree with finite differences', async () => {
    const x = [-2.5, -0.3, 0.4, 1.9, 5];
    await expectGradsMatch(
      (p) => tf.sum(normalMixture(p.logits!, p.loc!, p.scale!, false).logProb(x)),
      { logits: [0.3, -0.5, 1.1], loc: [-1.5, 0.2, 2.4], scale: [0.7, 1.3, 0.9] },
    );
  });
  it('gradients stay finite far in the tails (x = ±1000)', async () => {
    const [, g] = valueAndGrad((p: { logits: tf.Tensor; loc: tf.Tensor; scale: tf.Tensor }) =>
      tf.sum(normalMixture(p.logits, p.loc, p.scale, false).logProb([-1000, 1000])),
    )({ logits: tf.tensor1d([0, 1]), loc: tf.tensor1d([-2, 2]), scale: tf.tensor1d([1, 0.5]) });
    const grads = g as Record<string, tf.Tensor>;
    for (const t of Object.values(grads)) {
      for (const v of await host(t)) expect(Number.isFinite(v)).toBe(true);
    }
    // d Σ logProb / d logits_k = Σ_x (resp_k(x) - w_k); at x = ±1000 the responsibilities are one-hot
    // (computed on the host in float64).
    const lw = softmaxHost([0, 1]).map(Math.log);
    const resp = (x: number) => softmaxHost([lw[0]! + normalLogPdf(x, -2, 1), lw[1]! + normalLogPdf(x, 2, 0.5)]);
    const gLogits = [0, 1].map((k) => resp(-1000)[k]! + resp(1000)[k]! - 2 * softmaxHost([0, 1])[k]!);
    await expect(grads.logits!).toBeCloseTensor(gLogits, { rtol: 1e-5, atol: 1e-5 });
    tf.dispose(Object.values(grads));
  });
});

describe('MixtureSameFamily over Independent(Normal) (2-D events)', () => {
  const logits = [0.5, -0.2, 0.1];
  const locs = [[-1, 2], [0.5, -0.5], [3, 1]];
  const scales = [[0.8, 1.2], [0.5, 0.7], [1.5, 0.3]];
  const make = () =>
    new MixtureSameFamily({
      mixtureDistribution: new LogitsCategorical({ logits }),
      componentsDistribution: new Independent({ distribution: new Normal({ loc: locs, scale: scales }), reinterpretedBatchNdims: 1 }),
    });
  const hostLogProb = (x: number[]) => {
    const lw = softmaxHost(logits).map(Math.log);
    return logSumExpHost(lw.map((l, k) => l + normalLogPdf(x[0]!, locs[k]![0]!, scales[k]![0]!) + normalLogPdf(x[1]!, locs[k]![1]!, scales[k]![1]!)));
  };

  it('has event shape [2] and logProb matches a host float64 computation', async () => {
    const d = make();
    expect(d.batchShape).toEqual([]);
    expect(d.eventShape).toEqual([2]);
    const xs = [[0, 0], [-1, 2], [3.2, 0.9], [10, -10], [-200, 300]];
    await expect(d.logProb(xs)).toBeCloseTensor(xs.map(hostLogProb), { rtol: 2e-5, atol: 1e-5 });
    const r = d.posteriorComponentProbs(xs);
    expect(r.shape).toEqual([5, 3]);
    await expect(tf.sum(r, -1)).toBeCloseTensor([1, 1, 1, 1, 1], { rtol: 1e-5 });
    d.dispose();
  });

  it('mean and variance (law of total variance per coordinate) match host float64', async () => {
    const d = make();
    const w = softmaxHost(logits);
    const mean = [0, 1].map((j) => w.reduce((a, wk, k) => a + wk * locs[k]![j]!, 0));
    const variance = [0, 1].map((j) => w.reduce((a, wk, k) => a + wk * (scales[k]![j]! ** 2 + (locs[k]![j]! - mean[j]!) ** 2), 0));
    await expect(d.mean()).toBeCloseTensor(mean, { rtol: 1e-5, atol: 1e-6 });
    await expect(d.variance()).toBeCloseTensor(variance, { rtol: 1e-5, atol: 1e-6 });
    await expect(d.stddev()).toBeCloseTensor(variance.map(Math.sqrt), { rtol: 1e-5, atol: 1e-6 });
    d.dispose();
  });

  it('samples have shape [n, 2] with per-coordinate means within MC error', async () => {
    const d = make();
    const s = d.sample(key(9), 4000);
    expect(s.shape).toEqual([4000, 2]);
    const v = await host(s);
    const w = softmaxHost(logits);
    for (const j of [0, 1]) {
      const col = Array.from({ length: 4000 }, (_, i) => v[2 * i + j]!);
      const mean = w.reduce((a, wk, k) => a + wk * locs[k]![j]!, 0);
      const variance = w.reduce((a, wk, k) => a + wk * (scales[k]![j]! ** 2 + (locs[k]![j]! - mean) ** 2), 0);
      expect(meanWithinMcError(col, mean, Math.sqrt(variance), 5).ok).toBe(true);
    }
    tf.dispose(s);
    d.dispose();
  });

  it('MultivariateNormalDiag components give the same logProb, moments and sample shape', async () => {
    const d = new MixtureSameFamily({
      mixtureDistribution: new LogitsCategorical({ logits }),
      componentsDistribution: new MultivariateNormalDiag({ loc: locs, scaleDiag: scales }),
    });
    expect(d.eventShape).toEqual([2]);
    const xs = [[0, 0], [-1, 2], [3.2, 0.9], [10, -10]];
    await expect(d.logProb(xs)).toBeCloseTensor(xs.map(hostLogProb), { rtol: 2e-5, atol: 1e-5 });
    const ref = make();
    await expect(d.mean()).toBeCloseTensor(ref.mean(), { rtol: 1e-5, atol: 1e-6 });
    await expect(d.variance()).toBeCloseTensor(ref.variance(), { rtol: 1e-5, atol: 1e-6 });
    const s = d.sample(key(2), [3, 4]);
    expect(s.shape).toEqual([3, 4, 2]);
    tf.dispose(s);
    d.dispose();
    ref.dispose();
  });

  it('cdf is not defined for vector events', () => {
    const d = make();
    expect(() => d.cdf([[0, 0]])).toThrow(NotDefinedError);
    d.dispose();
  });
});

describe('MixtureSameFamily shapes and broadcasting', () => {
  const n = 4;
  const logits = Array.from({ length: n }, (_, i) => [0.1 * i, -0.2, 0.3]);
  const locs = Array.from({ length: n }, (_, i) => [-1 + i, 0, 1 + 0.5 * i]);
  const scales = Array.from({ length: n }, () => [1, 0.5, 2]);
  const hostLp = (x: number, b: number) =>
    logSumExpHost(softmaxHost(logits[b]!).map((w, k) => Math.log(w) + normalLogPdf(x, locs[b]![k]!, scales[b]![k]!)));

  it('batch [N]: x of shape [N], [N, 1] (-> [N, N]) and a scalar', async () => {
    const d = normalMixture(logits, locs, scales);
    expect(d.batchShape).toEqual([n]);
    const x = [0.3, -1.2, 2.2, 4];
    await expect(d.logProb(x)).toBeCloseTensor(x.map((v, b) => hostLp(v, b)), { rtol: 2e-5, atol: 1e-5 });
    const outer = d.logProb(x.map((v) => [v]));
    expect(outer.shape).toEqual([n, n]);
    await expect(outer).toBeCloseTensor(x.map((v) => x.map((_, b) => hostLp(v, b))), { rtol: 2e-5, atol: 1e-5 });
    await expect(d.logProb(0.7)).toBeCloseTensor(x.map((_, b) => hostLp(0.7, b)), { rtol: 2e-5, atol: 1e-5 });
    expect(d.sample(key(1), [2, 3]).shape).toEqual([2, 3, n]);
    expect(d.mean().shape).toEqual([n]);
    expect(d.componentLogProbs(x).shape).toEqual([n, 3]);
    d.dispose();
  });

  it('shared logits [K] broadcast against components of batch [N, K]', async () => {
    const d = normalMixture([0, 0.5, -0.5], locs, scales);
    expect(d.batchShape).toEqual([n]);
    const s = d.sample(key(3), 5);
    expect(s.shape).toEqual([5, n]);
    expect(d.variance().shape).toEqual([n]);
    d.dispose();
  });

  it('components of batch [K] broadcast against logits [N, K]', async () => {
    const d = normalMixture(logits, [-1, 0, 1], [1, 1, 1]);
    expect(d.batchShape).toEqual([n]);
    expect(d.sample(key(3), 5).shape).toEqual([5, n]);
    const mean = logits.map((l) => softmaxHost(l).reduce((a, w, k) => a + w * (k - 1), 0));
    await expect(d.mean()).toBeCloseTensor(mean, { rtol: 1e-5, atol: 1e-6 });
    const variance = logits.map((l, b) => softmaxHost(l).reduce((a, w, k) => a + w * (1 + (k - 1 - mean[b]!) ** 2), 0));
    await expect(d.variance()).toBeCloseTensor(variance, { rtol: 1e-5, atol: 1e-6 });
    d.dispose();
  });

  it('errors name the arguments', () => {
    expect(() => normalMixture([0, 0], [0, 1, 2], [1, 1, 1])).toThrow(/MixtureSameFamily: argument 'componentsDistribution' must have batch shape \[\.\.\.batch, 2\]/);
    expect(() => normalMixture([[0, 0], [0, 0]], [[0, 1], [0, 1], [0, 1]], 1)).toThrow(/'mixtureDistribution' \[2\] and 'componentsDistribution' \[3\] do not broadcast/);
    expect(() => normalMixture([0, 0], [0, 1], [1, -1])).toThrow(/Normal: argument 'scale' must be positive/);
    const d = normalMixture([0, 0], [0, 1], [1, 1]);
    expect(() => d.entropy()).toThrow(/MixtureSameFamily.entropy: no closed form/);
    expect(() => d.mode()).toThrow(NotDefinedError);
    d.dispose();
  });

  it('logProb of a -Infinity-logit component ignores it; responsibilities sum to one', async () => {
    const d = normalMixture([0, -Infinity], [0, 5], [1, 1]);
    await expect(d.logProb([0, 5])).toBeCloseTensor([normalLogPdf(0, 0, 1), normalLogPdf(5, 0, 1)], { rtol: 1e-5 });
    await expect(d.posteriorComponentProbs([0, 5])).toBeCloseTensor([[1, 0], [1, 0]], { atol: 1e-6 });
    d.dispose();
  });
});

describe('MixtureSameFamily leaks', () => {
  it('has no leaks on any method', async () => {
    const calls = scalarMethodCalls({ logProb: [0.5, 1], prob: 0.1, cdf: [0.2], logCdf: 0.2, survival: 0.2, logSurvival: 0.2, without: ['mode', 'entropy'] });
    await expectMethodsDoNotLeak([
      () => normalMixture([[0, 1], [1, 0]], [[0, 1], [2, 3]], [1, 2]),
      [...calls, ['componentLogProbs', [[0.3]]], ['posteriorComponentProbs', 0.3], ['sampleAndLogProb', key(2), 2]],
    ]);
    await expectNoLeaks(() => {
      const d = new MixtureSameFamily({
        mixtureDistribution: new LogitsCategorical({ logits: [0, 1] }),
        componentsDistribution: new Independent({ distribution: new Normal({ loc: [[0, 1], [2, 3]], scale: 1 }), reinterpretedBatchNdims: 1 }),
      });
      const out = [d.sample(key(1), 2), d.logProb([[0, 1]]), d.mean(), d.variance(), d.posteriorComponentProbs([0, 0])];
      d.dispose();
      return out;
    });
  });
});
