# UmLab: Lync topology and Exchange UM contacts.

#region Lync

function Get-CsPool {
    [CmdletBinding()]
    param([Parameter(Position = 0)][string]$Identity)
    Write-LabCall $MyInvocation.MyCommand.Name $PSBoundParameters
    Invoke-LabDelay $MyInvocation.MyCommand.Name
    $base = "CN=Pools,CN=RTC Service,CN=Services,$($script:Lab.Configuration)"
    foreach ($entry in Find-LabEntries -Base $base -Filter '(objectClass=msRTCSIP-Pool)' -Scope OneLevel) {
        $fqdn = Get-LabValue $entry 'dNSHostName'
        if ($Identity -and $fqdn -ne $Identity) { continue }
        $data = @(Get-LabValues $entry 'msRTCSIP-PoolData')
        $isBranch = $data -contains 'ExtendedType=RemoteRegistrar'
        [pscustomobject]@{
            Identity  = $fqdn
            Fqdn      = $fqdn
            Computers = @($fqdn)
            Services  = @(if ($isBranch) { "Registrar:$fqdn" } else { "Registrar:$fqdn", "UserServer:$fqdn", "WebServer:$fqdn" })
            Site      = 'Site:Redmond'
            PoolData  = $data
        }
    }
}

function Get-CsDialPlan {
    [CmdletBinding()]
    param([Parameter(Position = 0)][string]$Identity)
    Write-LabCall $MyInvocation.MyCommand.Name $PSBoundParameters
    Invoke-LabDelay $MyInvocation.MyCommand.Name
    if (-not $script:Lab.CmsFile -or -not (Test-Path -LiteralPath $script:Lab.CmsFile)) { return }
    $cms = Get-Content -LiteralPath $script:Lab.CmsFile -Raw | ConvertFrom-Json
    foreach ($plan in $cms.dialPlans) {
        if ($Identity -and $plan.Identity -ne $Identity) { continue }
        [pscustomobject]@{ Identity = $plan.Identity; SimpleName = $plan.SimpleName; Description = $plan.Description }
    }
}


function Find-LabPool([string]$Fqdn) {
    $base = "CN=Pools,CN=RTC Service,CN=Services,$($script:Lab.Configuration)"
    @(Find-LabEntries -Base $base -Filter "(&(objectClass=msRTCSIP-Pool)(dNSHostName=$(ConvertTo-LdapFilterValue $Fqdn)))" -Scope OneLevel -Attributes @('dNSHostName'))
}

function Resolve-LabExUmContact {
    param($Cmdlet, [string]$Identity)
    $filter = if ($Identity -match '^(?i)(CN|OU)=.+,DC=') { $null } else {
        $sip = if ($Identity -match '^(?i)sip:') { $Identity } else { "sip:$Identity" }
        "(&(objectClass=contact)(msRTCSIP-PrimaryUserAddress=$(ConvertTo-LdapFilterValue $sip)))"
    }
    $found = @(if ($filter) { Find-LabEntries -Base $script:Lab.Domain -Filter $filter } else { Find-LabEntries -Base $Identity -Scope Base })
    if ($found.Count -ne 1) {
        Write-LabError $Cmdlet "Management object not found for identity ""$Identity""." 'ManagementObjectNotFoundException' ObjectNotFound $Identity
        return $null
    }
    $found[0]
}

function ConvertTo-ExUmContactObject($Entry) {
    $other = @(Get-LabValues $Entry 'otherIpPhone')
    $home = Get-LabValue $Entry 'msRTCSIP-PrimaryHomeServer'
    $poolDn = if ($home) { ($home -split '(?<!\\),', 3)[2] } else { $null }
    $pool = if ($poolDn) { Get-LabValue (Get-LabEntry -Base $poolDn -Attributes @('dNSHostName')) 'dNSHostName' } else { $null }
    [pscustomobject]@{
        Identity           = $Entry.DistinguishedName
        SipAddress         = Get-LabValue $Entry 'msRTCSIP-PrimaryUserAddress'
        DisplayNumber      = Get-LabValue $Entry 'telephoneNumber'
        RegistrarPool      = $pool
        AutoAttendant      = [bool]($other -match 'AutoAttendant')
        IsSubscriberAccess = [bool]($other -match 'SubscriberAccess')
        Description        = Get-LabValue $Entry 'description'
        DisplayName        = Get-LabValue $Entry 'displayName'
        Enabled            = (Get-LabValue $Entry 'msRTCSIP-UserEnabled') -eq 'TRUE'
    }
}

