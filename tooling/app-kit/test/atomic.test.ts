import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeFileAtomic } from '../src/atomic.js';
import { useTempDir } from '../src/testing.js';

describe('writeFileAtomic', () => {
  const tmp = useTempDir('app-kit-atomic-');

  it('a reader sees the whole old file or the whole new one, never a part', async () => {
    const dir = tmp.path;
    const path = join(dir, 'metrics.json');
    const old = 'a'.repeat(1 << 20);
    const next = 'b'.repeat(24 << 20);
    await writeFileAtomic(path, old);
    let writing = true;
    const seen = new Set<string>();
    const reader = (async () => {
      while (writing) {
        const text = await readFile(path, 'utf8');
        seen.add(text === old ? 'old' : text === next ? 'new' : `partial (${text.length} bytes)`);
      }
    })();
    await writeFileAtomic(path, next);
    writing = false;
    await reader;
    seen.add((await readFile(path, 'utf8')) === next ? 'new' : 'partial');
    expect([...seen].filter((s) => s !== 'old' && s !== 'new')).toEqual([]);
    expect(seen.has('new')).toBe(true);
    expect((await readdir(dir)).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('on failure keeps the old file, removes the temporary one, and names the path', async () => {
    const dir = tmp.path;
    const path = join(dir, 'taken');
    await mkdir(path);
    await writeFile(join(path, 'inside'), 'keep');
    await expect(writeFileAtomic(path, 'new')).rejects.toThrow(`could not write ${path}`);
    expect(await readFile(join(path, 'inside'), 'utf8')).toBe('keep');
    expect((await readdir(dir)).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });
});
