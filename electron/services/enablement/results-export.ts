import type { BulkOperation, EnablementColumnMapping, EnablementFieldName, RowResult, RowValues, ValidatedRow } from '@shared/models/enablement';
import { bulkFieldSchema } from '@shared/models/enablement';
import { rowMessageText } from '@shared/enablement/row-message-text';
import { extensionFromLineUri } from './operations/voice';

/** The original file as the export needs it: its header, each row's cells by line, and the mapping the job ran with. */
export interface ExportSource {
  /** Absent when the file is no longer held (a job read back from its journal): the columns are then the fields. */
  header?: string[];
  cells?: Map<number, string[]>;
  mapping: EnablementColumnMapping;
  /** What the job did (absent: enable): a voice job's export proposes each user's extension for the UM enablement that follows. */
  operation?: BulkOperation;
}

/** The extension a voice row's line URI gives a following UM enablement (its ;ext=), for rows whose line URI is set. */
function proposedExtension(source: ExportSource, row: ExportRow): string | undefined {
  if (source.operation !== 'voice' || !['changed', 'already-done', 'validated'].includes(row.result.outcome)) return undefined;
  return extensionFromLineUri(row.values.LineURI);
}

const NOT_EXPORTED = '(not exported)';
type Field = Exclude<EnablementFieldName, 'PIN'>;
const fields = bulkFieldSchema.options.filter((f): f is Field => f !== 'PIN');

/**
 * A cell a spreadsheet could run as a formula (= + - @, or a leading tab or CR) gets a leading
 * apostrophe, so opening the export in Excel shows text instead of executing it (CWE-1236).
 */
export function neutralizeFormula(value: string): string {
  return /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
}

function csvCell(value: string): string {
  const safe = neutralizeFormula(value);
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/** One exported row: the result, the file's cells, and the row's values as the job ran them. */
interface ExportRow {
  result: RowResult;
  raw: string[];
  values: Partial<RowValues>;
  messages: string[];
}

function rowsFor(source: ExportSource, results: RowResult[], validation: Map<number, ValidatedRow> | undefined): ExportRow[] {
  return [...results]
    .sort((a, b) => a.line - b.line)
    .map((result) => {
      const validated = validation?.get(result.line);
      // Journals from before results carried their values: the row as it is validated now.
      const values = result.values ?? validated?.values ?? {};
      const messages = result.messages.length
        ? result.messages
        : (validated?.messages.filter((m) => m.severity !== 'info' || result.outcome === 'already-done').map((m) => rowMessageText(m)) ?? []);
      return { result, raw: source.cells?.get(result.line) ?? [], values, messages };
    });
}

interface Column {
  title: string;
  value: (row: ExportRow) => string;
}

/**
 * The columns of the export. The file's own columns keep their place and name; a column that feeds
 * a parameter holds the value the job used (the admin's edit, the extension and identifier as
 * sent), and where that differs from the file in any row, "<column> (in file)" beside it holds the
 * file's value. A PIN is never exported. A parameter the file has no column for but the job used
 * (a proposed extension) gets a column of its own. Then the user -Identity was given, the line,
 * the outcome and every message.
 */
function columnsFor(source: ExportSource, rows: ExportRow[]): Column[] {
  const header = source.header ?? [];
  const fieldOf = new Map(Object.entries(source.mapping).map(([field, column]) => [column, field as EnablementFieldName]));
  const differs = (field: Field) => rows.some((r) => r.result.inFile?.[field] !== undefined);
  const columns: Column[] = [];
  header.forEach((title, i) => {
    const name = title || `Column${i + 1}`;
    const field = fieldOf.get(i);
    if (field === 'PIN') {
      columns.push({ title: name, value: (r) => (r.raw[i] || r.values.PIN ? NOT_EXPORTED : '') });
      return;
    }
    if (!field) {
      columns.push({ title: name, value: (r) => r.raw[i] ?? '' });
      return;
    }
    columns.push({ title: name, value: (r) => r.values[field] ?? r.raw[i] ?? '' });
    if (differs(field)) columns.push({ title: `${name} (in file)`, value: (r) => r.result.inFile?.[field] ?? '' });
  });
  const inHeader = new Set([...fieldOf.entries()].filter(([column]) => column < header.length).map(([, field]) => field));
  for (const field of fields) {
    if (inHeader.has(field) || !rows.some((r) => r.values[field])) continue;
    columns.push({ title: field, value: (r) => r.values[field] ?? '' });
    if (differs(field)) columns.push({ title: `${field} (in file)`, value: (r) => r.result.inFile?.[field] ?? '' });
  }
  if (source.operation === 'voice') columns.push({ title: 'Extensions (proposed for UM)', value: (r) => proposedExtension(source, r) ?? '' });
  columns.push(
    { title: 'User', value: (r) => r.result.userDn ?? '' },
    { title: 'Line', value: (r) => String(r.result.line) },
    { title: 'Outcome', value: (r) => r.result.outcome },
    { title: 'Message', value: (r) => r.messages.join(' ') },
  );
  return columns;
}

/**
 * Per-row results as CSV: what each row ran with (or was judged with), the file's value beside any
 * value that differs from it, the outcome and every message. UTF-8 with BOM for Excel.
 */
export function resultsToCsv(source: ExportSource, results: RowResult[], validation?: Map<number, ValidatedRow>): string {
  const rows = rowsFor(source, results, validation);
  const columns = columnsFor(source, rows);
  const lines = [columns.map((c) => csvCell(c.title)).join(',')];
  for (const row of rows) lines.push(columns.map((c) => csvCell(c.value(row))).join(','));
  return `\uFEFF${lines.join('\r\n')}\r\n`;
}

/**
 * Per-row results as JSON: the values the row ran with, the file's values where they differ
 * (`inFile`), every message, and the file's own columns untouched (PIN withheld).
 */
export function resultsToJson(source: ExportSource, results: RowResult[], validation?: Map<number, ValidatedRow>): string {
  const header = source.header ?? [];
  const pinColumn = source.mapping.PIN;
  const rows = rowsFor(source, results, validation).map((row) => ({ ...row, proposed: proposedExtension(source, row) }));
  const json = rows.map(({ result, raw, values, messages, proposed }) => ({
    line: result.line,
    identity: result.identity,
    outcome: result.outcome,
    message: messages.join(' '),
    messages,
    attempts: result.attempts,
    at: result.at,
    userDn: result.userDn,
    values: { ...values, ...(values.PIN ? { PIN: NOT_EXPORTED } : {}) },
    ...(result.inFile ? { inFile: result.inFile } : {}),
    ...(proposed ? { proposedExtension: proposed } : {}),
    columns: Object.fromEntries(header.map((h, i) => [h || `Column${i + 1}`, i === pinColumn && raw[i] ? NOT_EXPORTED : (raw[i] ?? '')])),
  }));
  return `${JSON.stringify(json, null, 2)}\n`;
}
