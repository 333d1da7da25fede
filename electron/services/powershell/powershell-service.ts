import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { basicOverHttp, exchangeConnectionUri, exchangeEndpointsOf, exchangeServerOf, sessionBudgetOf, type Profile } from '@shared/models/profile';
import type { PsErrorRecord, PsResult, PsSessionStatus, PsShell, PsShellPlan, ShellTarget } from '@shared/models/powershell';
import { renderCommand } from '@shared/powershell/render-command';
import { ApiError } from '@shared/errors';
import type { LabDescriptor } from '../profiles/lab-descriptor';
import type { ProfileService } from '../profiles/profile-service';
import { bridgeAllowList, cmdletSpec, redactParameters } from './cmdlet-catalog';
import { privatePwshCache, shellEnvironment, type BridgeEndpoint } from './powershell-session';
import type { PowerShellHistory } from './powershell-history';
import { chooseShell, findBridgeScript, hostEnvironment, type EndpointKind } from './pwsh-locations';
import { SessionPool } from './session-pool';

export interface PowerShellOptions {
  poolSize: number;
  callTimeoutMs: number;
  startTimeoutMs: number;
  healthCheckAfterMs: number;
  /** How long a bulk job rests an Exchange endpoint that failed before one session tries it again (ENDPOINT_RETRY_MS unless given). */
  endpointRetryMs?: number;
  env: NodeJS.ProcessEnv;
}

/** A server restarted for patching or a failed-over CAS answers again within minutes. */
const ENDPOINT_RETRY_MS = 60_000;

export interface RunOptions {
  timeoutMs?: number;
  signal?: AbortSignal;
  /** Which of the profile's Exchange endpoints (exchangeEndpointsOf) runs it; the main one by default. */
  endpoint?: number;
}

/** One of a profile's Exchange endpoints as a bulk job uses it. */
export interface ExchangeEndpointPlan {
  index: number;
  server: string;
  /** The sessions the console may open on it (the admin's setting, else Exchange's default). */
  budget: number;
  /** After it failed, how long a job rests it before trying it again (doubled each time it fails again). */
  retryMs: number;
}

/** A cmdlet that ran and reported errors, with its records kept for the caller and the UI. */
export class PowerShellCommandError extends ApiError {
  constructor(
    readonly command: string,
    readonly records: PsErrorRecord[],
  ) {
    super('POWERSHELL_ERROR', records[0]?.message ?? `${command} failed.`, { command, errors: records });
  }
}

/**
 * The console's way into Exchange and Lync: allow-listed cmdlets with parameters as data, over
 * supervised sessions per profile and shell. Only the endpoint differs between a real Exchange
 * server, the Lync module and the lab; everything above it is this one path.
 */
/** Sessions a Lync shell may grow to for a bulk job (Lync states no per-user session budget). */
const LYNC_SESSIONS = 8;

export class PowerShellService {
  private readonly pools = new Map<string, { pool: SessionPool; endpoint: string; shell: PsShell }>();
  private readonly versions = new Map<string, Promise<{ edition: string; version: string } | undefined>>();

  constructor(
    private readonly profiles: ProfileService,
    private readonly lab: LabDescriptor | undefined,
    readonly history: PowerShellHistory,
    private readonly options: PowerShellOptions,
  ) {}

  /** True when the profile has this shell configured. */
  has(profileName: string, target: ShellTarget): boolean {
    const profile = this.profiles.get(profileName);
    return target === 'exchange' ? !!profile.exchange : !!profile.lync;
  }

