import { readFileSync } from 'node:fs';
import { connect as netConnect, Socket } from 'node:net';
import { connect as tlsConnect, rootCertificates, type ConnectionOptions } from 'node:tls';
import { Attribute, Change, Client, StrongAuthRequiredError, type Control } from 'ldapts';
import type { DirectoryEndpoint } from '@shared/models/profile';
import { ApiError } from '@shared/errors';
import { binaryAttributeNames, DirEntry } from './dir-entry';
import { isConnectionLost, toDirectoryError } from './directory-errors';
import { dnToDnsName } from '@shared/dn';
import { bindWithKerberos } from './kerberos-bind';
import { probeCertificate } from './tls-probe';

export type SearchScope = 'base' | 'one' | 'sub';

export interface SearchRequest {
  scope?: SearchScope;
  filter?: string;
  attributes?: string[];
  /** Page size for the paged-results control; the DC's MaxPageSize (1000 on AD) caps it. */
  pageSize?: number;
  sizeLimit?: number;
  controls?: Control[];
}

export type AttributeValues = string | string[] | Buffer | Buffer[];

export interface Modification {
  operation: 'add' | 'delete' | 'replace';
  attribute: string;
  values: AttributeValues;
}

/** What the DC says about itself, read once after binding. */
export interface RootDse {
  defaultNamingContext: string;
  rootDomainNamingContext: string;
  configurationNamingContext: string;
  schemaNamingContext: string;
  dnsHostName: string;
  forestDnsName: string;
  supportedControls: string[];
  domainFunctionality?: number;
  forestFunctionality?: number;
}

/**
 * One bound LDAP connection to one DC. Certificate checks are always on (system store plus the
 * profile's CA file). If the DC drops the connection, the next operation reconnects and rebinds
 * once; reads are retried after that, writes are not (the caller decides). Every request counts
 * as a round trip in `stats`, which the benchmarks report.
 */
export class DirectorySession {
  readonly stats: { roundTrips: number; reconnects: number };
  private client: Client | undefined;
  private closed = false;
  private rootDseValue: RootDse | undefined;
  private boundAs: string | undefined;
  private readonly target: string;
  /** The same DC's global catalog, opened on first use; `null` once it did not answer. */
  private globalCatalog: Promise<DirectorySession | null> | undefined;

  private constructor(
    readonly endpoint: DirectoryEndpoint,
    private readonly password: string,
    stats?: { roundTrips: number; reconnects: number },
  ) {
    this.target = `${endpoint.host}:${endpoint.port}`;
    this.stats = stats ?? { roundTrips: 0, reconnects: 0 };
  }

  /** Connects, binds and reads the RootDSE; throws an ApiError an admin can read. */
  static async open(endpoint: DirectoryEndpoint, password: string): Promise<DirectorySession> {
    const session = new DirectorySession(endpoint, password);
    await session.connect();
    return session;
  }

  /**
   * Searches the whole forest through the global catalog — where RTC groups, users and contacts
   * of every domain are found (Get-UCPool and Exchange's recipient lookups do the same, S8, S11):
   * the DC's GC port (3269 with LDAPS, 3268 with StartTLS), base "" (every naming context). A DC
   * that is not a GC, or a GC that cannot be reached, falls back to this session's domain, and
   * the result says so. A GC holds the partial attribute set only: ask for attributes it replicates.
   */
  async searchForest(request: SearchRequest = {}): Promise<{ entries: DirEntry[]; forestWide: boolean }> {
    const gc = await this.openGlobalCatalog();
    if (gc) {
      try {
        return { entries: await gc.search('', request), forestWide: true };
      } catch (error) {
        if (!(error instanceof ApiError) || !['DC_UNREACHABLE', 'TIMEOUT', 'NOT_CONNECTED'].includes(error.code)) throw error;
      }
    }
    return { entries: await this.search(this.rootDse.defaultNamingContext, request), forestWide: false };
  }

  private openGlobalCatalog(): Promise<DirectorySession | null> {
    this.globalCatalog ??= (async () => {
      const port = this.endpoint.globalCatalogPort ?? (this.endpoint.security === 'ldaps' ? 3269 : 3268);
      try {
        const gc = new DirectorySession({ ...this.endpoint, port, timeoutMs: Math.min(this.endpoint.timeoutMs, 10_000) }, this.password, this.stats);
        await gc.connect();
        return gc;
      } catch {
        return null;
      }
    })();
    return this.globalCatalog;
  }

