/** Where main-process diagnostics go. Callers must never pass secrets in message or error. */
export interface Logger {
  info(message: string, detail?: unknown): void;
  warn(message: string, detail?: unknown): void;
  error(message: string, error?: unknown): void;
}

/** Writes to stderr so that --json output on stdout stays machine-readable. */
export function createConsoleLogger(prefix = 'umc', quiet = false): Logger {
  const write = (level: string, message: string, detail?: unknown) => {
    if (quiet && level === 'info') return;
    const suffix = detail instanceof Error ? ` ${detail.name}: ${detail.message}` : detail === undefined ? '' : ` ${safeJson(detail)}`;
    process.stderr.write(`[${prefix}] ${level} ${message}${suffix}\n`);
  };
  return {
    info: (m, d) => write('info', m, d),
    warn: (m, d) => write('warn', m, d),
    error: (m, e) => write('error', m, e),
  };
}

function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value);
  } catch {
    return String(value);
  }
}
