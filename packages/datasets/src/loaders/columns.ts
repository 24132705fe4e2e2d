/**
 * The type of a table column: `number` → Float64Array, `int` → Int32Array (range-checked),
 * `string` → string[], `bool` → Uint8Array of 0/1 (text `true/false/1/0`, any case).
 */
export type ColumnType = 'number' | 'int' | 'string' | 'bool';

/**
 * What to do with a missing value (an empty CSV field, a JSON `null` or absent key):
 * `'error'` throws naming where; `'nan'` stores NaN (number columns only, an error for others);
 * `'skip-row'` drops the whole row and counts it in `skipped`/`skippedAt`; `{ fill }` stores `fill`
 * (which must fit the column type). String columns keep an empty CSV field as `''`.
 */
export type MissingPolicy = 'error' | 'nan' | 'skip-row' | { fill: number };

/** A loaded table: column names in file order and one typed array per column. */
export interface Table {
  readonly columns: string[];
  readonly data: Record<string, Float64Array | Int32Array | string[] | Uint8Array>;
  /** Number of rows kept. */
  readonly rows: number;
  /** Number of rows dropped by `missing: 'skip-row'`. */
  readonly skipped: number;
  /** Where the dropped rows were: CSV line numbers or JSON row indices. */
  readonly skippedAt: number[];
}

/** @internal A cell value after typing. */
export type Cell = number | string | boolean;

/** @internal Thrown by convert for a missing value under 'skip-row'. */
export const SKIP = Symbol('skip-row');

const NUMBER_RE = /^[+-]?(\d+\.?\d*([eE][+-]?\d+)?|\.\d+([eE][+-]?\d+)?|inf|infinity|nan)$/i;

/** @internal Parse a CSV text cell, or return an error message fragment. */
export function parseText(type: ColumnType, raw: string): Cell | { error: string } {
  const t = raw.trim();
  switch (type) {
    case 'string':
      return raw;
    case 'number': {
      if (!NUMBER_RE.test(t)) return { error: 'is not a number' };
      const l = t.toLowerCase().replace(/^[+-]/, '');
      if (l === 'nan') return NaN;
      if (l === 'inf' || l === 'infinity') return t.startsWith('-') ? -Infinity : Infinity;
      return Number(t);
    }
    case 'int': {
      if (!/^[+-]?\d+$/.test(t)) return { error: 'is not an integer' };
      const v = Number(t);
      if (v > 2147483647 || v < -2147483648) return { error: 'does not fit int32' };
      return v;
    }
    case 'bool': {
      const l = t.toLowerCase();
      if (l === 'true' || l === '1') return true;
      if (l === 'false' || l === '0') return false;
      return { error: 'is not a boolean (true/false/1/0)' };
    }
  }
}

/** @internal The value stored for a missing cell, SKIP, or an error message fragment. */
export function missingValue(type: ColumnType, policy: MissingPolicy): Cell | typeof SKIP | { error: string } {
  if (policy === 'skip-row') return SKIP;
  if (policy === 'error') return { error: "is missing (set missing: 'nan', 'skip-row' or { fill } to allow it)" };
  if (policy === 'nan') {
    return type === 'number' ? NaN : { error: `is missing, and missing: 'nan' applies to number columns only (this one is ${type})` };
  }
  const f = policy.fill;
  if (type === 'string') return String(f);
  if (type === 'bool') return f === 0 || f === 1 ? f === 1 : { error: `is missing, and fill ${f} is not 0 or 1 for a bool column` };
  if (type === 'int' && !(Number.isInteger(f) && f <= 2147483647 && f >= -2147483648)) {
    return { error: `is missing, and fill ${f} is not an int32` };
  }
  return f;
}

/** @internal Growable typed storage for one column. */
export class ColumnBuilder {
  private num: Float64Array | Int32Array | Uint8Array;
  private str: string[] = [];
  length = 0;

  constructor(readonly type: ColumnType) {
    this.num = type === 'int' ? new Int32Array(64) : type === 'bool' ? new Uint8Array(64) : new Float64Array(64);
  }

  push(v: Cell): void {
    if (this.type === 'string') {
      this.str.push(v as string);
    } else {
      if (this.length === this.num.length) {
        const grown = new (this.num.constructor as new (n: number) => typeof this.num)(this.num.length * 2);
        grown.set(this.num);
        this.num = grown;
      }
      this.num[this.length] = typeof v === 'boolean' ? (v ? 1 : 0) : (v as number);
    }
    this.length++;
  }

  finish(): Float64Array | Int32Array | string[] | Uint8Array {
    return this.type === 'string' ? this.str : this.num.slice(0, this.length);
  }
}
