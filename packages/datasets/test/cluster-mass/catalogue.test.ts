import { describe, expect, it } from 'vitest';
import { key } from '@probdl/tensor-backend';
import { clusterCatalogue, CLUSTER_FEATURES, CLUSTER_MASS_PHYSICS } from '../../src/index.js';
import { column } from './stats.js';

const ORDER = ['LogNgal', 'Logsigv', 'R_mean', 'R_std', 'R_skew', 'R_kurt', 'm_mean', 'm_std', 'm_skew', 'm_kurt', 'v_mean', 'v_std', 'v_skew', 'v_kurt'];

describe('clusterCatalogue', () => {
  const a = clusterCatalogue(key(3), { count: 4000 });

  it('has the tutorial’s 14 columns in order, and the target', () => {
    expect(CLUSTER_FEATURES).toEqual(ORDER);
    expect(a.columns).toEqual(ORDER);
    expect(a.count).toBe(4000);
    expect(a.features).toBeInstanceOf(Float64Array);
    expect(a.features.length).toBe(4000 * 14);
    expect(a.logMass.length).toBe(4000);
    expect(a.features.every(Number.isFinite)).toBe(true);
  });

  it('is bit-identical for the same key, and a smaller count is a prefix', () => {
    const b = clusterCatalogue(key(3), { count: 4000 });
    expect(Buffer.from(b.features.buffer).equals(Buffer.from(a.features.buffer))).toBe(true);
    expect(Buffer.from(b.logMass.buffer).equals(Buffer.from(a.logMass.buffer))).toBe(true);
    const head = clusterCatalogue(key(3), { count: 1500 });
    expect(head.features).toEqual(a.features.subarray(0, 1500 * 14));
    expect(head.logMass).toEqual(a.logMass.subarray(0, 1500));
  });

  it('differs for a different key', () => {
    const c = clusterCatalogue(key(4), { count: 4000 });
    let same = 0;
    for (let i = 0; i < 4000; i++) if (c.logMass[i] === a.logMass[i]) same++;
    expect(same).toBe(0);
  });

  it('obeys the recipe’s cuts: masses above 10^13.5, richness ≥ 10, radii inside 1.6 h⁻¹Mpc, |v| < 2200 km/s', () => {
    const { aperture, vmax } = CLUSTER_MASS_PHYSICS;
    const bad: string[] = [];
    for (let i = 0; i < a.count; i++) {
      const f = a.features.subarray(i * 14, i * 14 + 14);
      const checks: [string, boolean][] = [
        ['logMass >= 13.5', a.logMass[i]! >= 13.5 && a.logMass[i]! < 15.8],
        ['Ngal >= 10', 10 ** f[0]! >= 10 - 1e-9],
        ['0 < R_mean < aperture', f[2]! > 0 && f[2]! < aperture],
        ['|v_mean| < vmax', Math.abs(f[10]!) < vmax],
        ['m_mean > 9.5', f[6]! > 9.5],
        ['kurtosis >= -2', f[5]! >= -2 && f[9]! >= -2 && f[13]! >= -2],
        ['members <= Ngal', a.nMembers![i]! <= Math.round(10 ** f[0]!)],
      ];
      for (const [what, ok] of checks) if (!ok) bad.push(`row ${i}: ${what}`);
    }
    expect(bad).toEqual([]);
  });

  it('interlopers: false gives the pure-member features (Logsigv = log10 of the member dispersion)', () => {
    const pure = clusterCatalogue(key(3), { count: 500, interlopers: false });
    const ls = column(pure.features, 14, 1);
    for (let i = 0; i < 500; i++) {
      expect(ls[i]).toBeCloseTo(Math.log10(pure.sigvMembers![i]!), 12);
      expect(Math.round(10 ** pure.features[i * 14]!)).toBe(pure.nMembers![i]);
    }
  });

  it('rejects a bad count', () => {
    expect(() => clusterCatalogue(key(0), { count: 0 })).toThrow(/options.count must be a positive integer, got 0/);
    expect(() => clusterCatalogue(key(0), { count: 2.5 })).toThrow(/got 2.5/);
  });
});
