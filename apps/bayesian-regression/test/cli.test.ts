import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { expectUsageError, runMain, useTempDir } from '@probdl/app-kit/testing';
import { SECTIONS, parseCliArgs, parseSections } from '../src/args.js';
import { main } from '../src/cli.js';
import { runStudy } from '../src/study.js';

const run = (argv: string[]) => runMain(main, argv);

describe('the command line', () => {
  const tmp = useTempDir('bayesian-regression-cli-');

  it('has the documented defaults and reads --sections by number or name, in study order', () => {
    expect(parseCliArgs([])).toEqual({ backend: 'auto', out: './bayesian-regression-report', seed: 0, quick: false, sections: SECTIONS.map((s) => s.name), verbose: true, resume: false });
    expect(parseSections('vi,1, 3')).toEqual(['ridge', 'fourier', 'vi']);
    expect(parseCliArgs(['--', '--quick', '--seed', '7'])).toMatchObject({ quick: true, seed: 7 });
  });

  it.each([
    [['--sections', '9'], /--sections: unknown section '9'/],
    [['--sections', ','], /--sections must list sections/],
    [['--seed=-1'], /--seed must be an integer from 0 to 2\^32-1, got '-1'/],
    [['--seed', '-1'], /--seed/],
    [['--seed', '1.5'], /--seed must be an integer/],
    [['--seed', '4294967296'], /--seed must be an integer/],
    [['--backend', 'tpu'], /--backend must be one of auto, webgpu, wasm, cpu, got 'tpu'/],
    [['--out', ''], /--out must name a folder/],
    [['--bogus'], /Unknown option '--bogus'/],
    [['--seed'], /--seed/],
    [['stray'], /positional|stray/],
  ])('rejects %j with a message naming the flag and exit code 2', async (argv, message) => {
    await expectUsageError(main, argv, message);
  });

  it('prints the usage for --help, exit code 0', async () => {
    const { code, out } = await run(['--help']);
    expect(code).toBe(0);
    expect(out).toContain('--sections LIST');
  });

  it('names an --out that cannot be a folder, exit code 1', async () => {
    const dir = tmp.path;
    const file = join(dir, 'a-file');
    await writeFile(file, 'x');
    const r = await run(['--out', join(file, 'report'), '--backend', 'cpu', '--sections', '2']);
    expect(r.code).toBe(1);
    expect(r.err).toContain(`--out: cannot write to ${join(file, 'report')}`);
  });

  it('without the practical\'s S, u the Fourier section draws them from keys and says so', async () => {
    const dir = tmp.path;
    const lines: string[] = [];
    const out = join(dir, 'no-reference');
    const r = await runStudy({ backend: 'cpu', out, seed: 3, quick: true, sections: ['fourier'], verbose: true, resume: false }, (l) => lines.push(l), { dir: join(dir, 'nowhere') });
    const s = r.metrics.sections.fourier!;
    expect(s.basisSource).toBe('keys');
    expect(Number.isFinite(s.fourierEvidence as number)).toBe(true);
    expect(lines.join('\n')).toContain('fourier_basis_S_u.json was not found');
    expect(r.metrics.notes.join('\n')).toContain('drawn from probdl keys');
    expect(JSON.parse(await readFile(join(out, 'metrics.json'), 'utf8')).config.practicalInputs).toEqual({ fourier: false, elboEps: false });
  });
});
