import { contactAttributes, type ContactRecipeInput } from './contact-recipe';

/**
 * "Create like this one": what OcsUmUtil writes is not published in full (docs/domain.md §6,
 * OPEN), so an admin can point at a contact that works in their deployment and the console copies
 * its attribute shape — each value with the template contact's own SIP address, number, name,
 * phone context and target replaced by the new contact's — and shows every difference from its
 * recipe before anything is written. Pure functions; the service reads the template.
 */

/** The attributes that make a contact route to Exchange UM; others (admin notes, mail) are never copied. */
export const shapeAttributes = [
  'description',
  'msRTCSIP-PrimaryUserAddress',
  'proxyAddresses',
  'msRTCSIP-UserEnabled',
  'msRTCSIP-PrimaryHomeServer',
  'msRTCSIP-OptionFlags',
  'msRTCSIP-SourceObjectType',
  'msRTCSIP-Line',
  'msDS-SourceObjectDN',
  'otherTelephone',
  'otherIpPhone',
  'telephoneNumber',
  'msExchUCVoiceMailSettings',
] as const;

/** What is specific to one contact, so a template's values can be generalised and re-applied. */
export interface ContactValues {
  name: string;
  /** `sip:user@domain`. */
  sipAddress: string;
  phoneNumber: string;
  targetDn?: string;
  phoneContext?: string;
  /** The dial plan's (SA) or auto attendant's (AA) name. */
  targetName?: string;
  poolServiceDn?: string;
}

export interface ShapeDifference {
  attribute: string;
  /** What the console's recipe would write (absent: it writes nothing there). */
  recipe?: string[];
  /** What the template's shape writes for the new contact (absent: the template has no such value). */
  learned?: string[];
}

export interface LearnedShape {
  /** The attributes to write, the template's shape applied to the new contact. */
  attributes: Record<string, string[]>;
  /** `guid` when the template is named CN={GUID} (New-CsExUmContact's form, S3), else by its name. */
  cnForm: 'guid' | 'name';
  differences: ShapeDifference[];
  /** Template attributes not copied because they are not part of a contact's UM shape. */
  notCopied: string[];
}

/**
 * Replaces the template's own values by placeholders, longest first so a SIP address inside an
 * otherIpPhone value is replaced whole before its user part.
 */
function generalise(value: string, template: ContactValues): string {
  const sipUser = template.sipAddress.replace(/^sip:/i, '');
  const pairs: Array<[string, string]> = [
    [template.sipAddress, '{sip}'],
    [sipUser, '{sipUser}'],
    [template.targetDn ?? '', '{target}'],
    [template.poolServiceDn ?? '', '{pool}'],
    [template.phoneContext ?? '', '{phoneContext}'],
    [template.phoneNumber, '{number}'],
    [template.phoneNumber.replace(/^\+/, ''), '{digits}'],
    [template.name, '{name}'],
    [template.targetName ?? '', '{targetName}'],
  ];
  const ordered = pairs.filter(([from]) => from.length > 0).sort((a, b) => b[0].length - a[0].length);
  let out = '';
  for (let i = 0; i < value.length;) {
    const hit = ordered.find(([from]) => value.slice(i, i + from.length).toLowerCase() === from.toLowerCase());
    if (hit) {
      out += hit[1];
      i += hit[0].length;
    } else {
      out += value[i];
      i++;
    }
  }
  return out;
}

function specialise(pattern: string, values: ContactValues): string {
  const map: Record<string, string> = {
    sip: values.sipAddress,
    sipUser: values.sipAddress.replace(/^sip:/i, ''),
    target: values.targetDn ?? '',
    pool: values.poolServiceDn ?? '',
    phoneContext: values.phoneContext ?? '',
    number: values.phoneNumber,
    digits: values.phoneNumber.replace(/^\+/, ''),
    name: values.name,
    targetName: values.targetName ?? '',
  };
  return pattern.replace(/\{(sip|sipUser|target|pool|phoneContext|number|digits|name|targetName)\}/g, (_m, key: string) => map[key] ?? '');
}

const same = (a: string[] | undefined, b: string[] | undefined) => JSON.stringify([...(a ?? [])].sort()) === JSON.stringify([...(b ?? [])].sort());

/**
 * The template's shape for a new contact: its UM attributes with the template's values swapped for
 * the new contact's, compared attribute by attribute with the console's recipe.
 */
export function learnShape(
  template: { dn: string; attributes: Record<string, string[]>; values: ContactValues },
  recipe: ContactRecipeInput & { targetName?: string },
): LearnedShape {
  const lowered = new Map(Object.entries(template.attributes).map(([k, v]) => [k.toLowerCase(), v] as const));
  const newValues: ContactValues = {
    name: recipe.name,
    sipAddress: recipe.sipAddress,
    phoneNumber: recipe.phoneNumber,
    targetDn: recipe.targetDn,
    phoneContext: recipe.phoneContext,
    targetName: recipe.targetName,
    poolServiceDn: recipe.poolServiceDn,
  };
  const attributes: Record<string, string[]> = { objectClass: ['contact'], displayName: [recipe.name] };
  for (const name of shapeAttributes) {
    const values = lowered.get(name.toLowerCase());
    if (values?.length) attributes[name] = values.map((v) => specialise(generalise(v, template.values), newValues));
  }
  // The contact's own identity and home pool are always the new contact's, whatever the template holds.
  attributes['msRTCSIP-PrimaryUserAddress'] = [recipe.sipAddress];
  attributes['msRTCSIP-PrimaryHomeServer'] = [recipe.poolServiceDn];
  const ours = Object.fromEntries(Object.entries(contactAttributes(recipe)).map(([k, v]) => [k, Array.isArray(v) ? v : [v]]));
  const differences: ShapeDifference[] = [];
  for (const attribute of new Set([...Object.keys(ours), ...Object.keys(attributes)])) {
    if (attribute === 'objectClass') continue;
    if (!same(ours[attribute], attributes[attribute]))
      differences.push({
        attribute,
        ...(ours[attribute] ? { recipe: ours[attribute] } : {}),
        ...(attributes[attribute] ? { learned: attributes[attribute] } : {}),
      });
  }
  const known = new Set(['objectclass', 'cn', 'name', 'distinguishedname', 'displayname', ...shapeAttributes.map((a) => a.toLowerCase())]);
  const operational =
    /^(whencreated|whenchanged|usncreated|usnchanged|objectguid|objectcategory|instancetype|dscorepropagationdata|ntsecuritydescriptor|objectsid|replpropertymetadata|msds-.*)$/i;
  const notCopied = Object.keys(template.attributes).filter((k) => !known.has(k.toLowerCase()) && !operational.test(k));
  return {
    attributes,
    cnForm: /^CN=\{?[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\}?,/i.test(template.dn) ? 'guid' : 'name',
    differences,
    notCopied,
  };
}
