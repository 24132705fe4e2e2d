import { resolve } from 'node:path';
import { USAGE, UsageError, parseCliArgs } from './args.js';
import { runStudy } from './study.js';

/**
 * The command line: parses the flags, runs the study, prints each section's key numbers.
 * Returns the exit code: 0 done, 1 a failure (unwritable --out, unreadable reference file, ...), 2 a bad flag.
 */
export async function main(argv: readonly string[], out: (s: string) => void = (s) => process.stdout.write(s), err: (s: string) => void = (s) => process.stderr.write(s)): Promise<number> {
  let options;
  try {
    options = parseCliArgs(argv);
  } catch (e) {
    if (e instanceof UsageError) {
      err(`bayesian-regression: ${e.message}\n\n${USAGE}`);
      return 2;
    }
    throw e;
  }
  if ('help' in options) {
    out(USAGE);
    return 0;
  }
  // Relative paths are the user's: pnpm runs the script in the app's folder but sets INIT_CWD to where the command was typed.
  const base = process.env.INIT_CWD ?? process.cwd();
  options = { ...options, out: resolve(base, options.out) };
  const print = options.verbose ? (line: string) => out(`${line}\n`) : () => {};
  try {
    const t0 = performance.now();
    const result = await runStudy(options, print);
    print(`\nReport: ${result.out}/index.html (${((performance.now() - t0) / 1000).toFixed(1)} s in all, backend ${result.backend})`);
    return 0;
  } catch (e) {
    err(`bayesian-regression: ${(e as Error).message}\n`);
    return 1;
  }
}

// Run when executed (tsx src/cli.ts), not when imported by the tests.
if (import.meta.url === `file://${process.argv[1]}` || process.argv[1]?.endsWith('/cli.ts')) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (e: unknown) => {
      process.stderr.write(`bayesian-regression: ${(e as Error).stack ?? String(e)}\n`);
      process.exitCode = 1;
    },
  );
}
