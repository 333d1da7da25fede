import { createRequire } from 'node:module';
import { BerReader, BindRequest, BindResponse, StatusCodeParser, type BerWriter, type Client } from 'ldapts';
import { ApiError } from '@shared/errors';

/**
 * "Sign in as the logged-on user": an LDAP SASL bind with the GSSAPI mechanism (RFC 4752), using
 * the operating system's Kerberos — the logon session's credentials through SSPI on Windows, the
 * kinit ticket cache elsewhere — through the `kerberos` addon (mongodb-js/kerberos).
 *
 * Only over TLS (LDAPS or StartTLS), and with no SASL security layer: Active Directory "does not
 * permit the use of SASL-layer encryption/integrity verification mechanisms on such a connection"
 * ([MS-ADTS] 5.1.1.1.2, docs/sources.md S35) — TLS already signs and seals. Channel binding tokens
 * are not sent (the addon exposes none), so a DC that enforces LDAP channel binding "Always"
 * (LdapEnforceChannelBinding=2) refuses this bind; "When supported" (1) and "Never" (0) accept it
 * (S36).
 *
 * ldapts writes SASL credentials and reads serverSaslCreds as UTF-8 text (ldapts issue #254), which
 * garbles Kerberos tokens; this module sends its own bind request carrying bytes and keeps the
 * server's bytes (see keepServerSaslCredentials). ldapts is pinned to the version this was
 * written against; test/unit/kerberos-bind.test.ts checks both on every run.
 */

/** The addon's surface this module uses (its own index.d.ts names `flags` `gssFlag`; we pass neither). */
interface KerberosClient {
  username: string;
  contextComplete: boolean;
  step(challenge: string): Promise<string | null>;
  unwrap(challenge: string): Promise<string>;
  wrap(challenge: string, options?: { user?: string }): Promise<string>;
}
interface KerberosAddon {
  GSS_MECH_OID_KRB5: number;
  initializeClient(service: string, options?: { mechOID?: number }): Promise<KerberosClient>;
}

let addon: KerberosAddon | undefined;

function loadKerberos(): KerberosAddon {
  if (addon) return addon;
  try {
    addon = createRequire(import.meta.url)('kerberos') as KerberosAddon;
    return addon;
  } catch (error) {
    throw new ApiError(
      'UNSUPPORTED',
      `Signing in with Kerberos needs the 'kerberos' module, which is not installed or did not build (${(error as Error).message.split('\n')[0]}). On Linux install libkrb5-dev and run npm rebuild kerberos; or sign in with an account and password.`,
    );
  }
}

/** True when the addon loads here (the lab tests and Settings use it to say what is possible). */
export function kerberosAvailable(): boolean {
  try {
    loadKerberos();
    return true;
  } catch {
    return false;
  }
}

const SASL_BIND_IN_PROGRESS = 14;
const SERVER_SASL_CREDS = 0x87;

/** A SASL bind request whose credentials are bytes, not text. */
class GssapiBindRequest extends BindRequest {
  constructor(
    messageId: number,
    private readonly token: Buffer,
  ) {
    super({ messageId, mechanism: 'GSSAPI' });
  }

  override writeMessage(writer: BerWriter): void {
    writer.writeInt(this.version);
    writer.writeString('');
    writer.startSequence(0xa3); // [3] SaslCredentials
    writer.writeString('GSSAPI');
    if (this.token.length > 0) writer.writeBuffer(this.token, 0x04);
    writer.endSequence();
  }
}

type WithServerCredentials = BindResponse & { serverSaslCredentials?: Buffer };
let patched = false;

/**
 * Makes every BindResponse keep its serverSaslCreds ([7]) as bytes in `serverSaslCredentials`,
 * besides ldapts' own text copy. Simple binds carry no such field, so nothing else changes.
 */
export function keepServerSaslCredentials(): void {
  if (patched) return;
  patched = true;
  const parse = (BindResponse.prototype as unknown as { parseMessage(reader: BerReader): void }).parseMessage;
  (BindResponse.prototype as unknown as { parseMessage(reader: BerReader): void }).parseMessage = function (this: WithServerCredentials, reader: BerReader) {
    const readString = reader.readString.bind(reader) as (tag?: number, asBuffer?: boolean) => string | Buffer | null;
    const patchedReader = reader as unknown as { readString: (tag?: number, asBuffer?: boolean) => string | Buffer | null };
    patchedReader.readString = (tag?: number, asBuffer?: boolean) => {
      if (tag !== SERVER_SASL_CREDS) return readString(tag, asBuffer);
      const bytes = readString(tag, true) as Buffer | null;
      this.serverSaslCredentials = bytes ?? Buffer.alloc(0);
      return '';
    };
    try {
      parse.call(this, reader);
    } finally {
      delete (patchedReader as { readString?: unknown }).readString;
    }
  };
}

interface ClientInternals {
  _nextMessageId(): number;
  _send(message: BindRequest): Promise<WithServerCredentials | undefined>;
  _onBindSuccess(rebind: () => Promise<void>): void;
  isConnected: boolean;
  _connect(): Promise<void>;
}

