import { expect, it } from 'vitest';
import { formatSummary } from '../../src/diagnostics/format-summary.js';
import { essBulk } from '../../src/diagnostics/ess.js';
import { perElement } from '../../src/diagnostics/per-element.js';
import { rankNormalizedSplitRhat } from '../../src/diagnostics/rhat.js';
import { summary } from '../../src/diagnostics/summary.js';
import { drawsFromChains, elementNames, sampleStatsFromInfos, siteElement, type Draws, type SampleStats } from '../../src/diagnostics/types.js';
import { ar1Chains, flat } from './reference.js';

const C = 4;
const N = 500;

// mu: iid N(0, 1); beta: [C, N, 2] with beta[0] iid and beta[1] one chain shifted (R-hat flag);
// tau: strongly autocorrelated (low ESS flag).
function makeDraws(): Draws {
  const mu = flat(ar1Chains(1, C, N, 0));
  const b0 = ar1Chains(2, C, N, 0);
  const b1 = ar1Chains(3, C, N, 0.2, [0, 0, 0, 3]);
  const beta = new Float64Array(C * N * 2);
  for (let c = 0; c < C; c++) {
    for (let t = 0; t < N; t++) {
      beta[(c * N + t) * 2] = b0[c]?.[t] ?? NaN;
      beta[(c * N + t) * 2 + 1] = b1[c]?.[t] ?? NaN;
    }
  }
  const tau = flat(ar1Chains(4, C, N, 0.995));
  return { mu: { values: mu, shape: [C, N] }, beta: { values: beta, shape: [C, N, 2] }, tau: { values: tau, shape: [C, N] } };
}

function makeStats(divergent: number, saturated: number, slowEnergy: boolean): SampleStats {
  const n = C * N;
  const isDivergent = new Uint8Array(n);
  for (let i = 0; i < divergent; i++) isDivergent[i * 7] = 1;
  const treeDepth = new Int32Array(n).fill(3);
  for (let i = 0; i < saturated; i++) treeDepth[i * 3] = 10;
  const e = flat(ar1Chains(9, C, N, slowEnergy ? 0.99 : 0));
  return {
    numChains: C,
    numDraws: N,
    acceptanceRate: new Float64Array(n).fill(0.8),
    isDivergent,
    energy: e,
    numIntegrationSteps: new Int32Array(n).fill(7),
    treeDepth,
    stepSize: new Float64Array(n).fill(0.3),
  };
}

