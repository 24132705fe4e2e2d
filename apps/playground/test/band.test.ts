import { describe, expect, it } from 'vitest';
import { drawsBand, mdnBand, mixtureMoments, mixtureQuantile, normalCdf } from '../src/band.js';

const identity = { xMean: 0, xStd: 1, yMean: 0, yStd: 1 };

describe('band', () => {
  it('has the standard normal CDF', () => {
    expect(normalCdf(0)).toBeCloseTo(0.5, 7);
    expect(normalCdf(1.959963984540054)).toBeCloseTo(0.975, 6);
    expect(normalCdf(-1)).toBeCloseTo(0.15865525393145707, 6);
  });

  it('gives a single normal its mean, sd and 2.5/97.5% quantiles', () => {
    expect(mixtureMoments([1], [2], [3])).toEqual({ mean: 2, variance: 9 });
    expect(mixtureQuantile([1], [2], [3], 0.975)).toBeCloseTo(2 + 3 * 1.959964, 4);
  });

  it('gives a two-component mixture its exact moments and a symmetric interval', () => {
    const { mean, variance } = mixtureMoments([0.5, 0.5], [-1, 1], [0.5, 0.5]);
    expect(mean).toBeCloseTo(0, 12);
    expect(variance).toBeCloseTo(1.25, 12);
    const lo = mixtureQuantile([0.5, 0.5], [-1, 1], [0.5, 0.5], 0.025);
    const hi = mixtureQuantile([0.5, 0.5], [-1, 1], [0.5, 0.5], 0.975);
    expect(lo).toBeCloseTo(-hi, 6);
    // P(X < hi) = 0.975 by construction.
    expect(0.5 * normalCdf((hi + 1) / 0.5) + 0.5 * normalCdf((hi - 1) / 0.5)).toBeCloseTo(0.975, 6);
  });

  it('reads mixtureNormal head features (logits, locs, raw scales) and maps back to plot y', () => {
    // One grid point, K = 2: equal logits, locs -1 and 1, raw scales with softplus(raw) + 1e-3 = 0.5.
    const raw = Math.log(Math.expm1(0.5 - 1e-3));
    const [row] = mdnBand([0, 0, -1, 1, raw, raw], [0.3], 2, { xMean: 0, xStd: 1, yMean: 10, yStd: 2 });
    expect(row!.x).toBe(0.3);
    expect(row!.mean).toBeCloseTo(10, 6);
    expect(row!.sd).toBeCloseTo(2 * Math.sqrt(1.25), 5);
    expect(row!.hi - 10).toBeCloseTo(10 - row!.lo, 4);
    expect(() => mdnBand([0, 0], [0], 2, identity)).toThrow(/expected/);
  });

  it('mixes S draws of a Gaussian prediction with equal weights', () => {
    // S = 2 draws at G = 2 grid points: [S, G] row-major.
    const rows = drawsBand([0, 1, 2, 1], [1, 1, 1, 1], [-1, 1], identity);
    expect(rows.map((r) => r.mean)).toEqual([1, 1]);
    expect(rows[0]!.sd).toBeCloseTo(Math.sqrt(2), 12);
    expect(rows[1]!.sd).toBeCloseTo(1, 12);
    expect(rows[1]!.hi).toBeCloseTo(1 + 1.959964, 4);
  });
});
