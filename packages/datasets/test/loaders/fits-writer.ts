/** A minimal FITS writer for tests: a primary HDU (optionally with a small 16-bit image) and one BINTABLE. */

export interface TestColumn {
  name: string;
  /** TFORM, e.g. '1D', '3E', '8A', '1L'. */
  tform: string;
  /** Row-major values (rows × repeat), strings for A, booleans/null for L. */
  values: (number | bigint | string | boolean | null)[];
  extra?: [string, string][];
}

function card(key: string, value?: string, comment = ''): string {
  if (key === 'END') return 'END'.padEnd(80, ' ');
  const v = value === undefined ? '' : value.padStart(20, ' ');
  const s = `${key.padEnd(8, ' ')}= ${v}${comment ? ` / ${comment}` : ''}`;
  if (s.length > 80) throw new Error(`card too long: ${s}`);
  return s.padEnd(80, ' ');
}

export const str = (s: string): string => `'${s.replace(/'/g, "''").padEnd(8, ' ')}'`;

function header(cards: string[]): Uint8Array {
  const text = [...cards, card('END')].join('');
  const size = Math.ceil(text.length / 2880) * 2880;
  const out = new Uint8Array(size).fill(0x20);
  for (let i = 0; i < text.length; i++) out[i] = text.charCodeAt(i);
  return out;
}

function pad(data: Uint8Array): Uint8Array {
  const out = new Uint8Array(Math.ceil(data.length / 2880) * 2880);
  out.set(data);
  return out;
}

const SIZES: Record<string, number> = { L: 1, B: 1, I: 2, J: 4, K: 8, A: 1, E: 4, D: 8 };

export interface WriteOptions {
  extname?: string;
  /** Cards to replace or add in the table header, e.g. [['BITPIX', '16']]. */
  override?: [string, string][];
  /** A 2×3 int16 primary image before the table. */
  primaryImage?: boolean;
  /** An extra IMAGE extension before the table. */
  imageExtension?: boolean;
}

export function writeFits(columns: TestColumn[], rows: number, o: WriteOptions = {}): Uint8Array {
  const parts: Uint8Array[] = [];
  if (o.primaryImage) {
    parts.push(header([card('SIMPLE', 'T'), card('BITPIX', '16'), card('NAXIS', '2'), card('NAXIS1', '3'), card('NAXIS2', '2'), card('EXTEND', 'T')]));
    parts.push(pad(new Uint8Array(12).fill(7)));
  } else {
    parts.push(header([card('SIMPLE', 'T'), card('BITPIX', '8'), card('NAXIS', '0'), card('EXTEND', 'T')]));
  }
  if (o.imageExtension) {
    parts.push(header([card('XTENSION', str('IMAGE')), card('BITPIX', '-32'), card('NAXIS', '1'), card('NAXIS1', '5'), card('PCOUNT', '0'), card('GCOUNT', '1'), card('EXTNAME', str('IMG'))]));
    parts.push(pad(new Uint8Array(20)));
  }
  const forms = columns.map((c) => {
    const m = /^(\d*)([A-Z])$/.exec(c.tform)!;
    return { code: m[2]!, repeat: m[1] === '' ? 1 : Number(m[1]) };
  });
  const widths = forms.map((f) => (SIZES[f.code] ?? 1) * f.repeat);
  const rowBytes = widths.reduce((a, w) => a + w, 0);
  const cards: [string, string][] = [
    ['XTENSION', str('BINTABLE')],
    ['BITPIX', '8'],
    ['NAXIS', '2'],
    ['NAXIS1', String(rowBytes)],
    ['NAXIS2', String(rows)],
    ['PCOUNT', '0'],
    ['GCOUNT', '1'],
    ['TFIELDS', String(columns.length)],
  ];
  columns.forEach((c, i) => {
    cards.push([`TTYPE${i + 1}`, str(c.name)], [`TFORM${i + 1}`, str(c.tform)]);
    for (const [k, v] of c.extra ?? []) cards.push([`${k}${i + 1}`, v]);
  });
  if (o.extname) cards.push(['EXTNAME', str(o.extname)]);
  for (const [k, v] of o.override ?? []) {
    const at = cards.findIndex(([kk]) => kk === k);
    if (at >= 0) cards[at] = [k, v];
    else cards.push([k, v]);
  }
  parts.push(header(cards.map(([k, v]) => card(k, v))));
  const data = new Uint8Array(rowBytes * rows);
  const view = new DataView(data.buffer);
  let off = 0;
  for (let r = 0; r < rows; r++) {
    columns.forEach((c, j) => {
      const { code, repeat } = forms[j]!;
      if (code === 'A') {
        const s = String(c.values[r]);
        for (let k = 0; k < repeat; k++) data[off + k] = k < s.length ? s.charCodeAt(k) : 0x20;
      } else {
        for (let k = 0; k < repeat; k++) {
          const v = c.values[r * repeat + k]!;
          const o2 = off + k * SIZES[code]!;
          switch (code) {
            case 'L': data[o2] = v === null ? 0 : v ? 0x54 : 0x46; break;
            case 'B': view.setUint8(o2, Number(v)); break;
            case 'I': view.setInt16(o2, Number(v), false); break;
            case 'J': view.setInt32(o2, Number(v), false); break;
            case 'K': view.setBigInt64(o2, BigInt(v as number | bigint), false); break;
            case 'E': view.setFloat32(o2, Number(v), false); break;
            case 'D': view.setFloat64(o2, Number(v), false); break;
          }
        }
      }
      off += widths[j]!;
    });
  }
  parts.push(pad(data));
  const total = parts.reduce((a, p) => a + p.length, 0);
  const out = new Uint8Array(total);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
