/** @internal One CSV record: its raw fields and the (1-based) physical line on which it starts. */
export interface CsvRecord {
  readonly fields: string[];
  readonly line: number;
}

/** @internal Tokenizer options. */
export interface TokenizerOptions {
  readonly delimiter: string;
  readonly quote: string;
  readonly comment: string | undefined;
  readonly source: string;
}

/**
 * @internal A push tokenizer for RFC 4180 CSV: feed string chunks, get complete records back.
 * Handles quoted fields with embedded delimiters, newlines and doubled quotes; CRLF, LF and CR
 * line ends; a leading BOM; comment lines; blank lines (skipped: they hold no record). Chunk
 * boundaries may fall anywhere, including between CR and LF or between two quotes.
 */
export class CsvTokenizer {
  private fields: string[] = [];
  private field = '';
  private state: 'start' | 'unquoted' | 'quoted' | 'quote-in-quoted' | 'comment' = 'start';
  private line = 1;
  private recordLine = 1;
  private quoteLine = 1;
  private afterCR = false;
  private first = true;
  private crInQuote = false;

  constructor(private readonly opts: TokenizerOptions) {
    if (opts.delimiter.length !== 1) throw new Error(`delimiter: must be one character, got ${JSON.stringify(opts.delimiter)}`);
    if (opts.quote.length !== 1 || opts.quote === opts.delimiter) {
      throw new Error(`quote: must be one character other than the delimiter, got ${JSON.stringify(opts.quote)}`);
    }
    if (opts.comment !== undefined && opts.comment.length !== 1) {
      throw new Error(`comment: must be one character, got ${JSON.stringify(opts.comment)}`);
    }
  }

  private fail(msg: string): never {
    throw new Error(`${this.opts.source}: line ${this.line}: ${msg}`);
  }

  private endField(): void {
    this.fields.push(this.field);
    this.field = '';
  }

  private endRecord(out: CsvRecord[]): void {
    this.endField();
    const blank = this.fields.length === 1 && this.fields[0] === '' && !this.lastQuoted;
    if (!blank) out.push({ fields: this.fields, line: this.recordLine });
    this.fields = [];
    this.state = 'start';
  }

  private lastQuoted = false;

  /** Feed one chunk; returns the records completed by it. */
  push(chunk: string): CsvRecord[] {
    const out: CsvRecord[] = [];
    const { delimiter: d, quote: q, comment } = this.opts;
    let i = 0;
    if (this.first && chunk.length > 0) {
      this.first = false;
      if (chunk.charCodeAt(0) === 0xfeff) i = 1;
    }
    for (; i < chunk.length; i++) {
      const c = chunk[i]!;
      if (this.afterCR) {
        this.afterCR = false;
        if (c === '\n') continue;
      }
      const newline = c === '\n' || c === '\r';
      switch (this.state) {
        case 'comment':
          if (newline) {
            this.afterCR = c === '\r';
            this.line++;
            this.recordLine = this.line;
            this.state = 'start';
          }
          break;
        case 'start':
          if (comment !== undefined && c === comment && this.fields.length === 0) {
            this.state = 'comment';
            break;
          }
          this.lastQuoted = false;
        // falls through
        case 'unquoted':
          if (c === d) {
            this.endField();
            this.state = 'start';
          } else if (newline) {
            this.afterCR = c === '\r';
            this.endRecord(out);
            this.line++;
            this.recordLine = this.line;
          } else if (c === q) {
            if (this.state === 'start' && this.field === '') {
              this.state = 'quoted';
              this.lastQuoted = true;
              this.quoteLine = this.line;
              this.crInQuote = false;
            } else {
              this.fail(`field ${this.fields.length + 1}: stray quote inside an unquoted field ${JSON.stringify(this.field + c)}`);
            }
          } else {
            this.field += c;
            this.state = 'unquoted';
          }
          break;
        case 'quoted':
          if (c === q) this.state = 'quote-in-quoted';
          else {
            if (c === '\r' || (c === '\n' && !this.crInQuote)) this.line++;
            this.field += c;
          }
          this.crInQuote = c === '\r';
          break;
        case 'quote-in-quoted':
          if (c === q) {
            this.field += q;
            this.state = 'quoted';
          } else if (c === d) {
            this.endField();
            this.state = 'start';
          } else if (newline) {
            this.afterCR = c === '\r';
            this.endRecord(out);
            this.line++;
            this.recordLine = this.line;
          } else {
            this.fail(`field ${this.fields.length + 1}: unexpected ${JSON.stringify(c)} after the closing quote of a quoted field`);
          }
          break;
      }
    }
    return out;
  }

  /** Signal the end of input; returns the last record if the file did not end with a newline. */
  end(): CsvRecord[] {
    const out: CsvRecord[] = [];
    if (this.state === 'quoted') {
      throw new Error(`${this.opts.source}: line ${this.quoteLine}: unterminated quoted field (the file ends inside quotes; truncated?)`);
    }
    if (this.state === 'comment') return out;
    if (this.state !== 'start' || this.fields.length > 0 || this.field !== '') this.endRecord(out);
    return out;
  }
}
