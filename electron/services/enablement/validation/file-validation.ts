import type { RowMessage, ValidatedRow } from '@shared/models/enablement';
import { normalizeDn } from '@shared/dn';
import { ClaimIndex } from './cross-row-rules';
import type { EnableRights } from './enable-rights';
import type { RowValidator, SipMismatchOverrides, SourceRow } from './row-validator';

/**
 * The validated rows of one file, built up a chunk at a time and kept current as cells are edited:
 * each row checked on its own (row-validator.ts), whether the acting account may enable its user
 * (enable-rights.ts), and the checks across rows (cross-row-rules.ts), which an index keeps per
 * row so that new or changed rows re-judge only the rows sharing a user or an address with them.
 */
export class FileValidation {
  /** Every row validated so far, by line, as the grid shows it. */
  readonly rows = new Map<number, ValidatedRow>();
  /** Each row as checked on its own, before the checks across rows and the account's rights. */
  private readonly own = new Map<number, ValidatedRow>();
  /** Why the account may not enable a row's user, for the rows where it may not. */
  private readonly refusals = new Map<number, RowMessage[]>();
  private readonly claims = new ClaimIndex();
  private rightsNotices: RowMessage[] = [];
  /** Rows judged before the account's rights were known: judged again by settleRights. */
  private readonly rightsPending = new Set<number>();

  constructor(
    private readonly validator: RowValidator,
    private readonly rights: EnableRights,
  ) {}

  /**
   * Checks these rows (new to the file's validation, or edited) and judges again the rows whose
   * checks across rows they may change. Returns the lines whose result changed: the rows
   * named in `report`, and the others whose status or messages are no longer what they were.
   */
  async check(
    source: SourceRow[],
    overrides: SipMismatchOverrides,
    report: Set<number> = new Set(),
    options: { wait: boolean } = { wait: true },
  ): Promise<Set<number>> {
    const checked = await this.validator.check(source, overrides);
    const touched = new Set<number>();
    for (const { row, claim } of checked) {
      this.own.set(row.line, row);
      for (const line of this.claims.set(row.line, claim)) touched.add(line);
    }
    await this.judgeRights(
      checked.map(({ row }) => row.line),
      options,
    );
    for (const { row } of checked) touched.add(row.line);
    return this.recompose(touched, report);
  }

  /**
   * Judges again, with the account's rights (waiting for them), the rows judged before they were
   * known; returns the lines whose result changed.
   */
  async settleRights(): Promise<Set<number>> {
    if (this.rightsPending.size === 0) return new Set();
    const lines = [...this.rightsPending];
    await this.judgeRights(lines, { wait: true });
    return this.recompose(new Set(lines), new Set());
  }

  /** Whether the account may enable each row's user (its refusals, per line). */
  private async judgeRights(lines: number[], options: { wait: boolean }): Promise<void> {
    const needs = (line: number) => {
      const row = this.own.get(line)!;
      return row.user && row.status !== 'already-done' ? row.user.dn : undefined;
    };
    const rights = await this.rights.check(
      lines.map(needs).filter((dn): dn is string => !!dn),
      options,
    );
    this.rightsNotices = rights.notices;
    for (const line of lines) {
      const dn = needs(line);
      const refusals = dn ? rights.refusals.get(normalizeDn(dn)) : undefined;
      if (refusals) this.refusals.set(line, refusals);
      else this.refusals.delete(line);
      if (rights.pending) this.rightsPending.add(line);
      else this.rightsPending.delete(line);
    }
  }

  /** Composes these rows again; returns those in `report` and those whose status or messages changed. */
  private recompose(touched: Set<number>, report: Set<number>): Set<number> {
    const changed = new Set<number>();
    for (const line of touched) {
      const before = this.rows.get(line);
      const after = this.compose(line);
      this.rows.set(line, after);
      if (report.has(line) || !before || before.status !== after.status || !sameMessages(before.messages, after.messages)) changed.add(line);
    }
    return changed;
  }

  /** A row that is invalid before any check (a line the parser could not read). */
  addInvalid(row: ValidatedRow): void {
    this.own.set(row.line, row);
    this.rows.set(row.line, row);
  }

  /** Said once for the file, from the rows as they stand. */
  notices(): RowMessage[] {
    return [...this.validator.notices(this.rows.values()), ...this.rightsNotices];
  }

  /**
   * The row as the grid shows it. Another row's clash makes a ready row invalid; a row the account
   * may not enable carries that error beside any others, and with no other error it is
   * not-permitted, not invalid. A row with neither is its own check, shared, not copied.
   */
  private compose(line: number): ValidatedRow {
    const own = this.own.get(line)!;
    const across = this.claims.messages(line);
    const refusals = this.refusals.get(line) ?? [];
    if (across.length === 0 && refusals.length === 0) return own;
    const status = own.status === 'ready' && across.length > 0 ? 'invalid' : own.status;
    return { ...own, status: status === 'ready' && refusals.length > 0 ? 'not-permitted' : status, messages: [...own.messages, ...across, ...refusals] };
  }
}

function sameMessages(a: RowMessage[], b: RowMessage[]): boolean {
  return a.length === b.length && a.every((m, i) => sameMessage(m, b[i]!));
}

function sameMessage(a: RowMessage, b: RowMessage): boolean {
  const keys = Object.keys(a.params);
  return (
    a.code === b.code &&
    a.severity === b.severity &&
    a.overridden === b.overridden &&
    a.overridable === b.overridable &&
    keys.length === Object.keys(b.params).length &&
    keys.every((k) => a.params[k] === b.params[k])
  );
}
