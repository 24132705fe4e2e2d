import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { key, random } from '@probdl/tensor-backend';
import { describe, expect, it } from 'vitest';
import { loadCsv, readCsv, readFileBytes, type CsvOptions, type Table, type TextInput } from '../../src/loaders/index.js';

/** Cut `n` items into pieces at cut points drawn from a seeded PRNG (tensor-backend randomBits). */
function cuts(n: number, seed: number): number[] {
  const bits = random.randomBits(key(seed), [8]);
  const maxPiece = 1 + (bits[0]! % 12); // pieces of 1..12 items
  const r = random.randomBits(key(seed + 1000), [n + 1]);
  const points: number[] = [0];
  let p = 0;
  for (let i = 0; p < n; i++) {
    p = Math.min(n, p + 1 + (r[i % r.length]! % maxPiece));
    points.push(p);
  }
  return points;
}

function stringChunks(text: string, seed: number): string[] {
  const pts = cuts(text.length, seed);
  return pts.slice(1).map((e, i) => text.slice(pts[i], e));
}

function byteChunks(text: string, seed: number): Uint8Array[] {
  const bytes = new TextEncoder().encode(text);
  const pts = cuts(bytes.length, seed);
  return pts.slice(1).map((e, i) => bytes.slice(pts[i], e));
}

async function* asyncOf<T>(items: T[]): AsyncGenerator<T> {
  for (const x of items) yield await Promise.resolve(x);
}

function streamOf(chunks: Uint8Array[]): ReadableStream<Uint8Array> {
  let i = 0;
  return new ReadableStream({
    pull(c) {
      if (i < chunks.length) c.enqueue(chunks[i++]!);
      else c.close();
    },
  });
}

function plain(t: Table): unknown {
  return { ...t, data: Object.fromEntries(Object.entries(t.data).map(([k, v]) => [k, Array.from(v as ArrayLike<unknown>)])) };
}

// A file with everything awkward: BOM, CRLF and LF mixed, comment lines, quoted fields with
// commas, doubled quotes and embedded newlines (CRLF and LF), a multi-byte character, blank line.
const TRICKY =
  '\uFEFFname,mass,n,ok\r\n' +
  '# a comment, with "quotes\r\n' +
  '"Abell, 1689",1.5e15,3,true\r\n' +
  '"say ""hi""",-2.25,-7,FALSE\n' +
  '"two\r\nlines\nhere",0.5,0,1\r\n' +
  '\r\n' +
  'µ-cluster,inf,2147483647,0\n' +
  'last,.5,-2147483648,True';

const TRICKY_OPTS: CsvOptions = { columns: { name: 'string', n: 'int', ok: 'bool' }, comment: '#' };

const TRICKY_EXPECTED = {
  columns: ['name', 'mass', 'n', 'ok'],
  data: {
    name: ['Abell, 1689', 'say "hi"', 'two\r\nlines\nhere', 'µ-cluster', 'last'],
    mass: [1.5e15, -2.25, 0.5, Infinity, 0.5],
    n: [3, -7, 0, 2147483647, -2147483648],
    ok: [1, 0, 1, 0, 1],
  },
  rows: 5,
  skipped: 0,
  skippedAt: [],
};

describe('loadCsv', () => {
  it('parses quotes, embedded delimiters and newlines, CRLF, BOM, comments and typed columns', async () => {
    const t = await loadCsv(TRICKY, TRICKY_OPTS);
    expect(plain(t)).toEqual(TRICKY_EXPECTED);
    expect(t.data.mass).toBeInstanceOf(Float64Array);
    expect(t.data.n).toBeInstanceOf(Int32Array);
    expect(t.data.ok).toBeInstanceOf(Uint8Array);
  });

  it('gives identical results for 60 seeded random chunkings (strings, bytes, ReadableStream)', async () => {
    for (let seed = 1; seed <= 20; seed++) {
      const s = stringChunks(TRICKY, seed);
      expect(s.join('')).toBe(TRICKY);
      expect(plain(await loadCsv(asyncOf(s), TRICKY_OPTS))).toEqual(TRICKY_EXPECTED);
      const b = byteChunks(TRICKY, seed);
      expect(plain(await loadCsv(b, TRICKY_OPTS))).toEqual(TRICKY_EXPECTED);
      expect(plain(await loadCsv(streamOf(byteChunks(TRICKY, seed + 50)), TRICKY_OPTS))).toEqual(TRICKY_EXPECTED);
    }
    // one character at a time, so every boundary (CR|LF, "|", inside µ) is hit
    expect(plain(await loadCsv([...TRICKY], TRICKY_OPTS))).toEqual(TRICKY_EXPECTED);
    const bytes = new TextEncoder().encode(TRICKY);
    expect(plain(await loadCsv([...bytes].map((x) => Uint8Array.of(x)), TRICKY_OPTS))).toEqual(TRICKY_EXPECTED);
    expect(plain(await loadCsv(bytes.buffer, TRICKY_OPTS))).toEqual(TRICKY_EXPECTED);
  });

  it('header: false names columns by index; a list names them and reads the first line as data', async () => {
    const t = await loadCsv('1;2\n3;4\n', { header: false, delimiter: ';' });
    expect(plain(t)).toMatchObject({ columns: ['0', '1'], data: { '0': [1, 3], '1': [2, 4] }, rows: 2 });
    const u = await loadCsv('1\t2\n3\t4', { header: ['a', 'b'], delimiter: '\t' });
    expect(plain(u)).toMatchObject({ columns: ['a', 'b'], data: { a: [1, 3], b: [2, 4] }, rows: 2 });
  });

  it('a header-only file gives an empty table', async () => {
    const t = await loadCsv('a,b\n', { columns: { b: 'string' } });
    expect(plain(t)).toEqual({ columns: ['a', 'b'], data: { a: [], b: [] }, rows: 0, skipped: 0, skippedAt: [] });
  });
});

