/**
 * Parses decoded CSV text into a header and data rows — RFC 4180 plus what Excel actually writes.
 *
 * Decisions:
 * - Delimiter: `,`, `;` or tab, from `options.delimiter`, else an Excel `sep=X` first line, else
 *   detected (see detect-delimiter.ts). A `sep=` line is always skipped.
 * - Quoted cells are kept exactly; unquoted cells lose surrounding spaces and tabs (nothing else —
 *   no NBSP, no other Unicode spaces). Quote a value to keep leading or trailing spaces.
 * - Line ends CRLF, LF and lone CR; line breaks inside quoted cells are kept as written.
 * - Ignored records: blank lines, and lines whose cells are all empty — such as `,,,` which Excel
 *   writes for empty rows inside the used range, and `"",""`. Ignored records do not count as rows.
 * - The first non-ignored record is the header. A data row whose cell count differs from the
 *   header's, or with text after a closing quote, becomes a problem (with its line) and is left out
 *   of `rows` — never padded or cut.
 * - Whole-file errors (CsvFormatError): empty file, header without data rows, unterminated quote
 *   (naming the line where the quoted cell starts), more than `maxRows` data rows, and the limits
 *   of csv-limits.ts (columns, value and row length, lines), each naming the limit and the line.
 * - A leading U+FEFF (BOM) in the text is skipped.
 * - The text streams: it may come as chunks (as the import decodes it), and only the records are
 *   kept, never the whole text. Delimiter detection looks at the first 64 Ki characters.
 */
import { CsvFormatError } from './csv-format-error';
import { csvLimits, formatCount } from './csv-limits';
import { csvDelimiterNames, csvDelimiters, type CsvDelimiter } from '@shared/models/enablement';
import { detectDelimiter } from './detect-delimiter';
import { readCsvRecords } from './read-csv-records';

export type { CsvDelimiter };

export interface CsvRow {
  /** 1-based line number in the file where the row starts. */
  line: number;
  cells: string[];
}

export interface CsvProblem {
  line: number;
  message: string;
}

export interface ParsedCsv {
  delimiter: CsvDelimiter;
  header: string[];
  rows: CsvRow[];
  problems: CsvProblem[];
}

export interface ParseCsvOptions {
  /** The admin's choice; skips detection and any `sep=` line's value. */
  delimiter?: CsvDelimiter;
  /** Most data rows accepted; default csvLimits.maxRows (100,000). */
  maxRows?: number;
}

/** The most data rows one import accepts; bulk enablement beyond this should be split anyway. */
export const defaultMaxRows = csvLimits.maxRows;

/** How much of the text the delimiter detection (and the `sep=` check) looks at. */
const detectionSample = 65_536;

/** Excel's `sep=;` first line: returns the declared delimiter and where the data starts. */
function readSepLine(text: string, start: number): { delimiter: CsvDelimiter; next: number } | undefined {
  if (text.slice(start, start + 4).toLowerCase() !== 'sep=') return undefined;
  let end = start + 4;
  while (end < text.length && text[end] !== '\r' && text[end] !== '\n') end++;
  const declared = text.slice(start + 4, end);
  if (declared.length !== 1) return undefined;
  const delimiter = csvDelimiters.find((d) => d === declared);
  if (!delimiter) {
    throw new CsvFormatError(`Line 1: the file declares "sep=${declared}", but only comma, semicolon and tab separated files are supported.`, 1);
  }
  let next = end;
  if (text[next] === '\r') next++;
  if (text[next] === '\n') next++;
  return { delimiter, next };
}

/** The first `detectionSample` characters (or all of a shorter text), then the rest of the chunks. */
async function splitStart(
  input: string | Iterable<string> | AsyncIterable<string>,
): Promise<{ start: string; complete: boolean; rest: AsyncIterable<string> }> {
  if (typeof input === 'string') {
    const rest = async function* () {
      for (let i = detectionSample; i < input.length; i += detectionSample) yield input.slice(i, i + detectionSample);
    };
    return { start: input.slice(0, detectionSample), complete: input.length <= detectionSample, rest: rest() };
  }
  const iterator = Symbol.asyncIterator in input ? input[Symbol.asyncIterator]() : input[Symbol.iterator]();
  let start = '';
  let complete = false;
  while (start.length < detectionSample) {
    const next = await iterator.next();
    if (next.done) {
      complete = true;
      break;
    }
    start += next.value;
  }
  const rest = async function* () {
    if (complete) return;
    for (;;) {
      const next = await iterator.next();
      if (next.done) return;
      yield next.value;
    }
  };
  return { start, complete, rest: rest() };
}

/**
 * Parses CSV text — a string, or its chunks in order — into header, rows and per-row problems, so
 * the import can show the admin which lines need fixing instead of silently guessing. Throws
 * CsvFormatError when the file as a whole is unusable (empty, header only, unterminated quote, too
 * many rows, a limit passed).
 */
export async function parseCsv(input: string | Iterable<string> | AsyncIterable<string>, options: ParseCsvOptions = {}): Promise<ParsedCsv> {
  const maxRows = options.maxRows ?? defaultMaxRows;
  if (!Number.isInteger(maxRows) || maxRows < 1) throw new RangeError(`maxRows must be a positive integer, got ${maxRows}`);

  const { start: sample, complete, rest } = await splitStart(input);
  let start = sample.charCodeAt(0) === 0xfeff ? 1 : 0;
  let firstLine = 1;
  const sep = readSepLine(sample, start);
  if (sep) {
    start = sep.next;
    firstLine = 2;
  }
  const text = sample.slice(start);
  const delimiter = options.delimiter ?? sep?.delimiter ?? (await detectDelimiter(text, { truncated: !complete }));

  let header: string[] | undefined;
  const rows: CsvRow[] = [];
  const problems: CsvProblem[] = [];
  let dataRecords = 0;

  const chunks = async function* () {
    yield text;
    yield* rest;
  };
  await readCsvRecords(
    chunks(),
    delimiter,
    (record) => {
      if (!record.error && record.cells.every((cell) => cell === '')) return;
      if (!header) {
        if (record.error) throw new CsvFormatError(`Line ${record.line}: the header row cannot be read. ${record.error}`, record.line);
        header = record.cells;
        return;
      }
      dataRecords++;
      if (dataRecords > maxRows) {
        throw new CsvFormatError(
          `The file has more than ${formatCount(maxRows)} data rows (row ${formatCount(maxRows + 1)} starts on line ${record.line}). Split it into files of at most ${formatCount(maxRows)} rows.`,
          record.line,
        );
      }
      if (record.error) {
        problems.push({ line: record.line, message: record.error });
      } else if (record.cells.length !== header.length) {
        const n = record.cells.length;
        const hint =
          n > header.length
            ? ` Is a value containing a ${csvDelimiterNames[delimiter]} missing its quotes?`
            : ' Are delimiters missing, or is a value with a line break missing its quotes?';
        problems.push({
          line: record.line,
          message: `This row has ${n} value${n === 1 ? '' : 's'} but the header has ${header.length} column${header.length === 1 ? '' : 's'}.${hint}`,
        });
      } else {
        rows.push({ line: record.line, cells: record.cells });
      }
    },
    { firstLine },
  );

  if (!header) throw new CsvFormatError('The file is empty. Export the users with a header row and at least one data row.');
  if (dataRecords === 0) throw new CsvFormatError('The file has a header row but no data rows.');
  return { delimiter, header, rows, problems };
}
