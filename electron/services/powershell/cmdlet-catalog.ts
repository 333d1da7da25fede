import type { ShellTarget } from '@shared/models/powershell';

/**
 * The only cmdlets the console runs, per shell, with the parameters each may be given and which
 * of them are secrets (redacted in the PowerShell view, logs and errors). The console refuses
 * anything else before it sends a request, and the bridge, given the same list when its session
 * starts (bridgeAllowList), checks every cmdlet and parameter name again inside the session.
 */
export interface CmdletSpec {
  parameters: readonly string[];
  secret?: readonly string[];
  /** Reads are safe to retry after a session died mid-call; writes are not. */
  write?: boolean;
}

export const cmdletCatalog: Record<ShellTarget, Record<string, CmdletSpec>> = {
  exchange: {
    'Get-UMDialPlan': { parameters: ['Identity'] },
    'Get-UMMailboxPolicy': { parameters: ['Identity', 'UMDialPlan'] },
    'Get-UMIPGateway': { parameters: ['Identity'] },
    'Get-UMHuntGroup': { parameters: ['Identity', 'UMIPGateway'] },
    'Get-UMAutoAttendant': { parameters: ['Identity', 'UMDialPlan'] },
    'Get-UMMailbox': { parameters: ['Identity', 'ResultSize'] },
    'Enable-UMMailbox': {
      parameters: [
        'Identity',
        'UMMailboxPolicy',
        'Extensions',
        'SIPResourceIdentifier',
        'PIN',
        'PINExpired',
        'NotifyEmail',
        'PilotNumber',
        'AutomaticSpeechRecognitionEnabled',
        'ValidateOnly',
      ],
      secret: ['PIN'],
      write: true,
    },
    'Disable-UMMailbox': { parameters: ['Identity', 'Confirm', 'KeepProperties'], write: true },
    'Set-UMMailbox': { parameters: ['Identity', 'UMMailboxPolicy'], write: true },
    'Set-Mailbox': { parameters: ['Identity', 'EmailAddresses'], write: true },
    'Set-UMMailboxPIN': { parameters: ['Identity', 'Pin', 'PINExpired', 'NotifyEmail'], secret: ['Pin'], write: true },
    'New-UMIPGateway': { parameters: ['Name', 'Address', 'UMDialPlan'], write: true },
    'Set-UMIPGateway': { parameters: ['Identity', 'OutcallsAllowed', 'MessageWaitingIndicatorAllowed', 'Status', 'Port'], write: true },
    'New-UMHuntGroup': { parameters: ['Name', 'UMIPGateway', 'UMDialPlan', 'PilotIdentifier'], write: true },
    'Get-UMService': { parameters: ['Identity'] },
    'Get-UMCallRouterSettings': { parameters: ['Server'] },
    'Get-ExchangeCertificate': { parameters: ['Thumbprint', 'Server'] },
  },
  lync: {
    'Get-CsPool': { parameters: ['Identity'] },
    'Get-CsDialPlan': { parameters: ['Identity'] },
    'Get-CsMediaConfiguration': { parameters: ['Identity'] },
    'Get-CsExUmContact': { parameters: ['Identity', 'Filter'] },
    'New-CsExUmContact': { parameters: ['SipAddress', 'RegistrarPool', 'DisplayNumber', 'OU', 'AutoAttendant', 'Description'], write: true },
    'Set-CsExUmContact': {
      parameters: ['Identity', 'SipAddress', 'DisplayNumber', 'AutoAttendant', 'Description', 'Enabled', 'EnterpriseVoiceEnabled'],
      write: true,
    },
    'Move-CsExUmContact': { parameters: ['Identity', 'Target'], write: true },
    'Remove-CsExUmContact': { parameters: ['Identity'], write: true },
    'Set-CsUser': { parameters: ['Identity', 'EnterpriseVoiceEnabled', 'LineURI'], write: true },
    'Grant-CsOUPermission': { parameters: ['OU', 'ObjectType', 'Domain'], write: true },
    'Revoke-CsOUPermission': { parameters: ['OU', 'ObjectType', 'Domain'], write: true },
    'Test-CsOUPermission': { parameters: ['OU', 'ObjectType', 'Domain'] },
  },
};

/** The allow-list the bridge enforces for one shell: each cmdlet with the parameter names it may be given. */
export function bridgeAllowList(target: ShellTarget): Record<string, string[]> {
  return Object.fromEntries(Object.entries(cmdletCatalog[target]).map(([command, spec]) => [command, [...spec.parameters]]));
}

export function cmdletSpec(target: ShellTarget, command: string): CmdletSpec | undefined {
  return Object.prototype.hasOwnProperty.call(cmdletCatalog[target], command) ? cmdletCatalog[target][command] : undefined;
}

/** The parameters with secret values replaced, for anything that is shown, logged or stored. */
export function redactParameters(target: ShellTarget, command: string, parameters: Record<string, unknown>): Record<string, unknown> {
  const secret = new Set((cmdletSpec(target, command)?.secret ?? []).map((s) => s.toLowerCase()));
  return Object.fromEntries(Object.entries(parameters).map(([k, v]) => [k, secret.has(k.toLowerCase()) && v !== undefined && v !== null ? '********' : v]));
}
