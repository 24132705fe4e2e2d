import { expect, it } from 'vitest';
import { concatChains, type Draws, type SampleStats } from '../../src/diagnostics/types.js';
import { toArviZJson } from '../../src/export/arviz-json.js';
import { fromCmdStanCsv, toCmdStanCsv } from '../../src/export/cmdstan-csv.js';

const C = 2;
const N = 3;
// mu: [C, N]; beta: [C, N, 2]; L: [C, N, 2, 3] with value 1000 c + 100 t + 10 i + j.
function fixture(): { draws: Draws; stats: SampleStats } {
  const mu = Float64Array.from({ length: C * N }, (_, k) => k + 0.5);
  const beta = Float64Array.from({ length: C * N * 2 }, (_, k) => -k / 3);
  const L = new Float64Array(C * N * 6);
  for (let c = 0; c < C; c++) for (let t = 0; t < N; t++) for (let i = 0; i < 2; i++) for (let j = 0; j < 3; j++) {
    L[((c * N + t) * 2 + i) * 3 + j] = 1000 * c + 100 * t + 10 * i + j;
  }
  const n = C * N;
  return {
    draws: { mu: { values: mu, shape: [C, N] }, beta: { values: beta, shape: [C, N, 2] }, L: { values: L, shape: [C, N, 2, 3] } },
    stats: {
      numChains: C,
      numDraws: N,
      acceptanceRate: Float64Array.from({ length: n }, (_, k) => 0.1 * k + 0.05),
      isDivergent: Uint8Array.from([0, 1, 0, 0, 0, 1]),
      energy: Float64Array.from({ length: n }, (_, k) => 3.25 + k),
      numIntegrationSteps: Int32Array.from([3, 7, 15, 1, 3, 7]),
      treeDepth: Int32Array.from([2, 3, 4, 1, 2, 3]),
      stepSize: Float64Array.from([0.25, 0.25, 0.25, 0.125, 0.125, 0.125]),
      logDensity: Float64Array.from({ length: n }, (_, k) => -10 - k / 7),
    },
  };
}

it('toArviZJson gives az.from_dict keyword arguments with [chain][draw][...] arrays', () => {
  const { draws, stats } = fixture();
  const j = toArviZJson(draws, stats, {
    observedData: { y: [1, 2, NaN] },
    coords: { school: ['a', 'b'] },
    dims: { beta: ['school'] },
  });
  const back = JSON.parse(JSON.stringify(j)) as Record<string, Record<string, unknown>>;
  expect(Object.keys(back)).toEqual(['posterior', 'sample_stats', 'observed_data', 'coords', 'dims']);
  expect(back.posterior?.mu).toEqual([[0.5, 1.5, 2.5], [3.5, 4.5, 5.5]]);
  expect((back.posterior?.beta as number[][][])[1]?.[2]).toEqual([-10 / 3, -11 / 3]);
  expect((back.posterior?.L as number[][][][])[1]?.[2]).toEqual([[1200, 1201, 1202], [1210, 1211, 1212]]);
  expect(Object.keys(back.sample_stats ?? {}).sort()).toEqual(
    ['acceptance_rate', 'diverging', 'energy', 'lp', 'n_steps', 'step_size', 'tree_depth'],
  );
  expect(back.sample_stats?.diverging).toEqual([[false, true, false], [false, false, true]]);
  expect(back.sample_stats?.tree_depth).toEqual([[2, 3, 4], [1, 2, 3]]);
  expect(back.sample_stats?.step_size).toEqual([[0.25, 0.25, 0.25], [0.125, 0.125, 0.125]]);
  // NaN has no JSON form: it becomes null, which numpy reads as NaN in a float array.
  expect(back.observed_data?.y).toEqual([1, 2, null]);
  expect(back.dims?.beta).toEqual(['school']);
  expect(Object.keys(toArviZJson(draws))).toEqual(['posterior']);
});

