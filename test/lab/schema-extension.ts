import { createHash } from 'node:crypto';
import type { LabDirectory } from './lab-directory';
import { configDn, schemaDn, type ForestSpec } from './lab-config';

/**
 * The part of the Exchange UM and Lync Server schema extensions the console reads and writes,
 * added to Samba over LDAP. Names and syntaxes follow the products (attribute names: docs/domain.md
 * §2 and §5, sources S2 and S11); OIDs and schemaIDGUIDs are the lab's own (stable, derived from
 * the names), so the console must read GUIDs at run time.
 */

type Syntax = 'string' | 'int' | 'int64' | 'bool' | 'dn' | 'octet';

interface AttributeDef {
  name: string;
  syntax: Syntax;
  multi?: boolean;
  /** Forward link: the back-link attribute's name. */
  backLink?: string;
  /** The Lync property set this attribute belongs to (attributeSecurityGUID). */
  propertySet?: keyof typeof propertySets;
  /** Replicated to the global catalog (isMemberOfPartialAttributeSet), as S2 says of Lync's user attributes. */
  gc?: boolean;
}

/** Lync's property sets (controlAccessRight objects); rightsGuids from domain.md §5. */
export const propertySets = {
  RTCPropertySet: 'd819615a-3b9b-4738-b47e-f1bd8ee3aea4',
  RTCUserSearchPropertySet: 'e2d6986b-2c7f-4cda-9851-d5b5f3fb6706',
  RTCUserProvisioningPropertySet: '9b51a1ef-79b7-4ae5-9ac8-d14c47daca46',
} as const;

const exchangeAttributes: AttributeDef[] = [
  { name: 'msExchUMDialPlanURIType', syntax: 'int' },
  { name: 'msExchUMDialPlanVoipSecurity', syntax: 'int' },
  { name: 'msExchUMNumberingPlanDigits', syntax: 'int' },
  { name: 'msExchUMPhoneContext', syntax: 'string' },
  // AccessTelephoneNumbers; PilotIdentifierList is msExchUMDialPlanDialedNumbers [S11][S15].
  { name: 'msExchUMVoiceMailPilotNumbers', syntax: 'string', multi: true },
  { name: 'msExchUMDialPlanDialedNumbers', syntax: 'string', multi: true },
  // Bit 4 (16) = SipResourceIdentifierRequired; stored default -1 [S11].
  { name: 'msExchUMDialPlanFlags2', syntax: 'int' },
  { name: 'msExchUMEquivalentDialPlanPhoneContexts', syntax: 'string', multi: true },
  { name: 'msExchUMIPGatewayAddress', syntax: 'string' },
  { name: 'msExchUMIPGatewayPort', syntax: 'int' },
  { name: 'msExchUMOutcallsAllowed', syntax: 'bool' },
  { name: 'msExchUMIPGatewayStatus', syntax: 'int' },
  { name: 'msExchUMIPGatewayFlags2', syntax: 'int' },
  { name: 'msExchUMPilotIdentifier', syntax: 'string' },
  { name: 'msExchUMHuntGroupDialPlanLink', syntax: 'dn', backLink: 'msExchUMHuntGroupDialPlanBL' },
  { name: 'msExchUMAutoAttendantDialPlanLink', syntax: 'dn', backLink: 'msExchUMAutoAttendantDialPlanBL' },
  { name: 'msExchUMAutoAttendantDialedNumbers', syntax: 'string', multi: true },
  { name: 'msExchUMMailboxPolicyDialPlanLink', syntax: 'dn', backLink: 'msExchUMMailboxPolicyDialPlanBL' },
  { name: 'msExchUMPinPolicyMinPasswordLength', syntax: 'int' },
  { name: 'msExchUMPinPolicyExpiryDays', syntax: 'int' },
  // AllowCommonPatterns, stored without inversion: 1 = allowed, default 0 [S11][S22].
  { name: 'msExchUMPinPolicyDisallowCommonPatterns', syntax: 'int' },
  { name: 'msExchUMServerDialPlanLink', syntax: 'dn', multi: true, backLink: 'msExchUMServerDialPlanBL' },
  // UMStartupMode 0 TCP, 1 TLS, 2 Dual — on the server (UM service) and its CN=SIP,CN=Protocols child (Call Router) [S11][S16][S17].
  { name: 'msExchUMStartupMode', syntax: 'int' },
  { name: 'msExchVersion', syntax: 'int64' },
  { name: 'msExchCurrentServerRoles', syntax: 'int' },
  // On recipients (users, contacts):
  { name: 'msExchUMEnabledFlags', syntax: 'int' },
  { name: 'msExchUMTemplateLink', syntax: 'dn' },
  { name: 'msExchUMRecipientDialPlanLink', syntax: 'dn', backLink: 'msExchUMRecipientDialPlanBL' },
  { name: 'msExchUMDtmfMap', syntax: 'string', multi: true },
  { name: 'msExchUCVoiceMailSettings', syntax: 'string', multi: true },
  { name: 'msExchUMPinChecksum', syntax: 'octet' },
  { name: 'msExchMailboxGuid', syntax: 'octet' },
  { name: 'msExchRecipientTypeDetails', syntax: 'int64' },
  { name: 'msExchMasterAccountSid', syntax: 'octet' },
  // A mailbox user's alias, home database and server (what -Identity resolves by, S14).
  { name: 'mailNickname', syntax: 'string', gc: true },
  { name: 'homeMDB', syntax: 'dn', backLink: 'homeMDBBL' },
  { name: 'msExchHomeServerName', syntax: 'string' },
];

