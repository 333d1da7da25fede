import { describe, expect, it } from 'vitest';
import type { ContactItem } from '@shared/models/contacts';
import { groupContacts } from '../../renderer/src/features/contacts/contact-groups';

const org = 'CN=Org,CN=Microsoft Exchange,CN=Services,CN=Configuration,DC=contoso,DC=test';
const dpDn = (name: string) => `CN=${name},CN=UM DialPlan Container,${org}`;
const aaDn = (name: string) => `CN=${name},CN=UM AutoAttendant Container,${org}`;

let n = 0;
const contact = (patch: Partial<ContactItem>): ContactItem => ({
  dn: `CN=contact${++n},OU=UM,DC=contoso,DC=test`,
  forest: 'contoso.test',
  kind: 'SA',
  kindSource: 'target-class',
  sipAddress: `c${n}@contoso.test`,
  otherIpPhone: [],
  otherTelephone: [],
  enterpriseVoice: true,
  ou: 'contoso.test/UM',
  cnForm: 'name',
  profile: 'lab',
  version: '1',
  problems: [],
  ...patch,
});
const sa = (plan: string) =>
  contact({
    kind: 'SA',
    targetDn: dpDn(plan),
    target: { dn: dpDn(plan), name: plan, forest: 'contoso.test' },
    dialPlan: { dn: dpDn(plan), name: plan, forest: 'contoso.test' },
  });
const aa = (name: string, plan?: string) =>
  contact({
    kind: 'AA',
    targetDn: aaDn(name),
    target: { dn: aaDn(name), name, forest: 'contoso.test' },
    ...(plan ? { dialPlan: { dn: dpDn(plan), name: plan, forest: 'contoso.test' } } : {}),
  });

/** A translator that shows the key and its values, so the tests see what the page would ask for. */
const t = (key: string, options?: Record<string, unknown>) =>
  options && Object.keys(options).length
    ? `${key}(${Object.entries(options)
        .map(([k, v]) => `${k}=${String(v)}`)
        .join(',')})`
    : key;

describe('groupContacts', () => {
  it('returns no groups for no contacts', () => {
    expect(groupContacts([], t)).toEqual([]);
  });

  it('puts SA contacts under their dial plan and AA contacts under their auto attendant, keeping their order', () => {
    const first = sa('Redmond');
    const second = sa('Redmond');
    const attendant = aa('Main AA', 'Redmond');
    const groups = groupContacts([first, attendant, second], t);
    expect(groups.map((g) => g.key)).toEqual(['aa-Main AA', 'dp-Redmond']);
    const redmond = groups.find((g) => g.key === 'dp-Redmond')!;
    expect(redmond.contacts).toEqual([first, second]);
    expect(redmond.title).toBe('groups.dialPlan(name=Redmond)');
    expect(redmond.subtitle).toBe('contoso.test');
    const main = groups.find((g) => g.key === 'aa-Main AA')!;
    expect(main.title).toBe('groups.autoAttendant(name=Main AA)');
    expect(main.subtitle).toBe('contoso.test · groups.dialPlanOf(name=Redmond)');
  });

  it('gives an auto attendant without a known dial plan the forest alone as subtitle', () => {
    expect(groupContacts([aa('Lonely AA')], t)[0]!.subtitle).toBe('contoso.test');
  });

  it('keeps an SA and an AA contact apart even when the target DN is the same', () => {
    const both = [sa('Tokyo'), { ...sa('Tokyo'), kind: 'AA' as const }];
    expect(
      groupContacts(both, t)
        .map((g) => g.key)
        .sort(),
    ).toEqual(['aa-Tokyo', 'dp-Tokyo']);
  });

  it('groups contacts whose target is in another forest by that target, after the linked ones and before the unlinked', () => {
    const elsewhere = contact({
      targetDn: 'CN=Fabrikam Plan,CN=UM DialPlan Container,CN=Org,DC=fabrikam,DC=test',
      problems: [{ code: 'target-other-forest', severity: 'warning', params: { forest: 'fabrikam.test' } }],
    });
    const orphan = contact({ kind: 'Unknown', kindSource: 'none' });
    const groups = groupContacts([orphan, elsewhere, sa('Taipei')], t);
    expect(groups.map((g) => g.key)).toEqual(['dp-Taipei', 'other-Fabrikam Plan', 'unlinked']);
    expect(groups[1]!.title).toBe('groups.otherForest(name=Fabrikam Plan,forest=fabrikam.test)');
    expect(groups[1]!.subtitle).toBeUndefined();
    expect(groups[2]!.title).toBe('groups.unlinked');
    expect(groups[2]!.contacts).toEqual([orphan]);
  });

  it('puts a contact whose target is missing (not in another forest) with the unlinked ones', () => {
    const missing = contact({ targetDn: dpDn('Gone'), problems: [{ code: 'target-missing', severity: 'error', params: {} }] });
    expect(groupContacts([missing], t).map((g) => g.key)).toEqual(['unlinked']);
  });

  it('sorts linked groups by their translated title', () => {
    const groups = groupContacts([sa('Taipei'), sa('Hsinchu'), aa('After Hours'), sa('Redmond')], t);
    expect(groups.map((g) => g.title)).toEqual([...groups.map((g) => g.title)].sort((a, b) => a.localeCompare(b)));
    expect(groups.map((g) => g.key)).toEqual(['aa-After Hours', 'dp-Hsinchu', 'dp-Redmond', 'dp-Taipei']);
  });
});