/** The service principal for LDAP on a DC: ldap/<fqdn> for SSPI, ldap@<fqdn> (host-based) for GSSAPI. */
export function ldapServicePrincipal(dcHostName: string, platform: NodeJS.Platform = process.platform): string {
  return platform === 'win32' ? `ldap/${dcHostName}` : `ldap@${dcHostName}`;
}

/**
 * Binds `client` (already over TLS) as the logged-on user's Kerberos principal on the DC named
 * `dcHostName`; returns the principal (user@REALM). Errors are ApiErrors an admin can act on.
 */
export async function bindWithKerberos(client: Client, dcHostName: string): Promise<{ principal: string }> {
  const kerberos = loadKerberos();
  keepServerSaslCredentials();
  const internals = client as unknown as ClientInternals;
  let context: KerberosClient;
  let token: Buffer;
  try {
    context = await kerberos.initializeClient(ldapServicePrincipal(dcHostName), { mechOID: kerberos.GSS_MECH_OID_KRB5 });
    token = Buffer.from((await context.step('')) ?? '', 'base64');
  } catch (error) {
    throw kerberosError(error, dcHostName);
  }
  // RFC 4752 §3.1: context tokens until the context is complete, then the server's security-layer
  // offer, answered with "no security layer" (TLS protects the connection).
  for (let round = 0; round < 10; round++) {
    if (!internals.isConnected) await internals._connect();
    const response = await internals._send(new GssapiBindRequest(internals._nextMessageId(), token));
    if (!response) throw new ApiError('DC_UNREACHABLE', `The domain controller ${dcHostName} closed the connection during the Kerberos sign-in.`);
    if (response.status === 0) {
      internals._onBindSuccess(async () => {
        await bindWithKerberos(client, dcHostName);
      });
      return { principal: context.username };
    }
    if (response.status !== SASL_BIND_IN_PROGRESS) throw StatusCodeParser.parse(response);
    const challenge = (response.serverSaslCredentials ?? Buffer.alloc(0)).toString('base64');
    try {
      if (!context.contextComplete) {
        token = Buffer.from((await context.step(challenge)) ?? '', 'base64');
        continue;
      }
      const offer = Buffer.from(await context.unwrap(challenge), 'base64');
      if (offer.length !== 4 || (offer[0]! & 0x01) === 0) {
        throw new ApiError(
          'KERBEROS_FAILED',
          `The domain controller ${dcHostName} insists on a SASL security layer over TLS, which Active Directory does not use; check the DC's LDAP signing settings.`,
        );
      }
      // Layer 1 (none), maximum size 0, no authorization identity: the same bytes through the
      // addon's wrap on Unix (which always answers "none") and through SSPI's on Windows.
      token = Buffer.from(await context.wrap(Buffer.from([1, 0, 0, 0]).toString('base64'), {}), 'base64');
    } catch (error) {
      throw kerberosError(error, dcHostName);
    }
  }
  throw new ApiError('KERBEROS_FAILED', `The Kerberos sign-in to ${dcHostName} did not complete after 10 rounds.`);
}

/** The GSSAPI/SSPI messages that mean something to an admin, in their words. */
function kerberosError(error: unknown, dcHostName: string): ApiError {
  if (error instanceof ApiError) return error;
  const message = error instanceof Error ? error.message : String(error);
  const detail = message.replace(/\s+/g, ' ').trim();
  if (/No Kerberos credentials|No credentials were supplied|credentials cache.*not found|SEC_E_NO_CREDENTIALS/i.test(message)) {
    return new ApiError(
      'KERBEROS_NO_TICKET',
      `There is no Kerberos ticket to sign in with. On Windows, sign in to the domain; elsewhere run kinit for your account. (${detail})`,
    );
  }
  if (/Server not found in Kerberos database|SEC_E_TARGET_UNKNOWN/i.test(message)) {
    return new ApiError(
      'KERBEROS_FAILED',
      `The domain's KDC does not know the service ldap/${dcHostName}. Use the domain controller's full DNS name in the profile. (${detail})`,
    );
  }
  // AD answers a disabled, locked-out or expired account with KDC_ERR_CLIENT_REVOKED ("credentials
  // have been revoked"); Samba with KDC_ERR_POLICY ("KDC policy rejects request").
  if (/revoked|KDC policy rejects|disabled|locked|expired/i.test(message)) {
    return new ApiError(
      'ACCESS_DENIED',
      `The domain refused to let this account sign in to ${dcHostName}: it is disabled, locked out, expired or not allowed to sign in here. (${detail})`,
    );
  }
  if (/clock skew/i.test(message)) {
    return new ApiError('KERBEROS_FAILED', `This computer's clock differs too much from the domain controller's for Kerberos. (${detail})`);
  }
  return new ApiError('KERBEROS_FAILED', `The Kerberos sign-in to ${dcHostName} failed: ${detail}`);
}
