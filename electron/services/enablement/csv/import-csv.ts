/**
 * The whole CSV import in one call: bytes → text → rows → suggested column mapping, streamed so
 * that the text is decoded and parsed chunk by chunk. The enablement service runs it in a worker
 * thread (import-csv-off-thread.ts); each step lives in its own module.
 */
import { enablementFields, fieldAliases, suggestColumnMapping, type ColumnMappingSuggestion } from './column-mapping';
import { CsvFormatError } from './csv-format-error';
import { CsvTextDecoder, type CsvEncoding, type DecodedText } from './decode-bytes';
import { parseCsv, type CsvDelimiter, type ParsedCsv } from './parse-csv';

export interface ImportCsvOptions {
  /** The admin's encoding override; detected when absent. */
  encoding?: CsvEncoding;
  /** The admin's delimiter override; detected when absent. */
  delimiter?: CsvDelimiter;
  /** Most data rows accepted; default 100,000. */
  maxRows?: number;
}

export interface CsvImport extends ParsedCsv {
  encoding: DecodedText['encoding'];
  bom: boolean;
  detection: DecodedText['detection'];
  replacementCharacters: number;
  columns: ColumnMappingSuggestion;
}

/**
 * Reads an uploaded CSV completely or not at all: either every row is accounted for (as a row or
 * a problem) with a suggested mapping, or a CsvFormatError explains why the file is not a usable
 * CSV. A single column whose header is no known field is refused too — it is almost always a
 * wrong delimiter or not a user list at all. With two or more columns and no known header, the
 * result has an empty mapping and the admin maps the columns by hand.
 */
export async function importCsv(bytes: Uint8Array, options: ImportCsvOptions = {}): Promise<CsvImport> {
  const decoder = new CsvTextDecoder(bytes, options.encoding);
  const parsed = await parseCsv(decoder.chunks(), {
    ...(options.delimiter ? { delimiter: options.delimiter } : {}),
    ...(options.maxRows !== undefined ? { maxRows: options.maxRows } : {}),
  });
  const columns = suggestColumnMapping(parsed.header);
  if (parsed.header.length === 1 && columns.unmapped.length === 1) {
    const known = enablementFields.map((field) => fieldAliases[field][0]).join(', ');
    const name = parsed.header[0] ?? '';
    throw new CsvFormatError(
      `Only one column was found, and its header "${name.length > 60 ? `${name.slice(0, 60)}…` : name}" is not a known column (${known}). ` +
        'Check that the file has a header row and is separated by commas, semicolons or tabs.',
    );
  }
  const { encoding, bom, detection, replacementCharacters } = decoder;
  return { encoding, bom, detection, replacementCharacters, ...parsed, columns };
}
