import { siteLayout, type Draws, type SampleStats } from '../diagnostics/types.js';

/** Options of {@link toCmdStanCsv}. */
export interface CmdStanCsvOptions {
  /** Model name for the `# model =` header line (default `'probdl_model'`). */
  readonly model?: string;
  /** Adapted step size of the chain for `# Step size =` (default: the chain's first `stepsize__`). */
  readonly stepSize?: number;
  /** Adapted diagonal inverse mass matrix, written as CmdStan's adaptation comment. */
  readonly inverseMassMatrix?: ArrayLike<number>;
  /** Warm-up iterations, for the header (default 0). */
  readonly numWarmup?: number;
  /** NUTS maximum depth, for the header (default 10). */
  readonly maxDepth?: number;
}

/** One chain read back by {@link fromCmdStanCsv}. */
export interface CmdStanChain {
  /** Draws with shape `[1, draws, ...siteShape]`, row-major (CmdStan's column-major order undone). */
  readonly draws: Draws;
  /** Sample statistics of the chain (`numChains` 1). */
  readonly stats: SampleStats;
  /** The `# Step size =` adaptation line, when present. */
  readonly stepSize?: number;
  /** The diagonal of the inverse mass matrix from the adaptation comment, when present. */
  readonly inverseMassMatrix?: Float64Array;
  /** The `# model =` header value, when present. */
  readonly model?: string;
}

const STAT_COLUMNS = ['lp__', 'accept_stat__', 'stepsize__', 'treedepth__', 'n_leapfrog__', 'divergent__', 'energy__'];

function num(v: number): string {
  if (Number.isNaN(v)) return 'nan';
  if (!Number.isFinite(v)) return v > 0 ? 'inf' : '-inf';
  return Object.is(v, -0) ? '-0' : String(v);
}

function parseNum(s: string): number {
  const t = s.trim().toLowerCase();
  if (t === 'nan' || t === '-nan') return NaN;
  if (t === 'inf' || t === '+inf') return Infinity;
  if (t === '-inf') return -Infinity;
  return Number(t);
}

// Column-major element order with 1-based indices, as Stan writes containers.
function columnMajor(shape: readonly number[]): { names: string[]; flat: number[] } {
  const size = shape.reduce((a, b) => a * b, 1);
  const names: string[] = [];
  const flat: number[] = [];
  for (let k = 0; k < size; k++) {
    const idx: number[] = [];
    let rest = k;
    for (const n of shape) {
      idx.push(rest % n);
      rest = Math.floor(rest / n);
    }
    names.push(idx.map((i) => i + 1).join('.'));
    let rm = 0;
    for (let a = 0; a < shape.length; a++) rm = rm * (shape[a] ?? 1) + (idx[a] ?? 0);
    flat.push(rm);
  }
  return { names, flat };
}

/**
 * One chain of draws and sample statistics as a CmdStan sampler CSV: `#` comment header, the
 * column line `lp__,accept_stat__,stepsize__,treedepth__,n_leapfrog__,divergent__,energy__` and
 * then every site's elements with Stan's 1-based dotted names (`beta.1`, `Sigma.2.1`) in Stan's
 * column-major order, the adaptation comment, one row per draw, and a closing comment.
 * `treedepth__` is left out when the statistics have no tree depth (static HMC); `lp__` is the
 * recorded log density, 0 when none was recorded. Numbers are written in full float64 precision.
 */
export function toCmdStanCsv(draws: Draws, stats: SampleStats, chain: number, options: CmdStanCsvOptions = {}): string {
  if (!Number.isInteger(chain) || chain < 0 || chain >= stats.numChains) {
    throw new Error(`toCmdStanCsv: chain ${chain} is outside 0..${stats.numChains - 1}`);
  }
  const n = stats.numDraws;
  const sites = Object.entries(draws).map(([name, site]) => {
    const l = siteLayout(name, site);
    if (l.numChains !== stats.numChains || l.numDraws !== n) {
      throw new Error(`toCmdStanCsv: draws '${name}' are [${l.numChains}, ${l.numDraws}], stats are [${stats.numChains}, ${n}]`);
    }
    const order = columnMajor(l.siteShape);
    return { name, site, size: l.size, names: order.names.map((s) => (s === '' ? name : `${name}.${s}`)), flat: order.flat };
  });
  const withDepth = stats.treeDepth !== undefined;
  const header = [...STAT_COLUMNS.filter((c) => withDepth || c !== 'treedepth__'), ...sites.flatMap((s) => s.names)];
  const at = (chain * n);
  const stepSize = options.stepSize ?? stats.stepSize[at] ?? NaN;
  const lines = [
    '# stan_version_major = 2',
    '# stan_version_minor = 33',
    '# stan_version_patch = 0',
    `# model = ${options.model ?? 'probdl_model'}`,
    '# method = sample (Default)',
    '#   sample',
    `#     num_samples = ${n}`,
    `#     num_warmup = ${options.numWarmup ?? 0}`,
    '#     save_warmup = 0 (Default)',
    '#     thin = 1 (Default)',
    '#     algorithm = hmc (Default)',
    '#       hmc',
    `#         engine = ${withDepth ? 'nuts' : 'static'}`,
    ...(withDepth ? ['#           nuts', `#             max_depth = ${options.maxDepth ?? 10}`] : []),
    '#         metric = diag_e (Default)',
    `# id = ${chain + 1}`,
    '# generator = @probdl/inference-hmc',
    header.join(','),
    '# Adaptation terminated',
    `# Step size = ${num(stepSize)}`,
  ];
  if (options.inverseMassMatrix !== undefined) {
    lines.push('# Diagonal elements of inverse mass matrix:', `# ${Array.from(options.inverseMassMatrix, num).join(', ')}`);
  }
  for (let t = 0; t < n; t++) {
    const i = at + t;
    const row = [
      num(stats.logDensity?.[i] ?? 0),
      num(stats.acceptanceRate[i] ?? NaN),
      num(stats.stepSize[i] ?? NaN),
      ...(withDepth ? [String(stats.treeDepth?.[i] ?? 0)] : []),
      String(stats.numIntegrationSteps[i] ?? 0),
      String(stats.isDivergent[i] ?? 0),
      num(stats.energy[i] ?? NaN),
    ];
    for (const s of sites) {
      const base = i * s.size;
      for (const f of s.flat) row.push(num(s.site.values[base + f] ?? NaN));
    }
    lines.push(row.join(','));
  }
  lines.push('# ', '#  Elapsed Time: 0 seconds (Warm-up)', '#                0 seconds (Sampling)', '#                0 seconds (Total)', '# ');
  return `${lines.join('\n')}\n`;
}

