import { resolve } from 'node:path';
import { parseArgs, type ParseArgsConfig } from 'node:util';

/** A bad command line: the app prints the message and its usage text, exit code 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** The backends a user may ask for; what 'auto' tries first is each app's choice. */
export const BACKEND_CHOICES = ['auto', 'webgpu', 'wasm', 'cpu'] as const;
export type BackendChoice = (typeof BACKEND_CHOICES)[number];

/**
 * node:util's strict `parseArgs` over `argv` (no positionals), skipping a leading '--' (`pnpm start --
 * --seed 7` passes it on); its errors become UsageErrors (they name the option: "Unknown option
 * '--foo'", "Option '--seed <value>' argument missing").
 */
export function parseFlags(argv: readonly string[], options: NonNullable<ParseArgsConfig['options']>): Record<string, string | boolean | undefined> {
  const args = argv[0] === '--' ? argv.slice(1) : [...argv];
  try {
    return parseArgs({ args, strict: true, allowPositionals: false, options }).values as Record<string, string | boolean | undefined>;
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
}

/** `--backend`: one of BACKEND_CHOICES, 'auto' when not given. */
export function parseBackend(raw: string | undefined): BackendChoice {
  const backend = raw ?? 'auto';
  if (!(BACKEND_CHOICES as readonly string[]).includes(backend)) throw new UsageError(`--backend must be one of ${BACKEND_CHOICES.join(', ')}, got '${backend}'`);
  return backend as BackendChoice;
}

/**
 * A path the user typed, made absolute. pnpm runs a script in the app's folder but sets INIT_CWD to
 * where the command was typed, so relative paths are the user's.
 */
export function userPath(path: string): string {
  return resolve(process.env.INIT_CWD ?? process.cwd(), path);
}

export type Write = (s: string) => void;

export interface CliApp<O> {
  /** Prefixes every error message, e.g. 'cluster-mass'. */
  readonly name: string;
  readonly usage: string;
  /** Parses and validates the flags; throws UsageError on a bad one. */
  parse(argv: readonly string[]): O | { help: true };
  /** Runs with the parsed options; a throw is a failure (exit code 1). */
  run(options: O, out: Write, err: Write): Promise<void>;
}

/**
 * The command line's skeleton. Returns the exit code: 0 done (or --help), 1 a failure (its message
 * printed after the app's name), 2 a bad flag (the message and the usage text).
 */
export async function runCli<O extends object>(
  app: CliApp<O>,
  argv: readonly string[],
  out: Write = (s) => process.stdout.write(s),
  err: Write = (s) => process.stderr.write(s),
): Promise<number> {
  let options: O | { help: true };
  try {
    options = app.parse(argv);
  } catch (e) {
    if (e instanceof UsageError) {
      err(`${app.name}: ${e.message}\n\n${app.usage}`);
      return 2;
    }
    throw e;
  }
  if ('help' in options) {
    out(app.usage);
    return 0;
  }
  try {
    await app.run(options, out, err);
    return 0;
  } catch (e) {
    err(`${app.name}: ${(e as Error).message}\n`);
    return 1;
  }
}

/**
 * Runs `main` on the process's arguments when the module at `moduleUrl` (its import.meta.url) is the
 * one executed (tsx src/cli.ts), not when a test imports it; sets the exit code, and prints the stack
 * of an unexpected error after the app's name (exit code 1).
 */
export function runWhenExecuted(moduleUrl: string, name: string, main: (argv: readonly string[]) => Promise<number>): void {
  if (moduleUrl === `file://${process.argv[1]}` || process.argv[1]?.endsWith('/cli.ts')) {
    main(process.argv.slice(2)).then(
      (code) => {
        process.exitCode = code;
      },
      (e: unknown) => {
        process.stderr.write(`${name}: ${(e as Error).stack ?? String(e)}\n`);
        process.exitCode = 1;
      },
    );
  }
}