const lyncAttributes: AttributeDef[] = [
  { name: 'msRTCSIP-PrimaryUserAddress', syntax: 'string', propertySet: 'RTCUserSearchPropertySet', gc: true },
  { name: 'msRTCSIP-Line', syntax: 'string', propertySet: 'RTCUserSearchPropertySet', gc: true },
  { name: 'msRTCSIP-UserEnabled', syntax: 'bool', propertySet: 'RTCPropertySet', gc: true },
  { name: 'msRTCSIP-PrimaryHomeServer', syntax: 'dn', propertySet: 'RTCPropertySet', gc: true },
  { name: 'msRTCSIP-TargetHomeServer', syntax: 'dn', propertySet: 'RTCPropertySet' },
  { name: 'msRTCSIP-OptionFlags', syntax: 'int', propertySet: 'RTCPropertySet', gc: true },
  { name: 'msRTCSIP-LineServer', syntax: 'string', propertySet: 'RTCPropertySet' },
  { name: 'msRTCSIP-SourceObjectType', syntax: 'int', propertySet: 'RTCPropertySet', gc: true },
  { name: 'msRTCSIP-ArchivingEnabled', syntax: 'int', propertySet: 'RTCPropertySet' },
  { name: 'msRTCSIP-FederationEnabled', syntax: 'bool', propertySet: 'RTCPropertySet' },
  { name: 'msRTCSIP-InternetAccessEnabled', syntax: 'bool', propertySet: 'RTCPropertySet' },
  { name: 'msRTCSIP-UserPolicies', syntax: 'string', multi: true, propertySet: 'RTCUserProvisioningPropertySet' },
  { name: 'msRTCSIP-DeploymentLocator', syntax: 'string', propertySet: 'RTCUserProvisioningPropertySet' },
  { name: 'msRTCSIP-OwnerUrn', syntax: 'string', propertySet: 'RTCUserProvisioningPropertySet' },
  // On pools:
  // Stored as major << 16 (Get-UCPool compares with 0x30000, S8); msRTCSIP-PoolType 5 Standard, 10 Enterprise [S2].
  { name: 'msRTCSIP-PoolVersion', syntax: 'int' },
  { name: 'msRTCSIP-PoolType', syntax: 'int' },
  { name: 'msRTCSIP-PoolData', syntax: 'string', multi: true },
  { name: 'msRTCSIP-PoolDisplayName', syntax: 'string' },
];

interface ClassDef {
  name: string;
  possSuperiors: string[];
  mayContain: string[];
}

