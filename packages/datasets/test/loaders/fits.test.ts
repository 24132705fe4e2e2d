import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { key } from '@probdl/tensor-backend';
import { clusterCatalogue, CLUSTER_FEATURES, loadClusterMassFits, loadFitsTable, parseFitsTable, prepareClusterMass } from '../../src/index.js';
import { str, writeFits, type TestColumn } from './fits-writer.js';

const COLS: TestColumn[] = [
  { name: 'id', tform: '1J', values: [1, -2, 2147483647] },
  { name: 'flux', tform: '1D', values: [1.5, -2.25, 1e300] },
  { name: 'f32', tform: '1E', values: [0.1, NaN, -3] },
  { name: 'vec', tform: '3E', values: [1, 2, 3, 4, 5, 6, 7, 8, 9] },
  { name: 'small', tform: '1I', values: [-32768, 0, 32767] },
  { name: 'byte', tform: '1B', values: [0, 128, 255] },
  { name: 'big', tform: '1K', values: [2n ** 52n, -5n, 0n] },
  { name: 'flag', tform: '1L', values: [true, false, null] },
  { name: 'label', tform: '6A', values: ['abc', 'hello!', "o'k"] },
  { name: 'u16', tform: '1I', values: [-32768, 0, 32767], extra: [['TZERO', '32768'], ['TUNIT', str('count')]] },
  { name: 'scaled', tform: '1J', values: [10, -999, 30], extra: [['TSCAL', '0.5'], ['TZERO', '1'], ['TNULL', '-999']] },
];

