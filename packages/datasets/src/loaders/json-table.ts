import { ColumnBuilder, SKIP, missingValue, type Cell, type ColumnType, type MissingPolicy, type Table } from './columns.js';

/** Options of {@link loadJsonTable}. */
export interface JsonTableOptions {
  /** Column types by name; other columns take the type of their first non-null value. */
  readonly columns?: Readonly<Record<string, ColumnType>>;
  /** Missing-value policy for `null` and absent keys (default `'error'`). */
  readonly missing?: MissingPolicy;
  /** A name for error messages (default `'json'`). */
  readonly source?: string;
}

function describe(v: unknown): string {
  return v === undefined ? 'undefined' : JSON.stringify(v);
}

function jsonType(v: unknown): ColumnType | undefined {
  if (typeof v === 'number') return 'number';
  if (typeof v === 'string') return 'string';
  if (typeof v === 'boolean') return 'bool';
  return undefined;
}

function convert(type: ColumnType, v: unknown): Cell | { error: string } {
  switch (type) {
    case 'string':
      return typeof v === 'string' ? v : { error: 'is not a string' };
    case 'number':
      return typeof v === 'number' ? v : { error: 'is not a number' };
    case 'int':
      return typeof v === 'number' && Number.isInteger(v) && v <= 2147483647 && v >= -2147483648
        ? v
        : { error: 'is not an int32' };
    case 'bool':
      return typeof v === 'boolean' ? v : v === 0 || v === 1 ? v === 1 : { error: 'is not a boolean' };
  }
}

/**
 * Load a JSON table, either an array of records (`[{ "x": 1, "y": "a" }, ...]`) or a record of
 * equal-length arrays (`{ "x": [1, ...], "y": ["a", ...] }`), into one typed array per column.
 *
 * Column names come from the first record's keys (array layout) or the object's keys; a later
 * record with an extra key is an error. Types come from `columns` or the first non-null value.
 * `null` and absent keys follow `missing`.
 *
 * @param input - JSON text, or the already-parsed value.
 * @param options - column types, missing-value policy and a source name.
 * @returns the {@link Table}; `skippedAt` holds the row indices dropped by `'skip-row'`.
 * @throws Error naming the JSON path of the bad value, e.g. `$[3].mass: "abc" is not a number`.
 */
export function loadJsonTable(input: string | object, options: JsonTableOptions = {}): Table {
  const src = options.source ?? 'json';
  const missing = options.missing ?? 'error';
  let value: unknown = input;
  if (typeof input === 'string') {
    try {
      value = JSON.parse(input);
    } catch (e) {
      throw new Error(`${src}: not valid JSON (${(e as Error).message})`);
    }
  }
  let columns: string[];
  let rows: number;
  let get: (i: number, c: string) => unknown;
  let path: (i: number, c: string) => string;
  if (Array.isArray(value)) {
    const recs = value as unknown[];
    recs.forEach((r, i) => {
      if (typeof r !== 'object' || r === null || Array.isArray(r)) throw new Error(`${src}: $[${i}] is ${describe(r)}, not a record`);
    });
    columns = recs.length > 0 ? Object.keys(recs[0] as object) : Object.keys(options.columns ?? {});
    const known = new Set(columns);
    recs.forEach((r, i) => {
      for (const k of Object.keys(r as object)) {
        if (!known.has(k)) throw new Error(`${src}: $[${i}] has key '${k}', which record $[0] lacks (columns: ${columns.join(', ')})`);
      }
    });
    rows = recs.length;
    get = (i, c) => (recs[i] as Record<string, unknown>)[c];
    path = (i, c) => `$[${i}].${c}`;
  } else if (typeof value === 'object' && value !== null) {
    const obj = value as Record<string, unknown>;
    columns = Object.keys(obj);
    rows = -1;
    for (const c of columns) {
      const col = obj[c];
      if (!Array.isArray(col)) throw new Error(`${src}: $.${c} is ${describe(col)}, not an array`);
      if (rows >= 0 && col.length !== rows) {
        throw new Error(`${src}: $.${c} has ${col.length} entries, but $.${columns[0]} has ${rows}`);
      }
      rows = col.length;
    }
    rows = Math.max(rows, 0);
    get = (i, c) => (obj[c] as unknown[])[i];
    path = (i, c) => `$.${c}[${i}]`;
  } else {
    throw new Error(`${src}: expected an array of records or a record of arrays, got ${describe(value)}`);
  }
  for (const name of Object.keys(options.columns ?? {})) {
    if (!columns.includes(name)) throw new Error(`columns: '${name}' is not a column of ${src} (columns: ${columns.join(', ')})`);
  }
  const types = columns.map((c) => {
    const t = options.columns?.[c];
    if (t) return t;
    for (let i = 0; i < rows; i++) {
      const v = get(i, c);
      if (v === null || v === undefined) continue;
      const jt = jsonType(v);
      if (!jt) throw new Error(`${src}: ${path(i, c)} is ${describe(v)}, not a number, string or boolean`);
      return jt;
    }
    return 'number' as const;
  });
  const builders = types.map((t) => new ColumnBuilder(t));
  const skippedAt: number[] = [];
  const row: Cell[] = new Array<Cell>(columns.length);
  for (let i = 0; i < rows; i++) {
    let skip = false;
    for (let j = 0; j < columns.length; j++) {
      const c = columns[j]!;
      const raw = get(i, c);
      const v = raw === null || raw === undefined ? missingValue(types[j]!, missing) : convert(types[j]!, raw);
      if (v === SKIP) {
        skip = true;
        break;
      }
      if (typeof v === 'object') throw new Error(`${src}: ${path(i, c)}: ${describe(raw)} ${v.error}`);
      row[j] = v;
    }
    if (skip) skippedAt.push(i);
    else row.forEach((v, j) => builders[j]!.push(v));
  }
  const data: Table['data'] = {};
  columns.forEach((c, j) => (data[c] = builders[j]!.finish()));
  return { columns, data, rows: rows - skippedAt.length, skipped: skippedAt.length, skippedAt };
}
