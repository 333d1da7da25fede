import { UM_CONTACT_SOURCE_OBJECT_TYPE } from '../topology/open-items';

/**
 * The attributes of a Subscriber Access or Auto Attendant contact, value by value, and where each
 * value comes from. This is the only place they are written from (the LDAP route here, the lab
 * seed, and what the lab's New-CsExUmContact leaves, so the readers see one shape). Values that
 * domain.md marks OPEN (§6) are noted; readers tolerate other spellings.
 */
export interface ContactRecipeInput {
  kind: 'SA' | 'AA';
  /** Display name; OcsUmUtil defaults it to the dial plan (or auto attendant) name. */
  name: string;
  /** `sip:user@domain`, unique in the forest. */
  sipAddress: string;
  /** E.164, e.g. +14255550100: the dial plan's access number or the auto attendant's pilot number. */
  phoneNumber: string;
  /** DN of the UM dial plan (SA) or auto attendant (AA) the contact stands for. */
  targetDn: string;
  /** DN of the pool's `CN=Lc Services,CN=Microsoft,<pool>` object, where Lync homes users. */
  poolServiceDn: string;
}

export function contactAttributes(input: ContactRecipeInput): Record<string, string | string[]> {
  return {
    objectClass: 'contact',
    // The admin's name for it; shown in Lync's and Exchange's tools.
    displayName: input.name,
    // What the contact is for, readable in ADUC. OPEN: OcsUmUtil's exact wording is unknown.
    description: input.kind === 'SA' ? 'Subscriber Access' : 'Auto Attendant',
    // Lync routes the number by this SIP address; Lync mirrors it as a sip: proxy address.
    'msRTCSIP-PrimaryUserAddress': input.sipAddress,
    proxyAddresses: [input.sipAddress],
    'msRTCSIP-UserEnabled': 'TRUE',
    // The pool that registers the contact: preferably the pool where the EV users live.
    'msRTCSIP-PrimaryHomeServer': input.poolServiceDn,
    // OPEN: OcsUmUtil's option flags; 256 (enhanced presence) is what Lync sets for such objects.
    'msRTCSIP-OptionFlags': '256',
    // 0x90000000 marks an auto attendant or subscriber access object (domain.md §5); stored as the
    // signed 32-bit integer AD's Integer syntax holds.
    'msRTCSIP-SourceObjectType': String(UM_CONTACT_SOURCE_OBJECT_TYPE | 0),
    'msRTCSIP-Line': `tel:${input.phoneNumber}`,
    // The UM object the contact stands for; readers classify SA/AA by this object's class first.
    'msDS-SourceObjectDN': input.targetDn,
    // Lync derives AutoAttendant / IsSubscriberAccess from otherIpPhone. OPEN: the exact token.
    otherIpPhone: [input.kind === 'SA' ? 'SubscriberAccess' : 'AutoAttendant'],
    // The number as dialled (OcsUmUtil's "Phone Number").
    telephoneNumber: input.phoneNumber,
  };
}

/** The attributes the console changes when a contact is edited (never objectClass or the type marker). */
export const editableAttributes = ['displayName', 'msRTCSIP-PrimaryUserAddress', 'proxyAddresses', 'msRTCSIP-Line', 'telephoneNumber', 'msRTCSIP-PrimaryHomeServer'] as const;
