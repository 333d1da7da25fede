import type { DialPlan, ExchangeOrg, ExchangeServer, UmStartupMode } from '@shared/models/topology';
import { normalizeDn } from '@shared/dn';

/**
 * Step 5 of the integration (docs/domain.md §1), as one pure computation the findings and the
 * checklist share: which Exchange servers must list a SIP dial plan and in which startup mode.
 * - Exchange 2007 SP1 / 2010: the UM servers that serve the plan are linked to it (Set-UMServer
 *   -DialPlans, S18); nothing else is required of the others.
 * - Exchange 2013: **every** Mailbox server's UM service and **every** Client Access server's UM
 *   Call Router must list every SIP dial plan, and both must start in **Dual** mode [S9][S16][S17].
 */
export interface UmServiceState {
  server: Pick<ExchangeServer, 'dn' | 'name' | 'versionLabel'>;
  /** The 2013 UM service (Mailbox), the 2013 UM Call Router (Client Access), or a 2007/2010 UM server. */
  service: 'um-service' | 'call-router' | 'um-server';
  inDialPlan: boolean;
  startupMode?: UmStartupMode;
  /** What this service lacks for the plan; empty when it is as Microsoft requires. */
  gaps: Array<'not-in-dial-plan' | 'not-dual'>;
}

const lists = (dns: readonly string[], plan: DialPlan) => dns.some((d) => normalizeDn(d) === normalizeDn(plan.dn));

/** The services that matter for one dial plan, each with what it lacks. */
export function umServicesFor(org: ExchangeOrg, plan: DialPlan): UmServiceState[] {
  const states: UmServiceState[] = [];
  for (const server of org.servers) {
    const ref = { dn: server.dn, name: server.name, versionLabel: server.versionLabel };
    if ((server.major ?? 0) >= 15) {
      if (plan.uriType !== 'SipName') continue; // 2013 servers can only be in SIP URI dial plans [S16].
      if (server.roles.includes('Mailbox')) {
        const inDialPlan = lists(server.dialPlanDns, plan);
        states.push({
          server: ref,
          service: 'um-service',
          inDialPlan,
          ...(server.umStartupMode ? { startupMode: server.umStartupMode } : {}),
          gaps: gapsOf(inDialPlan, server.umStartupMode),
        });
      }
      if (server.roles.includes('ClientAccess')) {
        const inDialPlan = lists(server.callRouter?.dialPlanDns ?? [], plan);
        const mode = server.callRouter?.startupMode;
        states.push({ server: ref, service: 'call-router', inDialPlan, ...(mode ? { startupMode: mode } : {}), gaps: gapsOf(inDialPlan, mode) });
      }
    } else if (server.roles.includes('UnifiedMessaging') && lists(server.dialPlanDns, plan)) {
      states.push({ server: ref, service: 'um-server', inDialPlan: true, ...(server.umStartupMode ? { startupMode: server.umStartupMode } : {}), gaps: [] });
    }
  }
  return states;
}

function gapsOf(inDialPlan: boolean, mode: UmStartupMode | undefined): UmServiceState['gaps'] {
  return [...(inDialPlan ? [] : (['not-in-dial-plan'] as const)), ...(mode === 'Dual' ? [] : (['not-dual'] as const))];
}

/**
 * The dial plan security Lync's media encryption level requires: RequireEncryption (the default,
 * S4) needs Secured; SupportEncryption takes SIPSecured or Secured; DoNotSupportEncryption needs
 * SIPSecured [S9 table "Encryption settings"][S10]. Undefined for a level it does not know.
 */
export function securityFor(encryptionLevel: string): DialPlan['voipSecurity'][] | undefined {
  switch (encryptionLevel.toLowerCase()) {
    case 'requireencryption':
      return ['Secured'];
    case 'supportencryption':
      return ['SIPSecured', 'Secured'];
    case 'donotsupportencryption':
      return ['SIPSecured'];
    default:
      return undefined;
  }
}
