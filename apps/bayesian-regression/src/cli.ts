import { runCli, runWhenExecuted, userPath, type Write } from '@probdl/app-kit';
import { USAGE, parseCliArgs } from './args.js';
import { runStudy } from './study.js';

/**
 * The command line: parses the flags, runs the study, prints each section's key numbers.
 * Returns the exit code: 0 done, 1 a failure (unwritable --out, unreadable reference file, ...), 2 a bad flag.
 */
export function main(argv: readonly string[], out?: Write, err?: Write): Promise<number> {
  return runCli(
    {
      name: 'bayesian-regression',
      usage: USAGE,
      parse: parseCliArgs,
      async run(options, out) {
        // Relative paths are the user's (pnpm sets INIT_CWD to where the command was typed).
        options = { ...options, out: userPath(options.out) };
        const print = options.verbose ? (line: string) => out(`${line}\n`) : () => {};
        const t0 = performance.now();
        const result = await runStudy(options, print);
        print(`\nReport: ${result.out}/index.html (${((performance.now() - t0) / 1000).toFixed(1)} s in all, backend ${result.backend})`);
      },
    },
    argv,
    out,
    err,
  );
}

// Run when executed (tsx src/cli.ts), not when imported by the tests.
runWhenExecuted(import.meta.url, 'bayesian-regression', main);
