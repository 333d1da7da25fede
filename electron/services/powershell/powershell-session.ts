import { spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PowerShell } from 'node-powershell';
import { psResultSchema, type PsResult } from '@shared/models/powershell';
import { ApiError } from '@shared/errors';

/** The endpoint as the bridge's Initialize-UmcSession takes it (credentials included, never logged). */
export type BridgeEndpoint =
  | {
      kind: 'lab';
      modulePath: string;
      server: string;
      port: number;
      caDirectory: string;
      credential: BridgeCredential;
      callLog?: string;
      cmsFile?: string;
      exchangeStateFile?: string;
      /** The Exchange server the lab module stands in for, and the lab's endpoints directory (realistic mode). */
      exchangeServer?: string;
      endpointsDirectory?: string;
    }
  | { kind: 'exchange-remote'; server: string; transport: 'http' | 'https'; authentication: string; credential?: BridgeCredential }
  | { kind: 'lync-local' }
  | { kind: 'lync-remote'; pool: string; credential?: BridgeCredential };

export interface BridgeCredential {
  userName: string;
  password: string;
}

export interface SessionOptions {
  pwsh: string;
  bridgeScript: string;
  endpoint: BridgeEndpoint;
  /** Each cmdlet the session may run, with the parameter names it may be given (the bridge enforces it). */
  allowed: Record<string, string[]>;
  startTimeoutMs: number;
  /** The environment pwsh starts with. */
  env: NodeJS.ProcessEnv;
}

export type SessionState = 'starting' | 'idle' | 'busy' | 'dead';

/**
 * Kills a process and its descendants. pwsh installed as a dotnet global tool is a launcher that
 * runs the real pwsh as a child; killing only the launcher would orphan it.
 */
export function killProcessTree(pid: number | undefined, signal: NodeJS.Signals): void {
  if (!pid) return;
  if (process.platform === 'win32') {
    spawnSync('taskkill', ['/PID', String(pid), '/T', '/F'], { windowsHide: true, stdio: 'ignore' });
    return;
  }
  for (const child of descendantsOf(pid)) {
    try {
      process.kill(child, signal);
    } catch {
      // already gone
    }
  }
  try {
    process.kill(pid, signal);
  } catch {
    // already gone
  }
}

/** Descendants of a process, deepest first, read from /proc (Linux) or ps (macOS). */
export function descendantsOf(pid: number): number[] {
  const parents = new Map<number, number[]>();
  if (existsSync('/proc')) {
    for (const entry of readdirSync('/proc')) {
      if (!/^\d+$/.test(entry)) continue;
      try {
        const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
        const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
        parents.set(ppid, [...(parents.get(ppid) ?? []), Number(entry)]);
      } catch {
        // the process ended while we looked
      }
    }
  } else {
    const listing = spawnSync('ps', ['-A', '-o', 'pid=,ppid='], { encoding: 'utf8' }).stdout ?? '';
    for (const line of listing.split('\n')) {
      const [child, parent] = line.trim().split(/\s+/).map(Number);
      if (child && parent) parents.set(parent, [...(parents.get(parent) ?? []), child]);
    }
  }
  const result: number[] = [];
  const walk = (p: number) => {
    for (const c of parents.get(p) ?? []) {
      walk(c);
      result.push(c);
    }
  };
  walk(pid);
  return result;
}

/**
 * The environment a shell starts with: the console's own, without the UMC_PASSWORD* variables the
 * CLI reads passwords from. A password reaches a session only inside its Initialize request; a
 * variable would be readable by every module and process that session loads or starts. Matched
 * case-insensitively, as Windows treats variable names.
 */
export function shellEnvironment(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(env).filter(([name]) => !/^UMC_PASSWORD/i.test(name)));
}

/**
 * A cache folder of its own for one pwsh process. pwsh on Linux and macOS keeps its JIT startup
 * profile in one file under ~/.cache/powershell, rewritten by every process as it exits; processes
 * ending together can leave it torn, and every pwsh started after that crashes (SIGSEGV, exit 139)
 * until one exits cleanly again — seen here when a job's sessions closed at once. The folder goes
 * in XDG_CACHE_HOME; `remove` deletes it once the process has ended. Windows PowerShell keeps its
 * profile under %LOCALAPPDATA% and ignores XDG_CACHE_HOME, so there nothing changes.
 */
