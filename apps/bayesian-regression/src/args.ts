import { UsageError, parseBackend, parseFlags, type BackendChoice } from '@probdl/app-kit';

/** The sections in order: number, name, title. */
export const SECTIONS = [
  { n: 1, name: 'ridge', title: 'Ridge against maximum likelihood' },
  { n: 2, name: 'posterior', title: 'The exact posterior, predictive and evidence' },
  { n: 3, name: 'fourier', title: 'Random Fourier features and evidence optimisation' },
  { n: 4, name: 'logistic', title: 'Logistic regression: MAP and loss landscape' },
  { n: 5, name: 'vi', title: 'Black-box variational inference' },
  { n: 6, name: 'bnn', title: 'The 4-weight ReLU network: VI against NUTS' },
  { n: 7, name: 'gap', title: 'MC dropout and Bayes-by-backprop on data with a gap' },
] as const;
export type SectionName = (typeof SECTIONS)[number]['name'];

export interface StudyOptions {
  /** 'auto' tries wasm, then cpu (these models are tiny: WebGPU's dispatch cost would dominate). */
  readonly backend: BackendChoice;
  readonly out: string;
  readonly seed: number;
  readonly quick: boolean;
  /** The sections to run, in order. */
  readonly sections: SectionName[];
  /** Print the sections' numbers (false: silent). */
  readonly verbose: boolean;
  /** Reuse the sections an earlier run with the same settings finished (their checkpoints in `<out>/checkpoints`). */
  readonly resume: boolean;
}

export const USAGE = `Usage: pnpm start [options]     (apps/bayesian-regression)

The Deep Learning Indaba 2022 Bayesian practical as a study with a report folder
(index.html, metrics.json and Vega-Lite SVG plots). Sections:
${SECTIONS.map((s) => `  ${s.n} ${s.name.padEnd(10)} ${s.title}`).join('\n')}

Options:
  --out DIR          report folder (default ./bayesian-regression-report)
  --seed N           seed of every random draw (integer 0 .. 2^32-1; default 0)
  --backend NAME     auto (default: wasm, else cpu), webgpu, wasm or cpu
  --quick            a small configuration (fewer steps, draws and chains) for tests and CI
  --sections LIST    a subset, by number or name, comma-separated (e.g. 1,2,vi); default all
  --resume           reuse the sections an interrupted run with the same settings
                     finished (checkpoints in DIR/checkpoints); run only the rest
  --quiet            print nothing but errors
  -h, --help         this text
`;

/** Parses `--sections`: numbers or names, comma-separated, kept in the study's order. */
export function parseSections(raw: string): SectionName[] {
  const parts = raw.split(',').map((p) => p.trim()).filter((p) => p !== '');
  if (parts.length === 0) throw new UsageError(`--sections must list sections (1-7 or ${SECTIONS.map((s) => s.name).join(', ')}), got '${raw}'`);
  const chosen = new Set<SectionName>();
  for (const p of parts) {
    const s = SECTIONS.find((x) => String(x.n) === p || x.name === p.toLowerCase());
    if (s === undefined) throw new UsageError(`--sections: unknown section '${p}'; use 1-7 or ${SECTIONS.map((x) => x.name).join(', ')}`);
    chosen.add(s.name);
  }
  return SECTIONS.filter((s) => chosen.has(s.name)).map((s) => s.name);
}

/** Parses and validates the command line; `{ help: true }` when help was asked for. */
export function parseCliArgs(argv: readonly string[]): StudyOptions | { help: true } {
  const values = parseFlags(argv, {
    out: { type: 'string' },
    seed: { type: 'string' },
    backend: { type: 'string' },
    quick: { type: 'boolean' },
    sections: { type: 'string' },
    quiet: { type: 'boolean' },
    resume: { type: 'boolean' },
    help: { type: 'boolean', short: 'h' },
  });
  if (values.help === true) return { help: true };
  const str = (k: string): string | undefined => values[k] as string | undefined;
  const backend = parseBackend(str('backend'));
  const rawSeed = str('seed');
  let seed = 0;
  if (rawSeed !== undefined) {
    if (!/^\d+$/.test(rawSeed.trim()) || !(Number(rawSeed) <= 2 ** 32 - 1)) throw new UsageError(`--seed must be an integer from 0 to 2^32-1, got '${rawSeed}'`);
    seed = Number(rawSeed);
  }
  const out = str('out') ?? './bayesian-regression-report';
  if (out.trim() === '') throw new UsageError('--out must name a folder, got an empty string');
  const sections = str('sections') === undefined ? SECTIONS.map((s) => s.name) : parseSections(str('sections')!);
  return { backend, out, seed, quick: values.quick === true, sections, verbose: values.quiet !== true, resume: values.resume === true };
}