  /** Runs one cmdlet and returns everything it reported; PowerShell errors are in the result. */
  async run(profileName: string, target: ShellTarget, command: string, parameters: Record<string, unknown>, options: RunOptions = {}): Promise<PsResult> {
    const spec = cmdletSpec(target, command);
    if (!spec) throw new ApiError('ACCESS_DENIED', `The console does not run ${command} in the ${target === 'exchange' ? 'Exchange' : 'Lync'} shell.`);
    const clean = Object.fromEntries(Object.entries(parameters).filter(([, v]) => v !== undefined));
    const unknown = Object.keys(clean).filter((k) => !spec.parameters.some((p) => p.toLowerCase() === k.toLowerCase()));
    if (unknown.length) throw new ApiError('INVALID_INPUT', `${command} does not take ${unknown.map((u) => `-${u}`).join(', ')}.`);

    const started = Date.now();
    const redacted = redactParameters(target, command, clean);
    const entry = {
      id: randomUUID(),
      at: new Date(started).toISOString(),
      profile: profileName,
      target,
      command,
      parameters: redacted,
      script: renderCommand(command, redacted),
    };
    try {
      const result = await this.pool(profileName, target, options.endpoint).run(
        command,
        clean,
        options.timeoutMs ?? this.options.callTimeoutMs,
        options.signal,
      );
      this.history.record({
        ...entry,
        durationMs: Date.now() - started,
        ok: result.ok,
        errors: result.errors,
        warnings: result.warnings,
        outputCount: result.output.length,
      });
      return result;
    } catch (error) {
      const apiError = error instanceof ApiError ? error : new ApiError('POWERSHELL_ERROR', (error as Error).message);
      const failure = ({ TIMEOUT: 'timeout', CANCELLED: 'cancelled', POWERSHELL_SESSION_DIED: 'session-died', POWERSHELL_UNAVAILABLE: 'unavailable' } as const)[
        apiError.code as 'TIMEOUT'
      ];
      this.history.record({
        ...entry,
        durationMs: Date.now() - started,
        ok: false,
        errors: [{ message: apiError.message }],
        warnings: [],
        outputCount: 0,
        failure,
      });
      throw apiError;
    }
  }

  /** Runs one cmdlet and returns its output; a PowerShell error becomes a PowerShellCommandError. */
  async invoke(profileName: string, target: ShellTarget, command: string, parameters: Record<string, unknown>, options: RunOptions = {}): Promise<unknown[]> {
    const result = await this.run(profileName, target, command, parameters, options);
    if (!result.ok) throw new PowerShellCommandError(command, result.errors);
    return result.output;
  }

  /**
   * Whether this profile's shell has a command: an Exchange session holds only the cmdlets the
   * account's RBAC roles grant [S38], so a missing one is a refusal known before anything runs.
   */
  async hasCommand(profileName: string, target: ShellTarget, command: string): Promise<boolean> {
    return (await this.pool(profileName, target).commands()).has(command.toLowerCase());
  }

  /**
   * True when the shell writes the directory as the profile's own account, so its AD rights decide
   * (the lab's stand-in; Exchange 2007's shell did the same [S40]). Exchange 2010 and 2013 remote
   * sessions write with the Exchange server's account once RBAC allows the cmdlet.
   */
  writesAsAccount(profileName: string, target: ShellTarget): boolean {
    return this.profiles.get(profileName)[target]?.kind === 'lab';
  }

  status(): PsSessionStatus[] {
    return [...this.pools.entries()].map(([key, { pool, endpoint, shell }]) => {
      const [profile, target] = key.split('\u0000') as [string, ShellTarget];
      return {
        profile,
        target,
        endpoint,
        shell: { ...shell, ...pool.reportedVersion() },
        sessions: pool.status(),
        restarts: pool.restarts,
        queued: pool.queued,
      };
    });
  }

  /**
   * Which PowerShell each configured endpoint will use, and its version (asked of the executable
   * once per path, or taken from a session that already runs).
   */
  async shells(): Promise<PsShellPlan[]> {
    const plans: PsShellPlan[] = [];
    for (const profile of this.profiles.list()) {
      for (const target of ['exchange', 'lync'] as const) {
        const configured = target === 'exchange' ? profile.exchange : profile.lync;
        if (!configured) continue;
        const kind = endpointKind(configured, target);
        const endpoint = describeEndpoint(profile, target);
        if (target === 'exchange' && basicOverHttp(profile.exchange)) {
          plans.push({ profile: profile.name, target, endpoint, problem: basicOverHttpMessage(profile.name) });
          continue;
        }
        const running = this.pools.get(`${profile.name}\u0000${target}`);
        if (running) {
          plans.push({ profile: profile.name, target, endpoint, shell: { ...running.shell, ...running.pool.reportedVersion() } });
          continue;
        }
        const choice = chooseShell(kind, hostEnvironment(this.options.env));
        if (!choice.ok) {
          plans.push({ profile: profile.name, target, endpoint, problem: choice.message });
          continue;
        }
        const version = await this.probeVersion(choice.path);
        plans.push({ profile: profile.name, target, endpoint, shell: { kind: choice.kind, path: choice.path, reason: choice.reason, ...version } });
      }
    }
    return plans;
  }

