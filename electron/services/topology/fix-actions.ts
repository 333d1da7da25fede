import type { FixAction } from '@shared/models/fix';
import type { OuObjectTypeName } from '@shared/models/permissions';
import type { DialPlan, ExchangeOrg, ObjectRef, VoipSecurity } from '@shared/models/topology';
import { MultiValuedChange, renderCommand } from '@shared/powershell/render-command';
import { normalizeDn, rdnValue } from '@shared/dn';
import type { UmServiceState } from './um-servers';

/**
 * Where each problem is fixed, built in one place for the topology's findings and the checklist's
 * evidence: a screen of the console opened already filled in, or the commands that do it in the
 * Exchange or Lync shell when the console does not make that change.
 */

/** A new Subscriber Access (dial plan) or Auto Attendant contact, with the number to route [S1]. */
export function contactFix(contactKind: 'SA' | 'AA', target: ObjectRef, number?: string): FixAction {
  return { kind: 'contact', contactKind, target, ...(number ? { number } : {}) };
}

/** Gateway setup for the organisation in `exchangeForest`, against the Lync forest it serves [S8][S21]. */
export function gatewaysFix(exchangeForest: string, lyncForest?: string): FixAction {
  return { kind: 'gateways', exchangeForest, ...(lyncForest && lyncForest !== exchangeForest ? { lyncForest } : {}) };
}

/** Grant-CsOUPermission on one OU [S5][S7]. */
export function grantFix(forest: string, ou: string, types: OuObjectTypeName[]): FixAction {
  return { kind: 'grant', forest, ou, types };
}

/**
 * Set-UMDialPlan -VoIPSecurity [S15]: the setting Lync's media encryption needs, Secured when
 * either would do ("Secured (preferred)", S10).
 */
export function voipSecurityFix(dialPlan: string, allowed: readonly VoipSecurity[]): FixAction {
  const security = allowed.includes('Secured') ? 'Secured' : (allowed[0] ?? 'Secured');
  return { kind: 'elsewhere', shell: 'exchange', commands: [renderCommand('Set-UMDialPlan', { Identity: dialPlan, VoIPSecurity: security })] };
}

/**
 * Exchange 2013: the Mailbox server's UM service (Set-UMService [S16]) and the Client Access
 * server's UM Call Router (Set-UMCallRouterSettings [S17]) list the dial plan and start in Dual
 * mode [S9]. -DialPlans replaces the list, so it names the server's dial plans and this one, as
 * Microsoft's example does.
 */
export function umServicesFix(org: ExchangeOrg, plan: DialPlan, lacking: readonly UmServiceState[]): FixAction | undefined {
  const planName = (dn: string) => org.dialPlans.find((d) => normalizeDn(d.dn) === normalizeDn(dn))?.name ?? rdnValue(dn);
  const commands = lacking.flatMap((state) => {
    const server = org.servers.find((s) => normalizeDn(s.dn) === normalizeDn(state.server.dn));
    if (!server || state.service === 'um-server') return [];
    const linked = (state.service === 'um-service' ? server.dialPlanDns : (server.callRouter?.dialPlanDns ?? [])).map(planName);
    const dialPlans = state.gaps.includes('not-in-dial-plan') ? [...linked, plan.name] : undefined;
    const mode = state.gaps.includes('not-dual') ? 'Dual' : undefined;
    return state.service === 'um-service'
      ? [renderCommand('Set-UMService', { Identity: server.name, DialPlans: dialPlans, UMStartupMode: mode })]
      : [renderCommand('Set-UMCallRouterSettings', { Server: server.name, DialPlans: dialPlans, UMStartupMode: mode })];
  });
  return commands.length ? { kind: 'elsewhere', shell: 'exchange', commands: [...new Set(commands)] } : undefined;
}

/** Before Exchange 2010 SP1, a Lync dial plan named like the UM dial plan's phone context [S1]. */
export function lyncDialPlanFix(phoneContext: string): FixAction {
  return { kind: 'elsewhere', shell: 'lync', commands: [renderCommand('New-CsDialPlan', { Identity: phoneContext })] };
}

/** The sip: proxy address on each mailbox (Set-Mailbox -EmailAddresses @{Add=…}, domain.md §1 step 6). */
export function sipAddressFix(users: ReadonlyArray<{ identity: string; sipAddress: string }>): FixAction | undefined {
  const commands = users.map((u) =>
    renderCommand('Set-Mailbox', { Identity: u.identity, EmailAddresses: new MultiValuedChange({ Add: [`sip:${u.sipAddress.replace(/^sip:/i, '')}`] }) }),
  );
  return commands.length ? { kind: 'elsewhere', shell: 'exchange', commands } : undefined;
}

/**
 * A SIP URI dial plan for Lync's users (New-UMDialPlan -URIType SipName, Secured [S10][S15]); its
 * name and country code are the admin's to choose.
 */
export function sipDialPlanFix(digits: number | undefined): FixAction {
  const command = renderCommand('New-UMDialPlan', {
    Name: '<name>',
    URIType: 'SipName',
    NumberOfDigitsInExtension: digits ?? 5,
    VoIPSecurity: 'Secured',
    CountryOrRegionCode: '<country code>',
  });
  return { kind: 'elsewhere', shell: 'exchange', commands: [command], fillIn: ['Name', 'CountryOrRegionCode'] };
}

/** A certificate with the server's FQDN as its subject, assigned to the UM service (Enable-ExchangeCertificate -Services [S19][S9]). */
export function certificateFix(server: string, service: 'UM' | 'UMCallRouter'): FixAction {
  const command = renderCommand('Enable-ExchangeCertificate', { Server: server, Thumbprint: '<thumbprint>', Services: service });
  return { kind: 'elsewhere', shell: 'exchange', commands: [command], fillIn: ['Thumbprint'] };
}
