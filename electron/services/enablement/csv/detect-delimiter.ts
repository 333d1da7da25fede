/**
 * Picks the delimiter of a CSV whose author did not say: Excel writes `,` or `;` depending on the
 * Windows list separator (`;` wherever `,` is the decimal separator), and tab for "Unicode Text".
 */
import { CsvFormatError } from './csv-format-error';
import type { CsvDelimiter } from './parse-csv';
import { scanCsvRecords } from './scan-csv-records';

/** Candidates, in tie-break order. */
export const csvDelimiters: readonly CsvDelimiter[] = [',', ';', '\t'];

/** How many non-blank records the detection looks at. */
const sampleRecords = 50;

/** Per candidate: the header's cell count and how many of the following sampled records match it. */
export interface DelimiterScore {
  delimiter: CsvDelimiter;
  headerCells: number;
  consistency: number;
}

function score(text: string, delimiter: CsvDelimiter, start: number, firstLine: number): DelimiterScore {
  const counts: number[] = [];
  try {
    scanCsvRecords(
      text,
      delimiter,
      (record) => {
        if (record.cells.every((cell) => cell === '')) return true;
        counts.push(record.cells.length);
        return counts.length < sampleRecords;
      },
      start,
      firstLine,
    );
  } catch (error) {
    // An unterminated quote: judge on the records before it; parseCsv reports the error itself.
    if (!(error instanceof CsvFormatError)) throw error;
  }
  const [headerCells = 0, ...rest] = counts;
  const consistency = rest.length === 0 ? 1 : rest.filter((n) => n === headerCells).length / rest.length;
  return { delimiter, headerCells, consistency };
}

/**
 * Scores each candidate by parsing the first records with it (quotes respected, so delimiters
 * inside quoted values don't count): a candidate must split the header into at least two cells;
 * among those, the one whose cell count holds for most of the following records wins, then the
 * one giving more header cells, then `,` before `;` before tab. When no candidate splits the
 * header, the file has one column and `,` is reported.
 */
export function detectDelimiter(text: string, start = 0, firstLine = 1): CsvDelimiter {
  let best: DelimiterScore | undefined;
  for (const delimiter of csvDelimiters) {
    const s = score(text, delimiter, start, firstLine);
    if (s.headerCells < 2) continue;
    if (!best || s.consistency > best.consistency || (s.consistency === best.consistency && s.headerCells > best.headerCells)) best = s;
  }
  return best?.delimiter ?? ',';
}