  /** Asks an executable for its edition and version (cached per path; undefined if it would not say). */
  private probeVersion(path: string): Promise<{ edition: string; version: string } | undefined> {
    let cached = this.versions.get(path);
    if (!cached) {
      cached = new Promise((resolve) => {
        const cache = privatePwshCache();
        execFile(
          path,
          ['-NoProfile', '-NonInteractive', '-Command', "$PSVersionTable.PSEdition + ' ' + $PSVersionTable.PSVersion.ToString()"],
          {
            timeout: 30_000,
            windowsHide: true,
            env: { ...shellEnvironment(this.options.env), POWERSHELL_TELEMETRY_OPTOUT: '1', POWERSHELL_UPDATECHECK: 'Off', ...cache.env },
          },
          (error, stdout) => {
            cache.remove();
            const match = /^(Desktop|Core) (\S+)/m.exec(String(stdout));
            resolve(!error && match ? { edition: match[1]!, version: match[2]! } : undefined);
          },
        );
      });
      this.versions.set(path, cached);
    }
    return cached;
  }

  /** The profile's Exchange endpoints with their session budgets, the main one first. */
  exchangeEndpoints(profileName: string): ExchangeEndpointPlan[] {
    const retryMs = this.options.endpointRetryMs ?? ENDPOINT_RETRY_MS;
    return exchangeEndpointsOf(this.profiles.get(profileName)).map((e, index) => ({ index, server: exchangeServerOf(e), budget: sessionBudgetOf(e), retryMs }));
  }

  /** One pool per shell, and per Exchange endpoint after the main one (`…\0exchange\0<index>`). */
  private poolKey(profileName: string, target: ShellTarget, index = 0): string {
    return index ? `${profileName}\u0000${target}\u0000${index}` : `${profileName}\u0000${target}`;
  }

  private pool(profileName: string, target: ShellTarget, index = 0): SessionPool {
    const key = this.poolKey(profileName, target, index);
    const existing = this.pools.get(key);
    if (existing) return existing.pool;
    const profile = this.profiles.get(profileName);
    const endpoint = this.endpointFor(profile, target, index);
    const choice = chooseShell(endpoint.kind, hostEnvironment(this.options.env));
    if (!choice.ok) throw new ApiError('POWERSHELL_UNAVAILABLE', choice.message);
    const pool = new SessionPool({
      pwsh: choice.path,
      bridgeScript: findBridgeScript(this.options.env),
      endpoint,
      allowed: bridgeAllowList(target),
      size: Math.min(this.options.poolSize, this.budget(profile, target, index)),
      startTimeoutMs: this.options.startTimeoutMs,
      healthCheckAfterMs: this.options.healthCheckAfterMs,
      env: this.options.env,
    });
    this.pools.set(key, { pool, endpoint: describeEndpoint(profile, target, index), shell: { kind: choice.kind, path: choice.path, reason: choice.reason } });
    return pool;
  }

  /** The sessions an endpoint may have: an Exchange endpoint's budget; Lync's shell as before. */
  private budget(profile: Profile, target: ShellTarget, index: number): number {
    const exchange = target === 'exchange' ? exchangeEndpointsOf(profile)[index] : undefined;
    return exchange ? sessionBudgetOf(exchange) : LYNC_SESSIONS;
  }

