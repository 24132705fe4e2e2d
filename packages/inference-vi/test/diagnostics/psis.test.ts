import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { MultivariateNormalTriL } from '@probdl/distributions';
import { adam } from '@probdl/optimizers';
import { foldIn, key, random, split, type PRNGKey } from '@probdl/tensor-backend';
import { expectNoLeaks } from '@probdl/vitest-config/matchers';
import { findMap, fitGeneralizedPareto, fitVi, fullRankNormal, guideKhat, laplace, psisKhat, psisKhatOf } from '../../src/index.js';

/** n exact GPD(ξ, σ = 1) draws by the inverse CDF of key-drawn uniforms: ((1 − u)^(−ξ) − 1)/ξ. */
async function gpdSamples(k: PRNGKey, n: number, xi: number): Promise<Float64Array> {
  const u = random.uniform(k, [n]);
  const us = await u.data();
  u.dispose();
  return Float64Array.from(us, (v) => Math.expm1(-xi * Math.log1p(-v)) / xi);
}

describe('fitGeneralizedPareto and psisKhat recover a known shape', () => {
  // Asymptotic sd of the shape estimate (MLE-efficient Zhang–Stephens): (1 + ξ)/√n. The weakly
  // informative prior moves it by (0.5 − ξ)·10/(n + 10), added to the tolerance.
  for (const xi of [0.2, 0.5, 0.9]) {
    it(`ξ = ${xi}: direct fit on 4000 exceedances within 4 sd`, async () => {
      const n = 4000;
      const x = (await gpdSamples(foldIn(key(7), Math.round(xi * 10)), n, xi)).sort();
      const { k, sigma } = fitGeneralizedPareto(x);
      const bias = ((0.5 - xi) * 10) / (n + 10);
      expect(Math.abs(k - (xi + bias))).toBeLessThan((4 * (1 + xi)) / Math.sqrt(n));
      // σ: asymptotic relative sd of the MLE √(2(1 + ξ)/n); 4 sd.
      expect(Math.abs(sigma - 1)).toBeLessThan(4 * Math.sqrt((2 * (1 + xi)) / n));
    });

    it(`ξ = ${xi}: psisKhat of log GPD weights (S = 20000, M = 425), mean of 4 keys within 4 sd`, async () => {
      const s = 20000;
      let sum = 0;
      let m = 0;
      for (let r = 0; r < 4; r++) {
        const w = await gpdSamples(foldIn(key(100 + Math.round(xi * 10)), r), s, xi);
        const res = psisKhat(Float64Array.from(w, (v) => Math.log(v)));
        m = res.tailLength;
        sum += res.khat;
      }
      expect(m).toBe(425); // ⌈min(0.2·20000, 3√20000)⌉ = ⌈424.26⌉
      // Exceedances of a GPD over a threshold are GPD with the same ξ; sd (1 + ξ)/√(4M).
      const bias = ((0.5 - xi) * 10) / (m + 10);
      expect(Math.abs(sum / 4 - (xi + bias))).toBeLessThan((4 * (1 + xi)) / Math.sqrt(4 * m));
    });
  }
});