describe('missing values', () => {
  const text = 'id,mass,n,ok,label\n1,2.5,3,true,a\n2,,4,false,b\n3,1.0,,true,\n4,7,8,,d\n';
  const cols: CsvOptions['columns'] = { id: 'int', n: 'int', ok: 'bool', label: 'string' };

  it("'error' (the default) names line, column and what to do", async () => {
    await expect(loadCsv(text, { columns: cols, source: 'c.csv' })).rejects.toThrow(
      /^c\.csv: line 3, column 'mass' \(2\): "" is missing \(set missing: 'nan', 'skip-row' or \{ fill \} to allow it\)$/,
    );
  });

  it("'nan' fills number columns and refuses int/bool columns", async () => {
    const t = await loadCsv('a,b\n1,\n,2\n', { missing: 'nan' });
    expect(plain(t)).toMatchObject({ data: { a: [1, NaN], b: [NaN, 2] }, rows: 2 });
    await expect(loadCsv(text, { columns: cols, missing: 'nan' })).rejects.toThrow(
      /line 4, column 'n' \(3\): "" is missing, and missing: 'nan' applies to number columns only \(this one is int\)/,
    );
  });

  it("'skip-row' drops and counts rows, by line", async () => {
    const t = await loadCsv(text, { columns: cols, missing: 'skip-row' });
    expect(plain(t)).toEqual({
      columns: ['id', 'mass', 'n', 'ok', 'label'],
      data: { id: [1], mass: [2.5], n: [3], ok: [1], label: ['a'] },
      rows: 1,
      skipped: 3,
      skippedAt: [3, 4, 5],
    });
  });

  it('{ fill } stores the fill value, checked against the column type', async () => {
    const t = await loadCsv(text, { columns: cols, missing: { fill: 0 } });
    expect(plain(t)).toMatchObject({
      data: { id: [1, 2, 3, 4], mass: [2.5, 0, 1, 7], n: [3, 4, 0, 8], ok: [1, 0, 1, 0], label: ['a', 'b', '', 'd'] },
      rows: 4,
      skipped: 0,
    });
    await expect(loadCsv(text, { columns: cols, missing: { fill: 0.5 } })).rejects.toThrow(/line 4, column 'n' \(3\): "" is missing, and fill 0.5 is not an int32/);
  });
});

