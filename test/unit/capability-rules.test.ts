import { describe, expect, it } from 'vitest';
import { defaultActingProfile, type ProfileCapabilities } from '@shared/models/capabilities';
import { judge, judgeAll, requirementOf, stepRequirements } from '../../electron/services/capabilities/capability-rules';

const lyncAndExchange = { exchange: true, lync: true };

describe('who may do what (capability-rules.ts)', () => {
  it('contacts need both RTC admin groups, as OcsUmUtil does [S27]', () => {
    const contacts = requirementOf('contacts.write');
    expect(judge(contacts, ['RTCUniversalServerAdmins', 'RTCUniversalUserAdmins'], lyncAndExchange)).toMatchObject({
      verdict: 'yes',
      via: ['RTCUniversalServerAdmins', 'RTCUniversalUserAdmins'],
      missing: [],
    });
    expect(judge(contacts, ['RTCUniversalUserAdmins'], lyncAndExchange)).toMatchObject({
      verdict: 'no',
      reason: 'missing-groups',
      missing: ['RTCUniversalServerAdmins'],
    });
    expect(judge(contacts, ['RTCUniversalServerAdmins', 'RTCUniversalUserAdmins'], { exchange: true, lync: false })).toMatchObject({
      verdict: 'no',
      reason: 'not-lync-forest',
    });
  });

  it('OU permissions are decided per OU: Domain Admins likely, anyone else only with a delegation [S7][S41]', () => {
    const grant = requirementOf('permissions.write');
    expect(judge(grant, ['Domain Admins'], lyncAndExchange)).toMatchObject({ verdict: 'likely', reason: 'holds-groups-per-ou' });
    expect(judge(grant, ['RTCUniversalReadOnlyAdmins'], lyncAndExchange)).toMatchObject({ verdict: 'unlikely', reason: 'delegation-per-ou' });
  });

  it('gateway setup needs Organization Management [S21]; enabling users the UM Mailboxes role: Organization Management or UM Management [S38][S42]', () => {
    expect(judge(requirementOf('gateways.setup'), ['Organization Management'], lyncAndExchange).verdict).toBe('yes');
    expect(judge(requirementOf('gateways.setup'), ['UM Management'], lyncAndExchange).verdict).toBe('no');
    expect(judge(requirementOf('gateways.setup'), ['Organization Management'], { exchange: false, lync: true })).toMatchObject({
      verdict: 'no',
      reason: 'no-exchange-org',
    });
    expect(judge(requirementOf('users.enable'), ['UM Management'], lyncAndExchange).verdict).toBe('yes');
    // Recipient Management does not hold the UM Mailboxes role in Exchange 2013 [S42].
    expect(judge(requirementOf('users.enable'), ['Recipient Management'], lyncAndExchange).verdict).toBe('no');
  });

  it("the checklist steps share the write actions' rules, and confirming a step asks for its roles", () => {
    expect(stepRequirements.exchucutil).toBe(requirementOf('gateways.setup'));
    expect(stepRequirements['ocsumutil-contacts']).toBe(requirementOf('contacts.write'));
    expect(stepRequirements['enable-users']).toBe(requirementOf('users.enable'));
    expect(requirementOf('checklist.confirm:lync-dial-plan-names').needs).toEqual([['RTCUniversalServerAdmins']]);
  });

  it('an account that could not be read can do nothing', () => {
    expect(Object.values(judgeAll(undefined, lyncAndExchange)).every((c) => c.verdict === 'no' && c.reason === 'account-unreadable')).toBe(true);
  });

  it('defaults to the connected profile that can do it best, never a read-only one when another can, in connection order otherwise', () => {
    const profile = (name: string, forest: string, groups: string[], holds = lyncAndExchange): ProfileCapabilities => ({
      profile: name,
      forest,
      account: name,
      identity: name,
      holds,
      actions: judgeAll(groups, holds),
    });
    const connected = [
      profile('readonly', 'contoso.test', ['RTCUniversalReadOnlyAdmins']),
      profile('admin', 'contoso.test', ['Domain Admins']),
      profile('umadmin', 'contoso.test', ['RTCUniversalServerAdmins', 'RTCUniversalUserAdmins']),
      profile('exch', 'contoso.test', ['Organization Management']),
      profile('fabrikam', 'fabrikam.test', ['Organization Management'], { exchange: true, lync: false }),
    ];
    expect(defaultActingProfile(connected, 'contacts.write')).toBe('umadmin');
    expect(defaultActingProfile(connected, 'permissions.write')).toBe('admin');
    expect(defaultActingProfile(connected, 'gateways.setup')).toBe('exch');
    expect(defaultActingProfile(connected, 'gateways.setup', ['fabrikam.test'])).toBe('fabrikam');
    // Nobody can: the first connected profile, still marked as unable.
    expect(defaultActingProfile(connected.slice(0, 2), 'users.enable')).toBe('readonly');
  });
});
