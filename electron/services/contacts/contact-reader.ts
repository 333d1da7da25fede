import type { UmContact } from '@shared/models/topology';
import { displayDn, parentDn } from '@shared/dn';
import type { DirEntry } from '../directory/dir-entry';
import { contactCnForm } from '../topology/open-items';
import { APP_EXUM_PREFIX, OPTION_FLAG } from './contact-recipe';

/** Reading SA/AA contacts from the directory: what to ask for, which objects are ones, and the contact as read. */

export const umContactAttributes = [
  'cn',
  'displayName',
  'description',
  'msRTCSIP-PrimaryUserAddress',
  'msRTCSIP-OptionFlags',
  'telephoneNumber',
  'msRTCSIP-Line',
  'otherIpPhone',
  'otherTelephone',
  'msRTCSIP-PrimaryHomeServer',
  'msDS-SourceObjectDN',
  'msRTCSIP-SourceObjectType',
  'whenChanged',
  'uSNChanged',
];

/**
 * SA/AA contacts: contacts that point at a UM object (msDS-SourceObjectDN), carry Lync's UM
 * source-object type (0x90000000, S2), or route to Exchange UM through otherIpPhone (docs/domain.md §6).
 */
export const umContactFilter = '(&(objectClass=contact)(|(msDS-SourceObjectDN=*)(msRTCSIP-SourceObjectType=*)(otherIpPhone=*opaque=app:exum:*)))';

/** A contact as read; kind, target and pool are resolved once every forest is known. */
export function toUmContact(e: DirEntry, forest: string): UmContact {
  const sip = e.get('msRTCSIP-PrimaryUserAddress');
  const line = e.get('msRTCSIP-Line')?.replace(/^tel:/i, '');
  const otherIpPhone = e.getAll('otherIpPhone');
  const phoneContext = otherIpPhone.map(exumPhoneContext).find((c) => !!c);
  return {
    dn: e.dn,
    forest,
    kind: 'Unknown',
    kindSource: 'none',
    displayName: e.get('displayName') ?? e.get('cn'),
    ...(e.get('description') ? { description: e.get('description') } : {}),
    sipAddress: sip,
    phoneNumber: e.get('telephoneNumber') ?? line,
    poolServiceDn: e.get('msRTCSIP-PrimaryHomeServer'),
    targetDn: e.get('msDS-SourceObjectDN'),
    ou: displayDn(parentDn(e.dn)),
    cnForm: contactCnForm(e.dn),
    whenChanged: e.get('whenChanged'),
    version: e.get('uSNChanged'),
    otherIpPhone,
    otherTelephone: e.getAll('otherTelephone'),
    ...(phoneContext ? { phoneContext } : {}),
    enterpriseVoice: ((e.getInt('msRTCSIP-OptionFlags') ?? 0) & OPTION_FLAG.enterpriseVoice) !== 0,
  };
}

/** The dial plan phone context in `sip:…;opaque=app:exum:<phone context>` (docs/domain.md §6), if any. */
export function exumPhoneContext(otherIpPhone: string): string | undefined {
  const match = new RegExp(`;\\s*opaque=${APP_EXUM_PREFIX}([^;\\s]+)`, 'i').exec(otherIpPhone);
  return match?.[1];
}
