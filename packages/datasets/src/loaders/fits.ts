import { BLOCK, cardAt, intKey, readHeader, type FitsHeader } from './fits-header.js';
import { readFileBytes } from './text-input.js';

/** A column of a FITS binary table. Numbers are float64 after `TSCAL`/`TZERO` (integers equal to `TNULL` become NaN). */
export type FitsColumnData = Float64Array | Uint8Array | string[];

/** One FITS binary-table extension, read into typed columns. */
export interface FitsTable {
  /** Column names (`TTYPEn`) in file order. */
  readonly columns: string[];
  /** Column data by name: numbers (`B I J K E D`) as Float64Array of `rows × repeat` values (row-major); `L` as Uint8Array (1 true, 0 false, 2 null); `A` as one string per row. */
  readonly data: Record<string, FitsColumnData>;
  /** Values per row (`TFORMn` repeat count) by column name; strings count as 1. */
  readonly repeat: Record<string, number>;
  /** Units (`TUNITn`) by column name, where given. */
  readonly units: Record<string, string>;
  /** Number of rows (`NAXIS2`). */
  readonly rows: number;
  /** The extension's `EXTNAME`, or '' without one. */
  readonly extname: string;
  /** Index of the HDU read (0 is the primary HDU). */
  readonly hdu: number;
}

/** Options of {@link parseFitsTable} and {@link loadFitsTable}. */
export interface FitsTableOptions {
  /** Which HDU: its index (1 = the first extension) or its `EXTNAME`. Default: the first BINTABLE. */
  hdu?: number | string;
  /** A name for error messages (the file name). Default 'fits'. */
  name?: string;
}

interface ColumnSpec {
  name: string;
  code: string;
  repeat: number;
  width: number;
  offset: number;
  scale: number;
  zero: number;
  nul: number | undefined;
}

const SIZES: Record<string, number> = { L: 1, B: 1, I: 2, J: 4, K: 8, A: 1, E: 4, D: 8 };

/** Data-unit size in bytes (without padding) of a header, from BITPIX, NAXISn, PCOUNT and GCOUNT. */
function dataBytes(h: FitsHeader, name: string, hdu: number): number {
  const bitpix = h.values.get('BITPIX');
  if (![8, 16, 32, 64, -32, -64].includes(bitpix as number)) {
    throw new Error(`${name}: HDU ${hdu}: ${cardAt(h, 'BITPIX')} must be one of 8, 16, 32, 64, -32, -64, got ${JSON.stringify(bitpix)}`);
  }
  const naxis = intKey(h, 'NAXIS', name, hdu);
  if (naxis > 999) throw new Error(`${name}: HDU ${hdu}: ${cardAt(h, 'NAXIS')} = ${naxis} is above 999`);
  if (naxis === 0) return 0;
  let n = 1;
  for (let i = 1; i <= naxis; i++) n *= intKey(h, `NAXIS${i}`, name, hdu);
  const pcount = h.values.has('PCOUNT') ? intKey(h, 'PCOUNT', name, hdu) : 0;
  const gcount = h.values.has('GCOUNT') ? intKey(h, 'GCOUNT', name, hdu, 1) : 1;
  return (Math.abs(bitpix as number) / 8) * gcount * (pcount + n);
}

function parseTform(h: FitsHeader, i: number, col: string, name: string, hdu: number): { code: string; repeat: number } {
  const key = `TFORM${i}`;
  const v = h.values.get(key);
  const where = `${name}: HDU ${hdu}: column ${i} '${col}': ${cardAt(h, key)}`;
  if (typeof v !== 'string') throw new Error(`${where} must be a string such as '1D', got ${JSON.stringify(v)}`);
  const m = /^\s*(\d*)([A-Z])(.*)$/.exec(v);
  if (!m) throw new Error(`${where} = '${v}' is not a binary-table format (rT, T one of L X B I J K A E D C M P Q)`);
  const code = m[2]!;
  const repeat = m[1] === '' ? 1 : Number(m[1]);
  if ('XCMPQ'.includes(code)) {
    throw new Error(`${where} = '${v}': format '${code}' (${{ X: 'bit array', C: 'complex', M: 'double complex', P: 'variable-length array', Q: 'variable-length array' }[code]}) is not supported by this reader`);
  }
  if (!(code in SIZES)) throw new Error(`${where} = '${v}': unknown format code '${code}' (known: L X B I J K A E D C M P Q)`);
  return { code, repeat };
}