it('toCmdStanCsv writes CmdStan column names in Stan order and fromCmdStanCsv reads them back', () => {
  const { draws, stats } = fixture();
  const csv = toCmdStanCsv(draws, stats, 1, { model: 'eight_schools', stepSize: 0.125, inverseMassMatrix: [1, 0.5] });
  const lines = csv.split('\n');
  expect(lines[0]?.startsWith('#')).toBe(true);
  const header = lines.find((l) => !l.startsWith('#'))?.split(',');
  // Matrices are written column-major with 1-based indices, as CmdStan does.
  expect(header).toEqual([
    'lp__', 'accept_stat__', 'stepsize__', 'treedepth__', 'n_leapfrog__', 'divergent__', 'energy__',
    'mu', 'beta.1', 'beta.2', 'L.1.1', 'L.2.1', 'L.1.2', 'L.2.2', 'L.1.3', 'L.2.3',
  ]);
  expect(lines).toContain('# Step size = 0.125');
  expect(lines).toContain('# Diagonal elements of inverse mass matrix:');
  const rows = lines.filter((l) => l !== '' && !l.startsWith('#')).slice(1);
  expect(rows).toHaveLength(N);
  // Chain 1, draw 0: L[i][j] = 1000 + 10 i + j, written L.1.1, L.2.1, L.1.2, ...
  expect(rows[0]?.split(',').slice(-6)).toEqual(['1000', '1010', '1001', '1011', '1002', '1012']);
  expect(rows[0]?.split(',').slice(3, 6)).toEqual(['1', '1', '0']);

  const back = fromCmdStanCsv(csv);
  expect(back.model).toBe('eight_schools');
  expect(back.stepSize).toBe(0.125);
  expect(Array.from(back.inverseMassMatrix ?? [])).toEqual([1, 0.5]);
  for (const [name, site] of Object.entries(draws)) {
    const got = back.draws[name];
    expect(got?.shape).toEqual([1, ...site.shape.slice(1)]);
    const per = site.values.length / C;
    expect(Array.from(got?.values ?? [])).toEqual(Array.from(site.values.subarray(per, 2 * per)));
  }
  // Both chains read back and concatenated give the original draws.
  const both = concatChains([fromCmdStanCsv(toCmdStanCsv(draws, stats, 0)).draws, back.draws]);
  for (const [name, site] of Object.entries(draws)) {
    expect(both[name]?.shape).toEqual(site.shape);
    expect(Array.from(both[name]?.values ?? [])).toEqual(Array.from(site.values));
  }
  expect(() => concatChains([draws, { mu: draws.mu ?? { values: new Float64Array(), shape: [] } }])).toThrow(/part 1 lacks site 'beta'/);
  const s = back.stats;
  expect(s.numChains).toBe(1);
  expect(s.numDraws).toBe(N);
  expect(Array.from(s.acceptanceRate)).toEqual(Array.from(stats.acceptanceRate.subarray(N)));
  expect(Array.from(s.isDivergent)).toEqual([0, 0, 1]);
  expect(Array.from(s.energy)).toEqual(Array.from(stats.energy.subarray(N)));
  expect(Array.from(s.treeDepth ?? [])).toEqual([1, 2, 3]);
  expect(Array.from(s.numIntegrationSteps)).toEqual([1, 3, 7]);
  expect(Array.from(s.logDensity ?? [])).toEqual(Array.from(stats.logDensity?.subarray(N) ?? []));
});

it('reads CmdStan-written text with nan/inf and static HMC layout, and names its errors', () => {
  const text = [
    '# model = bernoulli_model',
    'lp__,accept_stat__,stepsize__,n_leapfrog__,divergent__,energy__,theta,z.1,z.2',
    '# Adaptation terminated',
    '# Step size = 0.932037',
    '-6.74827,0.996132,0.932037,3,0,6.84413,0.258394,nan,-inf',
    '-6.8,1,0.932037,1,0,7.0,0.25,1,2',
    '# ',
    '#  Elapsed Time: 0.005 seconds (Warm-up)',
  ].join('\n');
  const r = fromCmdStanCsv(text);
  expect(r.stats.treeDepth).toBeUndefined();
  expect(r.stepSize).toBe(0.932037);
  expect(Array.from(r.draws.theta?.values ?? [])).toEqual([0.258394, 0.25]);
  expect(r.draws.z?.shape).toEqual([1, 2, 2]);
  expect(Array.from(r.draws.z?.values ?? [])).toEqual([NaN, -Infinity, 1, 2]);
  expect(() => fromCmdStanCsv('# only comments\n')).toThrow(/no column header/);
  expect(() => fromCmdStanCsv('lp__,z.real\n1,2\n')).toThrow(/column 'z.real' is not a name with 1-based integer indices/);
  expect(() => fromCmdStanCsv('lp__,a\n1,2,3\n')).toThrow(/row 1 has 3 values, the header has 2 columns/);
  const { draws, stats } = fixture();
  expect(() => toCmdStanCsv(draws, stats, 2)).toThrow(/chain 2 is outside 0..1/);
  const rest: SampleStats = { ...stats };
  delete (rest as { treeDepth?: Int32Array }).treeDepth;
  const header = toCmdStanCsv({ mu: draws.mu ?? { values: new Float64Array(), shape: [] } }, rest, 0).split('\n').find((l) => !l.startsWith('#'));
  expect(header).toBe('lp__,accept_stat__,stepsize__,n_leapfrog__,divergent__,energy__,mu');
});