function Test-LabNumberAndSip {
    param($Cmdlet, [string]$SipAddress, [string]$DisplayNumber, [string]$Except)
    if ($SipAddress) {
        if ($SipAddress -notmatch '^(?i)sip:[^@\s]+@[^@\s]+$') { Write-LabError $Cmdlet "SipAddress '$SipAddress' is not valid; it must begin with sip: and contain an @." 'InvalidSipAddress' InvalidArgument $SipAddress; return $false }
        $value = ConvertTo-LdapFilterValue $SipAddress
        $holders = @(Find-LabEntries -Base $script:Lab.Domain -Filter "(|(msRTCSIP-PrimaryUserAddress=$value)(proxyAddresses=$value))" -Attributes @('cn') | Where-Object { $_.DistinguishedName -ne $Except })
        if ($holders.Count -gt 0) { Write-LabError $Cmdlet "SipAddress '$SipAddress' is already in use." 'DuplicateSipAddress' ResourceExists $SipAddress; return $false }
    }
    if ($DisplayNumber) {
        if ($DisplayNumber -notmatch '^\+?[1-9]\d{1,14}$') { Write-LabError $Cmdlet "DisplayNumber '$DisplayNumber' is not valid; use digits, optionally starting with +, the first digit not 0." 'InvalidDisplayNumber' InvalidArgument $DisplayNumber; return $false }
        $holders = @(Find-LabEntries -Base $script:Lab.Domain -Filter "(&(objectClass=contact)(telephoneNumber=$(ConvertTo-LdapFilterValue $DisplayNumber)))" -Attributes @('cn') | Where-Object { $_.DistinguishedName -ne $Except })
        if ($holders.Count -gt 0) { Write-LabError $Cmdlet "DisplayNumber '$DisplayNumber' is already in use by another Exchange UM contact." 'DuplicateDisplayNumber' ResourceExists $DisplayNumber; return $false }
    }
    $true
}

function New-CsExUmContact {
    [CmdletBinding()]
    param([Parameter(Mandatory)][string]$SipAddress, [Parameter(Mandatory)][string]$RegistrarPool, [Parameter(Mandatory)][string]$DisplayNumber, [Parameter(Mandatory)][string]$OU, [bool]$AutoAttendant, [string]$Description)
    Write-LabCall $MyInvocation.MyCommand.Name $PSBoundParameters
    Invoke-LabDelay $MyInvocation.MyCommand.Name
    $pool = @(Find-LabPool $RegistrarPool)
    if ($pool.Count -ne 1) { return Write-LabError $PSCmdlet "Registrar pool '$RegistrarPool' was not found in the topology." 'RegistrarPoolNotFound' ObjectNotFound $RegistrarPool }
    if (-not (Get-LabEntry -Base $OU)) { return Write-LabError $PSCmdlet "The organizational unit '$OU' was not found." 'OrganizationalUnitNotFound' ObjectNotFound $OU }
    if (-not (Test-LabNumberAndSip $PSCmdlet $SipAddress $DisplayNumber)) { return }
    $dn = "CN={$([guid]::NewGuid())},$OU"
    $attributes = @{
        objectClass                   = 'contact'
        displayName                   = if ($Description) { $Description } else { ($SipAddress -replace '^(?i)sip:', '').Split('@')[0] }
        'msRTCSIP-PrimaryUserAddress' = $SipAddress
        proxyAddresses                = $SipAddress
        'msRTCSIP-UserEnabled'        = 'TRUE'
        'msRTCSIP-PrimaryHomeServer'  = "CN=Lc Services,CN=Microsoft,$($pool[0].DistinguishedName)"
        'msRTCSIP-OptionFlags'        = '256'
        'msRTCSIP-SourceObjectType'   = '-1879048192'
        'msRTCSIP-Line'               = "tel:$DisplayNumber"
        otherIpPhone                  = $(if ($AutoAttendant) { 'AutoAttendant' } else { 'SubscriberAccess' })
        telephoneNumber               = $DisplayNumber
    }
    if ($Description) { $attributes.description = $Description }
    if (Invoke-LabWrite $PSCmdlet $SipAddress { New-LabObject $dn $attributes }) { ConvertTo-ExUmContactObject (Get-LabEntry -Base $dn) }
}

