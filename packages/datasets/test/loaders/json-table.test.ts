import * as tf from '@tensorflow/tfjs-core';
import { expectNoLeaks } from '@probdl/vitest-config/matchers';
import { describe, expect, it } from 'vitest';
import { csvToTensor, loadCsv, loadJsonTable, type Table } from '../../src/loaders/index.js';

function plain(t: Table): unknown {
  return { ...t, data: Object.fromEntries(Object.entries(t.data).map(([k, v]) => [k, Array.from(v as ArrayLike<unknown>)])) };
}

const EXPECTED = {
  columns: ['name', 'mass', 'n', 'ok'],
  data: { name: ['a', 'b', 'c'], mass: [1.5, -2, 0.25], n: [1, 2, 3], ok: [1, 0, 1] },
  rows: 3,
  skipped: 0,
  skippedAt: [],
};

describe('loadJsonTable', () => {
  it('reads an array of records (text) and a record of arrays (object) the same way', () => {
    const records = JSON.stringify([
      { name: 'a', mass: 1.5, n: 1, ok: true },
      { name: 'b', mass: -2, n: 2, ok: false },
      { name: 'c', mass: 0.25, n: 3, ok: true },
    ]);
    const t = loadJsonTable(records, { columns: { n: 'int' } });
    expect(plain(t)).toEqual(EXPECTED);
    expect(t.data.n).toBeInstanceOf(Int32Array);
    expect(t.data.mass).toBeInstanceOf(Float64Array);
    expect(t.data.ok).toBeInstanceOf(Uint8Array);
    const cols = { name: ['a', 'b', 'c'], mass: [1.5, -2, 0.25], n: [1, 2, 3], ok: [true, false, true] };
    expect(plain(loadJsonTable(cols, { columns: { n: 'int' } }))).toEqual(EXPECTED);
  });

  it('applies the missing-value policy to null and absent keys', () => {
    const recs = [{ x: 1, y: 2 }, { x: null, y: 3 }, { y: 4 }, { x: 5, y: 6 }];
    expect(() => loadJsonTable(recs, { source: 'd.json' })).toThrow(/^d\.json: \$\[1\]\.x: null is missing/);
    expect(plain(loadJsonTable(recs, { missing: 'nan' }))).toMatchObject({ data: { x: [1, NaN, NaN, 5], y: [2, 3, 4, 6] }, rows: 4 });
    expect(plain(loadJsonTable(recs, { missing: 'skip-row' }))).toEqual({
      columns: ['x', 'y'],
      data: { x: [1, 5], y: [2, 6] },
      rows: 2,
      skipped: 2,
      skippedAt: [1, 2],
    });
    expect(plain(loadJsonTable({ x: [1, null], y: [null, 2] }, { missing: { fill: -1 }, columns: { y: 'int' } }))).toMatchObject({
      data: { x: [1, -1], y: [-1, 2] },
    });
    expect(() => loadJsonTable({ x: [1, null] }, { columns: { x: 'int' }, missing: 'nan' })).toThrow(/\$\.x\[1\]: null is missing, and missing: 'nan' applies to number columns only/);
  });

  it('errors name the JSON path', () => {
    expect(() => loadJsonTable([{ mass: 1 }, { mass: 'abc' }])).toThrow(/^json: \$\[1\]\.mass: "abc" is not a number$/);
    expect(() => loadJsonTable({ n: [1, 2.5] }, { columns: { n: 'int' } })).toThrow(/\$\.n\[1\]: 2\.5 is not an int32/);
    expect(() => loadJsonTable([{ a: 1 }, { a: 2, b: 3 }])).toThrow(/\$\[1\] has key 'b', which record \$\[0\] lacks/);
    expect(() => loadJsonTable({ a: [1, 2], b: [1] })).toThrow(/\$\.b has 1 entries, but \$\.a has 2/);
    expect(() => loadJsonTable({ a: 3 })).toThrow(/\$\.a is 3, not an array/);
    expect(() => loadJsonTable([1, 2])).toThrow(/\$\[0\] is 1, not a record/);
    expect(() => loadJsonTable([{ a: [1] }])).toThrow(/\$\[0\]\.a is \[1\], not a number, string or boolean/);
    expect(() => loadJsonTable('{"a": [1,', { source: 'x.json' })).toThrow(/^x\.json: not valid JSON/);
    expect(() => loadJsonTable('42')).toThrow(/expected an array of records or a record of arrays, got 42/);
    expect(() => loadJsonTable([{ a: 1 }], { columns: { b: 'int' } })).toThrow(/columns: 'b' is not a column of json/);
    expect(() => loadJsonTable([{ a: 'x' }], { columns: { a: 'bool' } })).toThrow(/\$\[0\]\.a: "x" is not a boolean/);
  });
});

describe('csvToTensor', () => {
  it('stacks number, int and bool columns into [rows, k] float32', async () => {
    const t = await loadCsv('a,b,c,s\n1.5,2,true,x\n-3,4,false,y\n', { columns: { b: 'int', c: 'bool', s: 'string' } });
    const x = csvToTensor(t, ['c', 'a', 'b']);
    expect(x.shape).toEqual([2, 3]);
    expect(x.dtype).toBe('float32');
    expect(Array.from(await x.data())).toEqual([1, 1.5, 2, 0, -3, 4]);
    x.dispose();
    expect(() => csvToTensor(t, ['s'])).toThrow(/column 's' holds strings/);
    expect(() => csvToTensor(t, ['z'])).toThrow(/'z' is not a column \(columns: a, b, c, s\)/);
    const j = loadJsonTable({ u: [1, 2], v: [3, 4] });
    const [got, want] = [csvToTensor(j, ['v', 'u']), tf.tensor2d([[3, 1], [4, 2]])];
    await expect(got).toBeCloseTensor(want, { atol: 0, rtol: 0 });
    tf.dispose([got, want]);
  });

  it('does not leak', async () => {
    const t = loadJsonTable({ u: [1, 2], v: [3, 4] });
    await expectNoLeaks(() => csvToTensor(t, ['u', 'v']));
    const before = tf.memory().numTensors;
    expect(() => csvToTensor(t, ['nope'])).toThrow();
    expect(tf.memory().numTensors).toBe(before);
  });
});
