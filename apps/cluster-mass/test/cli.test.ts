import { spawnSync } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { expectUsageError, runMain, useTempDir } from '@probdl/app-kit/testing';
import { DEFAULT_BATCH, DEFAULT_MDN_EPOCHS, DEFAULT_MSE_EPOCHS, parseCliArgs } from '../src/args.js';
import { main } from '../src/cli.js';

const appDir = join(dirname(fileURLToPath(import.meta.url)), '..');
const run = (argv: string[]) => runMain(main, argv);

describe('the command line', () => {
  const tmp = useTempDir('cluster-mass-cli-');

  it('has the documented defaults', () => {
    expect(parseCliArgs([])).toEqual({
      backend: 'auto',
      mseEpochs: DEFAULT_MSE_EPOCHS,
      mdnEpochs: DEFAULT_MDN_EPOCHS,
      rows: undefined,
      seed: 0,
      out: './cluster-mass-report',
      data: undefined,
      resume: false,
      batch: DEFAULT_BATCH,
      stopAfterEpoch: undefined,
      progress: true,
    });
    expect(parseCliArgs(['--epochs', '3', '--mdn-epochs', '4'])).toMatchObject({ mseEpochs: 3, mdnEpochs: 4 });
  });

  it.each([
    [['--epochs', 'zero'], /--epochs must be an integer ≥ 1, got 'zero'/],
    [['--epochs', '0'], /--epochs must be an integer ≥ 1, got '0'/],
    [['--rows', '-5'], /--rows/],
    [['--rows', '100'], /--rows must be an integer ≥ 500, got '100'/],
    [['--seed', '1.5'], /--seed must be an integer ≥ 0, got '1.5'/],
    [['--backend', 'tpu'], /--backend must be one of auto, webgpu, wasm, cpu, got 'tpu'/],
    [['--bogus'], /Unknown option '--bogus'/],
    [['--rows'], /--rows/],
    [['stray'], /positional|stray/],
  ])('rejects %j with a message naming the flag and exit code 2', async (argv, message) => {
    await expectUsageError(main, argv, message);
  });

  it('names an unreadable --data file, exit code 1', async () => {
    const dir = tmp.path;
    const missing = join(dir, 'no-such.fits');
    const r1 = await run(['--data', missing, '--out', join(dir, 'r1'), '--backend', 'cpu']);
    expect(r1.code).toBe(1);
    expect(r1.err).toContain(`--data: cannot read ${missing} (ENOENT)`);
    const notFits = join(dir, 'table.fits');
    await writeFile(notFits, 'this is not a FITS file\n');
    const r2 = await run(['--data', notFits, '--out', join(dir, 'r2'), '--backend', 'cpu']);
    expect(r2.code).toBe(1);
    expect(r2.err).toContain(`--data: ${notFits} is not a readable cluster-mass FITS table`);
  });

  it('names an --out that cannot be a folder, exit code 1', async () => {
    const dir = tmp.path;
    const file = join(dir, 'a-file');
    await writeFile(file, 'x');
    const r = await run(['--out', join(file, 'report'), '--backend', 'cpu']);
    expect(r.code).toBe(1);
    expect(r.err).toContain(`--out: cannot write to ${join(file, 'report')}`);
  });

  it('the process exits non-zero on a bad flag (tsx src/cli.ts)', () => {
    const r = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli.ts', '--epochs', 'many'], { cwd: appDir, encoding: 'utf8' });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("--epochs must be an integer ≥ 1, got 'many'");
  });

  it('--help prints the usage, exit code 0', async () => {
    const { code, out } = await run(['--help']);
    expect(code).toBe(0);
    expect(out).toContain('--resume');
  });
});
