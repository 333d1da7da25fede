# UmLab: Lync's topology as its Central Management Store gives it (Get-CsPool, Get-CsDialPlan,
# Get-CsMediaConfiguration). Lync 2013's authoritative topology is the CMS, not AD (docs/domain.md
# §5); the lab's CMS is the file the lab writes at every up and reset (test/lab/seed-outside-ad.ts).

#region Lync topology

function Get-LabCmsItem([string]$Collection, [string]$Identity) {
    <# The items of one collection of the lab's Central Management Store, optionally one by Identity. #>
    $cms = Read-LabStateFile $script:Lab.CmsFile
    if (-not $cms) { return }
    foreach ($item in $cms.$Collection) {
        if (-not $Identity -or $item.Identity -eq $Identity) { $item }
    }
}

function Get-CsPool {
    <# Pools with their site, computers and services ("Registrar:<fqdn>", "Director:<fqdn>", S29). #>
    [CmdletBinding()]
    param([Parameter(Position = 0)][string]$Identity)
    Write-LabCall $MyInvocation.MyCommand.Name $PSBoundParameters
    Invoke-LabDelay $MyInvocation.MyCommand.Name
    foreach ($pool in Get-LabCmsItem 'pools' $Identity) {
        [pscustomobject]@{ Identity = $pool.Identity; Fqdn = $pool.Fqdn; Site = $pool.Site; Computers = @($pool.Computers); Services = @($pool.Services) }
    }
}

function Get-CsDialPlan {
    [CmdletBinding()]
    param([Parameter(Position = 0)][string]$Identity)
    Write-LabCall $MyInvocation.MyCommand.Name $PSBoundParameters
    Invoke-LabDelay $MyInvocation.MyCommand.Name
    foreach ($plan in Get-LabCmsItem 'dialPlans' $Identity) {
        [pscustomobject]@{ Identity = $plan.Identity; SimpleName = $plan.SimpleName; Description = $plan.Description }
    }
}

function Get-CsMediaConfiguration {
    <# EncryptionLevel: SupportEncryption | RequireEncryption (the default) | DoNotSupportEncryption [S4]. #>
    [CmdletBinding()]
    param([Parameter(Position = 0)][string]$Identity)
    Write-LabCall $MyInvocation.MyCommand.Name $PSBoundParameters
    Invoke-LabDelay $MyInvocation.MyCommand.Name
    foreach ($config in Get-LabCmsItem 'mediaConfigurations' $Identity) {
        [pscustomobject]@{ Identity = $config.Identity; EncryptionLevel = $config.EncryptionLevel }
    }
}

function Find-LabPool([string]$Fqdn) {
    $base = "CN=Pools,CN=RTC Service,CN=Services,$($script:Lab.Configuration)"
    @(Find-LabEntries -Base $base -Filter "(&(objectClass=msRTCSIP-Pool)(dNSHostName=$(ConvertTo-LdapFilterValue $Fqdn)))" -Scope OneLevel -Attributes @('dNSHostName'))
}

#endregion
