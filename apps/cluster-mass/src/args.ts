import { UsageError, parseBackend, parseFlags, type BackendChoice } from '@probdl/app-kit';

/** The tutorial's catalogue size (and the synthetic catalogue's default). */
export const FULL_ROWS = 261_287;
/** The tutorial's training rows out of 261,287; smaller catalogues keep the same fraction. */
export const TUTORIAL_TRAIN_ROWS = 200_000;

/**
 * Defaults: the tutorial's 5 epochs of the MSE network and 10 of the MDN, batch 100. The whole run
 * takes about 4–6 minutes on a 2-core CPU with wasm (the README's timing table), inside the
 * 10-minute budget; `--batch 512` is about twice as fast.
 */
export const DEFAULT_MSE_EPOCHS = 5;
export const DEFAULT_MDN_EPOCHS = 10;
export const DEFAULT_BATCH = 100;

/** Everything a study run needs, after validation. */
export interface StudyOptions {
  /** 'auto' tries WebGPU, then wasm, then cpu. */
  readonly backend: BackendChoice;
  /** Epochs of the MSE network. */
  readonly mseEpochs: number;
  /** Epochs of the MDN. */
  readonly mdnEpochs: number;
  /** Catalogue rows (the synthetic catalogue's size, or the first rows of `--data`); undefined: all. */
  readonly rows: number | undefined;
  readonly seed: number;
  readonly out: string;
  /** The real FITS table, or undefined for the synthetic catalogue. */
  readonly data: string | undefined;
  readonly resume: boolean;
  readonly batch: number;
  /** Testing and demos: stop after this many epochs have finished in this run (both networks counted). */
  readonly stopAfterEpoch: number | undefined;
  /** Progress bars and the printed summary (false: silent). */
  readonly progress: boolean;
}

export const USAGE = `Usage: pnpm start [options]     (apps/cluster-mass; or pnpm demo from the repository root)

The cluster-mass study: an MSE regression MLP and a Mixture Density Network on the galaxy-cluster
catalogue, prior reweighting of the MDN posterior, an M–sigma power-law baseline, and a report.

Options:
  --backend NAME          auto (default: webgpu, else wasm, else cpu), webgpu, wasm or cpu
  --epochs N              epochs of both networks (default: MSE ${DEFAULT_MSE_EPOCHS}, MDN ${DEFAULT_MDN_EPOCHS})
  --mse-epochs N          epochs of the MSE network only
  --mdn-epochs N          epochs of the MDN only
  --rows N                catalogue rows (default ${FULL_ROWS.toLocaleString('en-US')}; with --data, its first N rows)
  --batch N               minibatch size (default ${DEFAULT_BATCH})
  --seed N                seed of the catalogue, split, initialisation and batch order (default 0)
  --out DIR               report folder (default ./cluster-mass-report)
  --data PATH             the real FITS table (Rockstar_UM_z=0.117_contam_summary.fits) instead of the synthetic one
  --resume                continue from the checkpoints in DIR/checkpoints (written after every epoch)
  --stop-after-epoch N    stop after N epochs of this run (both networks counted), e.g. to try --resume
  --quiet                 no progress bars or summary
  -h, --help              this text
`;

function positiveInt(flag: string, raw: string | undefined, min = 1): number | undefined {
  if (raw === undefined) return undefined;
  if (!/^\d+$/.test(raw.trim())) throw new UsageError(`--${flag} must be an integer ≥ ${min}, got '${raw}'`);
  const n = Number(raw);
  if (!Number.isSafeInteger(n) || n < min) throw new UsageError(`--${flag} must be an integer ≥ ${min}, got '${raw}'`);
  return n;
}

/** Parses and validates the command line; `{ help: true }` when help was asked for. */
export function parseCliArgs(argv: readonly string[]): StudyOptions | { help: true } {
  // `pnpm start -- --rows 20000` passes the '--' on: parseFlags skips it.
  const values = parseFlags(argv, {
    backend: { type: 'string' },
    epochs: { type: 'string' },
    'mse-epochs': { type: 'string' },
    'mdn-epochs': { type: 'string' },
    rows: { type: 'string' },
    batch: { type: 'string' },
    seed: { type: 'string' },
    out: { type: 'string' },
    data: { type: 'string' },
    resume: { type: 'boolean' },
    'stop-after-epoch': { type: 'string' },
    quiet: { type: 'boolean' },
    help: { type: 'boolean', short: 'h' },
  });
  if (values.help === true) return { help: true };
  const str = (k: string): string | undefined => values[k] as string | undefined;
  const backend = parseBackend(str('backend'));
  const epochs = positiveInt('epochs', str('epochs'));
  const mseEpochs = positiveInt('mse-epochs', str('mse-epochs')) ?? epochs ?? DEFAULT_MSE_EPOCHS;
  const mdnEpochs = positiveInt('mdn-epochs', str('mdn-epochs')) ?? epochs ?? DEFAULT_MDN_EPOCHS;
  const rows = positiveInt('rows', str('rows'), 500);
  const batch = positiveInt('batch', str('batch')) ?? DEFAULT_BATCH;
  const seed = positiveInt('seed', str('seed'), 0) ?? 0;
  if (seed > 2 ** 32 - 1) throw new UsageError(`--seed must be below 2^32, got '${str('seed')}'`);
  const out = str('out') ?? './cluster-mass-report';
  if (out.trim() === '') throw new UsageError('--out must name a folder, got an empty string');
  const data = str('data');
  if (data !== undefined && data.trim() === '') throw new UsageError('--data must name a FITS file, got an empty string');
  return {
    backend,
    mseEpochs,
    mdnEpochs,
    rows,
    seed,
    out,
    data,
    resume: values.resume === true,
    batch,
    stopAfterEpoch: positiveInt('stop-after-epoch', str('stop-after-epoch')),
    progress: values.quiet !== true,
  };
}
