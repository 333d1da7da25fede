/**
 * The CSV tokenizer: csv-parse, streaming, with the cell rules of RFC 4180 and of what Excel
 * writes, the physical line where each record starts, and the limits of csv-limits.ts enforced
 * while the text is read. It knows nothing about headers — `parseCsv` and the delimiter detection
 * build on it.
 *
 * Cell rules (documented for admins in parse-csv.ts):
 * - A cell whose first non-blank character is `"` is quoted: its content is kept exactly (line
 *   breaks, spaces, delimiters included), `""` stands for one `"`. Blanks around the quotes are
 *   ignored; anything else between the closing quote and the next delimiter marks the record bad.
 * - Any other cell is unquoted: it ends at the delimiter or line end, surrounding spaces and tabs
 *   are trimmed, and a `"` inside it is an ordinary character (csv-parse `relax_quotes`).
 * - Records end at CRLF, LF or a lone CR, in any mix.
 *
 * How csv-parse is made to follow them:
 * - Blanks are only space and tab. csv-parse's `ltrim`/`rtrim` trim every Unicode space (NBSP,
 *   U+3000 …), which must survive in names, so those characters travel through the parser
 *   escaped as U+E000 + a letter (U+E000 itself as U+E000 + `0`) and are restored in each cell.
 * - A record with text after a closing quote stops csv-parse. The reader then re-reads that one
 *   record from its first byte with `rtrim` off (where csv-parse keeps such text as part of the
 *   cell), reports it as bad, and carries on after it with a fresh parser. Bytes are kept from the
 *   start of the current record only, which the row limit bounds.
 * - The column limit rides on `ignore_last_delimiters`: after `maxColumns` cells, delimiters no
 *   longer split, so a line of a million commas becomes one cell that grows until the row limit
 *   (`max_record_size`) stops it, with no million-element array on the way.
 * - Line numbers are counted here: the line breaks inside each record's cells (csv-parse counts a
 *   CRLF inside quotes as two lines) plus the empty lines csv-parse skipped before it
 *   (`skip_empty_lines`, its `empty_lines` count), each one physical line.
 * - csv-parse builds an error object for every record whose cell count differs from the first
 *   record's, even with `relax_column_count`; such rows are problems in a real file, and
 *   `skip_empty_lines` keeps blank lines from paying for it.
 */
import { CsvError, Parser, type Options } from 'csv-parse';
import { parse as parseWhole } from 'csv-parse/sync';
import { CsvFormatError } from './csv-format-error';
import { csvLimits, formatCount, type CsvLimits } from './csv-limits';
import type { CsvDelimiter } from '@shared/models/enablement';

export interface CsvRecord {
  /** 1-based line where the record starts. */
  line: number;
  cells: string[];
  /** Set when a quoted cell is followed by stray text, e.g. `"abc"def`. */
  error?: string;
}

export interface ReadCsvRecordsOptions {
  /** The line the text starts on (2 after an Excel `sep=` line). */
  firstLine?: number;
  limits?: CsvLimits;
}

/** `visit` returns false to stop reading. */
export type CsvRecordVisitor = (record: CsvRecord) => boolean | void;

const ESCAPE = '\ue000';
/** Every character csv-parse would trim besides space, tab, CR and LF (its `timchars`, and what String#trimEnd removes). */
const trimmedByCsvParse = '\v\f\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000\ufeff';
const codes = 'abcdefghijklmnopqrstuvwxyz';
const escapeCode = new Map<string, string>([[ESCAPE, '0'], ...[...trimmedByCsvParse].map((ch, i): [string, string] => [ch, codes[i]!])]);
const unescapeCode = new Map([...escapeCode].map(([ch, code]) => [code, ch]));
const needsEscape = new RegExp(`[${ESCAPE}${trimmedByCsvParse}]`, 'g');
const escaped = new RegExp(`${ESCAPE}([\\s\\S])`, 'g');

const protectSpaces = (text: string): string => text.replace(needsEscape, (ch) => ESCAPE + escapeCode.get(ch)!);
const restoreSpaces = (cell: string): string => (cell.includes(ESCAPE) ? cell.replace(escaped, (_, code: string) => unescapeCode.get(code) ?? code) : cell);

/** Physical line breaks in a cell: CRLF, LF and lone CR count one each. */
function lineBreaks(cell: string): number {
  if (cell.indexOf('\n') < 0 && cell.indexOf('\r') < 0) return 0;
  let count = 0;
  for (let i = 0; i < cell.length; i++) {
    const c = cell.charCodeAt(i);
    if (c === 10) count++;
    else if (c === 13) {
      count++;
      if (cell.charCodeAt(i + 1) === 10) i++;
    }
  }
  return count;
}

/** Thrown from `on_record` to stop csv-parse where the reader takes over. */
class Handover {
  constructor(
    readonly kind: 'stop' | 'resume',
    readonly at = 0,
  ) {}
}