it('summarises every element with NumPyro-style names and flags the problems', () => {
  const draws = makeDraws();
  const s = summary(draws, makeStats(5, 4, true));
  expect(s.rows.map((r) => r.name)).toEqual(['mu', 'beta[0]', 'beta[1]', 'tau']);
  expect(s.rows[2]?.index).toEqual([1]);
  expect(s.numChains).toBe(C);
  expect(s.numDraws).toBe(N);
  const beta1 = siteElement(draws.beta ?? { values: new Float64Array(), shape: [] }, 1);
  expect(s.rows[2]?.rHat).toBe(rankNormalizedSplitRhat(beta1, C));
  expect(s.rows[1]?.essBulk).toBe(perElement(essBulk, draws.beta ?? { values: new Float64Array(), shape: [] }).values[0]);
  // iid N(0, 1) with 2000 draws: mean within 4 MCSE of 0, sd within 5%.
  const mu = s.rows[0];
  expect(Math.abs(mu?.mean ?? NaN)).toBeLessThan(4 * (mu?.mcseMean ?? 0));
  expect(Math.abs((mu?.sd ?? NaN) - 1)).toBeLessThan(0.05);
  expect(mu?.quantiles.length).toBe(3);
  expect(mu?.quantiles[1]).toBe(mu?.median);
  const text = s.problems.join('\n');
  expect(s.numDivergent).toBe(5);
  expect(text).toMatch(/5 of 2000 transitions diverged/);
  expect(text).toMatch(/4 of 2000 transitions reached the maximum tree depth 10/);
  expect(text).toMatch(/E-BFMI below 0.3 in chain\(s\) 0 \(/);
  expect(text).toMatch(/R-hat above 1.01 for beta\[1\], tau/);
  expect(text).toMatch(/bulk ESS below 400 \(100 per chain\) for .*tau/);
  expect(text).not.toMatch(/R-hat above 1.01 for mu/);
});

it('reports no problems for well-mixed iid draws', () => {
  const draws = { mu: makeDraws().mu ?? { values: new Float64Array(), shape: [] } };
  const s = summary(draws, makeStats(0, 0, false));
  expect(s.problems).toEqual([]);
  expect(s.ebfmi.length).toBe(C);
  expect(summary(draws).problems).toEqual([]);
});

it('formats a NumPyro-style table', () => {
  const s = summary(makeDraws(), makeStats(5, 0, false));
  const lines = formatSummary(s).split('\n');
  expect(lines[1]?.trim().split(/\s+/)).toEqual(['mean', 'std', 'median', '5.0%', '95.0%', 'n_eff', 'ess_tail', 'r_hat']);
  const muLine = lines[2]?.trim().split(/\s+/) ?? [];
  expect(muLine[0]).toBe('mu');
  expect(muLine).toHaveLength(9);
  expect(muLine[1]).toBe((s.rows[0]?.mean ?? NaN).toFixed(2));
  expect(lines[3]?.trim().startsWith('beta[0]')).toBe(true);
  // Columns are right-aligned: every row is as wide as the header.
  expect(new Set(lines.slice(1, 6).map((l) => l.length)).size).toBe(1);
  expect(lines).toContain('Number of divergences: 5');
  expect(lines.filter((l) => l.startsWith('WARNING: ')).length).toBe(s.problems.length);
});

it('builds draws and sample statistics from per-chain and per-step pieces', () => {
  const d = drawsFromChains([
    { x: { values: Float64Array.from([1, 2, 3]), shape: [3] }, v: { values: Float64Array.from([1, 2, 3, 4]), shape: [2, 2] } },
    { x: { values: Float64Array.from([4, 5, 6]), shape: [3] }, v: { values: Float64Array.from([5, 6, 7, 8]), shape: [2, 2] } },
  ]);
  expect(d.x?.shape).toEqual([2, 3]);
  expect(Array.from(d.v?.values ?? [])).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
  expect(d.v?.shape).toEqual([2, 2, 2]);
  expect(Array.from(siteElement(d.v ?? { values: new Float64Array(), shape: [] }, 1))).toEqual([2, 4, 6, 8]);
  expect(elementNames('L', [2, 2])).toEqual(['L[0,0]', 'L[0,1]', 'L[1,0]', 'L[1,1]']);
  expect(() => drawsFromChains([{ x: { values: new Float64Array(3), shape: [3] } }, { x: { values: new Float64Array(2), shape: [2] } }])).toThrow(
    /site 'x' of chain 1/,
  );
  const info = (t: number) => ({
    acceptanceRate: Float64Array.from([0.5 + t, 0.6 + t]),
    isDivergent: Uint8Array.from([t, 0]),
    energy: Float64Array.from([t, -t]),
    numIntegrationSteps: Int32Array.from([3, 7]),
    treeDepth: Int32Array.from([2, 3]),
  });
  const st = sampleStatsFromInfos([info(0), info(1), info(0)], Float64Array.from([0.1, 0.2]), [Float64Array.from([-1, -2]), Float64Array.from([-3, -4]), Float64Array.from([-5, -6])]);
  expect(st.numChains).toBe(2);
  expect(st.numDraws).toBe(3);
  // Row-major [C, N]: chain 0's three steps first.
  expect(Array.from(st.acceptanceRate)).toEqual([0.5, 1.5, 0.5, 0.6, 1.6, 0.6]);
  expect(Array.from(st.isDivergent)).toEqual([0, 1, 0, 0, 0, 0]);
  expect(Array.from(st.stepSize)).toEqual([0.1, 0.1, 0.1, 0.2, 0.2, 0.2]);
  expect(Array.from(st.logDensity ?? [])).toEqual([-1, -3, -5, -2, -4, -6]);
  expect(Array.from(st.treeDepth ?? [])).toEqual([2, 2, 2, 3, 3, 3]);
  expect(() => summary({ x: { values: new Float64Array(5), shape: [2, 3] } })).toThrow(/draws 'x': shape \[2, 3\] needs 6 values, got 5/);
});

it('does not flag constant sites as unmixed, and names non-finite draws', () => {
  const s = summary({
    k: { values: new Float64Array(40).fill(3), shape: [4, 10] },
    bad: { values: Float64Array.from({ length: 40 }, (_, i) => (i === 5 ? NaN : i % 7)), shape: [4, 10] },
  }, undefined, { minEssPerChain: 0 });
  expect(s.rows[0]?.rHat).toBeNaN();
  expect(s.problems).toEqual(['non-finite draws for bad']);
  expect(s.withStats).toBe(false);
  expect(formatSummary(s)).not.toMatch(/Number of divergences/);
});