describe('psisKhat smoothing (ArviZ psislw)', () => {
  it('matches a line-by-line numpy transcription of ArviZ _psislw/_gpdfit on fixed inputs', () => {
    // Reference values from /tmp numpy transcription of arviz.stats._psislw and _gpdfit (float64),
    // lw_i = 0.9 log(i + 1) + sin(i) and 2 log(i + 1) + 0.5 cos(3i), i = 0..99 (S = 100, M = 20).
    const idx = [0, 50, 97, 98, 99];
    const a = psisKhat(Array.from({ length: 100 }, (_, i) => 0.9 * Math.log(i + 1) + Math.sin(i)));
    expect(a.tailLength).toBe(20);
    expect(a.khat).toBeCloseTo(-0.0398501151150023, 10);
    const wantA = [-8.362174218868141, -5.085906003120176, -3.863150792676498, -4.799948225737433, -5.216727885665211];
    idx.forEach((i, j) => expect(a.smoothedLogWeights[i]!).toBeCloseTo(wantA[j]!, 10));
    const b = psisKhat(Array.from({ length: 100 }, (_, i) => 2 * Math.log(i + 1) + 0.5 * Math.cos(3 * i)));
    expect(b.khat).toBeCloseTo(-0.18762035174832078, 10);
    const wantB = [-12.315994667748786, -4.602717999060945, -3.670890783048082, -3.4768865124211694, -3.578571321773167];
    idx.forEach((i, j) => expect(b.smoothedLogWeights[i]!).toBeCloseTo(wantB[j]!, 10));
  });

  it('keeps the order of the weights, leaves the body alone, caps at the largest raw weight, normalises', async () => {
    const s = 1000;
    const raw = Float64Array.from(await gpdSamples(key(5), s, 0.9), (v) => Math.log(v) + 3);
    const { smoothedLogWeights: sm, khat, tailLength } = psisKhat(raw);
    expect(khat).toBeGreaterThan(0.5);
    const order = Array.from({ length: s }, (_, i) => i).sort((i, j) => raw[i]! - raw[j]!);
    // Body (all but the M largest): shifted by one constant c (the normalisation).
    const c = sm[order[0]!]! - raw[order[0]!]!;
    for (let r = 0; r < s - tailLength; r++) expect(sm[order[r]!]! - raw[order[r]!]!).toBeCloseTo(c, 9);
    // Order kept; nothing above the largest raw weight (after the same shift).
    const rawMax = raw[order[s - 1]!]!;
    for (let r = 1; r < s; r++) expect(sm[order[r]!]!).toBeGreaterThanOrEqual(sm[order[r - 1]!]! - 1e-12);
    for (let i = 0; i < s; i++) expect(sm[i]! - c).toBeLessThanOrEqual(rawMax + 1e-12);
    // ξ = 0.9: the smoothed tail's top expected order statistics exceed the raw maximum, so the cap binds.
    expect(sm[order[s - 1]!]! - c).toBeCloseTo(rawMax, 12);
    let total = 0;
    for (const v of sm) total += Math.exp(v);
    expect(total).toBeCloseTo(1, 12);
  });

  it('edge cases: equal weights, too short, invalid values', async () => {
    const eq = psisKhat(new Float64Array(100).fill(-3));
    expect(eq.khat).toBe(-Infinity);
    expect(eq.smoothedLogWeights[0]).toBeCloseTo(Math.log(1 / 100), 12);
    expect(psisKhat([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]).khat).toBe(Infinity); // M = 2 ≤ 4
    // S = 100 (M = 20) with the 30 largest tied: bounded weights.
    expect(psisKhat(Array.from({ length: 100 }, (_, i) => Math.min(i, 70))).khat).toBe(-Infinity);
    // −∞ log weights (draws outside the target's support) are zero weights.
    const withInf = psisKhat([...Array.from({ length: 99 }, (_, i) => Math.sin(i)), -Infinity]);
    expect(withInf.smoothedLogWeights[99]).toBe(-Infinity);
    expect(Number.isFinite(withInf.khat)).toBe(true);
    expect(() => psisKhat([1])).toThrow(/psisKhat: argument 'logWeights' must hold at least 2 values/);
    expect(() => psisKhat([0, Number.NaN, 1])).toThrow(/NaN at index 1/);
    const t = tf.tensor1d([0.1, 0.5, -0.3, 0.2, 0.9, 1.1, -2, 0.4, 0.3, 0.2]);
    await expectNoLeaks(async () => {
      const r = await psisKhatOf(t);
      expect(r.smoothedLogWeights.length).toBe(10);
    });
    t.dispose();
  });
});

// A 2-D correlated Gaussian target N(m, LLᵀ).
const M = [1, -0.5];
const L = [[1.2, 0], [0.6, 0.5]];

