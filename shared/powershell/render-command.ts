/**
 * Renders a cmdlet call as one line an admin can paste into the Exchange or Lync shell. Strings are
 * single-quoted, where PowerShell expands nothing; quote characters inside — including the curly
 * ones PowerShell also treats as quotes — are doubled. Used only for display and copying: the
 * console itself never sends script text (see resources/powershell/UmcBridge.ps1).
 */
export function renderCommand(command: string, parameters: Record<string, unknown>): string {
  const parts = [command];
  for (const [name, value] of Object.entries(parameters)) {
    if (value === undefined) continue;
    // A switch takes $false only joined to its name: `-Confirm $false` would pass $false as a positional argument [S87].
    if (typeof value === 'boolean' && isSwitchLike(name)) {
      parts.push(value ? `-${name}` : `-${name}:$false`);
      continue;
    }
    parts.push(`-${name} ${renderValue(value)}`);
  }
  return parts.join(' ');
}

const switchNames = new Set(['validateonly', 'force', 'confirm', 'whatif']);

function isSwitchLike(name: string): boolean {
  return switchNames.has(name.toLowerCase());
}

/**
 * A change to a multi-valued property as Exchange's cmdlets take it, `@{Add='a','b'}` (e.g.
 * Set-UMService -DialPlans, Set-Mailbox -EmailAddresses): the other values stay as they are.
 */
export class MultiValuedChange {
  constructor(readonly change: { Add?: string[]; Remove?: string[] }) {}
}

/** A script variable (`$pin_12`), for a secret the script asks for with Read-Host instead of holding it. */
export class ScriptVariable {
  constructor(readonly name: string) {
    if (!/^[A-Za-z][A-Za-z0-9_]*$/.test(name)) throw new Error(`Not a PowerShell variable name: ${name}`);
  }
}

/** A hashtable literal, `@{'name'=value; …}` (e.g. New-ADObject -OtherAttributes, Set-ADObject -Replace). */
export class Hashtable {
  constructor(readonly entries: Record<string, unknown>) {}
}

export function renderValue(value: unknown): string {
  if (value === null) return '$null';
  if (value instanceof ScriptVariable) return `$${value.name}`;
  if (value instanceof Hashtable) {
    const parts = Object.entries(value.entries).filter(([, v]) => v !== undefined);
    return `@{${parts.map(([key, v]) => `${quote(key)}=${Array.isArray(v) ? `@(${renderValue(v)})` : renderValue(v)}`).join('; ')}}`;
  }
  if (value instanceof MultiValuedChange) {
    const parts = Object.entries(value.change).filter(([, values]) => values && values.length > 0);
    return `@{${parts.map(([key, values]) => `${key}=${renderValue(values)}`).join('; ')}}`;
  }
  if (typeof value === 'boolean') return value ? '$true' : '$false';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : quote(String(value));
  if (Array.isArray(value)) return value.length === 0 ? '@()' : value.map(renderValue).join(',');
  if (typeof value === 'object') return quote(JSON.stringify(value));
  return quote(String(value));
}

/** Single-quotes a string for PowerShell: ' ‘ ’ ‚ ‛ are all quote characters there. */
export function quote(text: string): string {
  return `'${text.replace(/['\u2018\u2019\u201A\u201B]/g, (q) => q + q)}'`;
}
