import type {
  AutoAttendant,
  DialPlan,
  ExchangeOrg,
  ExchangeRole,
  ExchangeServer,
  ForestTopology,
  HuntGroup,
  IpGateway,
  LyncPool,
  MailboxPolicy,
  UmContact,
  UmStartupMode,
  UriType,
  VoipSecurity,
} from '@shared/models/topology';
import { ApiError } from '@shared/errors';
import type { DirEntry } from '../directory/dir-entry';
import type { DirectorySession } from '../directory/directory-session';
import { normalizeDn, parentDn, rdnValue } from '@shared/dn';
import { parseExchangeVersion } from './exchange-version';
import { decodePoolVersion, poolKind, UM_SERVER_DIAL_PLAN_LINK } from './open-items';
import { toUmContact, umContactAttributes, umContactFilter } from '../contacts/contact-reader';

const uriTypes: Record<number, UriType> = { 1: 'TelExtn', 2: 'E164', 3: 'SipName' };
const voipSecurities: Record<number, VoipSecurity> = { 1: 'SIPSecured', 2: 'Unsecured', 3: 'Secured' };
const gatewayStatuses = { 0: 'Enabled', 1: 'Disabled', 2: 'NoNewCalls' } as const;
/** msExchUMStartupMode [S11][S16]. */
const startupModes: Record<number, UmStartupMode> = { 0: 'TCP', 1: 'TLS', 2: 'Dual' };
/** msExchCurrentServerRoles bits [S11]. */
const roleBits: Array<[ExchangeRole, number]> = [
  ['Mailbox', 2],
  ['ClientAccess', 4],
  ['UnifiedMessaging', 16],
  ['HubTransport', 32],
];

const RECIPIENTS_BACKLINK = 'msExchUMRecipientDialPlanBL';

/** The attributes the Exchange read asks for, across all the kinds it returns in one search. */
const exchangeAttributes = [
  'objectClass',
  'cn',
  'msExchUMDialPlanURIType',
  'msExchUMDialPlanVoipSecurity',
  'msExchUMNumberingPlanDigits',
  'msExchUMPhoneContext',
  'msExchUMVoiceMailPilotNumbers',
  'msExchUMDialPlanDialedNumbers',
  'msExchUMDialPlanFlags2',
  'msExchUMEquivalentDialPlanPhoneContexts',
  'msExchUMIPGatewayAddress',
  'msExchUMIPGatewayPort',
  'msExchUMOutcallsAllowed',
  'msExchUMIPGatewayStatus',
  'msExchUMIPGatewayFlags2',
  'msExchUMPilotIdentifier',
  'msExchUMHuntGroupDialPlanLink',
  'msExchUMAutoAttendantDialPlanLink',
  'msExchUMAutoAttendantDialedNumbers',
  'msExchUMMailboxPolicyDialPlanLink',
  'msExchUMPinPolicyMinPasswordLength',
  'msExchUMPinPolicyDisallowCommonPatterns',
  'serialNumber',
  'dNSHostName',
  'msExchCurrentServerRoles',
  'msExchUMStartupMode',
  UM_SERVER_DIAL_PLAN_LINK,
];

const hasClass = (entry: DirEntry, cls: string) => entry.getAll('objectClass').some((c) => c.toLowerCase() === cls.toLowerCase());

/**
 * Reads one forest with a fixed number of LDAP round trips, whatever the number of users or
 * contacts: the partitions, the whole Exchange organisation in one subtree search (UM-enabled
 * counts come from the dial plans' back-links, not from searching users), the Lync pools, and
 * the SA/AA contacts by a selective filter.
 */
export async function readForest(profile: string, session: DirectorySession): Promise<ForestTopology> {
  const dse = session.rootDse;
  const forest = dse.forestDnsName;
  const [domains, exchange, pools, contacts] = await Promise.all([
    readDomains(session),
    readExchange(session),
    readPools(session),
    readUmContacts(session, forest),
  ]);
  return {
    profile,
    forest,
    dcHost: dse.dnsHostName,
    domains,
    exchange,
    lync: pools.length > 0 ? { pools } : undefined,
    contacts,
  };
}

