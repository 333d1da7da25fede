import type { ValidatedRow } from '../models/enablement';

/** True when the row's only errors are the Lync SIP address check: allowing it would make the row ready. */
export function onlyLyncCheckStands(row: ValidatedRow): boolean {
  return row.messages.some((m) => m.overridable) && row.messages.every((m) => m.severity !== 'error' || m.overridable);
}
