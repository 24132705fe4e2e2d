/** The numerical pieces of the catalogue: the Lambert W inversion of NFW, its table, the inverse CDFs and the host stream. */
import { describe, expect, it } from 'vitest';
import { key } from '@probdl/tensor-backend';
import { HostStream } from '../../src/cluster-mass/host-stream.js';
import { lambertW0, NfwQuantiles, nfwMu, nfwRadius } from '../../src/cluster-mass/nfw.js';
import { InverseCdf } from '../../src/cluster-mass/tables.js';
import { moments4 } from '../../src/cluster-mass/moments.js';

describe('cluster-mass numerics', () => {
  it('lambertW0 solves w e^w = z on [-1/e, 0)', () => {
    for (const z of [-1 / Math.E + 1e-12, -0.36, -0.3, -0.25, -0.2, -0.1, -1e-3, -1e-9]) {
      const w = lambertW0(z);
      expect(w).toBeGreaterThanOrEqual(-1);
      expect(Math.abs(w * Math.exp(w) - z)).toBeLessThan(1e-12);
    }
  });

  it('nfwRadius inverts the enclosed NFW mass; the table is within 0.4% of r200c', () => {
    for (const c of [2, 4, 9]) {
      const muC = nfwMu(c);
      for (const u of [0.01, 0.3, 0.5, 0.9, 0.999]) expect(nfwMu(nfwRadius(u, muC)) / muC).toBeCloseTo(u, 10);
    }
    const q = new NfwQuantiles();
    let worst = 0;
    for (const c of [0.7, 2.2, 3.3, 4.1, 5.7, 9.9, 33]) {
      q.select(c);
      const muC = nfwMu(c);
      for (let i = 1; i < 2000; i++) worst = Math.max(worst, Math.abs(q.sample(i / 2000) - nfwRadius(i / 2000, muC) / c));
    }
    expect(worst).toBeLessThan(4e-3);
  });

  it('InverseCdf samples its density (uniform on [0, 2] and a triangle)', () => {
    const flat = new InverseCdf(() => 1, 0, 2);
    expect(flat.sample(0.25)).toBeCloseTo(0.5, 10);
    const tri = new InverseCdf((x) => x, 0, 1); // CDF x², quantile √u
    for (const u of [1e-4, 0.1, 0.5, 0.9, 1 - 1e-6]) expect(tri.sample(u)).toBeCloseTo(Math.sqrt(u), 3);
  });

  it('HostStream: uniforms in (0, 1), normals and Poisson counts with the right moments (within 5 SE at n = 200,000)', () => {
    const s = new HostStream(key(1));
    const n = 200_000;
    const x = new Float64Array(n);
    let lo = 1;
    let hi = 0;
    for (let i = 0; i < n; i++) {
      const u = s.uniform();
      lo = Math.min(lo, u);
      hi = Math.max(hi, u);
    }
    expect(lo).toBeGreaterThan(0);
    expect(hi).toBeLessThan(1);
    for (let i = 0; i < n; i++) x[i] = s.normal();
    const m = new Float64Array(4);
    moments4(x, n, m, 0);
    expect(Math.abs(m[0]!)).toBeLessThan(5 / Math.sqrt(n)); // SE 1/√n
    expect(Math.abs(m[1]! - 1)).toBeLessThan(5 / Math.sqrt(2 * n)); // SE of a std 1/√(2n)
    expect(Math.abs(m[2]!)).toBeLessThan(5 * Math.sqrt(6 / n)); // SE of skewness √(6/n)
    expect(Math.abs(m[3]!)).toBeLessThan(5 * Math.sqrt(24 / n)); // SE of excess kurtosis √(24/n)
    for (const lambda of [0.5, 7.7, 350]) {
      const k = 20_000;
      for (let i = 0; i < k; i++) x[i] = s.poisson(lambda);
      moments4(x, k, m, 0);
      expect(Math.abs(m[0]! - lambda)).toBeLessThan(5 * Math.sqrt(lambda / k));
      expect(Math.abs(m[1]! ** 2 / lambda - 1)).toBeLessThan(5 * Math.sqrt(2 / k) + 0.01);
    }
    const again = new HostStream(key(1));
    expect(again.uniform()).toBe(new HostStream(key(1)).uniform());
  });
});