describe('guideKhat', () => {
  it('a Gaussian guide fitted by VI to a Gaussian target: k̂ < 0.5', async () => {
    const target = new MultivariateNormalTriL({ loc: M, scaleTril: L });
    const logp = (z: tf.Tensor): tf.Tensor => target.logProb(z);
    const family = fullRankNormal();
    // ~300 Adam steps with 16 draws put q within a few % of the target in scale; simulated k̂ for
    // 5–10 % scale errors at S = 2000 is 0.1–0.5 (medians 0.1–0.3), and ≤ 0 for an over-dispersed q.
    const { params } = await fitVi(key(1), logp, family, { optimizer: adam(0.05), steps: 300, numSamples: 16, dim: 2, stickingTheLanding: true });
    const res = await guideKhat(key(2), logp, family, params, { numSamples: 2000 });
    expect(res.khat).toBeLessThan(0.5);
    expect(res.ess).toBeGreaterThan(1500);
    expect(res.logWeights.length).toBe(2000);
    tf.dispose([params.loc, params.scaleTrilRaw]);
    target.dispose();
  }, 30000);

  it('a Gaussian guide (Laplace at one mode) on a two-component mixture: k̂ > 0.7', async () => {
    // p = ½ N((−2.5, 0), I) + ½ N((2.5, 0), I): two modes 5 sd apart. The Laplace approximation at
    // the right mode is N((2.5, 0), I) up to e^{−12.5} terms. Its draws that fall toward the other
    // mode (z₁ < ~0.5, 2 sd out: ~2 % of them) carry weights ½(1 + e^{−10 z₁}): a lognormal-like,
    // very heavy right tail. Simulated k̂ (numpy transcription of ArviZ) for q = N((2.5, 0), I) at
    // S = 2000 over 100 keys: 1.29–2.32 (median 1.75), so 0.7 is below every draw.
    const d = 2.5;
    const logp = (z: tf.Tensor): tf.Tensor =>
      tf.tidy(() => {
        const z0 = tf.squeeze(tf.slice(z, [0, 0], [-1, 1]), [1]);
        const rest = tf.mul(-0.5, tf.sum(tf.square(tf.slice(z, [0, 1], [-1, 1])), 1));
        const a = tf.mul(-0.5, tf.square(tf.sub(z0, d)));
        const b = tf.mul(-0.5, tf.square(tf.add(z0, d)));
        return tf.add(tf.add(tf.logSumExp(tf.stack([a, b], 1), 1), rest), Math.log(0.5) - Math.log(2 * Math.PI));
      });
    const start = tf.tensor1d([2, 0.3]);
    const { position } = await findMap(logp, start, { optimizer: adam(0.05), steps: 300 });
    const approx = await laplace(logp, position);
    expect(Math.abs(approx.host.mean[0]! - d)).toBeLessThan(1e-3);
    expect(Math.abs(approx.host.covariance.data[0]! - 1)).toBeLessThan(1e-3);
    const res = await guideKhat(key(4), logp, approx.distribution, { numSamples: 2000 });
    expect(res.khat).toBeGreaterThan(0.7);
    expect(res.khat).toBeGreaterThan(res.threshold);
    approx.dispose();
    tf.dispose([start, position]);
  }, 30000);

  it('leaks and errors', async () => {
    const family = fullRankNormal();
    const params = family.init(key(0), 2);
    const logp = (z: tf.Tensor): tf.Tensor => tf.mul(-0.5, tf.sum(tf.square(z), 1));
    await expectNoLeaks(() => guideKhat(key(1), logp, family, params, { numSamples: 50 }));
    await expect(guideKhat(key(1), logp, family, params, { numSamples: 1 })).rejects.toThrow(/guideKhat: option 'numSamples'/);
    const [k1] = split(key(2), 2) as [PRNGKey, PRNGKey];
    const before = tf.memory().numTensors;
    await expect(guideKhat(k1, (z) => tf.reshape(tf.sum(z, 1), [-1, 1]), family, params)).rejects.toThrow(/shape \[1000\]/);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([params.loc, params.scaleTrilRaw]);
  });
});
