import type { ConnectionState } from '@shared/models/connection';
import { ApiError, isApiError } from '@shared/errors';
import type { EventBus } from '../core/event-bus';
import type { ProfileService } from '../profiles/profile-service';
import { DirectorySession } from './directory-session';

/**
 * The live directory sessions, one per connected profile (several forests may be connected at
 * once). Broadcasts every state change so each transport's connection indicator stays current.
 */
export class ConnectionManager {
  private readonly states = new Map<string, ConnectionState>();
  private readonly sessions = new Map<string, DirectorySession>();
  private readonly pending = new Map<string, Promise<DirectorySession>>();
  private readonly closeHooks: Array<(profile: string) => Promise<void>> = [];

  constructor(
    private readonly profiles: ProfileService,
    private readonly bus: EventBus,
  ) {}

  list(): ConnectionState[] {
    return [...this.states.values()];
  }

  state(profile: string): ConnectionState {
    return this.states.get(profile) ?? { profile, status: 'disconnected' };
  }

  /** Other services (PowerShell sessions) register here to close with the profile. */
  onClose(hook: (profile: string) => Promise<void>): void {
    this.closeHooks.push(hook);
  }

  private setState(state: ConnectionState): ConnectionState {
    this.states.set(state.profile, state);
    this.bus.emit('connection.changed', state);
    return state;
  }

  /** Connects with a typed password (kept for the session, sealed in the vault with remember) or a resolvable one. */
  async connect(profileName: string, password?: string, remember = false): Promise<ConnectionState> {
    const previous = this.sessions.get(profileName);
    this.sessions.delete(profileName);
    await previous?.close();
    await this.open(profileName, password);
    // Only a password that worked is kept (and, with remember, sealed in the vault); a Kerberos
    // profile never keeps one.
    if (password && this.profiles.get(profileName).directory.authentication !== 'kerberos') this.profiles.rememberSecret(profileName, password, remember);
    return this.state(profileName);
  }

  /** The profile's open session; connects first when a password can be resolved without asking. */
  async ensure(profileName: string): Promise<DirectorySession> {
    const open = this.sessions.get(profileName);
    if (open) return open;
    const inFlight = this.pending.get(profileName);
    if (inFlight) return inFlight;
    const attempt = this.open(profileName).finally(() => this.pending.delete(profileName));
    this.pending.set(profileName, attempt);
    return attempt;
  }

  private async open(profileName: string, typedPassword?: string): Promise<DirectorySession> {
    const profile = this.profiles.get(profileName);
    // Kerberos signs in as the logged-on user: no password is asked for, kept or sent.
    const kerberos = profile.directory.authentication === 'kerberos';
    const password = kerberos ? '' : (typedPassword ?? this.profiles.resolveSecret(profileName));
    if (!kerberos && !password) {
      throw new ApiError('SECRET_REQUIRED', `A password is needed to connect as ${profile.directory.bindIdentity}.`, { profile: profileName });
    }
    this.setState({ profile: profileName, status: 'connecting', dcHost: profile.directory.host });
    try {
      const session = await DirectorySession.open(profile.directory, password ?? '');
      this.sessions.set(profileName, session);
      const dse = session.rootDse;
      this.setState({
        profile: profileName,
        status: 'connected',
        forest: dse.forestDnsName,
        defaultNamingContext: dse.defaultNamingContext,
        dcHost: dse.dnsHostName,
        boundAs: session.identity,
        connectedAt: new Date().toISOString(),
      });
      return session;
    } catch (error) {
      const apiError = isApiError(error) ? error : new ApiError('INTERNAL', 'The connection failed unexpectedly.');
      this.setState({ profile: profileName, status: 'failed', dcHost: profile.directory.host, error: apiError.toEnvelope() });
      throw apiError;
    }
  }

  async disconnect(profileName: string): Promise<ConnectionState> {
    const session = this.sessions.get(profileName);
    this.sessions.delete(profileName);
    await session?.close();
    for (const hook of this.closeHooks) await hook(profileName).catch(() => undefined);
    return this.setState({ profile: profileName, status: 'disconnected' });
  }

  async closeAll(): Promise<void> {
    for (const profile of [...this.sessions.keys()]) await this.disconnect(profile);
  }
}