describe('parseFitsTable', () => {
  it('round-trips every supported column type, scaling and nulls', () => {
    for (const o of [{}, { primaryImage: true, imageExtension: true, extname: 'DATA' }]) {
      const t = parseFitsTable(writeFits(COLS, 3, o));
      expect(t.rows).toBe(3);
      expect(t.columns).toEqual(COLS.map((c) => c.name));
      expect(Array.from(t.data.id as Float64Array)).toEqual([1, -2, 2147483647]);
      expect(Array.from(t.data.flux as Float64Array)).toEqual([1.5, -2.25, 1e300]);
      const f32 = t.data.f32 as Float64Array;
      expect(f32[0]).toBe(Math.fround(0.1));
      expect(f32[1]).toBeNaN();
      expect(Array.from(t.data.vec as Float64Array)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
      expect(t.repeat.vec).toBe(3);
      expect(Array.from(t.data.small as Float64Array)).toEqual([-32768, 0, 32767]);
      expect(Array.from(t.data.byte as Float64Array)).toEqual([0, 128, 255]);
      expect(Array.from(t.data.big as Float64Array)).toEqual([2 ** 52, -5, 0]);
      expect(Array.from(t.data.flag as Uint8Array)).toEqual([1, 0, 2]);
      expect(t.data.label).toEqual(['abc', 'hello!', "o'k"]);
      expect(Array.from(t.data.u16 as Float64Array)).toEqual([0, 32768, 65535]);
      expect(t.units.u16).toBe('count');
      const scaled = t.data.scaled as Float64Array;
      expect(scaled[0]).toBe(6);
      expect(scaled[1]).toBeNaN();
      expect(scaled[2]).toBe(16);
    }
    const named = parseFitsTable(writeFits(COLS, 3, { imageExtension: true, extname: 'DATA' }), { hdu: 'DATA' });
    expect(named.extname).toBe('DATA');
    expect(named.hdu).toBe(2);
  });

  it('reads from a path', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fits-'));
    try {
      const path = join(dir, 't.fits');
      writeFileSync(path, writeFits(COLS, 3));
      const t = await loadFitsTable(path);
      expect(t.rows).toBe(3);
      await expect(loadFitsTable(join(dir, 'none.fits'))).rejects.toThrow(/ENOENT/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses bad files, naming the place', () => {
    const good = writeFits(COLS, 3);
    // Truncated data: the last 2880-byte block cut off.
    expect(() => parseFitsTable(good.subarray(0, good.length - 2880), { name: 'cut.fits' })).toThrow(
      /cut.fits: HDU 1: truncated data: 3 rows of 52 bytes need 156 bytes from byte 5760, the file has 0/,
    );
    expect(() => parseFitsTable(good.subarray(0, 5760 + 100))).toThrow(/need 156 bytes from byte 5760, the file has 100/);
    // Truncated header.
    expect(() => parseFitsTable(good.subarray(0, 3000))).toThrow(/HDU 1: truncated header: no END card/);
    // Not FITS.
    expect(() => parseFitsTable(new TextEncoder().encode('hello'.padEnd(2880, ' ')))).toThrow(/not a FITS file/);
    // Wrong BITPIX / NAXIS for a BINTABLE, naming the card and byte.
    expect(() => parseFitsTable(writeFits(COLS, 3, { override: [['BITPIX', '16']] }))).toThrow(
      /HDU 1: header card 2 \(BITPIX, byte 2960\) must be 8 for a BINTABLE, got 16/,
    );
    expect(() => parseFitsTable(writeFits(COLS, 3, { override: [['NAXIS', '3'], ['NAXIS3', '1']] }))).toThrow(
      /header card 3 \(NAXIS, byte 3040\) must be 2 for a BINTABLE, got 3/,
    );
    // Unknown and unsupported TFORMs, naming the column.
    expect(() => parseFitsTable(writeFits(COLS, 3, { override: [['TFORM2', str('1Z')]] }))).toThrow(
      /column 2 'flux': header card \d+ \(TFORM2, byte \d+\) = '1Z': unknown format code 'Z'/,
    );
    expect(() => parseFitsTable(writeFits(COLS, 3, { override: [['TFORM2', str('1PD(5)')]] }))).toThrow(/'P' \(variable-length array\) is not supported/);
    // TFORMs that do not add up to NAXIS1.
    expect(() => parseFitsTable(writeFits(COLS, 3, { override: [['NAXIS1', '90']] }))).toThrow(/add up to 52 bytes per row but header card 4 \(NAXIS1, byte 3120\) says 90/);
    // A bad logical byte names column and row.
    const bad = writeFits([{ name: 'ok', tform: '1L', values: [true, true] }], 2);
    bad[5760 + 1] = 0x3f;
    expect(() => parseFitsTable(bad)).toThrow(/column 'ok' row 2: logical byte 0x3f/);
    // No table, or a missing HDU.
    expect(() => parseFitsTable(good, { hdu: 'NOPE' })).toThrow(/no HDU "NOPE" in the file \(extensions: 1 BINTABLE\)/);
  });
});

/**
 * A table written by astropy 8.0.1 (`Table.write`, gzip + base64 here): M200c (D), Ngal (K), sigv (E),
 * the 12 moment columns (D) with values [0.1 (j+1), -0.5 j, 2^j], flag (L), name (3A), vec (2I), and
 * u2 (uint16, stored as I with TZERO 32768); EXTNAME 'CLUSTERS'.
 */
const ASTROPY_FITS =
  'H4sIAAAAAAACA+2ZvYsTQRiHVz0PixNE5BARmS5ayGU338WRzcdGFpNNyO5BtNFJsonhkk3Y3ZyejfcnHGijlfgP2NgIyl1hI2hlZacIgnCFYm' +
  'On2Z03wY+sMdyLIM6vednZ4ZlnMm8xS3S1VCkqhKySKTHICmn0rVbf7jnE7ZOCaujEcanVpHaTTE1WNSpqLYCXHPGobdNN0qQuJe7mwCQzomVq' +
  'qk4CeOERzxr26qZN+q0xudMzLafTt5ypPKVmKFo+cL9zx4fx8PDw8PDw8PD8N/Guk7pa1lZJKKtqRiZbVELfvV4h9Y5F7U3i0nrXJOYNl11OA3' +
  'l/9f4szX9/9nniVJ4oxUe8rmm13Wseb0Ii4gw/KcAvEsCTgnmVXHlNM/7oe6Ft94cDMqA27ZmuaU/f74Xf8cRfec6M8zAKqlLM61N5YuoHHmuZ' +
  'VsfsNoOphnGpovjnESpJ4XBjNBTaTz8bhXK1xHjjD5v98Tw//3xDWpt2CYof411E84v4PKfT3sDxYzwFzS/q86pXeia1MPyiyOcbAz/HbaL8fj' +
  'Fkv/jYb928juEXR/ZLgN/60HYx/BLIfkmf10PrvySyXwr8sPovhewnhsEPqf8YD9FPZH5Y/cd4iH6Sx9tA6z/GQ/SLMD+s/mM8RL8o+GH1XxTZ' +
  'L8b80PovhuwX93itLm3j3A8Yr4jnl/B41ugei+Tn8yIZNL+kf75mgyD5+TxJxfDLqx7O452VzmHtN+XxhhLB2q/PU1H65bJSLfu8n7+1pEQ8OT' +
  '9PqRlapqR4frnimm4oVX1ffvz/FB4eHh4entnJPj1154EwyVLuoSykH9/1ci/9HOqriJdo+jU8v2GT0+9g/H3LSzv9Ad7vvfDyMv0R5n2C8c9s' +
  'vkFHgweEg1tC9u3R28t7k9XP509uC1vwsAOr7ABl5wuru/B+dwHqEahLUI9BPQ71BNRlVgv1hiAcEhZOy7nFJ8/ObE9Wf5S/uSWMnWUYlIEmE6' +
  'hhqDBBrkC9CnUAFbYhA1++z6rRNFvCYWHx1leBh4eHh4eHh4fnH8w34gZingAtAAA=';

describe('files written by astropy', () => {
  const bytes = new Uint8Array(gunzipSync(Buffer.from(ASTROPY_FITS, 'base64')));

  it('reads every column as astropy wrote it', () => {
    const t = parseFitsTable(bytes, { hdu: 'CLUSTERS' });
    expect(t.rows).toBe(3);
    expect(t.columns.slice(0, 3)).toEqual(['M200c', 'Ngal', 'sigv']);
    expect(Array.from(t.data.M200c as Float64Array)).toEqual([3.2e13, 1.5e14, 8.0e14]);
    expect(Array.from(t.data.Ngal as Float64Array)).toEqual([12, 45, 180]);
    expect(Array.from(t.data.sigv as Float64Array)).toEqual([350.5, 610.25, 1002]);
    expect(Array.from(t.data.v_kurt as Float64Array)).toEqual([0.1 * 12, -5.5, 2048]);
    expect(Array.from(t.data.flag as Uint8Array)).toEqual([1, 0, 1]);
    expect(t.data.name).toEqual(['a', 'bc', 'def']);
    expect(t.repeat.vec).toBe(2);
    expect(Array.from(t.data.vec as Float64Array)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(Array.from(t.data.u2 as Float64Array)).toEqual([0, 40000, 65535]);
  });

  it('maps to a cluster catalogue', async () => {
    const c = await loadClusterMassFits(bytes);
    expect(c.count).toBe(3);
    expect(c.logMass[1]).toBeCloseTo(Math.log10(1.5e14), 14);
    expect(c.features[14]).toBeCloseTo(Math.log10(45), 14);
    expect(c.features[15]).toBeCloseTo(Math.log10(610.25), 14);
    expect(c.features[2]).toBeCloseTo(0.1, 14);
  });
});

describe('loadClusterMassFits', () => {
  const cat = clusterCatalogue(key(0), { count: 50 });
  const raw = (j: number): number[] => Array.from({ length: 50 }, (_, i) => cat.features[i * 14 + j]!);
  const columns = (): TestColumn[] => [
    { name: 'M200c', tform: '1D', values: Array.from(cat.logMass, (m) => 10 ** m), extra: [['TUNIT', str('Msun/h')]] },
    { name: 'Ngal', tform: '1J', values: raw(0).map((v) => Math.round(10 ** v)) },
    { name: 'sigv', tform: '1D', values: raw(1).map((v) => 10 ** v) },
    ...CLUSTER_FEATURES.slice(2).map((c, k) => ({ name: c, tform: '1D', values: raw(k + 2) })),
    { name: 'extra', tform: '4A', values: new Array(50).fill('x') },
  ];

  it('maps the real column names to the synthetic catalogue’s table', async () => {
    const back = await loadClusterMassFits(writeFits(columns(), 50));
    expect(back.columns).toEqual(CLUSTER_FEATURES);
    expect(back.count).toBe(50);
    for (let i = 0; i < 50 * 14; i++) expect(back.features[i]).toBeCloseTo(cat.features[i]!, 12);
    for (let i = 0; i < 50; i++) expect(back.logMass[i]).toBeCloseTo(cat.logMass[i]!, 12);
    const p = prepareClusterMass(back, key(1), { trainSize: 40 });
    expect(p.xTrain.shape).toEqual([40, 14]);
    p.dispose();
  });

  it('names a missing column and a bad value', async () => {
    const noSigv = columns().filter((c) => c.name !== 'sigv');
    await expect(loadClusterMassFits(writeFits(noSigv, 50), { name: 'real.fits' })).rejects.toThrow(/real.fits: the table has no column 'sigv' \(columns: M200c, Ngal, R_mean/);
    const cols = columns();
    cols[0]!.values[7] = -1;
    await expect(loadClusterMassFits(writeFits(cols, 50))).rejects.toThrow(/column 'M200c' row 8: -1 is not a positive finite number/);
  });
});
