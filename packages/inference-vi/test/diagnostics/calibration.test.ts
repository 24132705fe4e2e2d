import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { key, random, split, type PRNGKey } from '@probdl/tensor-backend';
import { expectNoLeaks } from '@probdl/vitest-config/matchers';
import {
  brierScore,
  classificationNll,
  expectedCalibrationError,
  gaussianNll,
  intervalCoverage,
  predictiveIntervalCoverage,
} from '../../src/index.js';

const LOG_TWO_PI = Math.log(2 * Math.PI);

describe('regression metrics on tiny inputs (hand-worked float64)', () => {
  it('gaussianNll', async () => {
    // y = [0, 1, 3], μ = [0, 0, 1], σ = [1, 2, 0.5]:
    // ½log2π + [0 + 0, log 2 + 1/8, log 0.5 + 8] → mean = ½log2π + (log 2 + log 0.5 + 8.125)/3
    const want = 0.5 * LOG_TWO_PI + 8.125 / 3;
    expect(await gaussianNll([0, 0, 1], [1, 2, 0.5], [0, 1, 3])).toBeCloseTo(want, 12);
    // Scalar σ broadcasts; tensors work the same.
    const m = tf.tensor1d([0, 0, 1]);
    const y = tf.tensor1d([0, 1, 3]);
    expect(await gaussianNll(m, 1, y)).toBeCloseTo(0.5 * LOG_TWO_PI + (0 + 0.5 + 2) / 3, 6);
    const one = tf.scalar(1);
    await expectNoLeaks(() => gaussianNll(m, one, y).then(() => undefined));
    tf.dispose([m, y, one]);
    await expect(gaussianNll([0, 0], [1, 0], [0, 1])).rejects.toThrow(/gaussianNll: argument 'std' must be > 0, got 0 at index 1/);
    await expect(gaussianNll([0, 0, 0], 1, [0, 1])).rejects.toThrow(/argument 'mean' has 3 values, expected 2/);
  });

  it('intervalCoverage and predictiveIntervalCoverage', async () => {
    // Bounds included: y = 1 at [1, 2] is inside; 3 outside [0, 2.5]; −1 inside [−1, −1].
    const c = await intervalCoverage([1, 0, -1, 0], [2, 2.5, -1, 1], [1, 3, -1, 0.5]);
    expect(c).toEqual({ coverage: 0.75, meanWidth: (1 + 2.5 + 0 + 1) / 4, count: 4 });
    // Gaussian: 90 % interval μ ± 1.6448536269514722 σ.
    const g = await predictiveIntervalCoverage({ mean: [0, 0], std: [1, 2] }, [1.64, 3.3], 0.9);
    expect(g.coverage).toBe(0.5); // 1.64 < 1.6449 inside; 3.3 > 3.2897 outside
    expect(g.meanWidth).toBeCloseTo(1.6448536269514722 * 3, 12);
    // Samples, numpy type-7 quantiles: draws 0..10 for one observation, level 0.8 → [1, 9].
    const draws = Array.from({ length: 11 }, (_, i) => [i, 2 * i]);
    const sc = await predictiveIntervalCoverage({ samples: draws }, [9, 19], 0.8);
    expect(sc.coverage).toBe(0.5); // 9 ∈ [1, 9]; 19 ∉ [2, 18]
    expect(sc.meanWidth).toBeCloseTo((8 + 16) / 2, 12);
    await expect(predictiveIntervalCoverage({ mean: [0], std: [1] }, [0], 1)).rejects.toThrow(/'level' must be in \(0, 1\)/);
  });

  it('a correct Gaussian predictive covers at the nominal level (binomial error)', async () => {
    // y ~ N(μᵢ, σᵢ²) with the true μ, σ: each observation is inside with probability `level`
    // independently, so the coverage has sd √(level(1 − level)/N); 4 sd.
    const n = 4000;
    const [k1, k2, k3] = split(key(21), 3) as [PRNGKey, PRNGKey, PRNGKey];
    const mu = random.normal(k1, [n]);
    const sd = tf.tidy(() => tf.add(0.5, random.uniform(k2, [n])));
    const y = tf.tidy(() => tf.add(mu, tf.mul(sd, random.normal(k3, [n]))));
    for (const level of [0.5, 0.9, 0.95]) {
      const c = await predictiveIntervalCoverage({ mean: mu, std: sd }, y, level);
      expect(Math.abs(c.coverage - level)).toBeLessThan(4 * Math.sqrt((level * (1 - level)) / n));
    }
    // From 1000 draws per observation: the type-7 interval between order statistics ~50.95 and
    // ~950.05 covers a fresh draw with probability (950.05 − 50.95)/1001 ≈ 0.8982 (not 0.9); the
    // 4-sd binomial band (0.019) contains both.
    const s = 1000;
    const samples = tf.tidy(() => tf.add(mu, tf.mul(sd, random.normal(key(22), [s, n]))));
    const c = await predictiveIntervalCoverage({ samples }, y, 0.9);
    expect(Math.abs(c.coverage - 0.8982)).toBeLessThan(4 * Math.sqrt((0.9 * 0.1) / n));
    // NLL of the true predictive: E[½log2π + log σ + z²/2] = ½log2π + E log σ + ½; the sd of one
    // term is ~0.75 (z²/2 has sd 1/√2, log σ varies ~0.3), 4 sd / √n.
    const sdHost = await sd.data();
    let eLogSd = 0;
    for (const v of sdHost) eLogSd += Math.log(v);
    eLogSd /= n;
    expect(Math.abs((await gaussianNll(mu, sd, y)) - (0.5 * LOG_TWO_PI + eLogSd + 0.5))).toBeLessThan((4 * 0.75) / Math.sqrt(n));
    const lo = tf.sub(mu, sd);
    const hi = tf.add(mu, sd);
    await expectNoLeaks(async () => {
      await predictiveIntervalCoverage({ samples }, y, 0.9);
      await predictiveIntervalCoverage({ mean: mu, std: sd }, y, 0.9);
      // ±1 sd: coverage 0.6827 within 4 binomial sd.
      expect(Math.abs((await intervalCoverage(lo, hi, y)).coverage - 0.6827)).toBeLessThan(4 * Math.sqrt((0.68 * 0.32) / n));
    });
    tf.dispose([mu, sd, y, samples, lo, hi]);
  }, 30000);
});

