/** @internal The FITS block size: headers and data units are padded to multiples of 2880 bytes. */
export const BLOCK = 2880;
const CARD = 80;

/** @internal A header value: string, logical, number, or undefined for a card without a value. */
export type FitsValue = string | boolean | number | undefined;

/** @internal One parsed header: keyword → value, and where each card sits (card index, byte offset). */
export interface FitsHeader {
  readonly values: Map<string, FitsValue>;
  readonly cards: Map<string, { index: number; offset: number }>;
  /** Byte offset of the header's first card. */
  readonly start: number;
  /** Byte offset just past the header's padded blocks (where the data unit starts). */
  readonly end: number;
}

function parseValue(text: string, where: string): FitsValue {
  const t = text.trimStart();
  if (t.startsWith("'")) {
    // A string: '' is an escaped quote; trailing blanks are not significant.
    let s = '';
    let i = 1;
    for (;;) {
      if (i >= t.length) throw new Error(`${where}: unterminated string value`);
      if (t[i] === "'") {
        if (t[i + 1] === "'") {
          s += "'";
          i += 2;
          continue;
        }
        break;
      }
      s += t[i++];
    }
    return s.trimEnd();
  }
  const v = t.split('/')[0]!.trim();
  if (v === '') return undefined;
  if (v === 'T') return true;
  if (v === 'F') return false;
  const n = Number(v.replace(/[dD]/, 'E'));
  if (v.length > 0 && Number.isFinite(n)) return n;
  throw new Error(`${where}: cannot read the value '${v}' (not a string, T/F or number)`);
}

/** @internal Reads the header starting at `start` (a block boundary) up to its END card. */
export function readHeader(b: Uint8Array, start: number, name: string, hdu: number): FitsHeader {
  const values = new Map<string, FitsValue>();
  const cards = new Map<string, { index: number; offset: number }>();
  for (let index = 0; ; index++) {
    const offset = start + index * CARD;
    if (offset + CARD > b.length) {
      throw new Error(`${name}: HDU ${hdu}: truncated header: no END card before the end of the file (byte ${b.length})`);
    }
    let card = '';
    for (let i = 0; i < CARD; i++) {
      const c = b[offset + i]!;
      if (c < 0x20 || c > 0x7e) throw new Error(`${name}: HDU ${hdu}: header card ${index + 1} (byte ${offset}) has a non-ASCII byte 0x${c.toString(16)} at column ${i + 1}`);
      card += String.fromCharCode(c);
    }
    const keyword = card.slice(0, 8).trimEnd();
    if (keyword === 'END') {
      const used = offset + CARD - start;
      return { values, cards, start, end: start + Math.ceil(used / BLOCK) * BLOCK };
    }
    if (keyword === '' || keyword === 'COMMENT' || keyword === 'HISTORY' || card.slice(8, 10) !== '= ') continue;
    const where = `${name}: HDU ${hdu}: header card ${index + 1} (${keyword}, byte ${offset})`;
    values.set(keyword, parseValue(card.slice(10), where));
    cards.set(keyword, { index: index + 1, offset });
  }
}

/** @internal Describes where a keyword is, for errors. */
export function cardAt(h: FitsHeader, keyword: string): string {
  const c = h.cards.get(keyword);
  return c === undefined ? `keyword ${keyword} (missing)` : `header card ${c.index} (${keyword}, byte ${c.offset})`;
}

/** @internal A required integer keyword, checked. */
export function intKey(h: FitsHeader, keyword: string, name: string, hdu: number, min = 0): number {
  const v = h.values.get(keyword);
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min) {
    throw new Error(`${name}: HDU ${hdu}: ${cardAt(h, keyword)} must be an integer >= ${min}, got ${v === undefined ? 'nothing' : JSON.stringify(v)}`);
  }
  return v;
}