  /**
   * Who the session is bound as: the profile's account for a password bind, the Kerberos
   * principal (user@REALM) for a sign-in as the logged-on user. Audit entries carry this.
   */
  get identity(): string {
    return this.boundAs ?? this.endpoint.bindIdentity ?? '';
  }

  get rootDse(): RootDse {
    if (!this.rootDseValue) throw new ApiError('NOT_CONNECTED', 'The directory session is not open.');
    return this.rootDseValue;
  }

  get isOpen(): boolean {
    return !this.closed && !!this.client?.isConnected;
  }

  private tlsOptions(): ConnectionOptions {
    const ca = [...rootCertificates];
    if (this.endpoint.caFile) {
      try {
        ca.push(readFileSync(this.endpoint.caFile, 'utf8'));
      } catch (error) {
        throw new ApiError(
          'INVALID_INPUT',
          `The trusted CA file cannot be read: ${this.endpoint.caFile} (${(error as NodeJS.ErrnoException).code ?? 'error'}).`,
        );
      }
    }
    const isIp = isIpAddress(this.endpoint.host);
    // `host` matters for StartTLS: over an existing socket Node checks the certificate against it.
    return { ca, rejectUnauthorized: true, minVersion: 'TLSv1.2', host: this.endpoint.host, servername: isIp ? undefined : this.endpoint.host };
  }

  private async connect(): Promise<void> {
    const { host, port, security, timeoutMs, bindIdentity, authentication } = this.endpoint;
    const tls = this.tlsOptions();
    const url = `${security === 'ldaps' ? 'ldaps' : 'ldap'}://${host.includes(':') ? `[${host}]` : host}:${port}`;
    // For StartTLS the TLS options go to startTLS(), not the constructor: ldapts would otherwise
    // speak TLS from the first byte on port 389.
    const client = new Client({
      url,
      timeout: timeoutMs,
      connectTimeout: timeoutMs,
      tlsOptions: security === 'ldaps' ? tls : undefined,
      ...singleUseConnections(),
    });
    const kerberos = authentication === 'kerberos';
    const who = kerberos ? 'the logged-on user (Kerberos)' : bindIdentity;
    try {
      this.stats.roundTrips++;
      if (security === 'starttls') await client.startTLS(tls);
      this.stats.roundTrips++;
      if (kerberos) {
        // The service principal names the DC by its DNS name; a profile that gives an address
        // learns the name from the RootDSE, read over the TLS connection whose certificate was
        // just verified.
        const dcName = isIpAddress(host) ? await readDnsHostName(client) : host;
        this.stats.roundTrips++;
        this.boundAs = (await bindWithKerberos(client, dcName)).principal;
      } else {
        if (!bindIdentity) throw new ApiError('INVALID_INPUT', 'The profile signs in with a password but names no account to bind as.');
        await client.bind(bindIdentity, this.password);
        this.boundAs = bindIdentity;
      }
    } catch (error) {
      await client.unbind().catch(() => undefined);
      if (kerberos && error instanceof StrongAuthRequiredError) {
        throw new ApiError(
          'KERBEROS_FAILED',
          `The domain controller ${this.target} refused a Kerberos sign-in over TLS (${error.message}). It requires LDAP channel binding ("Always"), which the console cannot send; sign in with an account and password, or set the DC to "When supported".`,
        );
      }
      const apiError = toDirectoryError(error, `bind to ${this.target} as ${who}`);
      if (apiError.code === 'CERT_UNTRUSTED') {
        const certificate = await probeCertificate(host, port, security);
        throw new ApiError('CERT_UNTRUSTED', apiError.message, { ...(apiError.details as object), certificate, caFile: this.endpoint.caFile });
      }
      throw apiError;
    }
    this.client = client;
    if (!this.rootDseValue) this.rootDseValue = await this.readRootDse();
  }

  private async reconnect(): Promise<void> {
    await this.client?.unbind().catch(() => undefined);
    this.client = undefined;
    this.stats.reconnects++;
    await this.connect();
  }