async function readDomains(session: DirectorySession): Promise<ForestTopology['domains']> {
  const entries = await session.search(`CN=Partitions,${session.rootDse.configurationNamingContext}`, {
    scope: 'one',
    filter: '(&(objectClass=crossRef)(systemFlags:1.2.840.113556.1.4.803:=2))',
    attributes: ['dnsRoot', 'nCName', 'nETBIOSName'],
  });
  return entries.map((e) => ({ dnsName: e.get('dnsRoot') ?? '', netbios: e.get('nETBIOSName'), dn: e.get('nCName') ?? '' }));
}

/** A dial plan as the Exchange organisation's rules need it: everything but its count of UM-enabled users. */
export type DialPlanFacts = Omit<DialPlan, 'umEnabledUsers'>;
/** The Exchange organisation without the dial plans' user counts: what validating a row needs. */
export type ExchangeFacts = Omit<ExchangeOrg, 'dialPlans'> & { dialPlans: DialPlanFacts[] };

/**
 * What validating rows needs of a forest — its domains and its Exchange organisation's plans,
 * policies and auto attendants — in two LDAP round trips. Unlike the topology, it reads no dial
 * plan's back-links (every UM-enabled user's DN: megabytes on a large estate) and asks no Lync shell.
 */
export async function readExchangeFacts(session: DirectorySession): Promise<{ domains: ForestTopology['domains']; exchange?: ExchangeFacts }> {
  const [domains, read] = await Promise.all([readDomains(session), searchExchange(session, false)]);
  return { domains, ...(read ? { exchange: read.org } : {}) };
}

async function readExchange(session: DirectorySession): Promise<ExchangeOrg | undefined> {
  const read = await searchExchange(session, true);
  if (!read) return undefined;
  const dialPlans: DialPlan[] = [];
  for (const plan of read.org.dialPlans) dialPlans.push({ ...plan, umEnabledUsers: await countBackLinks(session, read.entries.get(normalizeDn(plan.dn))!) });
  return { ...read.org, dialPlans };
}

/**
 * The whole Exchange organisation in one subtree search; with `withUserLinks`, the dial plans'
 * back-links to their UM-enabled users come in the same search (countBackLinks).
 */