const classes: ClassDef[] = [
  { name: 'msExchConfigurationContainer', possSuperiors: ['container'], mayContain: [] },
  { name: 'msExchOrganizationContainer', possSuperiors: ['msExchConfigurationContainer'], mayContain: [] },
  // Also CN=Protocols under a server and CN=Databases under an administrative group.
  { name: 'msExchContainer', possSuperiors: ['msExchOrganizationContainer', 'msExchContainer', 'msExchAdminGroup', 'msExchExchangeServer'], mayContain: [] },
  { name: 'msExchAdminGroup', possSuperiors: ['msExchContainer'], mayContain: [] },
  { name: 'msExchServersContainer', possSuperiors: ['msExchAdminGroup'], mayContain: [] },
  {
    name: 'msExchExchangeServer',
    possSuperiors: ['msExchServersContainer'],
    mayContain: [
      'serialNumber',
      'msExchVersion',
      'msExchCurrentServerRoles',
      'msExchUMServerDialPlanLink',
      'msExchUMStartupMode',
      'networkAddress',
      'dNSHostName',
      'legacyExchangeDN',
    ],
  },
  // The UM Call Router's settings on a 2013 Client Access server: CN=SIP,CN=Protocols,<server> [S11].
  { name: 'msExchProtocolCfgSIPFEServer', possSuperiors: ['msExchContainer'], mayContain: ['msExchUMStartupMode', 'msExchUMServerDialPlanLink'] },
  // A mailbox database (homeMDB points here).
  { name: 'msExchPrivateMDB', possSuperiors: ['msExchContainer'], mayContain: ['homeMDBBL'] },
  {
    name: 'msExchUMDialPlan',
    possSuperiors: ['msExchContainer'],
    mayContain: [
      'msExchUMDialPlanURIType',
      'msExchUMDialPlanVoipSecurity',
      'msExchUMNumberingPlanDigits',
      'msExchUMPhoneContext',
      'msExchUMVoiceMailPilotNumbers',
      'msExchUMDialPlanDialedNumbers',
      'msExchUMDialPlanFlags2',
      'msExchUMEquivalentDialPlanPhoneContexts',
      'msExchUMRecipientDialPlanBL',
      'msExchUMServerDialPlanBL',
      'msExchUMMailboxPolicyDialPlanBL',
      'msExchUMAutoAttendantDialPlanBL',
      'msExchUMHuntGroupDialPlanBL',
    ],
  },
  {
    name: 'msExchUMIPGateway',
    possSuperiors: ['msExchContainer'],
    mayContain: ['msExchUMIPGatewayAddress', 'msExchUMIPGatewayPort', 'msExchUMOutcallsAllowed', 'msExchUMIPGatewayStatus', 'msExchUMIPGatewayFlags2'],
  },
  { name: 'msExchUMHuntGroup', possSuperiors: ['msExchUMIPGateway'], mayContain: ['msExchUMPilotIdentifier', 'msExchUMHuntGroupDialPlanLink'] },
  {
    name: 'msExchUMAutoAttendant',
    possSuperiors: ['msExchContainer'],
    mayContain: ['msExchUMAutoAttendantDialPlanLink', 'msExchUMAutoAttendantDialedNumbers'],
  },
  {
    name: 'msExchUMRecipientTemplate',
    possSuperiors: ['msExchContainer'],
    mayContain: [
      'msExchUMMailboxPolicyDialPlanLink',
      'msExchUMPinPolicyMinPasswordLength',
      'msExchUMPinPolicyExpiryDays',
      'msExchUMPinPolicyDisallowCommonPatterns',
    ],
  },
  { name: 'msRTCSIP-Service', possSuperiors: ['container'], mayContain: [] },
  { name: 'msRTCSIP-Pools', possSuperiors: ['msRTCSIP-Service'], mayContain: [] },
  {
    name: 'msRTCSIP-Pool',
    possSuperiors: ['msRTCSIP-Pools'],
    mayContain: ['dNSHostName', 'msRTCSIP-PoolVersion', 'msRTCSIP-PoolType', 'msRTCSIP-PoolData', 'msRTCSIP-PoolDisplayName'],
  },
  { name: 'msRTCSIP-PoolService', possSuperiors: ['container'], mayContain: [] },
];

/** Attributes that users and contacts may hold (added to the mailRecipient auxiliary class). */
const recipientAttributes = [
  'msExchUMEnabledFlags',
  'msExchUMTemplateLink',
  'msExchUMRecipientDialPlanLink',
  'msExchUMDtmfMap',
  'msExchUCVoiceMailSettings',
  'msExchUMPinChecksum',
  'msExchMailboxGuid',
  'msExchRecipientTypeDetails',
  'msExchMasterAccountSid',
  'mailNickname',
  'homeMDB',
  'msExchHomeServerName',
  ...lyncAttributes.filter((a) => a.propertySet).map((a) => a.name),
];