  /** Runs an operation, reconnecting once if the connection was lost; reads are retried. */
  private async run<T>(what: string, retryable: boolean, op: (client: Client) => Promise<T>): Promise<T> {
    if (this.closed) throw new ApiError('NOT_CONNECTED', 'The directory session was closed.');
    if (!this.client?.isConnected) await this.reconnect().catch((e) => Promise.reject(toDirectoryError(e, what)));
    try {
      return await op(this.client!);
    } catch (error) {
      if (!isConnectionLost(error) || !retryable) throw toDirectoryError(error, what);
      try {
        await this.reconnect();
        return await op(this.client!);
      } catch (retryError) {
        throw toDirectoryError(retryError, what);
      }
    }
  }

  private async readRootDse(): Promise<RootDse> {
    const entry = await this.read('', [
      'defaultNamingContext',
      'rootDomainNamingContext',
      'configurationNamingContext',
      'schemaNamingContext',
      'dnsHostName',
      'supportedControl',
      'domainFunctionality',
      'forestFunctionality',
    ]);
    if (!entry) throw new ApiError('DIRECTORY_ERROR', `${this.target} returned no RootDSE; it does not look like an Active Directory DC.`);
    const root = entry.get('rootDomainNamingContext') ?? '';
    return {
      defaultNamingContext: entry.get('defaultNamingContext') ?? '',
      rootDomainNamingContext: root,
      configurationNamingContext: entry.get('configurationNamingContext') ?? '',
      schemaNamingContext: entry.get('schemaNamingContext') ?? '',
      dnsHostName: entry.get('dnsHostName') ?? this.endpoint.host,
      forestDnsName: dnToDnsName(root),
      supportedControls: entry.getAll('supportedControl'),
      domainFunctionality: entry.getInt('domainFunctionality'),
      forestFunctionality: entry.getInt('forestFunctionality'),
    };
  }

  /** Searches with the paged-results control and returns every entry. */
  async search(base: string, request: SearchRequest = {}): Promise<DirEntry[]> {
    const entries: DirEntry[] = [];
    for await (const page of this.searchPages(base, request)) entries.push(...page);
    return entries;
  }

  /** Yields one page at a time, so large result sets can be processed without holding them all. */
  async *searchPages(base: string, request: SearchRequest = {}): AsyncGenerator<DirEntry[]> {
    const what = `search under ${base || 'the RootDSE'}`;
    const options = {
      scope: request.scope ?? 'sub',
      filter: request.filter ?? '(objectClass=*)',
      attributes: request.attributes,
      sizeLimit: request.sizeLimit,
      explicitBufferAttributes: binaryAttributeNames,
      paged: request.scope === 'base' ? false : { pageSize: request.pageSize ?? 1000 },
    } as const;
    if (options.paged === false) {
      const result = await this.run(what, true, (c) => {
        this.stats.roundTrips++;
        return c.search(base, options, request.controls);
      });
      yield result.searchEntries.map((e) => new DirEntry(e.dn, e));
      return;
    }
    // Paging is stateful on the server: a lost connection mid-way restarts the whole search.
    const pages = await this.run(what, true, async (client) => {
      const collected: DirEntry[][] = [];
      const iterator = client.searchPaginated(base, options, request.controls);
      for (;;) {
        this.stats.roundTrips++;
        const next = await iterator.next();
        if (next.done) break;
        collected.push(next.value.searchEntries.map((e) => new DirEntry(e.dn, e)));
      }
      return collected;
    });
    for (const page of pages) yield page;
  }

  /** Reads one object, or undefined when it does not exist. */
  async read(dn: string, attributes: string[] = ['*'], controls?: Control[]): Promise<DirEntry | undefined> {
    try {
      const [entry] = await this.search(dn, { scope: 'base', attributes, controls });
      return entry;
    } catch (error) {
      if (error instanceof ApiError && error.code === 'NOT_FOUND') return undefined;
      throw error;
    }
  }

  /**
   * Reads every value of a large multi-valued attribute (member, back-links) with ranged
   * retrieval (`attr;range=a-b`), which AD needs past its MaxValRange (1500 values).
   */
  async readRanged(dn: string, attribute: string): Promise<string[]> {
    const values: string[] = [];
    let low = 0;
    for (let guard = 0; guard < 100_000; guard++) {
      const entry = await this.read(dn, [`${attribute};range=${low}-*`]);
      if (!entry) throw new ApiError('NOT_FOUND', `The object does not exist: ${dn}.`);
      const rangedName = entry.names().find((n) => n.toLowerCase().startsWith(`${attribute.toLowerCase()};range=`));
      if (!rangedName) {
        // Servers that do not page values return the plain attribute.
        return [...values, ...entry.getAll(attribute)];
      }
      values.push(...entry.getAll(rangedName));
      const high = /;range=\d+-(\d+|\*)$/i.exec(rangedName)?.[1];
      if (!high || high === '*') return values;
      low = Number(high) + 1;
    }
    throw new ApiError('DIRECTORY_ERROR', `Ranged retrieval of ${attribute} on ${dn} did not finish.`);
  }

