import { z } from 'zod';

/** A DNS host name or an IPv4/IPv6 literal; no schemes, paths or spaces. */
export const hostSchema = z
  .string()
  .min(1)
  .max(253)
  .regex(
    /^(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$|^\[?[0-9A-Fa-f:.]+\]?$/,
    'a host name or IP address',
  );

export const profileNameSchema = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, 'letters, digits, dot, dash and underscore; up to 64 characters');

export const directorySecuritySchema = z.enum(['ldaps', 'starttls']);
export type DirectorySecurity = z.infer<typeof directorySecuritySchema>;

/**
 * How the console signs in to the DC: with an account and password (simple bind over TLS), or as
 * the logged-on user with Kerberos (SASL GSSAPI; SSPI on Windows), no password asked or kept.
 */
export const directoryAuthenticationSchema = z.enum(['password', 'kerberos']);
export type DirectoryAuthentication = z.infer<typeof directoryAuthenticationSchema>;

/**
 * A local path for a file the console reads (the CA file). Spaces and any script are fine; a UNC
 * path (\\server\share\…) is refused: reading it would make Windows authenticate to that server
 * as the admin, and a trust anchor should not live on someone else's share.
 */
export const localFilePathSchema = z
  .string()
  .min(1)
  .max(4096)
  .refine((p) => !/^(\\\\|\/\/)/.test(p), 'a local path, not a network (UNC) path');

/** How the console reaches one forest's domain controller. Certificate checking is always on. */
export const directoryEndpointSchema = z.object({
  host: hostSchema,
  port: z.number().int().min(1).max(65535),
  security: directorySecuritySchema,
  /** A PEM file of CA certificates to trust for this DC, in addition to the system store. */
  caFile: localFilePathSchema.optional(),
  authentication: directoryAuthenticationSchema.default('password'),
  /** The identity to bind as with a password: a UPN (admin@contoso.com), DOMAIN\user or a DN. Kerberos uses the logged-on user. */
  bindIdentity: z.string().min(1).max(1024).optional(),
  timeoutMs: z.number().int().min(1000).max(300_000).default(15_000),
  /** The DC's global catalog port, when not the standard 3269 (LDAPS) / 3268 (StartTLS). */
  globalCatalogPort: z.number().int().min(1).max(65535).optional(),
});
export type DirectoryEndpoint = z.infer<typeof directoryEndpointSchema>;

/**
 * Remote PowerShell sessions one user may have open on one Exchange server at once: the default
 * throttling policy's PowerShellMaxConcurrency [S44], 18 on Exchange 2013 on-premises [S45].
 */
export const EXCHANGE_SESSION_BUDGET = 18;

/**
 * How many sessions the console opens on an endpoint: Exchange's default budget unless the admin
 * lowers it (the account's policy may be stricter, or the admin keeps sessions for other work).
 */
const sessionBudgetSchema = z.number().int().min(1).max(100).optional();

/** Exchange's PowerShell: remote (Exchange 2010/2013) or the lab module standing in for it. */
export const exchangeEndpointSchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('remote'),
    server: hostSchema,
    authentication: z.enum(['Kerberos', 'Negotiate', 'Basic']).default('Kerberos'),
    /**
     * http://<server>/PowerShell/ (Exchange's default, where Kerberos and Negotiate encrypt the
     * session themselves) or https://<server>/PowerShell/, which Basic needs. Profiles saved before
     * this field existed read as http.
     */
    transport: z.enum(['http', 'https']).default('http'),
    /** Pass the profile's bind credential to New-PSSession; otherwise the logged-on user's ticket is used. */
    useProfileCredential: z.boolean().default(false),
    sessionBudget: sessionBudgetSchema,
  }),
  z.object({
    kind: z.literal('lab'),
    modulePath: z.string().min(1).max(4096),
    /** The Exchange server the lab module stands in for (its latency, budgets and outages); none: no server rules. */
    server: hostSchema.optional(),
    sessionBudget: sessionBudgetSchema,
  }),
]);
export type ExchangeEndpoint = z.infer<typeof exchangeEndpointSchema>;

/**
 * Basic authentication sends the password base64-encoded, readable by anyone on the path, so it is
 * allowed only over HTTPS. Not a schema rule: a profile saved earlier with Basic over http must
 * still load (settings drop profiles that fail the schema), and is refused when it would be used.
 */
export function basicOverHttp(endpoint: ExchangeEndpoint | undefined): boolean {
  return endpoint?.kind === 'remote' && endpoint.authentication === 'Basic' && endpoint.transport !== 'https';
}

/** The URL of Exchange's remote PowerShell for an endpoint: http or https, as the profile says. */
export function exchangeConnectionUri(endpoint: Extract<ExchangeEndpoint, { kind: 'remote' }>): string {
  return `${endpoint.transport === 'https' ? 'https' : 'http'}://${endpoint.server}/PowerShell/`;
}

/** Lync's PowerShell: the local Lync module, the remote OcsPowerShell endpoint, or the lab module. */
export const lyncEndpointSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('local') }),
  z.object({ kind: z.literal('remote'), pool: hostSchema, useProfileCredential: z.boolean().default(false) }),
  z.object({ kind: z.literal('lab'), modulePath: z.string().min(1).max(4096) }),
]);
export type LyncEndpoint = z.infer<typeof lyncEndpointSchema>;

/** A connection profile: one forest, one identity, and optionally the shells that manage it. */
export const profileSchema = z.object({
  name: profileNameSchema,
  label: z.string().max(200).optional(),
  directory: directoryEndpointSchema,
  exchange: exchangeEndpointSchema.optional(),
  /** More Exchange servers a bulk job spreads its sessions across; everything else uses `exchange`. */
  additionalExchange: z.array(exchangeEndpointSchema).max(15).optional(),
  lync: lyncEndpointSchema.optional(),
});
export type Profile = z.infer<typeof profileSchema>;

/** The profile's Exchange endpoints, the main one first. */
export function exchangeEndpointsOf(profile: Pick<Profile, 'exchange' | 'additionalExchange'>): ExchangeEndpoint[] {
  return profile.exchange ? [profile.exchange, ...(profile.additionalExchange ?? [])] : [];
}

/** The sessions the console may open on an endpoint. */
export function sessionBudgetOf(endpoint: ExchangeEndpoint): number {
  return endpoint.sessionBudget ?? EXCHANGE_SESSION_BUDGET;
}

/** The server an endpoint reaches, as progress and run options name it. */
export function exchangeServerOf(endpoint: ExchangeEndpoint): string {
  return endpoint.kind === 'remote' ? endpoint.server : (endpoint.server ?? 'lab');
}

/** A profile as listed to the UI: never the secret, only whether one is stored and where it comes from. */
export const profileSummarySchema = profileSchema.extend({
  builtIn: z.boolean(),
  secretSource: z.enum(['vault', 'environment', 'lab', 'session', 'none', 'kerberos']),
});
export type ProfileSummary = z.infer<typeof profileSummarySchema>;
