/**
 * The one error the CSV import layer throws: the file as a whole cannot be read as a CSV of users
 * (a workbook, an image, an unterminated quote, too many rows …). The message is written for the
 * admin who picked the file; `line` is set when the problem sits at a specific line of the file.
 * Problems with single rows are not errors — they are reported per row by `parseCsv`.
 */
export class CsvFormatError extends Error {
  readonly line?: number;

  constructor(message: string, line?: number) {
    super(message);
    this.name = 'CsvFormatError';
    if (line !== undefined) this.line = line;
  }
}
