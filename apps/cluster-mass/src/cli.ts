import { resolve } from 'node:path';
import { USAGE, UsageError, parseCliArgs } from './args.js';
import { silentProgress, streamProgress } from './progress.js';
import { METHODS, METHOD_LABELS } from './evaluate.js';
import { runStudy } from './study.js';

/**
 * The command line: parses the flags, runs the study, prints the summary and where the time went.
 * Returns the exit code: 0 done (or stopped as asked), 1 a failure (unreadable file, ...), 2 a bad flag.
 */
export async function main(argv: readonly string[], out: (s: string) => void = (s) => process.stdout.write(s), err: (s: string) => void = (s) => process.stderr.write(s)): Promise<number> {
  let options;
  try {
    options = parseCliArgs(argv);
  } catch (e) {
    if (e instanceof UsageError) {
      err(`cluster-mass: ${e.message}\n\n${USAGE}`);
      return 2;
    }
    throw e;
  }
  if ('help' in options) {
    out(USAGE);
    return 0;
  }
  // Relative paths are the user's: pnpm runs the script in the app's folder but sets INIT_CWD to
  // where the command was typed (`pnpm demo` at the root writes ./cluster-mass-report there).
  const base = process.env.INIT_CWD ?? process.cwd();
  options = { ...options, out: resolve(base, options.out), data: options.data === undefined ? undefined : resolve(base, options.data) };
  const log = options.progress ? (line: string) => err(`${line}\n`) : () => {};
  try {
    const result = await runStudy(options, { log, progress: options.progress ? streamProgress() : silentProgress });
    if (options.progress) {
      if (result.status === 'done' && result.metrics) {
        const s = result.metrics.summary['14-15']!;
        const lines = METHODS.map((m) => `  ${METHOD_LABELS[m].padEnd(52)} ${fmt(s[m].bias)} ${fmt(s[m].scatter)}`);
        out(`\nTest set, 10^14 ≤ M < 10^15 (${s.mse.n} clusters):   mean ε  σ_ε (dex)\n${lines.join('\n')}\n`);
        out(`\nReport: ${result.out}/index.html\n`);
      }
      out(`\nWhere the time went (backend ${result.backend}):\n${result.timingTable}\n`);
    }
    return 0;
  } catch (e) {
    err(`cluster-mass: ${(e as Error).message}\n`);
    return 1;
  }
}

const fmt = (v: number | null): string => (v === null ? '     –' : v.toFixed(3).padStart(7));

// Run when executed (tsx src/cli.ts), not when imported by the tests.
if (import.meta.url === `file://${process.argv[1]}` || process.argv[1]?.endsWith('/cli.ts')) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (e: unknown) => {
      process.stderr.write(`cluster-mass: ${(e as Error).stack ?? String(e)}\n`);
      process.exitCode = 1;
    },
  );
}
