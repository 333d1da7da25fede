import { describe, expect, it } from 'vitest';
import { learnShape } from '../../electron/services/contacts/contact-shape';

/** "Create like this one": a template's values generalised and applied to the new contact. */
const template = {
  dn: 'CN={0b8f2d3e-1111-2222-3333-444455556666},OU=X,DC=x,DC=test',
  attributes: {
    objectClass: ['top', 'contact'],
    cn: ['{0b8f2d3e-1111-2222-3333-444455556666}'],
    displayName: ['Oslo SA'],
    description: ['Subscriber access for Oslo (+4722000000)'],
    'msRTCSIP-PrimaryUserAddress': ['sip:osloSA@x.test'],
    'msRTCSIP-OptionFlags': ['385'],
    otherIpPhone: ['sip:osloSA@x.test;opaque=app:exum:Oslo.x.test'],
    otherTelephone: ['+4722000000'],
    info: ['an admin note'],
    whenChanged: ['20260101000000.0Z'],
  },
  values: { name: 'Oslo SA', sipAddress: 'sip:osloSA@x.test', phoneNumber: '+4722000000', phoneContext: 'Oslo.x.test', targetName: 'Oslo' },
};
const recipe = {
  kind: 'SA' as const,
  name: 'Bergen SA',
  sipAddress: 'sip:bergenSA@x.test',
  phoneNumber: '+4755000000',
  targetDn: 'CN=Bergen,CN=UM DialPlan Container,DC=x',
  phoneContext: 'Bergen.x.test',
  poolServiceDn: 'CN=Lc Services,CN=Microsoft,CN=1:1,DC=x',
  targetName: 'Bergen',
};

describe('learnShape', () => {
  const shape = learnShape(template, recipe);

  it("swaps the template's own values for the new contact's", () => {
    expect(shape.attributes.otherIpPhone).toEqual(['sip:bergenSA@x.test;opaque=app:exum:Bergen.x.test']);
    expect(shape.attributes.description).toEqual(['Subscriber access for Bergen (+4755000000)']);
    expect(shape.attributes.otherTelephone).toEqual(['+4755000000']);
    expect(shape.attributes['msRTCSIP-PrimaryUserAddress']).toEqual(['sip:bergenSA@x.test']);
    expect(shape.attributes['msRTCSIP-PrimaryHomeServer']).toEqual([recipe.poolServiceDn]);
  });

  it('keeps the template name form and reports what it does not copy', () => {
    expect(shape.cnForm).toBe('guid');
    expect(shape.notCopied).toEqual(['info']);
  });

  it('lists every attribute where it differs from the recipe, both ways', () => {
    const byName = Object.fromEntries(shape.differences.map((d) => [d.attribute, d]));
    expect(byName['msRTCSIP-OptionFlags']).toEqual({ attribute: 'msRTCSIP-OptionFlags', recipe: ['384'], learned: ['385'] });
    expect(byName['msDS-SourceObjectDN']).toEqual({ attribute: 'msDS-SourceObjectDN', recipe: [recipe.targetDn] });
    expect(byName.otherIpPhone).toBeUndefined();
  });
});
