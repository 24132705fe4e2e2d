import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect } from 'vitest';

/**
 * A fresh temporary folder for the enclosing describe block: made in beforeAll, removed with
 * everything in it in afterAll. Read `.path` inside tests and hooks.
 */
export function useTempDir(prefix: string): { readonly path: string } {
  let dir: string | undefined;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), prefix));
  });
  afterAll(async () => {
    if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  });
  return {
    get path(): string {
      if (dir === undefined) throw new Error('useTempDir: the folder exists only inside tests and hooks');
      return dir;
    },
  };
}

/** Calls a command line's `main(argv, out, err)`, collecting what it prints. */
export async function runMain(
  main: (argv: readonly string[], out: (s: string) => void, err: (s: string) => void) => Promise<number>,
  argv: readonly string[],
): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(argv, (s) => (out += s), (s) => (err += s));
  return { code, out, err };
}

/** Asserts that `main(argv)` rejects the command line: exit code 2, `message` and the usage text on stderr. */
export async function expectUsageError(
  main: (argv: readonly string[], out: (s: string) => void, err: (s: string) => void) => Promise<number>,
  argv: readonly string[],
  message: RegExp,
): Promise<void> {
  const { code, err } = await runMain(main, argv);
  expect(code).toBe(2);
  expect(err).toMatch(message);
  expect(err).toContain('Usage:');
}