function Get-CsExUmContact {
    [CmdletBinding()]
    param([Parameter(Position = 0)][string]$Identity, [string]$Filter)
    Write-LabCall $MyInvocation.MyCommand.Name $PSBoundParameters
    if ($Identity) { $entry = Resolve-LabExUmContact $PSCmdlet $Identity; if ($entry) { ConvertTo-ExUmContactObject $entry }; return }
    Find-LabEntries -Base $script:Lab.Domain -Filter '(&(objectClass=contact)(msRTCSIP-SourceObjectType=*))' | ForEach-Object { ConvertTo-ExUmContactObject $_ }
}

function Set-CsExUmContact {
    [CmdletBinding()]
    param([Parameter(Mandatory, Position = 0)][string]$Identity, [string]$SipAddress, [string]$DisplayNumber, [bool]$AutoAttendant, [string]$Description, [bool]$Enabled)
    Write-LabCall $MyInvocation.MyCommand.Name $PSBoundParameters
    Invoke-LabDelay $MyInvocation.MyCommand.Name
    $entry = Resolve-LabExUmContact $PSCmdlet $Identity
    if (-not $entry) { return }
    if (-not (Test-LabNumberAndSip $PSCmdlet $SipAddress $DisplayNumber $entry.DistinguishedName)) { return }
    $changes = [System.Collections.Generic.List[object]]::new()
    if ($SipAddress) {
        $other = @(Get-LabValues $entry 'proxyAddresses' | Where-Object { $_ -notmatch '^(?i)sip:' })
        $changes.Add((New-LabChange 'msRTCSIP-PrimaryUserAddress' Replace @($SipAddress)))
        $changes.Add((New-LabChange 'proxyAddresses' Replace (@($other) + $SipAddress)))
    }
    if ($DisplayNumber) {
        $changes.Add((New-LabChange 'telephoneNumber' Replace @($DisplayNumber)))
        $changes.Add((New-LabChange 'msRTCSIP-Line' Replace @("tel:$DisplayNumber")))
    }
    if ($PSBoundParameters.ContainsKey('AutoAttendant')) { $changes.Add((New-LabChange 'otherIpPhone' Replace @($(if ($AutoAttendant) { 'AutoAttendant' } else { 'SubscriberAccess' })))) }
    if ($PSBoundParameters.ContainsKey('Description')) { $changes.Add((New-LabChange 'description' Replace @($Description))); $changes.Add((New-LabChange 'displayName' Replace @($Description))) }
    if ($PSBoundParameters.ContainsKey('Enabled')) { $changes.Add((New-LabChange 'msRTCSIP-UserEnabled' Replace @($(if ($Enabled) { 'TRUE' } else { 'FALSE' })))) }
    if ($changes.Count -gt 0) { [void](Invoke-LabWrite $PSCmdlet $Identity { Invoke-LabModify $entry.DistinguishedName $changes }) }
}

function Move-CsExUmContact {
    [CmdletBinding()]
    param([Parameter(Mandatory, Position = 0)][string]$Identity, [Parameter(Mandatory)][string]$Target)
    Write-LabCall $MyInvocation.MyCommand.Name $PSBoundParameters
    $entry = Resolve-LabExUmContact $PSCmdlet $Identity
    if (-not $entry) { return }
    $pool = @(Find-LabPool $Target)
    if ($pool.Count -ne 1) { return Write-LabError $PSCmdlet "Target pool '$Target' was not found in the topology." 'RegistrarPoolNotFound' ObjectNotFound $Target }
    $changes = [System.Collections.Generic.List[object]]::new()
    $changes.Add((New-LabChange 'msRTCSIP-PrimaryHomeServer' Replace @("CN=Lc Services,CN=Microsoft,$($pool[0].DistinguishedName)")))
    [void](Invoke-LabWrite $PSCmdlet $Identity { Invoke-LabModify $entry.DistinguishedName $changes })
}

function Remove-CsExUmContact {
    [CmdletBinding()]
    param([Parameter(Mandatory, Position = 0)][string]$Identity, [switch]$Confirm)
    Write-LabCall $MyInvocation.MyCommand.Name $PSBoundParameters
    $entry = Resolve-LabExUmContact $PSCmdlet $Identity
    if (-not $entry) { return }
    [void](Invoke-LabWrite $PSCmdlet $Identity { [void]$script:Lab.Connection.SendRequest([System.DirectoryServices.Protocols.DeleteRequest]::new($entry.DistinguishedName)) })
}

#endregion
