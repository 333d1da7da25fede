import type { ForestTopology, Topology } from '@shared/models/topology';
import { ApiError, isApiError } from '@shared/errors';
import type { EventBus } from '../core/event-bus';
import type { ConnectionManager } from '../directory/connection-manager';
import type { ProfileService } from '../profiles/profile-service';
import type { PowerShellService } from '../powershell/powershell-service';
import { computeFindings } from './findings';
import { readForest } from './forest-reader';
import { poolKind } from './open-items';
import { resolveLinks } from './resolve-links';

/**
 * The topology of every connected forest, joined across forests, with its findings. Cached until
 * refreshed or until a service that changes the directory invalidates it.
 */
export class TopologyService {
  private cached: { key: string; topology: Topology } | undefined;

  constructor(
    private readonly connections: ConnectionManager,
    private readonly profiles: ProfileService,
    private readonly powershell: PowerShellService,
    private readonly bus: EventBus,
  ) {}

  /** Called by services that changed the directory; every screen showing the topology reloads. */
  invalidate(reason: string): void {
    this.cached = undefined;
    this.bus.emit('topology.changed', { reason });
  }

  async get(options: { profiles?: string[]; refresh?: boolean } = {}): Promise<Topology> {
    const requested = options.profiles?.length
      ? options.profiles
      : this.connections
          .list()
          .filter((s) => s.status === 'connected')
          .map((s) => s.profile);
    if (requested.length === 0) throw new ApiError('NOT_CONNECTED', 'Connect at least one forest (Settings) to see its topology.');
    const key = [...requested].sort().join('|');
    if (!options.refresh && this.cached?.key === key) return this.cached.topology;

    const started = Date.now();
    const failures: Topology['failures'] = [];
    let ldapRoundTrips = 0;
    let powershellCalls = 0;
    const seenForests = new Set<string>();
    const forests: ForestTopology[] = [];
    // One profile per forest: two accounts on the same forest see the same objects.
    const reads = await Promise.all(
      requested.map(async (profile) => {
        try {
          const session = await this.connections.ensure(profile);
          const before = session.stats.roundTrips;
          const forest = await readForest(profile, session);
          ldapRoundTrips += session.stats.roundTrips - before;
          return { profile, forest };
        } catch (error) {
          const apiError = isApiError(error) ? error : new ApiError('INTERNAL', 'The forest could not be read.');
          failures.push({ profile, code: apiError.code, message: apiError.message });
          return undefined;
        }
      }),
    );
    for (const read of reads) {
      if (!read || seenForests.has(read.forest.forest)) continue;
      seenForests.add(read.forest.forest);
      forests.push(read.forest);
    }
    for (const forest of forests) {
      if (!forest.lync || !this.profiles.get(forest.profile).lync) continue;
      powershellCalls += await this.readLyncShell(forest);
    }
    resolveLinks(forests);
    const topology: Topology = {
      readAt: new Date().toISOString(),
      forests,
      findings: computeFindings(forests),
      failures,
      stats: { ldapRoundTrips, powershellCalls, milliseconds: Date.now() - started },
    };
    this.cached = { key, topology };
    return topology;
  }

  /**
   * What only Lync's Central Management Store knows (Lync 2013's authoritative topology, not AD):
   * the Lync dial plans (Get-CsDialPlan, for the name check, S1), the pools' services — a
   * Director is a pool with a Director service (Get-CsPool, S29) — and the media encryption level
   * (Get-CsMediaConfiguration, S4). A failure is kept and shown; nothing is guessed. Returns the
   * number of calls made.
   */
  private async readLyncShell(forest: ForestTopology): Promise<number> {
    const lync = forest.lync!;
    const errorText = (error: unknown, command: string) => (isApiError(error) ? error.message : `${command} failed.`);
    let calls = 0;
    try {
      calls++;
      const plans = (await this.powershell.invoke(forest.profile, 'lync', 'Get-CsDialPlan', {})) as Array<{ Identity?: string; SimpleName?: string }>;
      lync.dialPlans = plans
        .filter((p) => p.Identity)
        .map((p) => ({ identity: String(p.Identity), simpleName: p.SimpleName ? String(p.SimpleName) : undefined }));
    } catch (error) {
      lync.dialPlansError = errorText(error, 'Get-CsDialPlan');
      lync.shellError = lync.dialPlansError;
      return calls;
    }
    try {
      calls++;
      const pools = (await this.powershell.invoke(forest.profile, 'lync', 'Get-CsPool', {})) as Array<{
        Fqdn?: string;
        Identity?: string;
        Site?: string;
        Services?: unknown;
      }>;
      for (const shown of pools) {
        const fqdn = String(shown.Fqdn ?? shown.Identity ?? '').toLowerCase();
        const pool = lync.pools.find((p) => p.fqdn === fqdn);
        if (!pool) continue;
        pool.services = Array.isArray(shown.Services) ? shown.Services.map(String) : [];
        if (shown.Site) pool.site = String(shown.Site);
        pool.kind = poolKind({ poolData: pool.poolData, poolType: pool.poolType, services: pool.services });
      }
      lync.topologyRead = true;
      calls++;
      const media = (await this.powershell.invoke(forest.profile, 'lync', 'Get-CsMediaConfiguration', {})) as Array<{
        Identity?: string;
        EncryptionLevel?: string;
      }>;
      lync.mediaConfigurations = media
        .filter((m) => m.Identity)
        .map((m) => ({ identity: String(m.Identity), encryptionLevel: String(m.EncryptionLevel ?? '') }));
    } catch (error) {
      lync.shellError = errorText(error, 'the Lync shell');
    }
    return calls;
  }

  /** Every attribute of one object, for the raw-attributes tab. */
  async rawObject(profile: string, dn: string): Promise<{ dn: string; attributes: Record<string, string[]> }> {
    const session = await this.connections.ensure(profile);
    const entry = await session.read(dn, ['*', 'whenCreated', 'whenChanged', 'objectGUID']);
    if (!entry) throw new ApiError('NOT_FOUND', `The object does not exist: ${dn}.`);
    return { dn: entry.dn, attributes: entry.toRaw() };
  }
}
