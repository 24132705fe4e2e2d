import { runCli, runWhenExecuted, userPath, type Write } from '@probdl/app-kit';
import { USAGE, parseCliArgs } from './args.js';
import { silentProgress, streamProgress } from './progress.js';
import { METHODS, METHOD_LABELS } from './evaluate.js';
import { runStudy } from './study.js';

/**
 * The command line: parses the flags, runs the study, prints the summary and where the time went.
 * Returns the exit code: 0 done (or stopped as asked), 1 a failure (unreadable file, ...), 2 a bad flag.
 */
export function main(argv: readonly string[], out?: Write, err?: Write): Promise<number> {
  return runCli(
    {
      name: 'cluster-mass',
      usage: USAGE,
      parse: parseCliArgs,
      async run(options, out, err) {
        // Relative paths are the user's (`pnpm demo` at the root writes ./cluster-mass-report there).
        options = { ...options, out: userPath(options.out), data: options.data === undefined ? undefined : userPath(options.data) };
        const log = options.progress ? (line: string) => err(`${line}\n`) : () => {};
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
      },
    },
    argv,
    out,
    err,
  );
}

const fmt = (v: number | null): string => (v === null ? '     –' : v.toFixed(3).padStart(7));

// Run when executed (tsx src/cli.ts), not when imported by the tests.
runWhenExecuted(import.meta.url, 'cluster-mass', main);