export function privatePwshCache(): { env: NodeJS.ProcessEnv; remove: () => void } {
  if (process.platform === 'win32') return { env: {}, remove: () => undefined };
  const dir = mkdtempSync(join(tmpdir(), 'umc-pwsh-'));
  return { env: { XDG_CACHE_HOME: dir }, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/**
 * node-powershell as the console uses it, with nothing printed. Its underlying shell (child-shell)
 * prints every command line and every chunk of output through the `debug` package, namespace
 * PWSH:<pid>, whenever DEBUG matches (DEBUG=* does); our lines carry the base64 password
 * (Initialize) and PINs (Enable-UMMailbox). Its private setDebuggers, which the constructor calls,
 * is replaced so that no debugger exists from the first line on. test/integration/powershell.test.ts
 * runs a bulk job under DEBUG=* to prove it.
 */
class QuietPowerShell extends PowerShell {}
const silent = () => undefined;
Object.defineProperty(QuietPowerShell.prototype, 'setDebuggers', { value: () => ({ comment: silent, command: silent, output: silent }) });

/** base64(JSON): the only form in which values enter PowerShell. Its alphabet is safe inside '…'. */
export function encodeRequest(value: unknown): string {
  return Buffer.from(JSON.stringify(value), 'utf8').toString('base64');
}

/**
 * One pwsh process driven through node-powershell, speaking the bridge protocol: one fixed command
 * per call with a base64 JSON argument, one JSON line back. A timeout or a cancel kills the
 * process (a pipeline cannot be interrupted through stdin); the pool then starts a new one.
 */
export class PowerShellSession {
  state: SessionState = 'starting';
  calls = 0;
  readonly startedAt = new Date().toISOString();
  lastUsed = Date.now();
  /** What the bridge reported at start: "Desktop" 5.1 or "Core" 7.x. */
  version: { edition: string; version: string } | undefined;
  /**
   * The allow-listed commands the session really has, as the bridge reported them at start. An
   * Exchange session holds only what the account's RBAC roles grant, so this is what it may run.
   */
  commands: ReadonlySet<string> = new Set();
  private readonly shell: PowerShell;
  private readonly child: ChildProcess;
  private readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  private killReason: 'timeout' | 'cancelled' | 'shutdown' | undefined;

  private constructor(options: SessionOptions) {
    const cache = privatePwshCache();
    this.shell = new QuietPowerShell({
      executable: options.pwsh,
      executableOptions: { '-NoProfile': true, '-NonInteractive': true, ...(process.platform === 'win32' ? { '-ExecutionPolicy': 'Bypass' } : {}) },
      throwOnInvocationError: false,
      // The bridge's path reaches PowerShell in the environment (UTF-16 on Windows), not on stdin,
      // which Windows PowerShell 5.1 decodes in the console's code page: an install folder under a
      // non-ASCII user name would arrive garbled.
      spawnOptions: {
        env: {
          ...shellEnvironment(options.env),
          UMC_BRIDGE_SCRIPT: options.bridgeScript,
          TERM: 'dumb',
          NO_COLOR: '1',
          POWERSHELL_TELEMETRY_OPTOUT: '1',
          POWERSHELL_UPDATECHECK: 'Off',
          ...cache.env,
        },
        windowsHide: true,
      },
    });
    const internals = this.shell as unknown as { process: ChildProcess; exitPromise: Promise<void> };
    this.child = internals.process;
    // node-powershell rejects its exit promise when the process is killed by a signal; the
    // session reports that itself, so the rejection must not surface as an unhandled one.
    internals.exitPromise.catch(() => undefined);
    this.exited = new Promise((resolve) =>
      this.child.once('exit', (code, signal) => {
        cache.remove();
        resolve({ code, signal });
      }),
    );
    void this.exited.then(() => {
      this.state = 'dead';
    });
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  /** Starts pwsh, loads the bridge and connects the endpoint. */
  static async start(options: SessionOptions): Promise<PowerShellSession> {
    const session = new PowerShellSession(options);
    try {
      // From here on the bridge reads stdin itself; no later line is evaluated as PowerShell.
      await session.raw('. $env:UMC_BRIDGE_SCRIPT; Start-UmcLoop', options.startTimeoutMs);
      const init = await session.exchange(
        `Initialize-UmcSession '${encodeRequest({ endpoint: options.endpoint, allowed: options.allowed })}'`,
        options.startTimeoutMs,
      );
      if (!init.ok) {
        await session.dispose();
        const first = init.errors[0];
        throw new ApiError('POWERSHELL_UNAVAILABLE', `The PowerShell endpoint could not be opened: ${first?.message ?? 'unknown error'}`, {
          errors: init.errors,
        });
      }
      const reported = init.output[0] as { edition?: unknown; version?: unknown; commands?: unknown } | undefined;
      if (reported) session.version = { edition: String(reported.edition ?? ''), version: String(reported.version ?? '') };
      if (Array.isArray(reported?.commands)) session.commands = new Set(reported.commands.map((c) => String(c).toLowerCase()));
      session.state = 'idle';
      return session;
    } catch (error) {
      await session.dispose();
      if (error instanceof ApiError) {
        if (error.code === 'POWERSHELL_SESSION_DIED' || error.code === 'TIMEOUT')
          throw new ApiError('POWERSHELL_UNAVAILABLE', `PowerShell could not be started: ${error.message}`);
        throw error;
      }
      throw new ApiError('POWERSHELL_UNAVAILABLE', `PowerShell could not be started: ${(error as Error).message}`);
    }
  }

  /** Runs one allow-listed cmdlet with its parameters as data. */
  async invoke(command: string, parameters: Record<string, unknown>, timeoutMs: number, signal?: AbortSignal): Promise<PsResult> {
    this.state = 'busy';
    this.calls++;
    try {
      return await this.exchange(`Invoke-UmcRequest '${encodeRequest({ command, parameters })}'`, timeoutMs, signal);
    } finally {
      this.lastUsed = Date.now();
      if (this.state === 'busy') this.state = 'idle';
    }
  }

  /** A cheap round trip that proves the process and the bridge still answer. */
  async ping(timeoutMs: number): Promise<boolean> {
    try {
      const result = await this.exchange('Invoke-UmcPing', timeoutMs);
      return result.ok;
    } catch {
      return false;
    }
  }

  private async exchange(line: string, timeoutMs: number, signal?: AbortSignal): Promise<PsResult> {
    const raw = await this.raw(line, timeoutMs, signal);
    const marked = /UMC-RESPONSE (\{.*\})\s*$/m.exec(raw);
    let parsed: unknown;
    try {
      parsed = JSON.parse(marked?.[1] ?? '');
    } catch {
      const shown = raw.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '').trim();
      throw new ApiError('POWERSHELL_ERROR', `PowerShell answered with something the console did not expect: ${shown.slice(0, 300) || '(nothing)'}`);
    }
    return psResultSchema.parse(parsed);
  }

  /** Sends one line; resolves with its stdout, or rejects on timeout, cancel or the process dying. */
  private async raw(line: string, timeoutMs: number, signal?: AbortSignal): Promise<string> {
    if (this.state === 'dead') throw new ApiError('POWERSHELL_SESSION_DIED', 'The PowerShell session has stopped.');
    if (signal?.aborted) throw new ApiError('CANCELLED', 'The command was cancelled before it started.');
    let timer: NodeJS.Timeout | undefined;
    let onAbort: (() => void) | undefined;
    const stopped = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        this.kill('timeout');
      }, timeoutMs);
      onAbort = () => this.kill('cancelled');
      signal?.addEventListener('abort', onAbort, { once: true });
      void this.exited.then(({ code, signal: killedBy }) => {
        if (this.killReason === 'timeout')
          reject(new ApiError('TIMEOUT', `The command did not finish within ${Math.round(timeoutMs / 1000)} s and was stopped.`));
        else if (this.killReason === 'cancelled') reject(new ApiError('CANCELLED', 'The command was cancelled; its PowerShell session was stopped.'));
        else
          reject(
            new ApiError(
              'POWERSHELL_SESSION_DIED',
              `The PowerShell session stopped while the command ran (${killedBy ? `signal ${killedBy}` : `exit code ${code}`}).`,
            ),
          );
      });
    });
    try {
      // node-powershell keeps every command and its output in `history` for the life of the
      // process: the password and every PIN, and memory that grows with a bulk job. Emptied as
      // soon as each call settles (also when it settles after a timeout or kill).
      const invocation = this.shell.invoke(line).finally(() => {
        this.shell.history.length = 0;
      });
      invocation.catch(() => undefined);
      stopped.catch(() => undefined);
      const result = await Promise.race([invocation, stopped]);
      if (result.hadErrors) throw new ApiError('POWERSHELL_ERROR', `PowerShell reported: ${result.raw.slice(0, 500)}`);
      return result.raw;
    } finally {
      clearTimeout(timer);
      if (onAbort) signal?.removeEventListener('abort', onAbort);
    }
  }

  private kill(reason: 'timeout' | 'cancelled' | 'shutdown'): void {
    if (this.state === 'dead') return;
    this.killReason ??= reason;
    killProcessTree(this.child.pid, 'SIGKILL');
  }

  /** Ends the process and every process it started, and waits until it is gone: no orphaned pwsh. */
  async dispose(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    this.killReason ??= 'shutdown';
    // Closing stdin ends the bridge's read loop and pwsh exits on its own; stragglers are killed.
    this.child.stdin?.end();
    const forced = setTimeout(() => killProcessTree(this.child.pid, 'SIGKILL'), 2000);
    await this.exited;
    clearTimeout(forced);
    killProcessTree(this.child.pid, 'SIGKILL');
  }
}