function columnSpecs(h: FitsHeader, name: string, hdu: number): { specs: ColumnSpec[]; rowBytes: number; rows: number } {
  const bitpix = h.values.get('BITPIX');
  if (bitpix !== 8) throw new Error(`${name}: HDU ${hdu}: ${cardAt(h, 'BITPIX')} must be 8 for a BINTABLE, got ${JSON.stringify(bitpix)}`);
  const naxis = h.values.get('NAXIS');
  if (naxis !== 2) throw new Error(`${name}: HDU ${hdu}: ${cardAt(h, 'NAXIS')} must be 2 for a BINTABLE, got ${JSON.stringify(naxis)}`);
  const rowBytes = intKey(h, 'NAXIS1', name, hdu);
  const rows = intKey(h, 'NAXIS2', name, hdu);
  const gcount = h.values.has('GCOUNT') ? h.values.get('GCOUNT') : 1;
  if (gcount !== 1) throw new Error(`${name}: HDU ${hdu}: ${cardAt(h, 'GCOUNT')} must be 1 for a BINTABLE, got ${JSON.stringify(gcount)}`);
  const fields = intKey(h, 'TFIELDS', name, hdu);
  if (fields > 999) throw new Error(`${name}: HDU ${hdu}: ${cardAt(h, 'TFIELDS')} = ${fields} is above 999`);
  const specs: ColumnSpec[] = [];
  const seen = new Set<string>();
  let offset = 0;
  for (let i = 1; i <= fields; i++) {
    const t = h.values.get(`TTYPE${i}`);
    const col = typeof t === 'string' && t.trim() !== '' ? t.trim() : `col${i}`;
    if (seen.has(col)) throw new Error(`${name}: HDU ${hdu}: column ${i}: ${cardAt(h, `TTYPE${i}`)} repeats the column name '${col}'`);
    seen.add(col);
    const { code, repeat } = parseTform(h, i, col, name, hdu);
    const num = (k: string, dflt: number | undefined): number | undefined => {
      const v = h.values.get(`${k}${i}`);
      if (v === undefined) return dflt;
      if (typeof v !== 'number') throw new Error(`${name}: HDU ${hdu}: column ${i} '${col}': ${cardAt(h, `${k}${i}`)} must be a number, got ${JSON.stringify(v)}`);
      return v;
    };
    const width = SIZES[code]! * repeat;
    specs.push({ name: col, code, repeat, width, offset, scale: num('TSCAL', 1)!, zero: num('TZERO', 0)!, nul: num('TNULL', undefined) });
    offset += width;
  }
  if (offset !== rowBytes) {
    throw new Error(`${name}: HDU ${hdu}: the columns' TFORMs add up to ${offset} bytes per row but ${cardAt(h, 'NAXIS1')} says ${rowBytes}`);
  }
  return { specs, rowBytes, rows };
}

function readColumn(view: DataView, start: number, rowBytes: number, rows: number, s: ColumnSpec, name: string, hdu: number): FitsColumnData {
  if (s.code === 'A') {
    const out = new Array<string>(rows);
    for (let r = 0; r < rows; r++) {
      let str = '';
      const o = start + r * rowBytes + s.offset;
      for (let k = 0; k < s.repeat; k++) {
        const c = view.getUint8(o + k);
        if (c === 0) break;
        str += String.fromCharCode(c);
      }
      out[r] = str.trimEnd();
    }
    return out;
  }
  if (s.code === 'L') {
    const out = new Uint8Array(rows * s.repeat);
    for (let r = 0; r < rows; r++) {
      for (let k = 0; k < s.repeat; k++) {
        const c = view.getUint8(start + r * rowBytes + s.offset + k);
        if (c === 0x54) out[r * s.repeat + k] = 1;
        else if (c === 0x46) out[r * s.repeat + k] = 0;
        else if (c === 0) out[r * s.repeat + k] = 2;
        else throw new Error(`${name}: HDU ${hdu}: column '${s.name}' row ${r + 1}: logical byte 0x${c.toString(16)} is not 'T', 'F' or 0`);
      }
    }
    return out;
  }
  const out = new Float64Array(rows * s.repeat);
  const size = SIZES[s.code]!;
  const isInt = s.code !== 'E' && s.code !== 'D';
  for (let r = 0; r < rows; r++) {
    for (let k = 0; k < s.repeat; k++) {
      const o = start + r * rowBytes + s.offset + k * size;
      let v: number;
      switch (s.code) {
        case 'B': v = view.getUint8(o); break;
        case 'I': v = view.getInt16(o, false); break;
        case 'J': v = view.getInt32(o, false); break;
        case 'K': {
          const big = view.getBigInt64(o, false);
          if (big > BigInt(Number.MAX_SAFE_INTEGER) || big < BigInt(-Number.MAX_SAFE_INTEGER)) {
            throw new Error(`${name}: HDU ${hdu}: column '${s.name}' row ${r + 1}: 64-bit integer ${big} is beyond ±(2^53 − 1) and cannot be held exactly`);
          }
          v = Number(big);
          break;
        }
        case 'E': v = view.getFloat32(o, false); break;
        default: v = view.getFloat64(o, false);
      }
      out[r * s.repeat + k] = isInt && s.nul !== undefined && v === s.nul ? NaN : s.zero + s.scale * v;
    }
  }
  return out;
}

