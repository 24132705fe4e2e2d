import { expect, it } from 'vitest';
import { ebfmi } from '../../src/diagnostics/ebfmi.js';
import { quantile, quantiles } from '../../src/diagnostics/quantile.js';
import { betaincF64, betaPpfF64, lgammaF64 } from '../../src/diagnostics/special-f64.js';
import { refQuantile } from './reference.js';

it('type-7 quantiles match numpy values computed by hand', () => {
  // np.quantile([1, 2, 3, 4], p): h = 3p → 0.1: 1 + 0.3 = 1.3; 0.5: 2.5; 0.95: h = 2.85 → 3.85.
  const q = quantiles([4, 1, 3, 2], [0.1, 0.5, 0.95]);
  [1.3, 2.5, 3.85].forEach((v, i) => expect(q[i]).toBeCloseTo(v, 14));
  // np.quantile([3, 1, 4, 1, 5], 0.3): sorted [1, 1, 3, 4, 5], h = 1.2 → 1 + 0.2 (3 − 1) = 1.4.
  expect(quantile([3, 1, 4, 1, 5], 0.3)).toBeCloseTo(1.4, 14);
  // 0.75: h = 3 exactly → 4; the extremes are the min and max.
  expect(quantile([3, 1, 4, 1, 5], 0.75)).toBe(4);
  expect(quantile([3, 1, 4, 1, 5], 0)).toBe(1);
  expect(quantile([3, 1, 4, 1, 5], 1)).toBe(5);
  expect(quantile([7], 0.3)).toBe(7);
  const x = [0.3, -1.2, 2.5, 0.7, 0.7, -0.1, 9, 4.4];
  for (const p of [0.01, 0.05, 0.25, 0.5, 0.62, 0.95]) expect(quantile(x, p)).toBeCloseTo(refQuantile(x, p), 13);
  expect(() => quantile([1, 2], 1.5)).toThrow(/probability 1.5/);
  expect(() => quantile([], 0.5)).toThrow(/empty/);
});

it('E-BFMI of constructed energies', () => {
  // E-BFMI = Σ (E_t − E_{t−1})² / Σ (E_t − Ē)² (Betancourt 2016).
  // Chain 0: 0, 1, 0, 1 → 3 / (4 · 0.25) = 3.  Chain 1: 0, 1, 2, 3 → 3 / 5 = 0.6.
  const e = ebfmi(Float64Array.from([0, 1, 0, 1, 0, 1, 2, 3]), 2);
  expect(e[0]).toBeCloseTo(3, 14);
  expect(e[1]).toBeCloseTo(0.6, 14);
  // A slow random walk 0, 0.1, ..., 1.9: 19 · 0.01 / (0.01 Σ_t (t − 9.5)²) = 19 / 665 = 1 / 35.
  const walk = Float64Array.from({ length: 20 }, (_, t) => t / 10);
  expect(ebfmi(walk, 1)[0]).toBeCloseTo(1 / 35, 12);
});

it('host special functions: log-gamma, incomplete beta and its inverse', () => {
  expect(lgammaF64(5)).toBeCloseTo(Math.log(24), 13);
  expect(lgammaF64(0.5)).toBeCloseTo(0.5 * Math.log(Math.PI), 13);
  expect(lgammaF64(1000)).toBeCloseTo(5905.220423209181, 8);
  // I_x(a, 1) = x^a; I_x(1, b) = 1 − (1 − x)^b; so the quantiles are p^(1/a) and 1 − (1 − p)^(1/b).
  expect(betaincF64(3, 1, 0.4)).toBeCloseTo(0.064, 13);
  expect(betaPpfF64(0.3, 2.5, 1)).toBeCloseTo(0.3 ** (1 / 2.5), 12);
  expect(betaPpfF64(0.8413447, 1, 4)).toBeCloseTo(1 - (1 - 0.8413447) ** 0.25, 12);
  // Symmetric: the median of Beta(a, a) is 1/2, even for large a (as in mcseQuantile's ESS-sized a).
  expect(betaPpfF64(0.5, 2001, 2001)).toBeCloseTo(0.5, 12);
  // Beta(a, b) with large a, b is nearly normal: mean a / (a + b), sd sqrt(ab / ((a+b)²(a+b+1))).
  const a = 1000.5;
  const b = 3000.5;
  const sd = Math.sqrt((a * b) / ((a + b) ** 2 * (a + b + 1)));
  expect(Math.abs(betaPpfF64(0.8413447, a, b) - (a / (a + b) + sd))).toBeLessThan(0.02 * sd);
});
