import { describe, expect, it } from 'vitest';
import { dualAveraging } from '../../src/adaptation/dual-averaging.js';
import { uniformStream } from './host-hmc.js';

describe('dualAveraging', () => {
  it('first iteration follows the formulas of Stan exactly', () => {
    const da = dualAveraging();
    const s0 = da.init(0.5, 2);
    const s1 = da.update(s0, [0.3, 1]);
    const mu = Math.log(5);
    // t = 1: H̄ = (δ - α)/(1 + t0), x = μ - √1/γ · H̄, x̄ = x (weight 1).
    const h = [(0.8 - 0.3) / 11, (0.8 - 1) / 11];
    for (let i = 0; i < 2; i++) {
      expect(s1.gradientAvg[i]).toBeCloseTo(h[i]!, 14);
      expect(s1.logStepSize[i]).toBeCloseTo(mu - h[i]! / 0.05, 12);
      expect(s1.logStepSizeAvg[i]).toBeCloseTo(s1.logStepSize[i]!, 14);
    }
    const s2 = da.update(s1, [0.5, 0.5]);
    const eta = 1 / 12;
    const h2 = (1 - eta) * h[0]! + eta * 0.3;
    const x2 = mu - (Math.SQRT2 / 0.05) * h2;
    expect(s2.logStepSize[0]).toBeCloseTo(x2, 12);
    expect(s2.logStepSizeAvg[0]).toBeCloseTo(2 ** -0.75 * x2 + (1 - 2 ** -0.75) * s1.logStepSize[0]!, 12);
    expect(s2.step).toBe(2);
    expect(() => da.update(s2, [0.5])).toThrow(/acceptanceRate has 1 entries/);
    expect(() => dualAveraging({ targetAcceptance: 1.2 })).toThrow(/targetAcceptance/);
  });

  it('converges per chain to the step size where a synthetic acceptance curve equals the target', () => {
    // a(ε) = exp(-c (ε/ε*)²) solves a = δ at ε = ε* √(-ln δ / c).
    const stars = [0.05, 1, 20];
    const cs = [1, 0.2, 3];
    for (const target of [0.8, 0.65]) {
      const da = dualAveraging({ targetAcceptance: target });
      let s = da.init(1, 3);
      for (let t = 0; t < 2000; t++) {
        const eps = s.logStepSize.map(Math.exp);
        s = da.update(s, Array.from(eps, (e, i) => Math.exp(-cs[i]! * (e / stars[i]!) ** 2)));
      }
      const final = da.final(s);
      for (let i = 0; i < 3; i++) {
        const solution = stars[i]! * Math.sqrt(-Math.log(target) / cs[i]!);
        // Deterministic feedback: the average x̄ settles within 2% of the root after 2000 iterations.
        expect(Math.abs(final[i]! / solution - 1)).toBeLessThan(0.02);
      }
    }
  });

  it('converges with noisy acceptance statistics', () => {
    // Each iteration sees a Bernoulli-like noisy acceptance: mean a(ε), sd ≈ 0.2. The iterate's
    // noise averages out in x̄; 3000 iterations leave a relative error of a few percent.
    const u = uniformStream(7);
    const da = dualAveraging();
    let s = da.init(3, 4);
    for (let t = 0; t < 3000; t++) {
      const eps = s.logStepSize.map(Math.exp);
      s = da.update(
        s,
        Array.from(eps, (e) => {
          const a = Math.exp(-((e / 2) ** 2));
          return Math.min(1, Math.max(0, a + 0.35 * (u() - 0.5)));
        }),
      );
    }
    const solution = 2 * Math.sqrt(-Math.log(0.8));
    for (const e of da.final(s)) expect(Math.abs(e / solution - 1)).toBeLessThan(0.1);
  });
});
