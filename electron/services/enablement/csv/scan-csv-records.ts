/**
 * The CSV tokenizer: splits text into records and cells the way RFC 4180 and Excel do, keeping
 * the physical line number where each record starts. It knows nothing about headers or limits —
 * `parseCsv` and the delimiter detection build on it.
 *
 * Cell rules (decided here, documented in parse-csv.ts):
 * - A cell whose first non-blank character is `"` is quoted: its content is kept exactly (line
 *   breaks, spaces, delimiters included), `""` stands for one `"`. Blanks around the quotes are
 *   ignored; anything else between the closing quote and the next delimiter marks the record bad.
 * - Any other cell is unquoted: it ends at the delimiter or line end, surrounding spaces and tabs
 *   are trimmed, and a `"` inside it is an ordinary character.
 * - Records end at CRLF, LF or a lone CR.
 */
import { CsvFormatError } from './csv-format-error';
import type { CsvDelimiter } from './parse-csv';

export interface ScannedRecord {
  /** 1-based line where the record starts. */
  line: number;
  cells: string[];
  /** Set when a quoted cell is followed by stray text, e.g. `"abc"def`. */
  error?: string;
}

const QUOTE = 34;
const CR = 13;
const LF = 10;
const SPACE = 32;
const TAB = 9;

function countLineBreaks(text: string, from: number, to: number): number {
  let count = 0;
  for (let i = from; i < to; i++) {
    const c = text.charCodeAt(i);
    if (c === LF) count++;
    else if (c === CR) {
      count++;
      if (text.charCodeAt(i + 1) === LF) i++;
    }
  }
  return count;
}

/**
 * Scans `text` from `start` (which is on line `firstLine`) and hands every record to `visit`;
 * `visit` returns false to stop early. Throws CsvFormatError, naming the line where the quoted
 * cell started, when a closing quote is missing — everything after it would be swallowed.
 */
export function scanCsvRecords(
  text: string,
  delimiter: CsvDelimiter,
  visit: (record: ScannedRecord) => boolean | void,
  start = 0,
  firstLine = 1,
): void {
  const d = delimiter.charCodeAt(0);
  const blank = (c: number): boolean => c === SPACE || (c === TAB && d !== TAB);
  const length = text.length;
  let pos = start;
  let line = firstLine;

  while (pos < length) {
    const record: ScannedRecord = { line, cells: [] };
    for (;;) {
      let p = pos;
      while (p < length && blank(text.charCodeAt(p))) p++;
      let c = p < length ? text.charCodeAt(p) : -1;

      if (c === QUOTE) {
        const quoteLine = line;
        let value = '';
        let segment = p + 1;
        for (;;) {
          const q = text.indexOf('"', segment);
          if (q < 0) {
            throw new CsvFormatError(
              `Line ${quoteLine}: a quoted value starts here but its closing quote (") is missing, so the rest of the file cannot be read. Check for a stray quote character on that line.`,
              quoteLine,
            );
          }
          line += countLineBreaks(text, segment, q);
          if (text.charCodeAt(q + 1) === QUOTE) {
            value += text.slice(segment, q + 1);
            segment = q + 2;
          } else {
            value += text.slice(segment, q);
            p = q + 1;
            break;
          }
        }
        while (p < length && blank(text.charCodeAt(p))) p++;
        c = p < length ? text.charCodeAt(p) : -1;
        if (c !== d && c !== CR && c !== LF && c !== -1) {
          record.error ??= `Column ${record.cells.length + 1}: unexpected text after the closing quote. Put the whole value in quotes and write any quote inside it as "".`;
          while (p < length) {
            c = text.charCodeAt(p);
            if (c === d || c === CR || c === LF) break;
            p++;
          }
          if (p >= length) c = -1;
        }
        record.cells.push(value);
      } else {
        let end = p;
        while (end < length) {
          c = text.charCodeAt(end);
          if (c === d || c === CR || c === LF) break;
          end++;
        }
        if (end >= length) c = -1;
        let trimmed = end;
        while (trimmed > p && blank(text.charCodeAt(trimmed - 1))) trimmed--;
        record.cells.push(text.slice(p, trimmed));
        p = end;
      }

      if (c === d) {
        pos = p + 1;
        continue;
      }
      if (c === CR) {
        pos = text.charCodeAt(p + 1) === LF ? p + 2 : p + 1;
        line++;
      } else if (c === LF) {
        pos = p + 1;
        line++;
      } else {
        pos = length;
      }
      break;
    }
    if (visit(record) === false) return;
  }
}