function asBytes(input: Uint8Array | ArrayBuffer): Uint8Array {
  return input instanceof Uint8Array ? input : new Uint8Array(input);
}

/**
 * Reads one binary-table extension (`XTENSION = 'BINTABLE'`) of a FITS file (FITS Standard 4.0):
 * 2880-byte blocks of 80-character header cards, then big-endian rows of `NAXIS1` bytes. Column
 * formats `rL rB rI rJ rK rA rE rD` with repeat counts, `TSCALn`/`TZEROn` scaling and `TNULLn` for
 * integers. Bit (`X`), complex (`C M`) and variable-length (`P Q`) columns are refused with an error
 * naming them, as are anything malformed: a missing END card, a BITPIX or NAXIS that a BINTABLE
 * cannot have, TFORMs that do not add up to NAXIS1, or fewer data bytes than the header announces.
 * Errors name the file, the HDU, the header card (number, keyword and byte offset) or the column and row.
 *
 * @param bytes - the whole file.
 * @throws Error as described.
 */
export function parseFitsTable(bytes: Uint8Array | ArrayBuffer, options: FitsTableOptions = {}): FitsTable {
  const b = asBytes(bytes);
  const name = options.name ?? 'fits';
  const head = String.fromCharCode(...b.subarray(0, 30));
  if (!/^SIMPLE  = +T$/.test(head)) {
    throw new Error(`${name}: not a FITS file: the first header card must be 'SIMPLE  =                    T', got ${JSON.stringify(head)}`);
  }
  const primary = readHeader(b, 0, name, 0);
  let offset = primary.end + Math.ceil(dataBytes(primary, name, 0) / BLOCK) * BLOCK;
  const seen: string[] = [];
  for (let hdu = 1; ; hdu++) {
    if (offset >= b.length) {
      const want = options.hdu === undefined ? 'a BINTABLE extension' : `HDU ${JSON.stringify(options.hdu)}`;
      throw new Error(`${name}: no ${want} in the file (extensions: ${seen.length > 0 ? seen.join(', ') : 'none'})`);
    }
    const h = readHeader(b, offset, name, hdu);
    const xt = h.values.get('XTENSION');
    if (typeof xt !== 'string' || h.cards.get('XTENSION')?.index !== 1) {
      throw new Error(`${name}: HDU ${hdu} (byte ${offset}): the first header card must be XTENSION, got ${JSON.stringify(xt)}`);
    }
    const ext = h.values.get('EXTNAME');
    const extname = typeof ext === 'string' ? ext : '';
    seen.push(`${hdu} ${xt}${extname ? ` '${extname}'` : ''}`);
    const size = dataBytes(h, name, hdu);
    const wanted = options.hdu === undefined ? xt === 'BINTABLE' : options.hdu === hdu || options.hdu === extname;
    if (wanted) {
      if (xt !== 'BINTABLE') throw new Error(`${name}: HDU ${hdu}: ${cardAt(h, 'XTENSION')} is '${xt}', not 'BINTABLE'`);
      const { specs, rowBytes, rows } = columnSpecs(h, name, hdu);
      const need = rowBytes * rows;
      if (h.end + need > b.length) {
        throw new Error(`${name}: HDU ${hdu}: truncated data: ${rows} rows of ${rowBytes} bytes need ${need} bytes from byte ${h.end}, the file has ${Math.max(0, b.length - h.end)}`);
      }
      const view = new DataView(b.buffer, b.byteOffset, b.byteLength);
      const data: Record<string, FitsColumnData> = {};
      const repeat: Record<string, number> = {};
      const units: Record<string, string> = {};
      specs.forEach((s, i) => {
        data[s.name] = readColumn(view, h.end, rowBytes, rows, s, name, hdu);
        repeat[s.name] = s.code === 'A' ? 1 : s.repeat;
        const u = h.values.get(`TUNIT${i + 1}`);
        if (typeof u === 'string' && u !== '') units[s.name] = u;
      });
      return { columns: specs.map((s) => s.name), data, repeat, units, rows, extname, hdu };
    }
    offset = h.end + Math.ceil(size / BLOCK) * BLOCK;
  }
}

/**
 * {@link parseFitsTable} on a file path (read in Node with `node:fs/promises`) or on bytes already
 * in memory (a browser's `fetch(url).then((r) => r.arrayBuffer())`).
 *
 * @param pathOrBytes - a file path, or the whole file's bytes.
 */
export async function loadFitsTable(pathOrBytes: string | Uint8Array | ArrayBuffer, options: FitsTableOptions = {}): Promise<FitsTable> {
  if (typeof pathOrBytes === 'string') {
    return parseFitsTable(await readFileBytes(pathOrBytes), { name: pathOrBytes, ...options });
  }
  return parseFitsTable(pathOrBytes, options);
}
