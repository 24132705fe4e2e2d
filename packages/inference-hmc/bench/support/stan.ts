/**
 * Optional comparison with Stan: where Debian's `r-cran-rstan` is installed (`Rscript -e
 * 'library(rstan)'` succeeds), runs Stan's NUTS (4 chains, 1,000 warmup + 1,000 draws, default
 * adaptation) on the same posterior and reports bulk ESS per second (warmup included, compilation
 * excluded) and gradient evaluations per second (the sum of `n_leapfrog__`). Without rstan every
 * function here returns undefined: the benchmarks never require it.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { StanProgram } from './posteriors.js';

/** What one Stan run measured. */
export interface StanFigures {
  readonly seconds: number;
  readonly essBulkMin: number;
  readonly gradientEvaluations: number;
  readonly essPerSecond: number;
  readonly gradientsPerSecond: number;
}

let version: [number, number] | null | undefined;

/** rstan's major and minor version, or null without rstan (checked once per process). */
function rstanVersion(): [number, number] | null {
  if (version === undefined) {
    const r = spawnSync('Rscript', ['-e', 'suppressMessages(library(rstan)); cat(as.character(packageVersion("rstan")))'], { encoding: 'utf8', timeout: 60_000 });
    const m = r.status === 0 ? /^(\d+)\.(\d+)/.exec(r.stdout.trim()) : null;
    version = m ? [Number(m[1]), Number(m[2])] : null;
  }
  return version;
}

/** Whether `Rscript -e 'library(rstan)'` works (checked once per process). */
export function rstanAvailable(): boolean {
  return rstanVersion() !== null;
}

/**
 * The program in the syntax the installed Stan reads: before 2.26 (Debian's rstan is 2.21) arrays
 * are declared `real y[N]`, not `array[N] real y`. Only declarations of that form are rewritten.
 */
export function stanSyntaxFor(code: string, v: readonly [number, number]): string {
  if (v[0] > 2 || (v[0] === 2 && v[1] >= 26)) return code;
  return code.replace(/array\[([^\]]+)\]\s+((?:int|real|vector\[[^\]]+\])(?:<[^>]*>)?)\s+(\w+)\s*;/g, '$2 $3[$1];');
}

/** One R value in `rstan::read_rdump` syntax (matrices column-major, as R stores them). */
function rdumpValue(v: number | number[] | number[][]): string {
  const num = (x: number) => (Number.isInteger(x) ? String(x) : x.toPrecision(17));
  if (typeof v === 'number') return num(v);
  if (v.length > 0 && Array.isArray(v[0])) {
    const m = v as number[][];
    const rows = m.length;
    const cols = m[0]!.length;
    const colMajor: number[] = [];
    for (let j = 0; j < cols; j++) for (let i = 0; i < rows; i++) colMajor.push(m[i]![j]!);
    return `structure(c(${colMajor.map(num).join(', ')}), .Dim = c(${rows}, ${cols}))`;
  }
  return `c(${(v as number[]).map(num).join(', ')})`;
}

const R_SCRIPT = `suppressMessages(library(rstan))
args <- commandArgs(trailingOnly = TRUE)
dir <- args[1]
data <- rstan::read_rdump(file.path(dir, 'data.R'))
m <- stan_model(file.path(dir, 'model.stan'))
t0 <- proc.time()[['elapsed']]
fit <- sampling(m, data = data, chains = 4, iter = 2000, warmup = 1000, seed = 1, refresh = 0,
                cores = min(4, parallel::detectCores()))
secs <- proc.time()[['elapsed']] - t0
arr <- as.array(fit)
pars <- setdiff(dimnames(arr)[[3]], 'lp__')
ess <- sapply(pars, function(p) rstan::ess_bulk(arr[, , p]))
sp <- get_sampler_params(fit, inc_warmup = TRUE)
leap <- sum(sapply(sp, function(s) sum(s[, 'n_leapfrog__'])))
cat(sprintf('STAN_RESULT {"seconds": %.6f, "essBulkMin": %.6f, "gradientEvaluations": %.0f}\\n', secs, min(ess), leap))
`;

const cache = new Map<string, StanFigures | undefined>();

/** Runs Stan on `program` (cached per `id` within the process); undefined without rstan or when Stan failed. */
export function runStan(id: string, program: StanProgram | undefined): StanFigures | undefined {
  if (program === undefined || !rstanAvailable()) return undefined;
  if (cache.has(id)) return cache.get(id);
  const dir = mkdtempSync(join(tmpdir(), 'probdl-stan-'));
  let figures: StanFigures | undefined;
  try {
    writeFileSync(join(dir, 'model.stan'), stanSyntaxFor(program.code, rstanVersion()!));
    writeFileSync(join(dir, 'data.R'), Object.entries(program.data).map(([k, v]) => `${k} <- ${rdumpValue(v)}`).join('\n') + '\n');
    writeFileSync(join(dir, 'run.R'), R_SCRIPT);
    const r = spawnSync('Rscript', [join(dir, 'run.R'), dir], { encoding: 'utf8', timeout: 1_800_000, maxBuffer: 64 << 20 });
    const line = (r.stdout ?? '').split('\n').find((l) => l.startsWith('STAN_RESULT '));
    if (r.status === 0 && line) {
      const o = JSON.parse(line.slice('STAN_RESULT '.length)) as { seconds: number; essBulkMin: number; gradientEvaluations: number };
      figures = { ...o, essPerSecond: o.essBulkMin / o.seconds, gradientsPerSecond: o.gradientEvaluations / o.seconds };
    } else {
      process.stderr.write(`[bench] stan ${id}: failed (${r.status}): ${(r.stderr ?? '').split('\n').slice(-5).join(' ')}\n`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  cache.set(id, figures);
  return figures;
}
