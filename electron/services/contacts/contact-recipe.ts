import { UM_CONTACT_SOURCE_OBJECT_TYPE } from '../topology/open-items';

/**
 * The attributes of an on-premises Subscriber Access or Auto Attendant contact, value by value,
 * each with its source (docs/domain.md §6, docs/sources.md). This is the only place the console
 * writes them from (the LDAP route, the completion of a cmdlet-made contact, the lab seed).
 * Values no source settles are marked OPEN; readers tolerate other spellings, and an admin can
 * create a contact "like" a working one instead (contact-shape.ts).
 */
export interface ContactRecipeInput {
  kind: 'SA' | 'AA';
  /** Display name; OcsUmUtil defaults it to the dial plan (or auto attendant) name [S1]. */
  name: string;
  /** `sip:user@domain`, unique in the forest [S3]. */
  sipAddress: string;
  /** E.164, e.g. +14255550100: the dial plan's access number or the auto attendant's pilot number [S1]. */
  phoneNumber: string;
  /** DN of the UM dial plan (SA) or auto attendant (AA) the contact stands for. */
  targetDn: string;
  /** The phone context of that dial plan (for an AA, of the AA's dial plan). */
  phoneContext: string;
  /** DN of the pool's `CN=Lc Services,CN=Microsoft,<pool>` object, where Lync homes users [S2]. */
  poolServiceDn: string;
}

/** msRTCSIP-OptionFlags: 128 UCEnabled (Enterprise Voice), 256 enhanced presence [S2]. */
export const OPTION_FLAG = { enterpriseVoice: 128, enhancedPresence: 256 } as const;

/** Exchange UM's routing token in otherIpPhone's opaque parameter (Exchange's AppExumPrefix, S11). */
export const APP_EXUM_PREFIX = 'app:exum:';

/** otherIpPhone as a provisioning script publishes it and Exchange UM reads it: the SIP URI with the dial plan's phone context. */
export function exumRoutingAddress(sipAddress: string, phoneContext: string): string {
  return `${sipAddress};opaque=${APP_EXUM_PREFIX}${phoneContext}`;
}

export function contactAttributes(input: ContactRecipeInput): Record<string, string | string[]> {
  return {
    objectClass: 'contact',
    // The admin's name for it; shown in Lync's and Exchange's tools [S1].
    displayName: input.name,
    // Readable in ADUC. OPEN: OcsUmUtil's exact wording is not published.
    description: input.kind === 'SA' ? 'Exchange UM Subscriber Access' : 'Exchange UM Auto Attendant',
    // Lync routes the number by this SIP address [S3]; Lync mirrors it as a sip: proxy address.
    'msRTCSIP-PrimaryUserAddress': input.sipAddress,
    proxyAddresses: [input.sipAddress],
    'msRTCSIP-UserEnabled': 'TRUE',
    // The pool that registers the contact ("the DN of the Standard Edition server or Enterprise Edition Front End pool") [S2].
    'msRTCSIP-PrimaryHomeServer': input.poolServiceDn,
    // Enterprise Voice on: with EnterpriseVoiceEnabled $false "the Auto Attendant or Subscriber Access
    // feature associated with this contact will no longer be available" [S3]; 256 as on every Lync object [S2].
    'msRTCSIP-OptionFlags': String(OPTION_FLAG.enterpriseVoice | OPTION_FLAG.enhancedPresence),
    // 0x90000000 "Represents an Auto-Attendant or subscriber access object" [S2]; stored as the
    // signed 32-bit integer AD's Integer syntax holds.
    'msRTCSIP-SourceObjectType': String(UM_CONTACT_SOURCE_OBJECT_TYPE | 0),
    // DisplayNumber is the LineURI [S3].
    'msRTCSIP-Line': `tel:${input.phoneNumber}`,
    // "used for … auto attendance": the UM object the contact stands for [S2].
    'msDS-SourceObjectDN': input.targetDn,
    // "for routing calls to the unified messaging auto-attendant and subscriber access numbers" [S2]. OPEN: the exact value.
    otherTelephone: [input.phoneNumber],
    // The SIP address [S3] with Exchange UM's dial plan assignment. OPEN: how OcsUmUtil marks an AA apart from an SA here.
    otherIpPhone: [exumRoutingAddress(input.sipAddress, input.phoneContext)],
    // The number as dialled (OcsUmUtil's "Phone Number", S1).
    telephoneNumber: input.phoneNumber,
  };
}