  async add(dn: string, attributes: Record<string, AttributeValues>, controls?: Control[]): Promise<void> {
    const list = Object.entries(attributes).map(([type, values]) => new Attribute({ type, values: asValues(values) }));
    await this.run(`create ${dn}`, false, (c) => {
      this.stats.roundTrips++;
      return c.add(dn, list, controls);
    });
  }

  async modify(dn: string, modifications: Modification[], controls?: Control[]): Promise<void> {
    const changes = modifications.map(
      (m) => new Change({ operation: m.operation, modification: new Attribute({ type: m.attribute, values: asValues(m.values) }) }),
    );
    await this.run(`change ${dn}`, false, (c) => {
      this.stats.roundTrips++;
      return c.modify(dn, changes, controls);
    });
  }

  /** Renames or moves an object; `newRdn` is already escaped (`CN=…`). */
  async rename(dn: string, newRdn: string, newParent?: string): Promise<void> {
    await this.run(`move ${dn}`, false, (c) => {
      this.stats.roundTrips++;
      return c.modifyDN(dn, newParent ? `${newRdn},${newParent}` : newRdn);
    });
  }

  async delete(dn: string, controls?: Control[]): Promise<void> {
    await this.run(`delete ${dn}`, false, (c) => {
      this.stats.roundTrips++;
      return c.del(dn, controls);
    });
  }

  /** An extended operation, e.g. "Who am I?" (1.3.6.1.4.1.4203.1.11.3). */
  async extended(oid: string): Promise<string | undefined> {
    const result = await this.run(`extended operation ${oid}`, true, (c) => {
      this.stats.roundTrips++;
      return c.exop(oid);
    });
    return result.value;
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.client?.unbind().catch(() => undefined);
    this.client = undefined;
    const gc = await this.globalCatalog;
    await gc?.close();
  }
}

/**
 * ldapts silently reopens a dropped socket on the next request, unbound and — for StartTLS —
 * unencrypted. These factories allow exactly one plain and one TLS connection per client, so a
 * drop surfaces as an error and the session reconnects properly (TLS, then bind).
 */
function singleUseConnections(): { createConnection: typeof netConnect; createSecureConnection: typeof tlsConnect } {
  let plainUsed = false;
  let tlsUsed = false;
  const refused = () => {
    const socket = new Socket();
    process.nextTick(() => socket.destroy(Object.assign(new Error('Connection closed'), { code: 'ECONNRESET' })));
    return socket;
  };
  const createConnection = ((...args: Parameters<typeof netConnect>) => {
    if (plainUsed) return refused();
    plainUsed = true;
    return netConnect(...args);
  }) as typeof netConnect;
  const createSecureConnection = ((...args: Parameters<typeof tlsConnect>) => {
    if (tlsUsed) return refused() as unknown as ReturnType<typeof tlsConnect>;
    tlsUsed = true;
    return (tlsConnect as (...a: unknown[]) => ReturnType<typeof tlsConnect>)(...args);
  }) as typeof tlsConnect;
  return { createConnection, createSecureConnection };
}

function asValues(values: AttributeValues): string[] | Buffer[] {
  if (Array.isArray(values)) return values as string[] | Buffer[];
  return Buffer.isBuffer(values) ? [values] : [values];
}

function isIpAddress(host: string): boolean {
  return /^[0-9.]+$/.test(host) || host.includes(':');
}

/** The DC's DNS name from its RootDSE, which AD and Samba let anyone read before a bind. */
async function readDnsHostName(client: Client): Promise<string> {
  const { searchEntries } = await client.search('', { scope: 'base', filter: '(objectClass=*)', attributes: ['dnsHostName'] });
  const name = searchEntries[0]?.dnsHostName;
  const value = Array.isArray(name) ? name[0] : name;
  if (typeof value !== 'string' || !value)
    throw new ApiError(
      'DIRECTORY_ERROR',
      'The domain controller did not say its DNS name (RootDSE dnsHostName), which Kerberos needs; put its name in the profile instead of an address.',
    );
  return value;
}
