import { describe, expect, it } from 'vitest';
import { autocorrelation, autocovariance } from '../../src/diagnostics/autocorrelation.js';
import { essBulk, essMean, essSd, essTail } from '../../src/diagnostics/ess.js';
import { mcseMean, mcseQuantile, mcseSd } from '../../src/diagnostics/mcse.js';
import { rankNormalizedSplitRhat, splitRhat } from '../../src/diagnostics/rhat.js';
import {
  ar1Chains,
  flat,
  refAutocov,
  refEssBulk,
  refEssMean,
  refEssSd,
  refEssTail,
  refMcseMean,
  refMcseQuantile,
  refMcseSd,
  refNdtri,
  refRankRhat,
  refSplitRhat,
  type Chains,
} from './reference.js';
import { ndtriF64 } from '../../src/diagnostics/special-f64.js';

// Data sets: chains of different character. Differences between src and the reference are
// float64 rounding (FFT vs direct sums: ~1e-12 relative) and, for rank-normalised statistics,
// Acklam's Φ⁻¹ (relative error < 1.2e-9) in the reference: tolerance 1e-7 relative.
const cases: [string, Chains][] = [
  ['AR(1) rho=0.9, 4x300', ar1Chains(1, 4, 300, 0.9)],
  ['iid, 4x200', ar1Chains(2, 4, 200, 0)],
  ['odd draws, 3x201', ar1Chains(3, 3, 201, 0.5)],
  ['shifted means', ar1Chains(4, 4, 150, 0.3, [0, 0, 0, 1.5])],
  ['one chain', ar1Chains(5, 1, 400, 0.7)],
  ['heavy tails (cube)', ar1Chains(6, 4, 200, 0.4).map((x) => x.map((v) => v ** 3))],
  ['ties (rounded)', ar1Chains(7, 2, 200, 0.6).map((x) => x.map((v) => Math.round(2 * v) / 2))],
  ['anticorrelated rho=-0.6', ar1Chains(8, 2, 300, -0.6)],
];

function rel(a: number, b: number): number {
  return Math.abs(a - b) / Math.max(Math.abs(b), 1e-300);
}

describe.each(cases)('%s', (_, chains) => {
  const x = flat(chains);
  const m = chains.length;
  it.each([
    ['essBulk', essBulk, refEssBulk],
    ['essTail', essTail, refEssTail],
    ['essMean', essMean, refEssMean],
    ['essSd', essSd, refEssSd],
    ['splitRhat', splitRhat, refSplitRhat],
    ['rankNormalizedSplitRhat', rankNormalizedSplitRhat, refRankRhat],
    ['mcseMean', mcseMean, refMcseMean],
    ['mcseSd', mcseSd, refMcseSd],
    ['mcseQuantile(0.05)', (v: Float64Array, k: number) => mcseQuantile(v, k, 0.05), (c: Chains) => refMcseQuantile(c, 0.05)],
    ['mcseQuantile(0.5)', (v: Float64Array, k: number) => mcseQuantile(v, k, 0.5), (c: Chains) => refMcseQuantile(c, 0.5)],
  ] as const)('%s agrees with the direct implementation', (_name, fn, ref) => {
    const got = fn(x, m);
    const want = ref(chains);
    expect(Number.isFinite(got)).toBe(true);
    expect(rel(got, want)).toBeLessThan(1e-7);
  });
});

it('FFT autocovariance equals the direct sums', () => {
  const [x = []] = ar1Chains(9, 1, 257, 0.8);
  const got = autocovariance(x);
  const want = refAutocov(x);
  const g0 = want[0] ?? 1;
  want.forEach((w, t) => expect(Math.abs((got[t] ?? NaN) - w)).toBeLessThan(1e-12 * g0));
  const r = autocorrelation(x);
  expect(r[0]).toBe(1);
  expect(Math.abs((r[1] ?? 0) - (want[1] ?? 0) / g0)).toBeLessThan(1e-12);
});

it('the normal quantile agrees with Acklam and with known values', () => {
  for (const p of [1e-10, 0.001, 0.02, 0.1, 0.3, 0.5, 0.77, 0.98, 0.999999]) {
    expect(Math.abs(ndtriF64(p) - refNdtri(p))).toBeLessThan(1.2e-9 * Math.max(1, Math.abs(refNdtri(p))));
  }
  // Φ⁻¹(0.975) = 1.959963984540054, Φ⁻¹(Φ(1)) with Φ(1) = 0.8413447460685429.
  expect(ndtriF64(0.975)).toBeCloseTo(1.959963984540054, 14);
  expect(ndtriF64(0.8413447460685429)).toBeCloseTo(1, 14);
  expect(ndtriF64(0.5)).toBe(0);
});

it('rejects arrays that do not split into the chains', () => {
  expect(() => essBulk(new Float64Array(7), 2)).toThrow(/7 values do not split into 2 chains/);
  expect(() => splitRhat(new Float64Array(8), 0)).toThrow(/numChains/);
  expect(essBulk(new Float64Array(6), 2)).toBeNaN();
  expect(essBulk(Float64Array.from([1, 2, NaN, 4, 5, 6, 7, 8]), 1)).toBeNaN();
  // A constant series: ESS is the number of draws (ArviZ), as for an indicator that never varies.
  expect(essMean(new Float64Array(40).fill(2), 4)).toBe(40);
});
