import { expect, it } from 'vitest';
import { essBulk, essMean, essTail } from '../../src/diagnostics/ess.js';
import { mcseMean, mcseQuantile, mcseSd } from '../../src/diagnostics/mcse.js';
import { rankNormalizedSplitRhat, splitRhat } from '../../src/diagnostics/rhat.js';
import { ar1Chains, flat } from './reference.js';

// Fixed keys; tolerances are stated against the sampling spread of the estimators.

it('AR(1) chains: ESS of the mean approaches N (1 − ρ) / (1 + ρ)', () => {
  for (const [seed, rho] of [[11, 0.5], [12, 0.9], [13, -0.3]] as const) {
    const chains = ar1Chains(seed, 4, 20000, rho);
    const n = 4 * 20000;
    const want = (n * (1 - rho)) / (1 + rho);
    // The relative sd of the ESS estimate is about sqrt(2 (2K + 1) / N) · τ ≈ 2–5% for the
    // truncation lags K these autocorrelations reach at N = 80000; 12% is ~3 sd for rho = 0.9.
    expect(Math.abs(essMean(flat(chains), 4) / want - 1)).toBeLessThan(0.12);
    // Bulk ESS of a Gaussian AR(1) is that of the normal scores, nearly the same.
    expect(Math.abs(essBulk(flat(chains), 4) / want - 1)).toBeLessThan(0.12);
  }
});

it('iid normal draws: R-hat ≈ 1 and ESS ≈ N', () => {
  const x = flat(ar1Chains(21, 4, 1000, 0));
  // R-hat − 1 has sd of order 1/N per split chain pair: far below 0.01 here.
  expect(rankNormalizedSplitRhat(x, 4)).toBeLessThan(1.01);
  expect(splitRhat(x, 4)).toBeLessThan(1.01);
  expect(splitRhat(x, 4)).toBeGreaterThan(0.99);
  // ESS of iid draws: relative sd about sqrt(2 / N)·few ≈ 5%; bounds ±15%. Geyer truncation can
  // give slightly superefficient estimates (ESS > N) for iid draws, hence the symmetric band.
  for (const ess of [essMean(x, 4), essBulk(x, 4)]) expect(Math.abs(ess / 4000 - 1)).toBeLessThan(0.15);
  // The tail ESS (indicator at the 5% / 95% quantiles) is noisier: ±25%.
  expect(Math.abs(essTail(x, 4) / 4000 - 1)).toBeLessThan(0.25);
  // MCSE of the mean ≈ 1 / sqrt(N) = 0.0158, of the sd ≈ 1 / sqrt(2N) = 0.0112, of the median
  // ≈ sqrt(π / 2) / sqrt(N) = 0.0198 (asymptotic variance of the sample median of N(0, 1)).
  expect(Math.abs(mcseMean(x, 4) / 0.0158 - 1)).toBeLessThan(0.1);
  expect(Math.abs(mcseSd(x, 4) / 0.0112 - 1)).toBeLessThan(0.15);
  expect(Math.abs(mcseQuantile(x, 4, 0.5) / 0.0198 - 1)).toBeLessThan(0.25);
});

it('chains with shifted means give R-hat above 1.1', () => {
  // One chain of four shifted by 2 sd: B/N ≈ var([0 ×6, 2, 2]) ≈ 0.86 over the split chains, so
  // R-hat ≈ sqrt(1 + 0.86) ≈ 1.36.
  const x = flat(ar1Chains(31, 4, 500, 0.3, [0, 0, 0, 2]));
  expect(rankNormalizedSplitRhat(x, 4)).toBeGreaterThan(1.1);
  expect(splitRhat(x, 4)).toBeGreaterThan(1.1);
  // A trend within each chain is caught by splitting even with one chain.
  const trend = Float64Array.from({ length: 400 }, (_, t) => t / 100 + Math.sin(t));
  expect(splitRhat(trend, 1)).toBeGreaterThan(1.1);
});

it('the folded (tail) R-hat catches chains that differ only in scale', () => {
  const chains = ar1Chains(41, 4, 1000, 0).map((x, c) => x.map((v) => (c === 3 ? 3 * v : v)));
  const x = flat(chains);
  expect(splitRhat(x, 4)).toBeLessThan(1.01);
  expect(rankNormalizedSplitRhat(x, 4)).toBeGreaterThan(1.01);
});
