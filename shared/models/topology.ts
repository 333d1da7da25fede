import { z } from 'zod';
import { fixActionSchema } from './fix';

/** Exchange's dial plan URI types and VoIP security settings (domain.md §2). */
export const uriTypeSchema = z.enum(['TelExtn', 'E164', 'SipName', 'Unknown']);
export type UriType = z.infer<typeof uriTypeSchema>;
export const voipSecuritySchema = z.enum(['SIPSecured', 'Unsecured', 'Secured', 'Unknown']);
export type VoipSecurity = z.infer<typeof voipSecuritySchema>;

/** Where a linked object lives: always the DN, and the forest it belongs to. */
export const objectRefSchema = z.object({ dn: z.string(), name: z.string(), forest: z.string() });
export type ObjectRef = z.infer<typeof objectRefSchema>;

export const umStartupModeSchema = z.enum(['TCP', 'TLS', 'Dual']);
export type UmStartupMode = z.infer<typeof umStartupModeSchema>;

/** The server roles the UM integration cares about (msExchCurrentServerRoles bits, S11). */
export const exchangeRoleSchema = z.enum(['Mailbox', 'ClientAccess', 'UnifiedMessaging', 'HubTransport']);
export type ExchangeRole = z.infer<typeof exchangeRoleSchema>;

export const exchangeServerSchema = z.object({
  dn: z.string(),
  name: z.string(),
  fqdn: z.string().optional(),
  /** "Exchange 2010 RTM", "Exchange 2013", … */
  versionLabel: z.string(),
  major: z.number().int().optional(),
  minor: z.number().int().optional(),
  build: z.string().optional(),
  /** Before Exchange 2010 SP1: Lync dial plan names must match the UM dial plan's phone context [S1]. */
  beforeExchange2010Sp1: z.boolean(),
  roles: z.array(exchangeRoleSchema),
  /** The dial plans of the UM server (2007/2010) or of the 2013 Mailbox server's UM service [S16][S18]. */
  dialPlanDns: z.array(z.string()),
  /** UMStartupMode of the UM server or UM service (2010 and later; absent on 2007 SP1) [S16][S18]. */
  umStartupMode: umStartupModeSchema.optional(),
  /** A 2013 Client Access server's UM Call Router: its dial plans and startup mode [S17]. */
  callRouter: z.object({ dialPlanDns: z.array(z.string()), startupMode: umStartupModeSchema.optional() }).optional(),
});
export type ExchangeServer = z.infer<typeof exchangeServerSchema>;

export const huntGroupSchema = z.object({
  dn: z.string(),
  name: z.string(),
  /** Exchange's identity form: Gateway\HuntGroup. */
  identity: z.string(),
  gatewayDn: z.string(),
  pilotIdentifier: z.string().optional(),
  dialPlanDn: z.string().optional(),
});
export type HuntGroup = z.infer<typeof huntGroupSchema>;

export const ipGatewaySchema = z.object({
  dn: z.string(),
  name: z.string(),
  address: z.string(),
  port: z.number().int().optional(),
  outcallsAllowed: z.boolean(),
  messageWaitingAllowed: z.boolean(),
  status: z.enum(['Enabled', 'Disabled', 'NoNewCalls', 'Unknown']),
  huntGroups: z.array(huntGroupSchema),
  /** The Lync pool whose FQDN is the gateway's address, when that pool is known. */
  pool: objectRefSchema.optional(),
});
export type IpGateway = z.infer<typeof ipGatewaySchema>;

export const autoAttendantSchema = z.object({ dn: z.string(), name: z.string(), dialPlanDn: z.string().optional(), pilotNumbers: z.array(z.string()) });
export type AutoAttendant = z.infer<typeof autoAttendantSchema>;

export const mailboxPolicySchema = z.object({
  dn: z.string(),
  name: z.string(),
  dialPlanDn: z.string().optional(),
  /** MinPINLength (4–24, default 6) [S13]. */
  minPinLength: z.number().int().optional(),
  /** AllowCommonPatterns (default false: sequential and repeated digits refused) [S13][S22]. */
  allowCommonPatterns: z.boolean(),
});
export type MailboxPolicy = z.infer<typeof mailboxPolicySchema>;

