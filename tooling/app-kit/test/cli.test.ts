import { describe, expect, it } from 'vitest';
import { UsageError, parseBackend, parseFlags, runCli, userPath, type CliApp } from '../src/cli.js';
import { expectUsageError, runMain } from '../src/testing.js';

interface Options {
  readonly n: number;
}

const app: CliApp<Options> = {
  name: 'demo',
  usage: 'Usage: demo [--n N]\n',
  parse(argv) {
    const values = parseFlags(argv, { n: { type: 'string' }, help: { type: 'boolean', short: 'h' } });
    if (values.help === true) return { help: true };
    const n = Number(values.n ?? '1');
    if (!Number.isInteger(n)) throw new UsageError(`--n must be an integer, got '${String(values.n)}'`);
    return { n };
  },
  async run(options, out) {
    if (options.n < 0) throw new Error('n is negative');
    out(`n=${options.n}\n`);
  },
};
const main = (argv: readonly string[], out?: (s: string) => void, err?: (s: string) => void) => runCli(app, argv, out, err);

describe('the command-line scaffolding', () => {
  it('exit code 0 with the output, skipping a leading --', async () => {
    expect(await runMain(main, ['--', '--n', '3'])).toEqual({ code: 0, out: 'n=3\n', err: '' });
  });

  it('--help prints the usage, exit code 0', async () => {
    expect(await runMain(main, ['-h'])).toEqual({ code: 0, out: app.usage, err: '' });
  });

  it.each([
    [['--n', 'x'], "demo: --n must be an integer, got 'x'"],
    [['--bogus'], "demo: Unknown option '--bogus'"],
    [['stray'], 'demo: '],
  ])('a bad flag %j: the message, the usage, exit code 2', async (argv, message) => {
    const r = await runMain(main, argv);
    expect(r.code).toBe(2);
    expect(r.err.startsWith(message)).toBe(true);
    expect(r.err.endsWith(`\n\n${app.usage}`)).toBe(true);
  });

  it('expectUsageError checks the exit code, the message and the usage text', async () => {
    await expectUsageError(main, ['--n', 'y'], /--n must be an integer, got 'y'/);
    await expect(expectUsageError(main, ['--n', '2'], /anything/)).rejects.toThrow();
  });

  it('a failure: the app name and message, exit code 1', async () => {
    expect(await runMain(main, ['--n=-2'])).toEqual({ code: 1, out: '', err: 'demo: n is negative\n' });
  });

  it('--backend: one of the choices, auto by default', () => {
    expect(parseBackend(undefined)).toBe('auto');
    expect(parseBackend('wasm')).toBe('wasm');
    expect(() => parseBackend('tpu')).toThrow(new UsageError("--backend must be one of auto, webgpu, wasm, cpu, got 'tpu'"));
  });

  it('relative paths are taken from INIT_CWD when pnpm sets it', () => {
    const saved = process.env.INIT_CWD;
    try {
      process.env.INIT_CWD = '/somewhere';
      expect(userPath('report')).toBe('/somewhere/report');
      expect(userPath('/abs')).toBe('/abs');
    } finally {
      if (saved === undefined) delete process.env.INIT_CWD;
      else process.env.INIT_CWD = saved;
    }
  });
});