async function searchExchange(session: DirectorySession, withUserLinks: boolean): Promise<{ org: ExchangeFacts; entries: Map<string, DirEntry> } | undefined> {
  const base = `CN=Microsoft Exchange,CN=Services,${session.rootDse.configurationNamingContext}`;
  let entries: DirEntry[];
  try {
    entries = await session.search(base, {
      filter:
        '(|(objectClass=msExchOrganizationContainer)(objectClass=msExchUMDialPlan)(objectClass=msExchUMIPGateway)(objectClass=msExchUMHuntGroup)(objectClass=msExchUMAutoAttendant)(objectClass=msExchUMRecipientTemplate)(objectClass=msExchExchangeServer)(objectClass=msExchProtocolCfgSIPFEServer))',
      attributes: withUserLinks ? [...exchangeAttributes, `${RECIPIENTS_BACKLINK};range=0-*`] : exchangeAttributes,
    });
  } catch (error) {
    if (error instanceof ApiError && (error.code === 'NOT_FOUND' || error.code === 'DIRECTORY_ERROR')) return undefined;
    throw error;
  }
  const org = entries.find((e) => hasClass(e, 'msExchOrganizationContainer'));
  if (!org) return undefined;

  const huntGroups: HuntGroup[] = entries
    .filter((e) => hasClass(e, 'msExchUMHuntGroup'))
    .map((e) => ({
      dn: e.dn,
      name: e.get('cn') ?? rdnValue(e.dn),
      identity: `${rdnValue(parentDn(e.dn))}\\${e.get('cn') ?? rdnValue(e.dn)}`,
      gatewayDn: parentDn(e.dn),
      pilotIdentifier: e.get('msExchUMPilotIdentifier'),
      dialPlanDn: e.get('msExchUMHuntGroupDialPlanLink'),
    }));
  const gateways: IpGateway[] = entries
    .filter((e) => hasClass(e, 'msExchUMIPGateway'))
    .map((e) => ({
      dn: e.dn,
      name: e.get('cn') ?? rdnValue(e.dn),
      address: e.get('msExchUMIPGatewayAddress') ?? '',
      port: e.getInt('msExchUMIPGatewayPort'),
      outcallsAllowed: e.getBool('msExchUMOutcallsAllowed') ?? false,
      messageWaitingAllowed: ((e.getInt('msExchUMIPGatewayFlags2') ?? 0) & 1) === 1,
      status: gatewayStatuses[(e.getInt('msExchUMIPGatewayStatus') ?? 0) as 0 | 1 | 2] ?? 'Unknown',
      huntGroups: huntGroups.filter((h) => normalizeDn(h.gatewayDn) === normalizeDn(e.dn)),
    }));
  const autoAttendants: AutoAttendant[] = entries
    .filter((e) => hasClass(e, 'msExchUMAutoAttendant'))
    .map((e) => ({
      dn: e.dn,
      name: e.get('cn') ?? rdnValue(e.dn),
      dialPlanDn: e.get('msExchUMAutoAttendantDialPlanLink'),
      pilotNumbers: e.getAll('msExchUMAutoAttendantDialedNumbers'),
    }));
  const mailboxPolicies: MailboxPolicy[] = entries
    .filter((e) => hasClass(e, 'msExchUMRecipientTemplate'))
    .map((e) => ({
      dn: e.dn,
      name: e.get('cn') ?? rdnValue(e.dn),
      dialPlanDn: e.get('msExchUMMailboxPolicyDialPlanLink'),
      minPinLength: e.getInt('msExchUMPinPolicyMinPasswordLength'),
      // Named "Disallow…" but stored without inversion: 1 = AllowCommonPatterns, default 0 [S11].
      allowCommonPatterns: e.getInt('msExchUMPinPolicyDisallowCommonPatterns') === 1,
    }));
  // A 2013 Client Access server's UM Call Router keeps its settings at CN=SIP,CN=Protocols,<server> [S11][S17].
  const callRouters = new Map(
    entries.filter((e) => hasClass(e, 'msExchProtocolCfgSIPFEServer')).map((e) => [normalizeDn(parentDn(parentDn(e.dn))), e] as const),
  );
  const servers: ExchangeServer[] = entries
    .filter((e) => hasClass(e, 'msExchExchangeServer'))
    .map((e) => {
      const version = parseExchangeVersion(e.get('serialNumber'));
      const roleMask = e.getInt('msExchCurrentServerRoles') ?? 0;
      const roles = roleBits.filter(([, bit]) => (roleMask & bit) !== 0).map(([role]) => role);
      const router = callRouters.get(normalizeDn(e.dn));
      const startup = e.getInt('msExchUMStartupMode');
      const routerStartup = router?.getInt('msExchUMStartupMode');
      return {
        dn: e.dn,
        name: e.get('cn') ?? rdnValue(e.dn),
        ...(e.get('dNSHostName') ? { fqdn: e.get('dNSHostName') } : {}),
        versionLabel: version.label,
        major: version.major,
        minor: version.minor,
        build: version.build,
        beforeExchange2010Sp1: version.beforeExchange2010Sp1,
        roles,
        dialPlanDns: e.getAll(UM_SERVER_DIAL_PLAN_LINK),
        ...(startup !== undefined && startupModes[startup] ? { umStartupMode: startupModes[startup] } : {}),
        ...(router
          ? {
              callRouter: {
                dialPlanDns: router.getAll(UM_SERVER_DIAL_PLAN_LINK),
                ...(routerStartup !== undefined && startupModes[routerStartup] ? { startupMode: startupModes[routerStartup] } : {}),
              },
            }
          : {}),
      };
    });

  const dialPlanEntries = entries.filter((e) => hasClass(e, 'msExchUMDialPlan'));
  const dialPlans: DialPlanFacts[] = [];
  for (const e of dialPlanEntries) {
    const key = normalizeDn(e.dn);
    const linked = <T extends { dn: string }>(items: T[], link: (item: T) => string | undefined) =>
      items.filter((i) => {
        const target = link(i);
        return !!target && normalizeDn(target) === key;
      });
    dialPlans.push({
      dn: e.dn,
      name: e.get('cn') ?? rdnValue(e.dn),
      uriType: uriTypes[e.getInt('msExchUMDialPlanURIType') ?? 0] ?? 'Unknown',
      digits: e.getInt('msExchUMNumberingPlanDigits'),
      voipSecurity: voipSecurities[e.getInt('msExchUMDialPlanVoipSecurity') ?? 0] ?? 'Unknown',
      phoneContext: e.get('msExchUMPhoneContext'),
      accessNumbers: e.getAll('msExchUMVoiceMailPilotNumbers'),
      pilotIdentifiers: e.getAll('msExchUMDialPlanDialedNumbers'),
      sipResourceIdentifierRequired: sipResourceIdentifierRequired(e.getInt('msExchUMDialPlanFlags2')),
      equivalentPhoneContexts: e.getAll('msExchUMEquivalentDialPlanPhoneContexts'),
      mailboxPolicyDns: linked(mailboxPolicies, (p) => p.dialPlanDn).map((p) => p.dn),
      autoAttendantDns: linked(autoAttendants, (a) => a.dialPlanDn).map((a) => a.dn),
      huntGroupDns: linked(huntGroups, (h) => h.dialPlanDn).map((h) => h.dn),
      serverDns: servers.filter((s) => s.dialPlanDns.some((d) => normalizeDn(d) === key)).map((s) => s.dn),
      contactDns: [],
    });
  }
  const byName = <T extends { name: string }>(items: T[]) => items.sort((a, b) => a.name.localeCompare(b.name));
  for (const g of gateways) byName(g.huntGroups);
  return {
    org: {
      dn: org.dn,
      name: org.get('cn') ?? rdnValue(org.dn),
      servers: byName(servers),
      dialPlans: byName(dialPlans),
      gateways: byName(gateways),
      autoAttendants: byName(autoAttendants),
      mailboxPolicies: byName(mailboxPolicies),
    },
    entries: new Map(dialPlanEntries.map((e) => [normalizeDn(e.dn), e])),
  };
}

