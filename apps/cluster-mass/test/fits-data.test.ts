import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { key } from '@probdl/tensor-backend';
import { clusterCatalogue } from '@probdl/datasets';
import { main } from '../src/cli.js';

/** A minimal FITS file: an empty primary HDU and one BINTABLE of float64 ('1D') columns, big-endian. */
function writeFitsTable(columns: Record<string, Float64Array>, rows: number): Uint8Array {
  const card = (k: string, v: string) => `${k.padEnd(8)}= ${v.padStart(20)}`.padEnd(80);
  const str = (s: string) => `'${s.padEnd(8)}'`;
  const block = (cards: string[]) => {
    const text = [...cards, 'END'.padEnd(80)].join('');
    const out = new Uint8Array(Math.ceil(text.length / 2880) * 2880).fill(0x20);
    for (let i = 0; i < text.length; i++) out[i] = text.charCodeAt(i);
    return out;
  };
  const names = Object.keys(columns);
  const primary = block([card('SIMPLE', 'T'), card('BITPIX', '8'), card('NAXIS', '0'), card('EXTEND', 'T')]);
  const cards = [card('XTENSION', str('BINTABLE')), card('BITPIX', '8'), card('NAXIS', '2'), card('NAXIS1', String(8 * names.length)), card('NAXIS2', String(rows)), card('PCOUNT', '0'), card('GCOUNT', '1'), card('TFIELDS', String(names.length))];
  names.forEach((n, i) => cards.push(card(`TTYPE${i + 1}`, str(n)), card(`TFORM${i + 1}`, str('1D'))));
  const table = block(cards);
  const data = new Uint8Array(Math.ceil((8 * names.length * rows) / 2880) * 2880);
  const view = new DataView(data.buffer);
  for (let r = 0; r < rows; r++) names.forEach((n, j) => view.setFloat64(8 * (r * names.length + j), columns[n]![r]!, false));
  const out = new Uint8Array(primary.length + table.length + data.length);
  out.set(primary);
  out.set(table, primary.length);
  out.set(data, primary.length + table.length);
  return out;
}

describe('--data: the real table format', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'cluster-mass-fits-'));
    // A FITS table with the real catalogue's columns, filled from 3,000 synthetic clusters.
    const n = 3000;
    const cat = clusterCatalogue(key(5), { count: n });
    const col = (j: number, f: (v: number) => number = (v) => v) => Float64Array.from({ length: n }, (_, r) => f(cat.features[r * 14 + j]!));
    const columns: Record<string, Float64Array> = {
      M200c: Float64Array.from(cat.logMass, (m) => 10 ** m),
      Ngal: col(0, (v) => 10 ** v),
      sigv: col(1, (v) => 10 ** v),
    };
    ['R_mean', 'R_std', 'R_skew', 'R_kurt', 'm_mean', 'm_std', 'm_skew', 'm_kurt', 'v_mean', 'v_std', 'v_skew', 'v_kurt'].forEach((name, i) => (columns[name] = col(i + 2)));
    await writeFile(join(dir, 'contam_summary.fits'), writeFitsTable(columns, n));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('runs the study on the first --rows rows of the file', async () => {
    const path = join(dir, 'contam_summary.fits');
    let err = '';
    const code = await main(['--data', path, '--rows', '2500', '--epochs', '1', '--batch', '128', '--backend', 'wasm', '--out', join(dir, 'report'), '--quiet'], () => {}, (s) => (err += s));
    expect(err).toBe('');
    expect(code).toBe(0);
    const metrics = JSON.parse(await readFile(join(dir, 'report', 'metrics.json'), 'utf8'));
    expect(metrics.catalogue).toMatchObject({ source: `${path} (first 2500 rows)`, rows: 2500, train: 1914, test: 586 });
    expect(Number.isFinite(metrics.summary.all.mdnModeReweighted.scatter)).toBe(true);
  });

  it('names a table without the needed columns', async () => {
    const path = join(dir, 'other.fits');
    await writeFile(path, writeFitsTable({ x: Float64Array.of(1, 2, 3) }, 3));
    let err = '';
    const code = await main(['--data', path, '--out', join(dir, 'r2'), '--backend', 'cpu', '--quiet'], () => {}, (s) => (err += s));
    expect(code).toBe(1);
    expect(err).toContain(`--data: ${path} is not a readable cluster-mass FITS table`);
    expect(err).toContain("no column 'M200c'");
  });
});
