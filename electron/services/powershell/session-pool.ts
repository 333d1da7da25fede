import type { PsResult } from '@shared/models/powershell';
import { ApiError } from '@shared/errors';
import { PowerShellSession, type SessionOptions } from './powershell-session';

export interface PoolOptions extends SessionOptions {
  /** How many pwsh processes may serve this endpoint at once. */
  size: number;
  /** Sessions idle longer than this are pinged before use. */
  healthCheckAfterMs: number;
}

interface Waiter {
  resolve: (session: PowerShellSession) => void;
  reject: (error: Error) => void;
  signal?: AbortSignal;
}

/**
 * The supervisor for one endpoint (one profile's Exchange or Lync shell): starts sessions lazily,
 * up to `size`, queues calls beyond that, health-checks idle sessions, replaces dead ones, and on
 * shutdown ends every process it started.
 */
export class SessionPool {
  private readonly sessions: PowerShellSession[] = [];
  private readonly starting = new Set<Promise<PowerShellSession>>();
  private readonly waiters: Waiter[] = [];
  private closed = false;
  restarts = 0;

  constructor(private readonly options: PoolOptions) {}

  /** Allows more sessions (a bulk job's concurrency); never shrinks below the configured size. */
  growTo(size: number): void {
    this.options.size = Math.max(this.options.size, size);
  }

  get queued(): number {
    return this.waiters.length;
  }

  /** The edition and version the pool's sessions reported, once one has started. */
  reportedVersion(): { edition?: string; version?: string } {
    return this.sessions.find((s) => s.version)?.version ?? {};
  }

  /** The allow-listed commands a session of this endpoint has (lower case), starting one if none runs. */
  async commands(signal?: AbortSignal): Promise<ReadonlySet<string>> {
    const session = await this.acquire(signal);
    this.release(session);
    return session.commands;
  }

  status(): Array<{ pid?: number; state: PowerShellSession['state']; calls: number; startedAt: string }> {
    return this.sessions.map((s) => ({ pid: s.pid, state: s.state, calls: s.calls, startedAt: s.startedAt }));
  }

  /** Runs a call on a free session; a timeout, cancel or crash is reported and the session replaced. */
  async run(command: string, parameters: Record<string, unknown>, timeoutMs: number, signal?: AbortSignal): Promise<PsResult> {
    const session = await this.acquire(signal);
    try {
      return await session.invoke(command, parameters, timeoutMs, signal);
    } finally {
      this.release(session);
    }
  }

  private async acquire(signal?: AbortSignal): Promise<PowerShellSession> {
    if (this.closed) throw new ApiError('POWERSHELL_UNAVAILABLE', 'The PowerShell sessions are shutting down.');
    if (signal?.aborted) throw new ApiError('CANCELLED', 'The command was cancelled before it started.');
    this.prune();
    for (const session of this.sessions) {
      if (session.state !== 'idle') continue;
      session.state = 'busy';
      if (Date.now() - session.lastUsed > this.options.healthCheckAfterMs && !(await session.ping(5000))) {
        await session.dispose();
        this.prune();
        this.restarts++;
        continue;
      }
      return session;
    }
    if (this.sessions.length + this.starting.size < this.options.size) {
      const started = PowerShellSession.start(this.options);
      this.starting.add(started);
      try {
        const session = await started;
        if (this.closed) {
          await session.dispose();
          throw new ApiError('POWERSHELL_UNAVAILABLE', 'The PowerShell sessions are shutting down.');
        }
        session.state = 'busy';
        this.sessions.push(session);
        return session;
      } finally {
        this.starting.delete(started);
      }
    }
    return new Promise((resolve, reject) => {
      const waiter: Waiter = { resolve, reject, signal };
      this.waiters.push(waiter);
      signal?.addEventListener(
        'abort',
        () => {
          const index = this.waiters.indexOf(waiter);
          if (index >= 0) this.waiters.splice(index, 1);
          reject(new ApiError('CANCELLED', 'The command was cancelled while waiting for a PowerShell session.'));
        },
        { once: true },
      );
    });
  }

  private release(session: PowerShellSession): void {
    if (session.state === 'dead') {
      this.prune();
      this.restarts++;
      // A replacement starts lazily for whoever is waiting.
      const next = this.waiters.shift();
      if (next) this.acquire(next.signal).then(next.resolve, next.reject);
      return;
    }
    const next = this.waiters.shift();
    if (next) {
      session.state = 'busy';
      next.resolve(session);
    } else {
      session.state = 'idle';
    }
  }

  private prune(): void {
    for (let i = this.sessions.length - 1; i >= 0; i--) if (this.sessions[i]!.state === 'dead') this.sessions.splice(i, 1);
  }

  /** Stops every process of this pool and waits for them to exit. */
  async close(): Promise<void> {
    this.closed = true;
    for (const waiter of this.waiters.splice(0)) waiter.reject(new ApiError('POWERSHELL_UNAVAILABLE', 'The PowerShell sessions were closed.'));
    const pending = await Promise.allSettled([...this.starting]);
    for (const p of pending) if (p.status === 'fulfilled') await p.value.dispose();
    await Promise.all(this.sessions.map((s) => s.dispose()));
    this.sessions.length = 0;
  }
}