describe('errors', () => {
  it('a wrong type names line, column and value', async () => {
    await expect(loadCsv('a,mass\n1,2\n3,4\n5,abc\n', { source: 'f.csv' })).rejects.toThrow(
      /^f\.csv: line 4, column 'mass' \(2\): "abc" is not a number$/,
    );
    await expect(loadCsv('a\n1.5\n', { columns: { a: 'int' } })).rejects.toThrow(/line 2, column 'a' \(1\): "1.5" is not an integer/);
    await expect(loadCsv('a\n3000000000\n', { columns: { a: 'int' } })).rejects.toThrow(/does not fit int32/);
    await expect(loadCsv('a\nyes\n', { columns: { a: 'bool' } })).rejects.toThrow(/"yes" is not a boolean/);
    await expect(loadCsv('a\n0x10\n')).rejects.toThrow(/"0x10" is not a number/);
  });

  it('line numbers count newlines inside quoted fields', async () => {
    await expect(loadCsv('s,x\n"a\nb\r\nc",1\nd,oops\n', { columns: { s: 'string' } })).rejects.toThrow(
      /line 5, column 'x' \(2\): "oops"/,
    );
  });

  it('ragged rows name the line and the expected and found counts', async () => {
    await expect(loadCsv('a,b,c\n1,2,3\n4,5\n')).rejects.toThrow(/line 3: expected 3 fields, found 2/);
    await expect(loadCsv('a,b\n1,2,3\n')).rejects.toThrow(/line 2: expected 2 fields, found 3/);
  });

  it('truncated files: inside quotes, or mid-row', async () => {
    await expect(loadCsv('a,b\n1,"unfinished\n2,3\n', { columns: { b: 'string' } })).rejects.toThrow(
      /line 2: unterminated quoted field/,
    );
    await expect(loadCsv('a,b,c\n1,2,3\n4,5')).rejects.toThrow(/line 3: expected 3 fields, found 2/);
  });

  it('malformed quoting', async () => {
    await expect(loadCsv('a,b\n1,x"y\n')).rejects.toThrow(/line 2: field 2: stray quote/);
    await expect(loadCsv('a,b\n1,"x"y\n')).rejects.toThrow(/line 2: field 2: unexpected "y" after the closing quote/);
  });

  it('bad headers and options', async () => {
    await expect(loadCsv('a,a\n1,2\n')).rejects.toThrow(/line 1: duplicate column name 'a'/);
    await expect(loadCsv('a,\n1,2\n')).rejects.toThrow(/line 1: header field 2 is empty/);
    await expect(loadCsv('a,b\n1,2\n', { columns: { c: 'int' } })).rejects.toThrow(/columns: 'c' is not a column of csv \(columns: a, b\)/);
    expect(() => readCsv('a', { delimiter: ';;' })).toThrow(/delimiter: must be one character, got ";;"/);
    expect(() => readCsv('a', { comment: '//' })).toThrow(/comment: must be one character/);
    await expect(loadCsv('a', { delimiter: ';;' })).rejects.toThrow(/delimiter: must be one character/);
    await expect(loadCsv(42 as unknown as TextInput)).rejects.toThrow(/readCsv: input: expected a string/);
  });
});

describe('readCsv', () => {
  it('streams typed rows with their line numbers, and counts skipped rows', async () => {
    const reader = readCsv(asyncOf(['x,y\n1,', 'a\n\n2,b\n3', ',"c\nd"\n,e\n']), { columns: { y: 'string' }, missing: 'skip-row' });
    const rows = [];
    for await (const r of reader) rows.push(r);
    expect(rows).toEqual([
      { line: 2, values: { x: 1, y: 'a' } },
      { line: 4, values: { x: 2, y: 'b' } },
      { line: 5, values: { x: 3, y: 'c\nd' } },
    ]);
    expect(reader.columns).toEqual(['x', 'y']);
    expect(reader.skipped).toBe(1);
    expect(reader.skippedAt).toEqual([7]);
  });

  it('reports the physical start line of each record under CRLF, comments, quoted newlines, any chunking', async () => {
    for (let seed = 100; seed < 110; seed++) {
      const lines: number[] = [];
      for await (const r of readCsv(byteChunks(TRICKY, seed), TRICKY_OPTS)) lines.push(r.line);
      expect(lines).toEqual([3, 4, 5, 9, 10]);
    }
    await expect(loadCsv(TRICKY.replace('last,.5', 'last,x'), TRICKY_OPTS)).rejects.toThrow(/line 10, column 'mass' \(2\): "x"/);
  });

  it('yields rows before the input has ended', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    async function* source(): AsyncGenerator<string> {
      yield 'a\n1\n2\n';
      await gate;
      yield '3\n';
    }
    const it = readCsv(source())[Symbol.asyncIterator]();
    expect((await it.next()).value).toEqual({ line: 2, values: { a: 1 } });
    expect((await it.next()).value).toEqual({ line: 3, values: { a: 2 } });
    release();
    expect((await it.next()).value).toEqual({ line: 4, values: { a: 3 } });
    expect((await it.next()).done).toBe(true);
  });

  it('can be iterated only once', async () => {
    const reader = readCsv('a\n1\n');
    for await (const _ of reader) void _;
    await expect(reader[Symbol.asyncIterator]().next()).rejects.toThrow(/only once/);
  });
});

describe('readFileBytes (Node)', () => {
  it('reads a file that loadCsv then parses', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'probdl-csv-'));
    const path = join(dir, 'tricky.csv');
    await writeFile(path, TRICKY, 'utf8');
    expect(plain(await loadCsv(await readFileBytes(path), TRICKY_OPTS))).toEqual(TRICKY_EXPECTED);
  });
});