/**
 * Reads one chain of a CmdStan sampler CSV (CmdStan's own or {@link toCmdStanCsv}'s): the
 * sampler columns become {@link SampleStats}, every other column is grouped by the name before
 * its first `.` into a site whose shape is the largest index per position, reordered from Stan's
 * column-major layout to row-major. Throws on a missing header or a row of the wrong width.
 */
export function fromCmdStanCsv(text: string): CmdStanChain {
  let header: string[] | undefined;
  const rows: number[][] = [];
  let stepSize: number | undefined;
  let inverseMassMatrix: Float64Array | undefined;
  let model: string | undefined;
  let expectDiag = false;
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === '') continue;
    if (line.startsWith('#')) {
      const body = line.slice(1).trim();
      if (expectDiag) {
        inverseMassMatrix = Float64Array.from(body.split(',').map(parseNum));
        expectDiag = false;
      } else if (body.startsWith('Step size =')) stepSize = parseNum(body.slice('Step size ='.length));
      else if (body.startsWith('Diagonal elements of inverse mass matrix')) expectDiag = true;
      else if (body.startsWith('model =')) model = body.slice('model ='.length).trim();
      continue;
    }
    if (header === undefined) {
      header = line.split(',').map((s) => s.trim());
      continue;
    }
    const cells = line.split(',').map(parseNum);
    if (cells.length !== header.length) {
      throw new Error(`fromCmdStanCsv: row ${rows.length + 1} has ${cells.length} values, the header has ${header.length} columns`);
    }
    rows.push(cells);
  }
  if (header === undefined) throw new Error('fromCmdStanCsv: no column header line found');
  const cols = header;
  const n = rows.length;
  const column = (name: string): Float64Array | undefined => {
    const j = cols.indexOf(name);
    return j < 0 ? undefined : Float64Array.from(rows, (r) => r[j] ?? NaN);
  };
  const zeros = new Float64Array(n);
  const depth = column('treedepth__');
  const lp = column('lp__');
  const stats: SampleStats = {
    numChains: 1,
    numDraws: n,
    acceptanceRate: column('accept_stat__') ?? zeros.slice(),
    isDivergent: Uint8Array.from(column('divergent__') ?? zeros),
    energy: column('energy__') ?? zeros.slice(),
    numIntegrationSteps: Int32Array.from(column('n_leapfrog__') ?? zeros),
    stepSize: column('stepsize__') ?? zeros.slice(),
    ...(depth === undefined ? {} : { treeDepth: Int32Array.from(depth) }),
    ...(lp === undefined ? {} : { logDensity: lp }),
  };
  const groups = new Map<string, { j: number; idx: number[] }[]>();
  cols.forEach((c, j) => {
    if (c.endsWith('__')) return;
    const [name = c, ...rest] = c.split('.');
    const idx = rest.map((s) => Number(s) - 1);
    if (idx.some((i) => !Number.isInteger(i) || i < 0)) {
      throw new Error(`fromCmdStanCsv: column '${c}' is not a name with 1-based integer indices (complex and tuple columns are not supported)`);
    }
    const g = groups.get(name) ?? [];
    g.push({ j, idx });
    groups.set(name, g);
  });
  const draws: Draws = {};
  for (const [name, g] of groups) {
    const rank = g[0]?.idx.length ?? 0;
    const shape = Array.from({ length: rank }, (_, a) => Math.max(...g.map((e) => (e.idx[a] ?? 0) + 1)));
    const size = shape.reduce((a, b) => a * b, 1);
    if (g.length !== size || g.some((e) => e.idx.length !== rank)) {
      throw new Error(`fromCmdStanCsv: columns of '${name}' do not form a full array of shape [${shape.join(', ')}]`);
    }
    const values = new Float64Array(n * size);
    for (const e of g) {
      let rm = 0;
      for (let a = 0; a < rank; a++) rm = rm * (shape[a] ?? 1) + (e.idx[a] ?? 0);
      for (let t = 0; t < n; t++) values[t * size + rm] = rows[t]?.[e.j] ?? NaN;
    }
    draws[name] = { values, shape: [1, n, ...shape] };
  }
  return {
    draws,
    stats,
    ...(stepSize === undefined ? {} : { stepSize }),
    ...(inverseMassMatrix === undefined ? {} : { inverseMassMatrix }),
    ...(model === undefined ? {} : { model }),
  };
}
