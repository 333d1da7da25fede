/**
 * Suggests which CSV column feeds which Enable-UMMailbox field, from the header names admins
 * actually use (exports from AD, Exchange and HR tools all name the identity differently).
 */

export const enablementFields = ['Identity', 'Extensions', 'SIPResourceIdentifier', 'UMMailboxPolicy', 'PIN', 'PINExpired', 'NotifyEmail', 'LineURI'] as const;
export type EnablementField = (typeof enablementFields)[number];

/** field → column index */
export type ColumnMapping = Partial<Record<EnablementField, number>>;

export interface ColumnMappingSuggestion {
  mapping: ColumnMapping;
  /** Columns no field was mapped to, ascending — the caller carries them through untouched. */
  unmapped: number[];
  /** Fields that more than one column could feed, with all candidate columns ascending. */
  ambiguous: Array<{ field: EnablementField; columns: number[] }>;
}

/**
 * Accepted header names per field, best first: when several columns match a field, the one with
 * the earlier alias is suggested (UserPrincipalName over SamAccountName over Email …).
 */
export const fieldAliases: Readonly<Record<EnablementField, readonly string[]>> = {
  Identity: [
    'Identity',
    'UserPrincipalName',
    'UPN',
    'SamAccountName',
    'sAMAccountName',
    'Email',
    'EmailAddress',
    'E-mail',
    'Mail',
    'PrimarySmtpAddress',
    'Alias',
  ],
  Extensions: ['Extensions', 'Extension', 'Ext'],
  SIPResourceIdentifier: ['SIPResourceIdentifier', 'SipAddress', 'SIP', 'SipUri'],
  UMMailboxPolicy: ['UMMailboxPolicy', 'Policy', 'MailboxPolicy', 'UMPolicy'],
  PIN: ['PIN'],
  PINExpired: ['PINExpired', 'PinExpired'],
  NotifyEmail: ['NotifyEmail', 'NotificationEmail'],
  LineURI: ['LineURI', 'TelURI', 'msRTCSIP-Line'],
};

/**
 * The form header names are compared in: lower case, without whitespace (including NBSP and a
 * stray BOM), underscores, dashes and dots — so "E-mail", "e_mail" and "E Mail" are one name.
 */
export function normalizeHeaderName(name: string): string {
  return name.replace(/[\s_.-]/g, '').toLowerCase();
}

/** normalized alias → field and rank (position in that field's alias list). */
const aliasIndex = new Map<string, { field: EnablementField; rank: number }>();
for (const field of enablementFields) {
  fieldAliases[field].forEach((alias, rank) => {
    const key = normalizeHeaderName(alias);
    if (!aliasIndex.has(key)) aliasIndex.set(key, { field, rank });
  });
}

/**
 * Suggests a field → column mapping from the header row so the admin only has to confirm it.
 * Headers match aliases case-insensitively, ignoring spaces, underscores, dashes and dots. When
 * several columns match one field (duplicate headers, or UPN and Email side by side), the column
 * with the best-ranked alias is suggested — the leftmost on a tie — and the field is listed in
 * `ambiguous` so the UI can ask. Every column not in the mapping is listed in `unmapped`.
 */
export function suggestColumnMapping(header: readonly string[]): ColumnMappingSuggestion {
  const candidates = new Map<EnablementField, Array<{ column: number; rank: number }>>();
  header.forEach((name, column) => {
    const match = aliasIndex.get(normalizeHeaderName(name));
    if (!match) return;
    const list = candidates.get(match.field) ?? [];
    list.push({ column, rank: match.rank });
    candidates.set(match.field, list);
  });

  const mapping: ColumnMapping = {};
  const ambiguous: ColumnMappingSuggestion['ambiguous'] = [];
  for (const field of enablementFields) {
    const list = candidates.get(field);
    if (!list || list.length === 0) continue;
    const best = list.reduce((a, b) => (b.rank < a.rank ? b : a));
    mapping[field] = best.column;
    if (list.length > 1) ambiguous.push({ field, columns: list.map((c) => c.column) });
  }

  const mapped = new Set(Object.values(mapping));
  const unmapped = header.map((_, column) => column).filter((column) => !mapped.has(column));
  return { mapping, unmapped, ambiguous };
}