export const dialPlanSchema = z.object({
  dn: z.string(),
  name: z.string(),
  uriType: uriTypeSchema,
  digits: z.number().int().optional(),
  voipSecurity: voipSecuritySchema,
  phoneContext: z.string().optional(),
  /** AccessTelephoneNumbers: the subscriber access numbers [S15]. */
  accessNumbers: z.array(z.string()),
  /** PilotIdentifierList (E.164) [S15]; Exchange compares E.164 values with these [S11]. */
  pilotIdentifiers: z.array(z.string()),
  /** Whether Enable-UMMailbox needs a SIP resource identifier on an E.164 plan [S11]. */
  sipResourceIdentifierRequired: z.boolean(),
  equivalentPhoneContexts: z.array(z.string()),
  mailboxPolicyDns: z.array(z.string()),
  autoAttendantDns: z.array(z.string()),
  huntGroupDns: z.array(z.string()),
  /** UM servers (before 2013) that list this dial plan. */
  serverDns: z.array(z.string()),
  /** SA contacts pointing at this dial plan, from any connected forest. */
  contactDns: z.array(z.string()),
  umEnabledUsers: z.number().int(),
});
export type DialPlan = z.infer<typeof dialPlanSchema>;

export const exchangeOrgSchema = z.object({
  dn: z.string(),
  name: z.string(),
  servers: z.array(exchangeServerSchema),
  dialPlans: z.array(dialPlanSchema),
  gateways: z.array(ipGatewaySchema),
  autoAttendants: z.array(autoAttendantSchema),
  mailboxPolicies: z.array(mailboxPolicySchema),
});
export type ExchangeOrg = z.infer<typeof exchangeOrgSchema>;

/** Enterprise / Standard from msRTCSIP-PoolType, branch appliance from msRTCSIP-PoolData, Director from Lync's topology. */
export const poolKindSchema = z.enum(['enterprise', 'standard', 'branch', 'director', 'unknown']);
export type PoolKind = z.infer<typeof poolKindSchema>;

export const lyncPoolSchema = z.object({
  dn: z.string(),
  fqdn: z.string(),
  displayName: z.string().optional(),
  kind: poolKindSchema,
  /** msRTCSIP-PoolVersion as stored (major << 16, S8). */
  version: z.string().optional(),
  /** The product generation the version stands for: 3 OCS 2007, 4 OCS 2007 R2, 5 Lync 2010, 6 Lync 2013. */
  versionMajor: z.number().int().optional(),
  product: z.string(),
  /** msRTCSIP-PoolType: 5 Standard Edition, 10 Enterprise Edition [S2]. */
  poolType: z.number().int().optional(),
  poolData: z.array(z.string()),
  /** From Lync's topology (Get-CsPool), when the Lync shell is configured: site and services [S29]. */
  site: z.string().optional(),
  services: z.array(z.string()).optional(),
  /** UM IP gateways (in any connected Exchange organisation) whose address is this pool. */
  gateways: z.array(objectRefSchema),
});
export type LyncPool = z.infer<typeof lyncPoolSchema>;

export const lyncDialPlanSchema = z.object({ identity: z.string(), simpleName: z.string().optional() });

