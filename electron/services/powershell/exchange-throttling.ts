/**
 * Exchange's remote PowerShell throttling, recognised from the text Exchange and WinRM write (the
 * console sees only that text; the lab writes the same words). Budgets are per user and per
 * server [S44]: a session over PowerShellMaxConcurrency fails to open, a cmdlet over
 * PowerShellMaxCmdlets or a tarpitted operation fails, each saying how long to wait when it says
 * anything [S46][S47].
 */
export interface Throttling {
  /** `sessions`: the session could not open; `cmdlets`: the cmdlet was refused before it ran. */
  budget: 'sessions' | 'cmdlets';
  /** The wait Exchange stated, when it stated one. */
  delayMs?: number;
}

const patterns: Array<{ pattern: RegExp; budget: Throttling['budget']; unitMs?: number }> = [
  // WinRM's quota for PowerShellMaxConcurrency: "This user is allowed a maximum of 18 concurrent
  // shells, which has been exceeded." (and "maximum number of 5", and Online's wording) [S47].
  { pattern: /allowed a maximum (?:number )?of \d+ concurrent shells|maximum number of concurrent shells for this user/i, budget: 'sessions' },
  // Exchange's ErrorMaxRunspacesLimit [S46].
  { pattern: /exceeded the maximum number of connections allowed/i, budget: 'sessions' },
  // Exchange's ErrorMaxRunspacesTarpitting and ErrorTenantMaxRunspacesTarpitting: "… Please wait for {0} seconds." [S46].
  { pattern: /budget to create runspace\. Please wait for (\d+) seconds/i, budget: 'sessions', unitMs: 1000 },
  // WinRM's user load quota for PowerShellMaxCmdlets: "… will not be approved for at least Z milliseconds." [S47].
  { pattern: /user load quota of \d+ requests per \d+ seconds has been exceeded(?:[\s\S]*?at least (\d+) milliseconds)?/i, budget: 'cmdlets', unitMs: 1 },
  // Exchange's ErrorOperationTarpitting: "… exceeded your throttling policy budget. Please wait for {0} seconds." [S46].
  { pattern: /exceeded your throttling policy budget\. Please wait for (\d+) seconds/i, budget: 'cmdlets', unitMs: 1000 },
];

/** The throttling an error message reports, or undefined when it is not Exchange refusing for budget. */
export function parseThrottling(message: string): Throttling | undefined {
  for (const { pattern, budget, unitMs } of patterns) {
    const match = pattern.exec(message);
    if (!match) continue;
    const stated = match[1] && unitMs ? Number(match[1]) * unitMs : undefined;
    return stated !== undefined ? { budget, delayMs: stated } : { budget };
  }
  return undefined;
}

/**
 * How long to wait before trying again after the `attempt`-th refusal in a row (1, 2, …): at least
 * what Exchange stated, plus jitter so that sessions refused together do not return together;
 * without a stated wait, exponential from 1 s up to a minute, with jitter. `random` is in [0, 1).
 */
export function throttlingBackoffMs(throttling: Throttling, attempt: number, random: () => number = Math.random): number {
  if (throttling.delayMs !== undefined) return Math.round(throttling.delayMs + 100 + random() * Math.max(250, throttling.delayMs * 0.25));
  const ceiling = Math.min(60_000, 1000 * 2 ** Math.min(attempt - 1, 6));
  return Math.round(ceiling / 2 + random() * (ceiling / 2));
}
