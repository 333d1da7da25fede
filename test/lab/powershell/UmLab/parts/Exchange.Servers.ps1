# UmLab: Exchange servers as the UM integration sees them — the UM service (Get-UMService, 2013
# Mailbox), the UM Call Router (Get-UMCallRouterSettings, 2013 Client Access) and certificates
# (Get-ExchangeCertificate). Startup modes and dial plans are read where Exchange stores them:
# msExchUMStartupMode and msExchUMServerDialPlanLink on the server, and on its
# CN=SIP,CN=Protocols child for the Call Router [S11][S16][S17]. Certificates live on the servers,
# not in AD; the lab serves them from its state file (test/lab/seed-outside-ad.ts).

#region Exchange servers

$script:StartupModes = @{ 0 = 'TCP'; 1 = 'TLS'; 2 = 'Dual' }
# msExchCurrentServerRoles bits [S11].
$script:RoleBits = [ordered]@{ Mailbox = 2; ClientAccess = 4; UnifiedMessaging = 16; HubTransport = 32 }

function Get-LabServers([string]$Identity) {
    $servers = @(Find-LabEntries -Base "CN=Administrative Groups,$($script:Lab.Organization)" -Filter '(objectClass=msExchExchangeServer)' -Attributes @('cn', 'serialNumber', 'msExchCurrentServerRoles', 'msExchUMStartupMode', 'msExchUMServerDialPlanLink', 'dNSHostName'))
    if (-not $Identity) { return $servers }
    @($servers | Where-Object { (Get-LabValue $_ 'cn') -eq $Identity -or (Get-LabValue $_ 'dNSHostName') -eq $Identity -or $_.DistinguishedName -eq $Identity })
}

function Get-LabServerVersion($Entry) {
    # serialNumber stores the build + 30000 (Exchange's ServerVersion.ToString(true)) [S11].
    if ((Get-LabValue $Entry 'serialNumber') -match '^Version (\d+)\.(\d+) \(Build (\d+)\.(\d+)\)') {
        $build = [int]$Matches[3]; if ($build -ge 30000) { $build -= 30000 }
        return [pscustomobject]@{ Major = [int]$Matches[1]; Minor = [int]$Matches[2]; Build = $build; Revision = [int]$Matches[4] }
    }
    $null
}

function Test-LabServerRole($Entry, [string]$Role) { ([int](Get-LabValue $Entry 'msExchCurrentServerRoles') -band $script:RoleBits[$Role]) -ne 0 }

function Get-UMService {
    <# The UM service of Exchange 2013 Mailbox servers ("on Exchange 2013 or Exchange 2016 Mailbox servers", S16). #>
    [CmdletBinding()]
    param([Parameter(Position = 0)][string]$Identity)
    Write-LabCall $MyInvocation.MyCommand.Name $PSBoundParameters
    Invoke-LabDelay $MyInvocation.MyCommand.Name
    $found = $false
    foreach ($server in Get-LabServers $Identity) {
        $version = Get-LabServerVersion $server
        if (-not $version -or $version.Major -lt 15 -or -not (Test-LabServerRole $server 'Mailbox')) { continue }
        $found = $true
        [pscustomobject]@{
            Identity      = Get-LabValue $server 'cn'
            Name          = Get-LabValue $server 'cn'
            UMStartupMode = $script:StartupModes[[int](Get-LabValue $server 'msExchUMStartupMode')]
            DialPlans     = @(Get-LabValues $server 'msExchUMServerDialPlanLink' | ForEach-Object { Get-RdnValue $_ })
        }
    }
    if ($Identity -and -not $found) { Write-LabError $PSCmdlet "The operation couldn't be performed because object '$Identity' couldn't be found on '$($script:Lab.DcName)'." 'ManagementObjectNotFoundException' ObjectNotFound $Identity }
}

function Get-UMCallRouterSettings {
    <# The UM Call Router of Exchange 2013 Client Access servers, from CN=SIP,CN=Protocols,<server> [S17][S11]. #>
    [CmdletBinding()]
    param([Parameter(Position = 0)][string]$Server)
    Write-LabCall $MyInvocation.MyCommand.Name $PSBoundParameters
    Invoke-LabDelay $MyInvocation.MyCommand.Name
    $found = $false
    foreach ($entry in Get-LabServers $Server) {
        $version = Get-LabServerVersion $entry
        if (-not $version -or $version.Major -lt 15 -or -not (Test-LabServerRole $entry 'ClientAccess')) { continue }
        $settings = Get-LabEntry -Base "CN=SIP,CN=Protocols,$($entry.DistinguishedName)" -Attributes @('msExchUMStartupMode', 'msExchUMServerDialPlanLink')
        $found = $true
        [pscustomobject]@{
            Identity            = Get-LabValue $entry 'cn'
            UMStartupMode       = $script:StartupModes[[int](Get-LabValue $settings 'msExchUMStartupMode')]
            DialPlans           = @(Get-LabValues $settings 'msExchUMServerDialPlanLink' | ForEach-Object { Get-RdnValue $_ })
            SipTcpListeningPort = 5060
            SipTlsListeningPort = 5061
        }
    }
    if ($Server -and -not $found) { Write-LabError $PSCmdlet "The Exchange server '$Server' isn't an Exchange 2013 Client Access server." 'ManagementObjectNotFoundException' ObjectNotFound $Server }
}

function Get-ExchangeCertificate {
    <# A server's certificates: Thumbprint, Subject, Issuer, CertificateDomains, Services, IsSelfSigned, Status [S19]. #>
    [CmdletBinding()]
    param([Parameter(Position = 0)][string]$Thumbprint, [Parameter(Mandatory)][string]$Server)
    Write-LabCall $MyInvocation.MyCommand.Name $PSBoundParameters
    Invoke-LabDelay $MyInvocation.MyCommand.Name
    $entry = @(Get-LabServers $Server)
    if ($entry.Count -ne 1) { return Write-LabError $PSCmdlet "The operation couldn't be performed because object '$Server' couldn't be found on '$($script:Lab.DcName)'." 'ManagementObjectNotFoundException' ObjectNotFound $Server }
    $name = Get-LabValue $entry[0] 'cn'
    $state = Read-LabStateFile $script:Lab.ExchangeStateFile
    if (-not $state) { return Write-LabError $PSCmdlet 'The lab has no Exchange certificate state; run the lab up again.' 'LabStateMissing' ObjectNotFound $Server }
    if (@($state.unreadable) -contains $name) {
        # Exchange 2007 servers are not managed remotely (docs/domain.md §8).
        return Write-LabError $PSCmdlet "The certificates of '$name' can't be read from this Exchange version: the server runs Exchange 2007, which has no remote management." 'ServerVersionNotSupported' InvalidOperation $Server
    }
    foreach ($certificate in @($state.servers.$name)) {
        if ($Thumbprint -and $certificate.Thumbprint -ne $Thumbprint) { continue }
        [pscustomobject]@{
            Identity           = "$name\$($certificate.Thumbprint)"
            Thumbprint         = $certificate.Thumbprint
            Subject            = $certificate.Subject
            Issuer             = $certificate.Issuer
            CertificateDomains = @($certificate.CertificateDomains)
            Services           = $certificate.Services
            IsSelfSigned       = [bool]$certificate.IsSelfSigned
            Status             = $certificate.Status
            NotAfter           = $certificate.NotAfter
        }
    }
}

#endregion
