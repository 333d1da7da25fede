import type { ProfileCapabilities } from '@shared/models/capabilities';
import type { Actor } from '@shared/models/audit';
import { ApiError, isApiError } from '@shared/errors';
import { whoAmI } from '../directory/account-rights';
import type { ConnectionManager } from '../directory/connection-manager';
import type { DirectorySession } from '../directory/directory-session';
import { resolveGroupSid } from '../directory/account-rights';
import { judgeAll, type ForestHoldings } from './capability-rules';

const holdings = new WeakMap<DirectorySession, Promise<ForestHoldings>>();

/**
 * What a forest holds, read once per session in two or three small searches: an Exchange organisation
 * (an msExchOrganizationContainer under CN=Microsoft Exchange,CN=Services [S11]), and Lync — its
 * pools (CN=Pools,CN=RTC Service [S2]) or its RTC groups, which forest preparation creates [S8].
 */
export function forestHoldings(session: DirectorySession): Promise<ForestHoldings> {
  let cached = holdings.get(session);
  if (!cached) {
    cached = (async () => {
      const config = session.rootDse.configurationNamingContext;
      const any = (base: string, filter: string) =>
        session.search(base, { scope: 'one', filter, attributes: ['1.1'] }).then(
          (found) => found.length > 0,
          (error: unknown) => {
            if (isApiError(error) && error.code === 'NOT_FOUND') return false;
            throw error;
          },
        );
      const exchange = await any(`CN=Microsoft Exchange,CN=Services,${config}`, '(objectClass=msExchOrganizationContainer)');
      const pools = await any(`CN=Pools,CN=RTC Service,CN=Services,${config}`, '(objectClass=msRTCSIP-Pool)');
      const groups =
        pools ||
        (await resolveGroupSid(session, 'RTCUniversalUserAdmins').then(
          () => true,
          () => false,
        ));
      return { exchange, lync: pools || groups };
    })();
    holdings.set(session, cached);
    cached.catch(() => holdings.delete(session));
  }
  return cached;
}

/**
 * Per connected profile, whether its account can do each write the console makes (and confirm
 * each checklist step), judged from its groups — tokenGroups, nesting included — against the
 * rights Microsoft names (capability-rules.ts). A profile whose account cannot be read is listed
 * with every verdict `no` and the error, never left out.
 */
export class CapabilitiesService {
  constructor(private readonly connections: ConnectionManager) {}

  async list(): Promise<ProfileCapabilities[]> {
    const connected = this.connections.list().filter((s) => s.status === 'connected');
    return Promise.all(connected.map((state) => this.of(state.profile)));
  }

  async of(profile: string): Promise<ProfileCapabilities> {
    const session = await this.connections.ensure(profile);
    const base = { profile, forest: session.rootDse.forestDnsName, identity: session.identity };
    try {
      const [account, holds] = await Promise.all([whoAmI(session), forestHoldings(session)]);
      return {
        ...base,
        account: account.name,
        holds,
        actions: judgeAll(
          account.groups.map((g) => g.name),
          holds,
        ),
      };
    } catch (error) {
      const apiError = isApiError(error) ? error : new ApiError('INTERNAL', error instanceof Error ? error.message : String(error));
      return {
        ...base,
        account: session.identity,
        holds: { exchange: false, lync: false },
        actions: judgeAll(undefined, { exchange: false, lync: false }),
        error: apiError.toEnvelope(),
      };
    }
  }
}

/** Who a write is made as, for its result and its audit entry: the profile, the account it binds as, its forest. */
export function actorOf(profile: string, session: DirectorySession): Actor {
  return { profile, identity: session.identity, forest: session.rootDse.forestDnsName };
}