describe('classification metrics on tiny inputs (hand-worked float64)', () => {
  it('NLL and Brier, binary and multiclass', async () => {
    // Binary p = [0.9, 0.2, 0.6], y = [1, 0, 0]: −(log 0.9 + log 0.8 + log 0.4)/3.
    expect(await classificationNll([0.9, 0.2, 0.6], [1, 0, 0])).toBeCloseTo(-(Math.log(0.9) + Math.log(0.8) + Math.log(0.4)) / 3, 12);
    // Brier: (0.01 + 0.04 + 0.36)/3.
    expect(await brierScore([0.9, 0.2, 0.6], [1, 0, 0])).toBeCloseTo(0.41 / 3, 12);
    // Multiclass rows, labels [0, 2].
    const p = [
      [0.7, 0.2, 0.1],
      [0.3, 0.3, 0.4],
    ];
    expect(await classificationNll(p, [0, 2])).toBeCloseTo(-(Math.log(0.7) + Math.log(0.4)) / 2, 12);
    // (0.09 + 0.04 + 0.01) + (0.09 + 0.09 + 0.36) = 0.14 + 0.54.
    expect(await brierScore(p, [0, 2])).toBeCloseTo(0.68 / 2, 12);
    // Tensors: same values (float32 inputs, so 1e-6).
    const pt = tf.tensor2d(p);
    const yt = tf.tensor1d([0, 2], 'int32');
    expect(await brierScore(pt, yt)).toBeCloseTo(0.34, 6);
    await expectNoLeaks(() => classificationNll(pt, yt).then(() => undefined));
    tf.dispose([pt, yt]);
    await expect(classificationNll([0.5, 1.2], [0, 1])).rejects.toThrow(/probabilities must lie in \[0, 1\]/);
    await expect(brierScore(p, [0, 3])).rejects.toThrow(/labels must be integers in \[0, 3\)/);
    expect(await classificationNll([1, 0], [0, 1])).toBe(Infinity);
  });

  it('expectedCalibrationError: bins, accuracy, confidence', async () => {
    // Binary p = [0.95, 0.85, 0.3, 0.6, 0.55], y = [1, 0, 0, 1, 0], 5 bins of width 0.2:
    // confidences max(p, 1−p) = [0.95, 0.85, 0.7, 0.6, 0.55]; predictions [1, 1, 0, 1, 1];
    // right = [1, 0, 1, 1, 0]. Bins: (0.4, 0.6] ∋ 0.6, 0.55 → acc 0.5, conf 0.575;
    // (0.6, 0.8] ∋ 0.7 → acc 1, conf 0.7; (0.8, 1] ∋ 0.95, 0.85 → acc 0.5, conf 0.9.
    // ECE = 2/5·0.075 + 1/5·0.3 + 2/5·0.4 = 0.03 + 0.06 + 0.16 = 0.25; MCE 0.4.
    const r = await expectedCalibrationError([0.95, 0.85, 0.3, 0.6, 0.55], [1, 0, 0, 1, 0], { bins: 5 });
    expect(r.ece).toBeCloseTo(0.25, 12);
    expect(r.mce).toBeCloseTo(0.4, 12);
    expect(r.bins.map((b) => b.count)).toEqual([0, 0, 2, 1, 2]);
    expect(r.bins[2]!.confidence).toBeCloseTo(0.575, 12);
    expect(Number.isNaN(r.bins[0]!.accuracy)).toBe(true);
    // Multiclass: top label, first on ties.
    const m = await expectedCalibrationError([[0.5, 0.5, 0], [0.2, 0.5, 0.3]], [0, 2], { bins: 2 });
    // Both confidences 0.5 → bin (0, 0.5]; right = [1, 0]: acc 0.5, conf 0.5 → ECE 0.
    expect(m.ece).toBeCloseTo(0, 12);
    await expect(expectedCalibrationError([0.5], [1], { bins: 0 })).rejects.toThrow(/option 'bins' must be an integer >= 1/);
  });

  it('calibrated synthetic probabilities: ECE ≈ 0 within its finite-sample bias; miscalibrated ones are caught', async () => {
    // p ~ U(0, 1), y ~ Bernoulli(p): calibrated. Top-label confidences lie in [0.5, 1]: 5 of 10
    // bins with ~N/5 each. In a bin, accuracy − confidence has mean 0 and sd ≤ √(0.25/n_b); E|.| ≤
    // √(2/π)·sd, so E[ECE] ≤ 0.8·√(0.25·5/N) = 0.0063 for N = 20000; allow 4× that.
    const n = 20000;
    const [k1, k2] = split(key(31), 2) as [PRNGKey, PRNGKey];
    const p = random.uniform(k1, [n]);
    const u = random.uniform(k2, [n]);
    const y = tf.tidy(() => tf.cast(tf.less(u, p), 'int32'));
    const r = await expectedCalibrationError(p, y, { bins: 10 });
    expect(r.ece).toBeLessThan(4 * 0.8 * Math.sqrt((0.25 * 5) / n));
    // Overconfident: report q = p² / (p² + (1 − p)²) (sharper than p) for the same labels. The
    // expected ECE is ∫ |E[acc | conf] − conf| over the confidence distribution (computed below by
    // a float64 midpoint rule with 10 bins, as the estimator bins it); the sample ECE must be within
    // the same bias bound plus 4 sd of a bin mean.
    const q = tf.tidy(() => tf.div(tf.square(p), tf.add(tf.square(p), tf.square(tf.sub(1, p)))));
    const rq = await expectedCalibrationError(q, y, { bins: 10 });
    // Host expectation: conf c = max(q, 1 − q) with q as above; the label matches the top class with
    // probability max(p, 1 − p). Integrate over p ∈ (0.5, 1) (symmetric), bin by c.
    const nb = 10;
    const mass = new Float64Array(nb);
    const acc = new Float64Array(nb);
    const conf = new Float64Array(nb);
    const steps = 200000;
    for (let i = 0; i < steps; i++) {
      const pp = 0.5 + (i + 0.5) / (2 * steps);
      const c = (pp * pp) / (pp * pp + (1 - pp) ** 2);
      const b = Math.min(nb - 1, Math.ceil(c * nb) - 1);
      mass[b]! += 1;
      acc[b]! += pp;
      conf[b]! += c;
    }
    let want = 0;
    for (let b = 0; b < nb; b++) if (mass[b]! > 0) want += (mass[b]! / steps) * Math.abs(acc[b]! / mass[b]! - conf[b]! / mass[b]!);
    expect(want).toBeGreaterThan(0.05);
    expect(Math.abs(rq.ece - want)).toBeLessThan(4 * 0.8 * Math.sqrt((0.25 * 5) / n));
    // Brier and NLL of the calibrated probabilities: E[(p − y)²] = E[p(1 − p)] = 1/6 (sd of one
    // term ≤ 0.25); E[−log p(y)] = E[−p log p − (1 − p) log(1 − p)] = 1/2 (sd ≤ 0.7).
    expect(Math.abs((await brierScore(p, y)) - 1 / 6)).toBeLessThan((4 * 0.25) / Math.sqrt(n));
    expect(Math.abs((await classificationNll(p, y)) - 0.5)).toBeLessThan((4 * 0.7) / Math.sqrt(n));
    await expectNoLeaks(() => expectedCalibrationError(p, y).then(() => undefined));
    tf.dispose([p, u, y, q]);
  });
});
