# UmLab: the lab's stand-in for the Exchange UM and Lync cmdlets the console calls.
#
# Same cmdlet and parameter names as Exchange 2010/2013 and Lync 2013, the same effects on the
# directory (domain.md §3) and the same validation rules, reported as PowerShell errors. Reads and
# writes go to the lab DC over LDAPS (System.DirectoryServices.Protocols), bound as the connecting
# profile's account, so Samba's access checks apply and what changes here is seen over LDAP.
# Every call is appended to a call log with its parameters exactly as received (PIN values are
# recorded only by length), so tests can prove what reached the cmdlet and that nothing else ran.

Set-StrictMode -Version 3.0
Add-Type -AssemblyName System.DirectoryServices.Protocols

$script:Lab = $null

$script:UriTypes = @{ 1 = 'TelExtn'; 2 = 'E164'; 3 = 'SipName' }
$script:VoipSecurity = @{ 1 = 'SIPSecured'; 2 = 'Unsecured'; 3 = 'Secured' }
$script:GatewayStatus = @{ 0 = 'Enabled'; 1 = 'Disabled'; 2 = 'NoNewCalls' }

# The cmdlets live in parts/, one file per area; they share the plumbing and $script:Lab.
foreach ($part in 'Plumbing', 'Exchange.Throttling', 'Exchange.Configuration', 'Exchange.Servers', 'Exchange.Mailboxes', 'Exchange.MailboxChanges', 'Exchange.Rbac', 'Lync.Topology', 'Lync.Contacts', 'Lync.Users', 'Lync.OuPermissions') { . (Join-Path $PSScriptRoot "parts/$part.ps1") }

Export-ModuleMember -Function Connect-UmLab, Get-UMDialPlan, Get-UMMailboxPolicy, Get-UMIPGateway, Get-UMHuntGroup, Get-UMAutoAttendant, Get-UMMailbox,
    Enable-UMMailbox, Disable-UMMailbox, Set-UMMailbox, Set-UMMailboxPIN, Get-UMMailboxPin, Set-Mailbox, New-UMIPGateway, Set-UMIPGateway, New-UMHuntGroup, Get-CsPool, Get-CsDialPlan, Get-CsMediaConfiguration, Get-UMService, Get-UMCallRouterSettings, Get-ExchangeCertificate,
    New-CsExUmContact, Get-CsExUmContact, Set-CsExUmContact, Move-CsExUmContact, Remove-CsExUmContact,
    Grant-CsOUPermission, Revoke-CsOUPermission, Test-CsOUPermission, Get-CsUser, Set-CsUser