/** Bit 4 (16) of msExchUMDialPlanFlags2; absent means Exchange's stored default −1, i.e. required [S11]. */
export function sipResourceIdentifierRequired(flags2: number | undefined): boolean {
  return flags2 === undefined || (flags2 & 16) !== 0;
}

/**
 * Counts the UM-enabled users of a dial plan from its back-link, read as a range in the same
 * search. A DC that caps values per range (AD: 1,500) says so in the range; only then is the
 * rest fetched, which costs one more round trip per 1,500 users of that dial plan.
 */
async function countBackLinks(session: DirectorySession, entry: DirEntry): Promise<number> {
  const ranged = entry.names().find((n) => n.toLowerCase().startsWith(`${RECIPIENTS_BACKLINK.toLowerCase()};range=`));
  if (!ranged) return entry.getAll(RECIPIENTS_BACKLINK).length;
  if (/;range=\d+-\*$/i.test(ranged)) return entry.getAll(ranged).length;
  return (await session.readRanged(entry.dn, RECIPIENTS_BACKLINK)).length;
}

async function readPools(session: DirectorySession): Promise<LyncPool[]> {
  const base = `CN=Pools,CN=RTC Service,CN=Services,${session.rootDse.configurationNamingContext}`;
  let entries: DirEntry[];
  try {
    entries = await session.search(base, {
      scope: 'one',
      filter: '(objectClass=msRTCSIP-Pool)',
      attributes: ['dNSHostName', 'msRTCSIP-PoolVersion', 'msRTCSIP-PoolType', 'msRTCSIP-PoolData', 'msRTCSIP-PoolDisplayName'],
    });
  } catch (error) {
    if (error instanceof ApiError && error.code === 'NOT_FOUND') return [];
    throw error;
  }
  return entries
    .filter((e) => e.get('dNSHostName'))
    .sort((a, b) => a.get('dNSHostName')!.localeCompare(b.get('dNSHostName')!))
    .map((e) => {
      const version = decodePoolVersion(e.get('msRTCSIP-PoolVersion'));
      return {
        dn: e.dn,
        fqdn: e.get('dNSHostName')!.toLowerCase(),
        displayName: e.get('msRTCSIP-PoolDisplayName'),
        kind: poolKind({ poolData: e.getAll('msRTCSIP-PoolData'), poolType: e.getInt('msRTCSIP-PoolType') }),
        version: e.get('msRTCSIP-PoolVersion'),
        ...(version.major !== undefined ? { versionMajor: version.major } : {}),
        product: version.product,
        poolType: e.getInt('msRTCSIP-PoolType'),
        poolData: e.getAll('msRTCSIP-PoolData'),
        gateways: [],
      };
    });
}

/** Every domain's SA/AA contacts, through the global catalog (the domain's own when no GC answers). */
async function readUmContacts(session: DirectorySession, forest: string): Promise<UmContact[]> {
  const { entries } = await session.searchForest({ filter: umContactFilter, attributes: umContactAttributes });
  return entries.map((e) => toUmContact(e, forest));
}
