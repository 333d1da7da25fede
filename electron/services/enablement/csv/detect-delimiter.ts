/**
 * Picks the delimiter of a CSV whose author did not say: Excel writes `,` or `;` depending on the
 * Windows list separator (`;` wherever `,` is the decimal separator), and tab for "Unicode Text".
 */
import { CsvFormatError } from './csv-format-error';
import { csvDelimiters, type CsvDelimiter } from '@shared/models/enablement';
import { readCsvRecords } from './read-csv-records';

/** How many non-blank records the detection looks at. */
const sampleRecords = 50;

/** Per candidate: the header's cell count and how many of the following sampled records match it. */
export interface DelimiterScore {
  delimiter: CsvDelimiter;
  headerCells: number;
  consistency: number;
}

async function score(sample: string, delimiter: CsvDelimiter, truncated: boolean): Promise<DelimiterScore> {
  const counts: number[] = [];
  let stopped = false;
  try {
    await readCsvRecords([sample], delimiter, (record) => {
      if (!record.error && record.cells.every((cell) => cell === '')) return true;
      counts.push(record.cells.length);
      stopped = counts.length >= sampleRecords;
      return !stopped;
    });
  } catch (error) {
    // An unterminated quote or a limit passed: judge on the records before it; parseCsv reports the error itself.
    if (!(error instanceof CsvFormatError)) throw error;
  }
  // The last record of a sample cut from a longer text may be cut short too.
  if (truncated && !stopped && counts.length > 1) counts.pop();
  const [headerCells = 0, ...rest] = counts;
  const consistency = rest.length === 0 ? 1 : rest.filter((n) => n === headerCells).length / rest.length;
  return { delimiter, headerCells, consistency };
}

/**
 * Scores each candidate by parsing the first records of `sample` (the start of the text) with it
 * (quotes respected, so delimiters inside quoted values don't count): a candidate must split the
 * header into at least two cells; among those, the one whose cell count holds for most of the
 * following records wins, then the one giving more header cells, then `,` before `;` before tab.
 * When no candidate splits the header, the file has one column and `,` is reported. `truncated`
 * says the sample was cut from a longer text.
 */
export async function detectDelimiter(sample: string, options: { truncated?: boolean } = {}): Promise<CsvDelimiter> {
  let best: DelimiterScore | undefined;
  for (const delimiter of csvDelimiters) {
    const s = await score(sample, delimiter, options.truncated ?? false);
    if (s.headerCells < 2) continue;
    if (!best || s.consistency > best.consistency || (s.consistency === best.consistency && s.headerCells > best.headerCells)) best = s;
  }
  return best?.delimiter ?? ',';
}