  private endpointFor(profile: Profile, target: ShellTarget, index = 0): BridgeEndpoint {
    const configured = target === 'exchange' ? exchangeEndpointsOf(profile)[index] : profile.lync;
    if (!configured) {
      throw new ApiError(
        'POWERSHELL_UNAVAILABLE',
        `Profile ${profile.name} has no ${target === 'exchange' ? 'Exchange' : 'Lync'} PowerShell endpoint. Add one in Settings.`,
      );
    }
    // A profile that signs in as the logged-on user (Kerberos) passes no credential: the session
    // authenticates with the same user's ticket. Otherwise the profile's account and password.
    const credential = () => {
      if (profile.directory.authentication === 'kerberos' || !profile.directory.bindIdentity) return undefined;
      const password = this.profiles.resolveSecret(profile.name);
      if (!password)
        throw new ApiError('SECRET_REQUIRED', `Connect profile ${profile.name} first; its PowerShell session uses the same account.`, {
          profile: profile.name,
        });
      return { userName: profile.directory.bindIdentity, password };
    };
    switch (configured.kind) {
      case 'lab': {
        if (!this.lab) throw new ApiError('POWERSHELL_UNAVAILABLE', 'The lab is not running (no lab descriptor), so the lab PowerShell module cannot connect.');
        // The lab module binds with a password; a real Exchange or Lync endpoint takes the
        // logged-on user's ticket through WinRM instead.
        const labCredential = credential();
        const labServer = 'server' in configured && typeof configured.server === 'string' ? configured.server : undefined;
        if (!labCredential)
          throw new ApiError(
            'POWERSHELL_UNAVAILABLE',
            `The lab's PowerShell module signs in with an account and password; profile ${profile.name} signs in with Kerberos. Use a password profile for the lab's shells.`,
          );
        return {
          kind: 'lab',
          modulePath: configured.modulePath,
          server: profile.directory.host,
          port: profile.directory.security === 'ldaps' ? profile.directory.port : 636,
          caDirectory: this.lab.caDirectory,
          credential: labCredential,
          callLog: this.lab.callLog,
          cmsFile: this.lab.cmsFile,
          exchangeStateFile: this.lab.exchangeStateFile,
          // The Exchange server the session stands in for: its latency, budgets and outages.
          ...(labServer && this.lab.exchangeEndpointsDirectory ? { exchangeServer: labServer, endpointsDirectory: this.lab.exchangeEndpointsDirectory } : {}),
        };
      }
      case 'remote':
        if (!('server' in configured))
          return { kind: 'lync-remote', pool: configured.pool, credential: configured.useProfileCredential ? credential() : undefined };
        // Refused here, before a shell starts or anything is sent; the bridge refuses it too.
        if (basicOverHttp(configured)) throw new ApiError('INVALID_INPUT', basicOverHttpMessage(profile.name), { profile: profile.name });
        return {
          kind: 'exchange-remote',
          server: configured.server,
          transport: configured.transport,
          authentication: configured.authentication,
          credential: configured.useProfileCredential ? credential() : undefined,
        };
      case 'local':
        return { kind: 'lync-local' };
    }
  }

  /**
   * Lets up to `size` sessions serve this profile's shell at once (bounded concurrency of a bulk
   * job), never more than the endpoint's session budget: Exchange refuses a user's sessions beyond
   * PowerShellMaxConcurrency [S44].
   */
  reserve(profileName: string, target: ShellTarget, size: number, index = 0): void {
    this.pool(profileName, target, index).growTo(Math.min(size, this.budget(this.profiles.get(profileName), target, index)));
  }

  /**
   * Replaces this shell's sessions (e.g. after the directory came back from an outage, since the
   * sessions' own connections to it may be dead); calls in flight on them fail as "session died".
   */
  async recycle(profileName: string, target: ShellTarget): Promise<void> {
    const key = this.poolKey(profileName, target);
    for (const [k, { pool }] of [...this.pools.entries()]) {
      if (k !== key && !k.startsWith(`${key}\u0000`)) continue;
      this.pools.delete(k);
      await pool.close();
    }
  }

  /** Closes the sessions of one profile (when it is disconnected or its secret changes). */
  async closeProfile(profileName: string): Promise<void> {
    for (const [key, { pool }] of [...this.pools.entries()]) {
      if (key.startsWith(`${profileName}\u0000`)) {
        this.pools.delete(key);
        await pool.close();
      }
    }
  }

  async shutdown(): Promise<void> {
    const pools = [...this.pools.values()];
    this.pools.clear();
    await Promise.all(pools.map(({ pool }) => pool.close()));
  }
}

function endpointKind(configured: NonNullable<Profile['exchange'] | Profile['lync']>, target: ShellTarget): EndpointKind {
  if (configured.kind === 'lab') return 'lab';
  if (configured.kind === 'local') return 'lync-local';
  return target === 'exchange' ? 'exchange-remote' : 'lync-remote';
}

/** The endpoint in a few words, for Settings, the PowerShell view and the shell test. */
function describeEndpoint(profile: Profile, target: ShellTarget, index = 0): string {
  const configured = target === 'exchange' ? exchangeEndpointsOf(profile)[index] : profile.lync;
  if (!configured) return '';
  switch (configured.kind) {
    case 'lab':
      return 'server' in configured && configured.server
        ? `lab module as ${configured.server} on ${profile.directory.host}`
        : `lab module on ${profile.directory.host}`;
    case 'local':
      return 'Import-Module Lync';
    case 'remote':
      return 'server' in configured ? `${exchangeConnectionUri(configured)} (${configured.authentication})` : `https://${configured.pool}/OcsPowerShell`;
  }
}

function basicOverHttpMessage(profileName: string): string {
  return `Profile ${profileName} sends Basic authentication to Exchange over http://, where the password could be read on the network; nothing was sent. Choose HTTPS for this endpoint, or Kerberos or Negotiate.`;
}
