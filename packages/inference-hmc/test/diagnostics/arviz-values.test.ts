import { expect, it } from 'vitest';
import { ebfmi } from '../../src/diagnostics/ebfmi.js';
import { essBulk, essMean, essSd, essTail } from '../../src/diagnostics/ess.js';
import { mcseMean, mcseQuantile, mcseSd } from '../../src/diagnostics/mcse.js';
import { quantiles } from '../../src/diagnostics/quantile.js';
import { rankNormalizedSplitRhat, splitRhat } from '../../src/diagnostics/rhat.js';

// Reference values from ArviZ's own algorithm: the functions of arviz-stats
// (arviz_stats/base/diagnostics.py: _ess, _rhat, _rhat_rank, _z_scale, _split_chains, _ess_sd,
// _mcse_sd, _mcse_quantile, _bfmi) transcribed to numpy 2.4.6 / scipy 1.17.1 (scipy's
// rankdata, norm.ppf and beta.ppf; numpy's FFT and np.quantile), run on this deterministic data
// set. 4 chains of 101 draws (odd, so splitting drops the middle draw); chain 3 has a slight trend.
const C = 4;
const N = 101;
const x = new Float64Array(C * N);
for (let c = 0; c < C; c++) {
  for (let t = 0; t < N; t++) {
    x[c * N + t] = Math.sin(0.37 * t * (c + 1)) + 0.3 * Math.cos(1.1 * t + c) + (c === 3 ? 0.004 * t : 0);
  }
}

// Math.sin / numpy sin may differ in the last bit; the statistics are smooth in the data except at
// ties, and there are none: relative tolerance 1e-9.
it.each([
  ['essBulk', essBulk(x, C), 195.2575533782635],
  ['essTail', essTail(x, C), 314.5409989801615],
  ['essMean', essMean(x, C), 191.0724005129738],
  ['essSd', essSd(x, C), 335.7263723868965],
  ['splitRhat', splitRhat(x, C), 1.0027619780862589],
  ['rankNormalizedSplitRhat', rankNormalizedSplitRhat(x, C), 1.0242699115273874],
  ['mcseMean', mcseMean(x, C), 0.05044379861893477],
  ['mcseSd', mcseSd(x, C), 0.02291601880894824],
  ['mcseQuantile(0.05)', mcseQuantile(x, C, 0.05), 0.043392913147178414],
  ['mcseQuantile(0.5)', mcseQuantile(x, C, 0.5), 0.11994224409373223],
])('%s matches the ArviZ algorithm in numpy/scipy', (_, got, want) => {
  expect(Math.abs(got - want) / want).toBeLessThan(1e-9);
});

it('quantiles and E-BFMI match numpy', () => {
  const q = quantiles(x, [0.05, 0.5, 0.95]);
  [-1.0230679135158762, 0.1553691435838765, 1.1705743574879817].forEach((v, i) => expect(q[i]).toBeCloseTo(v, 12));
  const e = ebfmi(x, C);
  [0.20194115677021882, 0.5563955684260932, 1.1149048915301671, 1.7190046700866612].forEach((v, i) => expect(e[i]).toBeCloseTo(v, 12));
});
