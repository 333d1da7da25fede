import type { RowResult, ValidatedRow } from '@shared/models/enablement';
import { rowMessageText } from '@shared/enablement/row-message-text';

/** The original file as the export needs it: its header and each row's cells by line. */
export interface ExportSource {
  header: string[];
  cells: Map<number, string[]>;
  /** Columns holding secrets (the PIN): never exported. */
  secretColumns: number[];
}

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

interface ExportRow {
  line: number;
  result: RowResult;
  original: Record<string, string>;
  cells: string[];
  outcome: string;
  message: string;
  status?: string;
  /** What Enable-UMMailbox was (or would be) sent: the normalised extensions and SIP resource identifier. */
  sent: { extensions: string; sipResourceIdentifier: string };
}

function rowsFor(source: ExportSource | undefined, results: RowResult[], validation: Map<number, ValidatedRow> | undefined): ExportRow[] {
  return [...results]
    .sort((a, b) => a.line - b.line)
    .map((r) => {
      const raw = source?.cells.get(r.line) ?? [];
      const cells = (source?.header ?? []).map((_, i) => (source!.secretColumns.includes(i) && raw[i] ? '(not exported)' : (raw[i] ?? '')));
      const validated = validation?.get(r.line);
      const message = r.message ?? validated?.messages.filter((m) => m.severity !== 'info' || r.outcome === 'already-done').map((m) => rowMessageText(m)).join(' ') ?? '';
      const sent = { extensions: validated?.values.Extensions ?? '', sipResourceIdentifier: validated?.values.SIPResourceIdentifier ?? '' };
      return { line: r.line, result: r, original: Object.fromEntries((source?.header ?? []).map((h, i) => [h || `Column${i + 1}`, cells[i] ?? ''])), cells, outcome: r.outcome, message, sent, ...(validated ? { status: validated.status } : {}) };
    });
}

/**
 * Per-row results as CSV: the original columns untouched (PIN withheld), then what was sent to
 * Enable-UMMailbox (SentExtensions, SentSIPResourceIdentifier: normalised, so a `sip:` typed in the
 * file shows without it), then Line, Outcome, Message. UTF-8 with BOM for Excel.
 */
export function resultsToCsv(source: ExportSource | undefined, results: RowResult[], validation?: Map<number, ValidatedRow>): string {
  const header = [...(source?.header ?? ['Identity']), 'SentExtensions', 'SentSIPResourceIdentifier', 'Line', 'Outcome', 'Message'];
  const lines = [header.map(csvCell).join(',')];
  for (const row of rowsFor(source, results, validation)) {
    const cells = source ? row.cells : [row.result.identity];
    lines.push([...cells, row.sent.extensions, row.sent.sipResourceIdentifier, String(row.line), row.outcome, row.message].map(csvCell).join(','));
  }
  return `\uFEFF${lines.join('\r\n')}\r\n`;
}

/** Per-row results as JSON, the original columns as an object per row (PIN withheld). */
export function resultsToJson(source: ExportSource | undefined, results: RowResult[], validation?: Map<number, ValidatedRow>): string {
  const rows = rowsFor(source, results, validation).map(({ line, result, original, outcome, message, sent }) => ({ line, identity: result.identity, outcome, message, attempts: result.attempts, at: result.at, sent, columns: original }));
  return `${JSON.stringify(rows, null, 2)}\n`;
}