/** A Subscriber Access or Auto Attendant contact as read from the directory (tolerantly). */
export const umContactSchema = z.object({
  dn: z.string(),
  forest: z.string(),
  kind: z.enum(['SA', 'AA', 'Unknown']),
  /**
   * How the kind was decided: the class of the object msDS-SourceObjectDN names; otherIpPhone's
   * phone context with the number (an access number ⇒ SA, an auto attendant's pilot ⇒ AA); the
   * number alone; or not at all.
   */
  kindSource: z.enum(['target-class', 'otherIpPhone', 'number', 'none']),
  displayName: z.string().optional(),
  description: z.string().optional(),
  sipAddress: z.string().optional(),
  phoneNumber: z.string().optional(),
  poolServiceDn: z.string().optional(),
  pool: objectRefSchema.optional(),
  targetDn: z.string().optional(),
  target: objectRefSchema.optional(),
  /** The dial plan of the target (the dial plan itself for SA; the AA's dial plan for AA). */
  dialPlan: objectRefSchema.optional(),
  otherIpPhone: z.array(z.string()),
  otherTelephone: z.array(z.string()),
  /** The dial plan phone context in otherIpPhone's `opaque=app:exum:` parameter (docs/domain.md §6). */
  phoneContext: z.string().optional(),
  /** msRTCSIP-OptionFlags bit 128: without it the AA/SA feature is unavailable [S3]. */
  enterpriseVoice: z.boolean(),
  ou: z.string(),
  cnForm: z.enum(['guid', 'name']),
  whenChanged: z.string().optional(),
  /** uSNChanged: the version an edit must still find to go ahead. */
  version: z.string().optional(),
});
export type UmContact = z.infer<typeof umContactSchema>;

export const forestTopologySchema = z.object({
  profile: z.string(),
  forest: z.string(),
  dcHost: z.string(),
  domains: z.array(z.object({ dnsName: z.string(), netbios: z.string().optional(), dn: z.string() })),
  exchange: exchangeOrgSchema.optional(),
  lync: z
    .object({
      pools: z.array(lyncPoolSchema),
      /** Undefined when no Lync endpoint is configured: then the dial plan name check cannot run. */
      dialPlans: z.array(lyncDialPlanSchema).optional(),
      dialPlansError: z.string().optional(),
      /** Get-CsMediaConfiguration (Lync shell): EncryptionLevel per scope [S4]; undefined without a Lync shell. */
      mediaConfigurations: z.array(z.object({ identity: z.string(), encryptionLevel: z.string() })).optional(),
      /** Whether Get-CsPool (Lync's topology) was read, which is where Directors show [S29]. */
      topologyRead: z.boolean().optional(),
      /** Why the Lync shell could not be read (shown instead of guessing). */
      shellError: z.string().optional(),
    })
    .optional(),
  contacts: z.array(umContactSchema),
});
export type ForestTopology = z.infer<typeof forestTopologySchema>;

export const findingSeveritySchema = z.enum(['error', 'warning', 'info']);
export type FindingSeverity = z.infer<typeof findingSeveritySchema>;

export const findingCodes = [
  'sip-dial-plan-unsecured',
  'pool-without-gateway',
  'sip-dial-plan-without-hunt-group',
  'dial-plan-multiple-outcall-gateways',
  'dial-plan-without-sa-contact',
  'auto-attendant-without-aa-contact',
  'lync-dial-plan-name-mismatch',
  'telextn-dial-plan',
  'voip-security-incompatible',
  'um-services-not-ready',
] as const;
export type FindingCode = (typeof findingCodes)[number];

/** A problem found in the topology; its texts come from the findings locale by code. */
export const findingSchema = z.object({
  id: z.string(),
  code: z.enum(findingCodes),
  severity: findingSeveritySchema,
  forest: z.string(),
  /** The object the finding is about (the tree shows the badge there). */
  subject: objectRefSchema,
  /** Values for the texts: names, counts, the fix's parameters. */
  params: z.record(z.string(), z.string()),
  /** Other objects involved (gateways, servers). */
  related: z.array(objectRefSchema),
  /** Where it is fixed: a screen opened already filled in, or the shell commands that do it. */
  fix: fixActionSchema,
});
export type Finding = z.infer<typeof findingSchema>;

export const topologySchema = z.object({
  readAt: z.string(),
  forests: z.array(forestTopologySchema),
  findings: z.array(findingSchema),
  /** Forests that could not be read, with why. */
  failures: z.array(z.object({ profile: z.string(), code: z.string(), message: z.string() })),
  stats: z.object({ ldapRoundTrips: z.number().int(), powershellCalls: z.number().int(), milliseconds: z.number() }),
});
export type Topology = z.infer<typeof topologySchema>;
