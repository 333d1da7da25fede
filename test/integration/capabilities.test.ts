import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultActingProfile, type ActingAction, type CapabilityVerdict, type ProfileCapabilities } from '@shared/models/capabilities';
import { api, type MethodName, type MethodOutput } from '@shared/contract';
import { createTestServices } from './support/test-services';

/**
 * The acting account against the lab's accounts (lab.md): what each may do, judged from its real
 * groups (tokenGroups, nesting included) and its forest, and the profile each write defaults to.
 */
const { services, dispatch } = createTestServices();
/** A method through the dispatcher, as the transports call it, its output checked against the contract. */
async function call<M extends MethodName>(method: M, input: unknown): Promise<MethodOutput<M>> {
  const envelope = await dispatch(method, input);
  if (!envelope.ok) throw Object.assign(new Error(envelope.error.message), envelope.error);
  return api[method].output.parse(envelope.result) as MethodOutput<M>;
}
const profiles = ['lab-readonly', 'lab-useradmin', 'lab-serveradmin', 'lab-umadmin', 'lab-exchadmin', 'lab', 'lab-fabrikam'];
let capabilities: ProfileCapabilities[];
const verdicts = (action: ActingAction) =>
  Object.fromEntries(capabilities.map((c) => [c.profile, c.actions[action].verdict])) as Record<string, CapabilityVerdict>;

beforeAll(async () => {
  for (const profile of profiles) await services.connections.connect(profile);
  capabilities = await call('connections.capabilities', {});
}, 120_000);
afterAll(async () => {
  await services.shutdown();
});

describe('connections.capabilities', () => {
  it("names each connected profile's account and forest, and what the forest holds", () => {
    expect(capabilities.map((c) => `${c.profile}:${c.account}@${c.forest}`)).toEqual([
      'lab-readonly:lab-readonly@contoso.test',
      'lab-useradmin:lab-useradmin@contoso.test',
      'lab-serveradmin:lab-serveradmin@contoso.test',
      'lab-umadmin:lab-umadmin@contoso.test',
      'lab-exchadmin:lab-exchadmin@contoso.test',
      'lab:Administrator@contoso.test',
      'lab-fabrikam:Administrator@fabrikam.test',
    ]);
    expect(capabilities.find((c) => c.profile === 'lab')!.holds).toEqual({ exchange: true, lync: true });
    // The Exchange resource forest: an organisation, no Lync.
    expect(capabilities.find((c) => c.profile === 'lab-fabrikam')!.holds).toEqual({ exchange: true, lync: false });
  });

  it('contacts: only an account in both RTC admin groups [S27]', () => {
    expect(verdicts('contacts.write')).toEqual({
      'lab-readonly': 'no',
      'lab-useradmin': 'no',
      'lab-serveradmin': 'no',
      'lab-umadmin': 'yes',
      'lab-exchadmin': 'no',
      lab: 'no',
      'lab-fabrikam': 'no',
    });
    const useradmin = capabilities.find((c) => c.profile === 'lab-useradmin')!.actions['contacts.write'];
    expect(useradmin).toMatchObject({ reason: 'missing-groups', via: ['RTCUniversalUserAdmins'], missing: ['RTCUniversalServerAdmins'], source: 'S27' });
    expect(capabilities.find((c) => c.profile === 'lab-fabrikam')!.actions['contacts.write'].reason).toBe('not-lync-forest');
  });

  it('OU permissions: Domain Admins likely, the others only with a delegation on the OU — both checked at preview [S7][S41]', () => {
    expect(verdicts('permissions.write')).toEqual({
      'lab-readonly': 'unlikely',
      'lab-useradmin': 'unlikely',
      'lab-serveradmin': 'unlikely',
      'lab-umadmin': 'unlikely',
      'lab-exchadmin': 'unlikely',
      lab: 'likely',
      'lab-fabrikam': 'no',
    });
  });

  // lab is contoso's Administrator, who installed Exchange there, so Exchange setup made it a
  // member of Organization Management [S39].
  it('gateway setup: Organization Management, in the forest whose organisation it writes [S21]', () => {
    expect(verdicts('gateways.setup')).toEqual({
      'lab-readonly': 'no',
      'lab-useradmin': 'no',
      'lab-serveradmin': 'no',
      'lab-umadmin': 'no',
      'lab-exchadmin': 'yes',
      lab: 'yes',
      'lab-fabrikam': 'yes',
    });
  });

  it('enabling users: the UM Mailboxes role, Organization Management or UM Management [S38][S42]', () => {
    expect(verdicts('users.enable')).toEqual({
      'lab-readonly': 'no',
      'lab-useradmin': 'no',
      'lab-serveradmin': 'no',
      'lab-umadmin': 'no',
      'lab-exchadmin': 'yes',
      lab: 'yes',
      'lab-fabrikam': 'yes',
    });
  });

  it('each write defaults to a profile that can do it, never a read-only one, in the forest it writes', () => {
    expect(defaultActingProfile(capabilities, 'contacts.write')).toBe('lab-umadmin');
    expect(defaultActingProfile(capabilities, 'permissions.write')).toBe('lab');
    expect(defaultActingProfile(capabilities, 'gateways.setup', ['contoso.test'])).toBe('lab-exchadmin');
    expect(defaultActingProfile(capabilities, 'gateways.setup', ['fabrikam.test'])).toBe('lab-fabrikam');
    expect(defaultActingProfile(capabilities, 'checklist.confirm:lync-dial-plan-names')).toBe('lab-serveradmin');
  });
});

describe('the OU decides: sDRightsEffective at test and preview [S41]', () => {
  const delegated = 'OU=Delegated,OU=Lab,DC=contoso,DC=test';
  it('lab may change the permissions of OU=Delegated; lab-readonly and lab-useradmin may not', async () => {
    expect((await services.permissions.test('lab', delegated, ['Contact'])).writable).toBe(true);
    expect((await services.permissions.test('lab-readonly', delegated, ['Contact'])).writable).toBe(false);
    expect((await services.permissions.preview('lab-useradmin', delegated, ['Contact'], 'grant')).writable).toBe(false);
  });
});