const OID_BASE = '1.2.840.113556.1.8000.2554.51736';

/** A stable GUID for a lab schema object, derived from its name. */
export function labGuid(name: string): Buffer {
  const bytes = createHash('sha1').update(`umc-lab:${name}`).digest().subarray(0, 16);
  bytes[7] = (bytes[7]! & 0x0f) | 0x50;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  return Buffer.from(bytes);
}

/** A GUID string (as in rightsGuid) to the bytes AD stores (little-endian first three fields). */
export function guidBytes(guid: string): Buffer {
  const hex = guid.replace(/-/g, '');
  const b = Buffer.from(hex, 'hex');
  return Buffer.concat([
    Buffer.from(b.subarray(0, 4)).reverse(),
    Buffer.from(b.subarray(4, 6)).reverse(),
    Buffer.from(b.subarray(6, 8)).reverse(),
    b.subarray(8),
  ]);
}

const syntaxes: Record<Syntax, { attributeSyntax: string; oMSyntax: string; oMObjectClass?: string }> = {
  string: { attributeSyntax: '2.5.5.12', oMSyntax: '64' },
  int: { attributeSyntax: '2.5.5.9', oMSyntax: '2' },
  int64: { attributeSyntax: '2.5.5.16', oMSyntax: '65' },
  bool: { attributeSyntax: '2.5.5.8', oMSyntax: '1' },
  octet: { attributeSyntax: '2.5.5.10', oMSyntax: '4' },
  // DS-DN: oMObjectClass 1.3.12.2.1011.28.0.714
  dn: { attributeSyntax: '2.5.5.1', oMSyntax: '127', oMObjectClass: '2b0c0287731c00854a' },
};

const cnOf = (ldapName: string) => ldapName.replace(/^msExch/, 'ms-Exch-').replace(/^msRTCSIP-/, 'ms-RTC-SIP-');

