import { describe, expect, it } from 'vitest';
import { proposeContactDefaults, proposeContactName } from '@shared/contacts/contact-values';

describe("a new contact's proposed name and SIP address", () => {
  it('names it "<dial plan> Subscriber Access" or "<auto attendant> Auto Attendant" [S1]', () => {
    expect(proposeContactName('SA', 'Tokyo')).toBe('Tokyo Subscriber Access');
    expect(proposeContactName('AA', 'TokyoAA')).toBe('TokyoAA Auto Attendant');
    expect(proposeContactDefaults('SA', 'Tokyo', 'contoso.test', [])).toEqual({ name: 'Tokyo Subscriber Access', sipAddress: 'sip:TokyoSA@contoso.test' });
    expect(proposeContactDefaults('AA', 'TokyoAA', 'contoso.test', [])).toEqual({ name: 'TokyoAA Auto Attendant', sipAddress: 'sip:TokyoAA@contoso.test' });
  });

  it('numbers both past the existing contacts, so a default never collides (a second SA contact for Redmond)', () => {
    const existing = [
      { displayName: 'Redmond Subscriber Access', sipAddress: 'sip:RedmondSA@contoso.test' },
      { displayName: 'redmond subscriber access 2', sipAddress: 'sip:redmondsa2@contoso.test' },
      { displayName: 'RedmondAA' },
    ];
    expect(proposeContactDefaults('SA', 'Redmond', 'contoso.test', existing)).toEqual({
      name: 'Redmond Subscriber Access 3',
      sipAddress: 'sip:RedmondSA3@contoso.test',
    });
  });
});
