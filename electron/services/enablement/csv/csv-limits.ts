/**
 * How big a CSV the import accepts — every limit in one place, each with the reason for its size.
 * The limits are far above what an admin's real export holds, and they stop a hostile or broken
 * file (one giant cell, a line of commas, a million-column header, millions of blank lines) within
 * the first megabyte or so of the offending row, so the import never holds more than a bounded
 * amount of it. Every refusal is a CsvFormatError that names the limit and, where it applies, the
 * line, so the admin knows what to fix.
 *
 * | limit            | value        | why this size |
 * |------------------|--------------|---------------|
 * | file size        | ~42 MB       | the `enablement.import` schema caps the base64 content at 56,000,000 characters (shared/api/enablement.ts) |
 * | data rows        | 100,000      | a bulk job beyond this should be split anyway; 100,000 rows of a typical export are 5–15 MB |
 * | columns per row  | 1,000        | a full `Get-ADUser -Properties *` export has about 150–250 columns; HR exports fewer |
 * | characters/value | 65,536       | twice the 32,767 characters an Excel cell can hold; real values (notes, memberOf lists) are a few KB |
 * | characters/row   | 1,000,000    | ten times a very wide real row (~100,000 characters); bounds the memory one row can take |
 * | lines            | 1,048,576    | an Excel worksheet's row count; blank lines count, so a file of only line breaks stops here |
 *
 * The row limit is counted by the parser while a value is still being read (in UTF-8 bytes of that
 * value, characters of the finished ones), so a single huge value is refused as a too-long row as
 * soon as the row passes 1,000,000, long before the file ends. The parse also runs in a worker
 * thread whose heap is capped (`workerHeapMb`), a last line of defence should a file find a way
 * around the limits above: the worker then stops and the file is refused, the app carries on.
 */
export interface CsvLimits {
  /** Most data rows (the header and ignored blank rows do not count). */
  maxRows: number;
  /** Most cells in any row, the header included. */
  maxColumns: number;
  /** Most characters in one cell. */
  maxCellLength: number;
  /** Most characters in one row (all its cells together). */
  maxRowLength: number;
  /** Most physical lines in the file, blank ones included. */
  maxLines: number;
}

export const csvLimits: Readonly<CsvLimits> = {
  maxRows: 100_000,
  maxColumns: 1_000,
  maxCellLength: 65_536,
  maxRowLength: 1_000_000,
  maxLines: 1_048_576,
};

/**
 * Heap cap (old generation, MB) of the worker thread that parses an upload. A 39 MB file of
 * 100,000 rows (seven columns, a 330-character note each) parses within 128 MB.
 */
export const workerHeapMb = 512;

/** Numbers in refusals are written the way admins read them: 100,000. */
export const formatCount = (n: number): string => n.toLocaleString('en-US');
