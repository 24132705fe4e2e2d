import { ColumnBuilder, SKIP, missingValue, parseText, type Cell, type ColumnType, type MissingPolicy, type Table } from './columns.js';
import { CsvTokenizer, type CsvRecord } from './csv-tokenizer.js';
import { textChunks, type TextInput } from './text-input.js';

/** Options of {@link readCsv} and {@link loadCsv}. */
export interface CsvOptions {
  /** `true` (default): the first record names the columns; `false`: columns are named `'0'`, `'1'`, ...; a list: these names, and the first record is data. */
  readonly header?: boolean | readonly string[];
  /** Column types by name; columns not listed get `defaultType`. Number, int and bool fields are trimmed of surrounding spaces; string fields are kept as they are. */
  readonly columns?: Readonly<Record<string, ColumnType>>;
  /** Type of columns not named in `columns` (default `'number'`). */
  readonly defaultType?: ColumnType;
  /** Field delimiter, one character (default `','`). */
  readonly delimiter?: string;
  /** Quote character (default `'"'`). */
  readonly quote?: string;
  /** Lines whose first character is this are skipped (off by default). */
  readonly comment?: string;
  /** Missing-value policy (default `'error'`); see {@link MissingPolicy}. */
  readonly missing?: MissingPolicy;
  /** A name for error messages, such as the file name (default `'csv'`). */
  readonly source?: string;
}

/** One typed CSV row: values by column name, and the line on which the record starts. */
export interface CsvRow {
  readonly line: number;
  readonly values: Record<string, Cell>;
}

/**
 * A streaming CSV reader: iterate it (once) for typed rows. `columns` is known once the first row
 * has come out (or the header has been read); `skipped`/`skippedAt` count rows dropped under
 * `missing: 'skip-row'` so far.
 */
export interface CsvReader extends AsyncIterable<CsvRow> {
  readonly columns: readonly string[] | undefined;
  readonly skipped: number;
  readonly skippedAt: readonly number[];
}

class Reader implements CsvReader {
  columns: string[] | undefined;
  types: ColumnType[] = [];
  skipped = 0;
  skippedAt: number[] = [];
  private started = false;
  private readonly tokenizer: CsvTokenizer;

  constructor(
    private readonly input: TextInput,
    private readonly opts: CsvOptions,
  ) {
    const { header = true, missing = 'error' } = opts;
    this.tokenizer = new CsvTokenizer({
      delimiter: opts.delimiter ?? ',',
      quote: opts.quote ?? '"',
      comment: opts.comment,
      source: opts.source ?? 'csv',
    });
    if (Array.isArray(header)) this.setColumns([...(header as readonly string[])], 0);
    if (typeof missing === 'object' && !Number.isFinite(missing.fill) && !Number.isNaN(missing.fill)) {
      throw new Error(`missing: fill must be a number, got ${String(missing.fill)}`);
    }
  }

  private get src(): string {
    return this.opts.source ?? 'csv';
  }

  private setColumns(names: string[], line: number): void {
    const seen = new Set<string>();
    names.forEach((n, i) => {
      if (n === '') throw new Error(`${this.src}: line ${line}: header field ${i + 1} is empty`);
      if (seen.has(n)) throw new Error(`${this.src}: line ${line}: duplicate column name '${n}'`);
      seen.add(n);
    });
    for (const name of Object.keys(this.opts.columns ?? {})) {
      if (!seen.has(name)) throw new Error(`columns: '${name}' is not a column of ${this.src} (columns: ${names.join(', ')})`);
    }
    this.columns = names;
    this.types = names.map((n) => this.opts.columns?.[n] ?? this.opts.defaultType ?? 'number');
  }

  private typeRow(fields: string[], line: number): Record<string, Cell> | typeof SKIP {
    const cols = this.columns!;
    if (fields.length !== cols.length) {
      throw new Error(`${this.src}: line ${line}: expected ${cols.length} fields, found ${fields.length}`);
    }
    const values: Record<string, Cell> = {};
    const missing = this.opts.missing ?? 'error';
    for (let j = 0; j < cols.length; j++) {
      const raw = fields[j]!;
      const type = this.types[j]!;
      const v = raw.trim() === '' && type !== 'string' ? missingValue(type, missing) : parseText(type, raw);
      if (v === SKIP) return SKIP;
      if (typeof v === 'object') {
        throw new Error(`${this.src}: line ${line}, column '${cols[j]}' (${j + 1}): ${JSON.stringify(raw)} ${v.error}`);
      }
      values[cols[j]!] = v;
    }
    return values;
  }

  private *handle(records: CsvRecord[], header: CsvOptions['header']): Generator<CsvRow> {
    for (const r of records) {
      if (!this.columns) {
        if (header === true) {
          this.setColumns(r.fields.map((f) => f.trim()), r.line);
          continue;
        }
        this.setColumns(r.fields.map((_, i) => String(i)), r.line);
      }
      const values = this.typeRow(r.fields, r.line);
      if (values === SKIP) {
        this.skipped++;
        this.skippedAt.push(r.line);
      } else yield { line: r.line, values };
    }
  }

  async *[Symbol.asyncIterator](): AsyncIterator<CsvRow> {
    if (this.started) throw new Error(`readCsv: ${this.src} can be iterated only once`);
    this.started = true;
    const tok = this.tokenizer;
    const header = this.opts.header ?? true;
    for await (const chunk of textChunks(this.input, 'readCsv: input')) yield* this.handle(tok.push(chunk), header);
    yield* this.handle(tok.end(), header);
  }
}

/**
 * Stream a CSV file as typed rows: chunks in, rows out, holding only the current record.
 *
 * @param input - the CSV text, bytes, or a stream of chunks (see {@link TextInput}).
 * @param options - header, column types, delimiter, comment character and missing-value policy.
 * @returns a reader to iterate with `for await`; errors name the line, the column and the bad value,
 *   e.g. `line 17, column 'mass' (3): "abc" is not a number`; ragged rows name the expected and found
 *   field counts; a file that ends inside quotes is reported as unterminated.
 */
export function readCsv(input: TextInput, options: CsvOptions = {}): CsvReader {
  return new Reader(input, options);
}

/**
 * Load a whole CSV file into one typed array per column (streamed: only the columns are held).
 *
 * @param input - the CSV text, bytes, or a stream of chunks.
 * @param options - as for {@link readCsv}.
 * @returns the {@link Table}, with `skipped`/`skippedAt` (line numbers) for rows dropped by `'skip-row'`.
 */
export async function loadCsv(input: TextInput, options: CsvOptions = {}): Promise<Table> {
  const reader = new Reader(input, options);
  let builders: ColumnBuilder[] | undefined;
  for await (const row of reader) {
    builders ??= reader.types.map((t) => new ColumnBuilder(t));
    reader.columns!.forEach((c, j) => builders![j]!.push(row.values[c]!));
  }
  const columns = reader.columns ?? [];
  builders ??= reader.types.map((t) => new ColumnBuilder(t));
  const data: Table['data'] = {};
  columns.forEach((c, j) => (data[c] = builders![j]!.finish()));
  return { columns, data, rows: builders[0]?.length ?? 0, skipped: reader.skipped, skippedAt: reader.skippedAt };
}