const isStrayTextAfterQuote = (error: unknown): error is CsvError =>
  error instanceof CsvError && (error.code === 'CSV_NON_TRIMABLE_CHAR_AFTER_CLOSING_QUOTE' || error.code === 'CSV_INVALID_CLOSING_QUOTE');

function parserOptions(delimiter: CsvDelimiter, limits: CsvLimits, mode: 'strict' | 'extent'): Options {
  return {
    delimiter,
    quote: '"',
    escape: '"',
    record_delimiter: ['\r\n', '\n', '\r'],
    ltrim: true,
    // Off while re-reading a bad record: csv-parse then keeps stray text after a closing quote.
    rtrim: mode === 'strict',
    relax_quotes: true,
    relax_column_count: true,
    skip_empty_lines: true,
    // csv-parse checks before it appends a character, so a record may reach one more than this.
    max_record_size: limits.maxRowLength - 1,
    ignore_last_delimiters: limits.maxColumns + 1,
  };
}

const write = (parser: Parser, bytes: Buffer): Promise<void> =>
  new Promise((resolve, reject) => parser.write(bytes, (error) => (error ? reject(error) : resolve())));
const end = (parser: Parser): Promise<void> =>
  new Promise((resolve, reject) => {
    parser.once('error', reject);
    parser.once('finish', resolve);
    parser.end();
  });

/**
 * Reads `source` (text chunks, in order) as CSV with `delimiter` and hands every record, blank ones
 * included, to `visit`. Throws CsvFormatError — naming the line, and the limit where one was
 * passed — for a closing quote that is missing (everything after it would be swallowed), a row
 * with more than `maxColumns` cells, a cell longer than `maxCellLength`, a row longer than
 * `maxRowLength`, a file of more than `maxLines` lines. Errors thrown by `visit` or the source pass
 * through unchanged.
 */
export async function readCsvRecords(
  source: Iterable<string> | AsyncIterable<string>,
  delimiter: CsvDelimiter,
  visit: CsvRecordVisitor,
  options: ReadCsvRecordsOptions = {},
): Promise<void> {
  const reader = new RecordReader(delimiter, visit, options.limits ?? csvLimits, options.firstLine ?? 1);
  let carry = '';
  for await (const chunk of source) {
    let text = carry + chunk;
    carry = '';
    // A surrogate pair split between chunks would be mangled by the UTF-8 round trip.
    const last = text.charCodeAt(text.length - 1);
    if (last >= 0xd800 && last <= 0xdbff) {
      carry = text.slice(-1);
      text = text.slice(0, -1);
    }
    if (text && !(await reader.push(text))) return;
  }
  if (carry) {
    if (!(await reader.push(carry))) return;
  }
  await reader.finish();
}

class RecordReader {
  private parser: Parser;
  private mode: 'strict' | 'extent' = 'strict';
  /** Absolute byte offset (in what was handed to csv-parse) where the current parser started. */
  private parserStart = 0;
  /** The bytes from the start of the current record to the end of what was handed on. */
  private window: Buffer[] = [];
  private windowStart = 0;
  /** The line the next record starts on, not counting the empty lines the current parser skipped after `emptyLines`. */
  private line: number;
  private emptyLines = 0;
  private escapes = false;
  private stopped = false;
  /** What is wrong with the record being re-read in 'extent' mode. */
  private badRecord = '';

  constructor(
    private readonly delimiter: CsvDelimiter,
    private readonly visit: CsvRecordVisitor,
    private readonly limits: CsvLimits,
    firstLine: number,
  ) {
    this.line = firstLine;
    this.parser = this.newParser('strict', 0);
  }

  /** Hands on the next piece of text; false once `visit` asked to stop. */
  async push(text: string): Promise<boolean> {
    const safe = protectSpaces(text);
    this.escapes ||= safe.length !== text.length;
    const bytes = Buffer.from(safe, 'utf8');
    this.window.push(bytes);
    await this.advance(bytes, false);
    return !this.stopped;
  }

  async finish(): Promise<void> {
    await this.advance(undefined, true);
  }

  private newParser(mode: 'strict' | 'extent', start: number): Parser {
    this.mode = mode;
    this.parserStart = start;
    this.emptyLines = 0;
    const parser = new Parser({
      ...parserOptions(this.delimiter, this.limits, mode),
      on_record: (record: string[], info) => this.onRecord(record, info.bytes, info.empty_lines),
    });
    // Errors arrive through the write and end callbacks; this keeps them from being thrown again as events.
    parser.on('error', () => undefined);
    return parser;
  }