/** Adds the attributes, classes and property sets once; re-running finds them present. */
export async function extendSchema(dir: LabDirectory, forest: ForestSpec): Promise<void> {
  const schema = schemaDn(forest);
  const refresh = () => dir.modify('', 'add', 'schemaUpdateNow', ['1']);
  // Some names already exist in the base AD schema (msExchConfigurationContainer, …): look up by
  // lDAPDisplayName, never by a guessed CN.
  const existing = async (ldapName: string) => (await dir.search(schema, `(lDAPDisplayName=${ldapName})`, ['1.1'], 'one'))[0]?.dn;
  let n = 1;
  const addAttribute = async (def: AttributeDef, linkId?: string) => {
    const syntax = syntaxes[def.syntax];
    const attrs: Record<string, string | Buffer> = {
      objectClass: 'attributeSchema',
      lDAPDisplayName: def.name,
      attributeID: `${OID_BASE}.1.${n++}`,
      attributeSyntax: syntax.attributeSyntax,
      oMSyntax: syntax.oMSyntax,
      isSingleValued: def.multi ? 'FALSE' : 'TRUE',
      schemaIDGUID: labGuid(def.name),
      searchFlags: '1',
    };
    if (syntax.oMObjectClass) attrs.oMObjectClass = Buffer.from(syntax.oMObjectClass, 'hex');
    if (linkId) attrs.linkID = linkId;
    if (def.propertySet) attrs.attributeSecurityGUID = guidBytes(propertySets[def.propertySet]);
    if (def.gc) attrs.isMemberOfPartialAttributeSet = 'TRUE';
    if (!(await existing(def.name))) await dir.add(`CN=${cnOf(def.name)},${schema}`, attrs);
    return attrs.attributeID as string;
  };

  for (const def of [...exchangeAttributes, ...lyncAttributes]) {
    // Forward links get an automatic even linkID; their back-link names the forward attribute's OID.
    const forwardOid = await addAttribute(def, def.backLink ? '1.2.840.113556.1.2.50' : undefined);
    if (def.backLink) {
      await refresh();
      const [forward] = await dir.search(schema, `(lDAPDisplayName=${def.name})`, ['attributeID']);
      await addAttribute({ name: def.backLink, syntax: 'dn', multi: true }, String(forward?.attributeID ?? forwardOid));
    }
  }
  await refresh();

  // Classes first, then their possible superiors: several name classes added after them.
  let c = 1;
  for (const def of classes) {
    if (await existing(def.name)) continue;
    await dir.add(`CN=${cnOf(def.name)},${schema}`, {
      objectClass: 'classSchema',
      lDAPDisplayName: def.name,
      governsID: `${OID_BASE}.2.${c++}`,
      subClassOf: 'top',
      objectClassCategory: '1',
      rDNAttID: 'cn',
      schemaIDGUID: labGuid(def.name),
      mustContain: 'cn',
      ...(def.mayContain.length ? { mayContain: def.mayContain } : {}),
      defaultObjectCategory: `CN=${cnOf(def.name)},${schema}`,
      defaultSecurityDescriptor: 'D:(A;;RPWPCRCCDCLCLORCWOWDSDDTSW;;;DA)(A;;RPWPCRCCDCLCLORCWOWDSDDTSW;;;SY)(A;;RPLCLORC;;;AU)',
    });
  }
  await refresh();
  for (const def of classes) {
    const [entry] = await dir.search(schema, `(lDAPDisplayName=${def.name})`, ['possSuperiors', 'systemPossSuperiors'], 'one');
    const present = new Set([...asList(entry?.possSuperiors), ...asList(entry?.systemPossSuperiors)].map((v) => v.toLowerCase()));
    const missing = def.possSuperiors.filter((p) => !present.has(p.toLowerCase()));
    if (entry && missing.length) await dir.modify(entry.dn, 'add', 'possSuperiors', missing);
  }
  await refresh();

  // Users and contacts get the recipient attributes through their mailRecipient auxiliary class;
  // Lync's pool objects hold a CN=Microsoft container.
  const recipient = await dir.search(schema, '(lDAPDisplayName=mailRecipient)', ['mayContain']);
  const present = new Set(([] as string[]).concat((recipient[0]?.mayContain as string[] | string | undefined) ?? []).map((v) => v.toLowerCase()));
  const missing = recipientAttributes.filter((a) => !present.has(a.toLowerCase()));
  if (missing.length) await dir.modify(`CN=Mail-Recipient,${schema}`, 'add', 'mayContain', missing);
  const container = await dir.search(schema, '(lDAPDisplayName=container)', ['possSuperiors']);
  const superiors = ([] as string[]).concat((container[0]?.possSuperiors as string[] | string | undefined) ?? []);
  if (!superiors.some((s) => s.toLowerCase() === 'msrtcsip-pool')) await dir.modify(`CN=Container,${schema}`, 'add', 'possSuperiors', ['msRTCSIP-Pool']);
  await refresh();

  // The Lync property sets as controlAccessRight objects; attributes join them by attributeSecurityGUID.
  const rights = `CN=Extended-Rights,${configDn(forest)}`;
  const appliesTo = ['user', 'contact', 'inetOrgPerson'];
  const classGuids = await Promise.all(
    appliesTo.map(async (cls) => {
      const [entry] = await dir.search(schema, `(lDAPDisplayName=${cls})`, ['schemaIDGUID']);
      return formatGuid(entry!.schemaIDGUID as Buffer);
    }),
  );
  for (const [name, guid] of Object.entries(propertySets)) {
    await dir.ensure(`CN=${name},${rights}`, {
      objectClass: 'controlAccessRight',
      displayName: name,
      rightsGuid: guid,
      validAccesses: '48',
      appliesTo: classGuids,
    });
  }
}

function asList(value: unknown): string[] {
  return value === undefined ? [] : ([] as string[]).concat(value as string | string[]).map(String);
}

/** Formats AD's little-endian GUID bytes as text. */
export function formatGuid(bytes: Buffer): string {
  const h = (b: Buffer) => b.toString('hex');
  return [
    h(Buffer.from(bytes.subarray(0, 4)).reverse()),
    h(Buffer.from(bytes.subarray(4, 6)).reverse()),
    h(Buffer.from(bytes.subarray(6, 8)).reverse()),
    h(bytes.subarray(8, 10)),
    h(bytes.subarray(10, 16)),
  ].join('-');
}
