import { readFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { useTempDir } from '@probdl/app-kit/testing';
import type { StudyOptions } from '../src/args.js';
import { runStudy } from '../src/study.js';

const base: StudyOptions = { backend: 'cpu', out: '', seed: 5, quick: true, sections: ['ridge', 'posterior'], verbose: true, resume: false };

async function study(options: Partial<StudyOptions>): Promise<{ lines: string[]; metrics: Record<string, unknown> }> {
  const lines: string[] = [];
  const r = await runStudy({ ...base, ...options }, (l) => lines.push(l));
  return { lines, metrics: r.metrics.sections as Record<string, unknown> };
}

describe('--resume', () => {
  const tmp = useTempDir('bayesian-regression-resume-');

  it('reuses the sections an earlier run finished with the same settings and runs only the rest', async () => {
    const out = tmp.path;
    // An "interrupted" run that finished sections 1 and 2.
    const first = await study({ out });
    expect((await readdir(join(out, 'checkpoints'))).sort()).toEqual(['posterior.json', 'ridge.json']);
    // The resumed run asks for 1, 2 and 4: 1 and 2 come from their checkpoints, 4 runs.
    const resumed = await study({ out, resume: true, sections: ['ridge', 'posterior', 'logistic'] });
    expect(resumed.lines.filter((l) => l.includes('from the checkpoint of an earlier run'))).toHaveLength(2);
    expect(resumed.metrics.ridge).toEqual(first.metrics.ridge);
    expect(resumed.metrics.posterior).toEqual(first.metrics.posterior);
    expect(resumed.metrics.logistic).toBeDefined();
    expect(await readdir(join(out, 'checkpoints'))).toContain('logistic.json');
    // Every figure of the resumed sections is in the report again.
    const html = await readFile(join(out, 'index.html'), 'utf8');
    expect(html).toMatch(/Ridge against maximum likelihood/);
  }, 240_000);

  it('does not reuse a checkpoint made under other settings, and names an unreadable one', async () => {
    const out = tmp.path;
    const other = await study({ out, resume: true, seed: 6, sections: ['ridge'] });
    expect(other.lines.some((l) => l.includes('from the checkpoint'))).toBe(false);
    await writeFile(join(out, 'checkpoints', 'ridge.json'), '{ not json');
    await expect(study({ out, resume: true, seed: 6, sections: ['ridge'] })).rejects.toThrow(/checkpoints\/ridge\.json is not valid JSON/);
  }, 240_000);
});