  /** Feeds `bytes` (already in the window) to the parser, and ends it when `ending`, switching parsers where the reader takes over. */
  private async advance(bytes: Buffer | undefined, ending: boolean): Promise<void> {
    let pending = bytes;
    for (;;) {
      try {
        if (pending?.length) {
          const next = pending;
          pending = undefined;
          await write(this.parser, next);
        }
        if (ending) await end(this.parser);
        return;
      } catch (error) {
        if (error instanceof Handover && error.kind === 'stop') {
          this.stopped = true;
          return;
        }
        if (error instanceof Handover) {
          // The bad record ended at `at`: the rest of the window goes to a fresh strict parser.
          this.consumed(error.at);
          this.parser = this.newParser('strict', error.at);
        } else if (this.mode === 'strict' && isStrayTextAfterQuote(error)) {
          this.badRecord = `Column ${Number(error.index) + 1}: unexpected text after the closing quote. Put the whole value in quotes and write any quote inside it as "".`;
          this.parser = this.newParser('extent', this.windowStart);
        } else {
          throw this.explain(error);
        }
        pending = Buffer.concat(this.window);
      }
    }
  }

  /** Drops window bytes before the absolute offset `at`. */
  private consumed(at: number): void {
    while (this.window.length > 0 && this.windowStart + this.window[0]!.length <= at) {
      this.windowStart += this.window.shift()!.length;
    }
    if (this.window.length > 0 && at > this.windowStart) {
      this.window[0] = this.window[0]!.subarray(at - this.windowStart);
      this.windowStart = at;
    }
  }

  private onRecord(raw: string[], bytes: number, emptyLines: number): null {
    this.line += emptyLines - this.emptyLines;
    this.emptyLines = emptyLines;
    const line = this.line;
    const cells = this.escapes ? raw.map(restoreSpaces) : raw;
    let breaks = 0;
    for (const cell of cells) breaks += lineBreaks(cell);
    this.line += breaks + 1;
    this.checkLimits(line, cells);
    const end = this.parserStart + bytes;
    if (this.mode === 'extent') {
      this.visit({ line, cells, error: this.badRecord });
      throw new Handover('resume', end);
    }
    this.consumed(end);
    if (this.visit({ line, cells }) === false) throw new Handover('stop');
    return null;
  }

  private checkLimits(line: number, cells: string[]): void {
    const { maxLines, maxColumns, maxCellLength } = this.limits;
    if (line > maxLines) {
      throw new CsvFormatError(
        `The file has more than ${formatCount(maxLines)} lines (blank lines included), more than an Excel worksheet holds. Remove the empty lines or split the file.`,
        line,
      );
    }
    if (cells.length > maxColumns) throw this.tooManyColumns(line);
    const long = cells.findIndex((cell) => cell.length > maxCellLength);
    if (long >= 0) {
      throw new CsvFormatError(
        `Line ${line}, column ${long + 1}: a value is longer than ${formatCount(maxCellLength)} characters, the most one value may have. Remove that column or shorten the value.`,
        line,
      );
    }
  }

  private tooManyColumns(line: number): CsvFormatError {
    const { maxColumns } = this.limits;
    return new CsvFormatError(
      `Line ${line}: the row has more than ${formatCount(maxColumns)} columns, the most a file may have. Is this a list of users, and is the delimiter right?`,
      line,
    );
  }

  /** Turns what stopped csv-parse into a refusal that names the line (and the limit). */
  private explain(error: unknown): unknown {
    if (!(error instanceof CsvError)) return error;
    // The record csv-parse stopped in starts after the empty lines it skipped since the last record.
    const line = this.line + (Number(error.empty_lines) - this.emptyLines || 0);
    switch (error.code) {
      case 'CSV_MAX_RECORD_SIZE':
        // Past `maxColumns` cells the delimiters stop splitting, so a row with too many cells ends up here.
        if (Number(error.index) >= this.limits.maxColumns) return this.tooManyColumns(line);
        return new CsvFormatError(
          `Line ${line}: the row is longer than ${formatCount(this.limits.maxRowLength)} characters, the most one row may have (reading stopped in column ${Number(error.index) + 1}). Is a closing quote missing, or is this not a list of users?`,
          line,
        );
      case 'CSV_QUOTE_NOT_CLOSED': {
        const quoteLine = this.unclosedQuoteLine(line);
        return new CsvFormatError(
          `Line ${quoteLine}: a quoted value starts here but its closing quote (") is missing, so the rest of the file cannot be read. Check for a stray quote character on that line.`,
          quoteLine,
        );
      }
      default:
        return new CsvFormatError(`Line ${line}: the file cannot be read as CSV (${error.message}).`, line);
    }
  }

  /**
   * The line where the unterminated quoted cell starts: the window holds its record (after any
   * empty lines) to the end of the file; closed with a quote, the cells before the last one tell
   * how many lines after `recordLine` it starts.
   */
  private unclosedQuoteLine(recordLine: number): number {
    try {
      const [record] = parseWhole(Buffer.concat([...this.window, Buffer.from('"')]), {
        ...parserOptions(this.delimiter, this.limits, 'extent'),
        max_record_size: 0,
        to: 1,
      }) as string[][];
      return recordLine + (record ?? []).slice(0, -1).reduce((sum, cell) => sum + lineBreaks(cell), 0);
    } catch {
      return recordLine;
    }
  }
}
