# UmLab: Exchange UM contacts (*-CsExUmContact), as Lync Server 2013 documents them: cmdlets
# "for hosted Exchange Unified Messaging" [S3][S26]. A contact they create is named CN={GUID} in
# the given OU [S3], carries its SIP address in otherIpPhone [S3] and its number as the line URI
# [S3] — and no link to an on-premises dial plan or auto attendant. Lync derives AutoAttendant and
# IsSubscriberAccess from otherIpPhone [S25]; where it keeps the AutoAttendant choice of a hosted
# contact is not published (OPEN), so the lab keeps it in msExchUCVoiceMailSettings as
# "UmLab:AutoAttendant=<bool>", a value only the lab reads.

#region Lync contacts

$script:UmContactSourceObjectType = [string](0x90000000 -bor 0) # "an Auto-Attendant or subscriber access object" [S2]
$script:OptionFlags = @{ EnterpriseVoice = 128; EnhancedPresence = 256 } # [S2]

function Resolve-LabExUmContact {
    <# -Identity: SIP address, UPN, domain\logon, display name, or DN [S3]. #>
    param($Cmdlet, [string]$Identity)
    $filter = if ($Identity -match '^(?i)(CN|OU)=.+,DC=') { $null } else {
        $value = ConvertTo-LdapFilterValue $Identity
        $sip = ConvertTo-LdapFilterValue $(if ($Identity -match '^(?i)sip:') { $Identity } else { "sip:$Identity" })
        "(&(objectClass=contact)(msRTCSIP-SourceObjectType=$($script:UmContactSourceObjectType))(|(msRTCSIP-PrimaryUserAddress=$sip)(displayName=$value)))"
    }
    $found = @(if ($filter) { Find-LabEntries -Base $script:Lab.Domain -Filter $filter } else { Find-LabEntries -Base $Identity -Scope Base })
    if ($found.Count -ne 1) {
        Write-LabError $Cmdlet "Management object not found for identity ""$Identity""." 'ManagementObjectNotFoundException' ObjectNotFound $Identity
        return $null
    }
    $found[0]
}

function Get-LabExUmKind($Entry) {
    <#
      AutoAttendant / IsSubscriberAccess: the lab's own marker on a hosted contact; otherwise from
      otherIpPhone [S25] — its ;opaque=app:exum:<phone context> names the dial plan, and the number
      is that plan's access number (SA) or one of its auto attendants' pilot numbers (AA).
    #>
    $marker = @(Get-LabValues $Entry 'msExchUCVoiceMailSettings' | Where-Object { $_ -match '^UmLab:AutoAttendant=' })
    if ($marker.Count -gt 0) { return $(if ($marker[0] -match '=True$') { 'AA' } else { 'SA' }) }
    $context = $null
    foreach ($value in @(Get-LabValues $Entry 'otherIpPhone')) { if ($value -match ';opaque=app:exum:(?<context>[^;]+)') { $context = $Matches.context } }
    if (-not $context) { return $null }
    $number = Get-LabValue $Entry 'telephoneNumber'
    $plan = @(Find-LabEntries -Base (Get-UmContainer 'UM DialPlan Container') -Filter "(msExchUMPhoneContext=$(ConvertTo-LdapFilterValue $context))" -Scope OneLevel -Attributes @('msExchUMVoiceMailPilotNumbers'))
    if ($plan.Count -ne 1) { return $null }
    if (@(Get-LabValues $plan[0] 'msExchUMVoiceMailPilotNumbers') -contains $number) { return 'SA' }
    $aa = @(Find-LabEntries -Base (Get-UmContainer 'UM AutoAttendant Container') -Filter "(&(msExchUMAutoAttendantDialPlanLink=$(ConvertTo-LdapFilterValue $plan[0].DistinguishedName))(msExchUMAutoAttendantDialedNumbers=$(ConvertTo-LdapFilterValue $number)))" -Scope OneLevel -Attributes @('cn'))
    if ($aa.Count -gt 0) { return 'AA' }
    $null
}

function Get-LabRegistrarPool($Entry) {
    <# The FQDN of the pool a user or contact is homed on: msRTCSIP-PrimaryHomeServer names the pool's CN=Lc Services,CN=Microsoft child [S2]. #>
    $home = Get-LabValue $Entry 'msRTCSIP-PrimaryHomeServer'
    $poolDn = if ($home) { ($home -split '(?<!\\),', 3)[2] } else { $null }
    if ($poolDn) { Get-LabValue (Get-LabEntry -Base $poolDn -Attributes @('dNSHostName')) 'dNSHostName' } else { $null }
}

function ConvertTo-ExUmContactObject($Entry) {
    $pool = Get-LabRegistrarPool $Entry
    $kind = Get-LabExUmKind $Entry
    $line = Get-LabValue $Entry 'msRTCSIP-Line'
    [pscustomobject]@{
        Identity               = $Entry.DistinguishedName
        SipAddress             = Get-LabValue $Entry 'msRTCSIP-PrimaryUserAddress'
        DisplayNumber          = Get-LabValue $Entry 'telephoneNumber'
        LineURI                = $line
        RegistrarPool          = $pool
        AutoAttendant          = $kind -eq 'AA'
        IsSubscriberAccess     = $kind -eq 'SA'
        Description            = Get-LabValue $Entry 'description'
        DisplayName            = Get-LabValue $Entry 'displayName'
        Enabled                = (Get-LabValue $Entry 'msRTCSIP-UserEnabled') -eq 'TRUE'
        EnterpriseVoiceEnabled = ([int](Get-LabValue $Entry 'msRTCSIP-OptionFlags') -band $script:OptionFlags.EnterpriseVoice) -ne 0
    }
}

function Test-LabNumberAndSip {
    param($Cmdlet, [string]$SipAddress, [string]$DisplayNumber, [string]$Except)
    if ($SipAddress) {
        # "This value must begin with the string sip: followed by the SIP address" and must not exist as a user or contact [S3].
        if ($SipAddress -notmatch '^(?i)sip:[^@\s]+@[^@\s]+$') { Write-LabError $Cmdlet "SipAddress '$SipAddress' is not valid; it must begin with sip: and contain an @." 'InvalidSipAddress' InvalidArgument $SipAddress; return $false }
        $value = ConvertTo-LdapFilterValue $SipAddress
        $holders = @(Find-LabEntries -Base $script:Lab.Domain -Filter "(|(msRTCSIP-PrimaryUserAddress=$value)(proxyAddresses=$value))" -Attributes @('cn') | Where-Object { $_.DistinguishedName -ne $Except })
        if ($holders.Count -gt 0) { Write-LabError $Cmdlet "SipAddress '$SipAddress' is already in use." 'DuplicateSipAddress' ResourceExists $SipAddress; return $false }
    }
    if ($DisplayNumber) {
        # "This value may begin with a plus sign (+) and may contain any number of digits. The first digit cannot be zero"; unique among Exchange UM contacts [S3].
        if ($DisplayNumber -notmatch '^\+?[1-9]\d*$') { Write-LabError $Cmdlet "DisplayNumber '$DisplayNumber' is not valid; use digits, optionally starting with +, the first digit not 0." 'InvalidDisplayNumber' InvalidArgument $DisplayNumber; return $false }
        $holders = @(Find-LabEntries -Base $script:Lab.Domain -Filter "(&(objectClass=contact)(msRTCSIP-SourceObjectType=$($script:UmContactSourceObjectType))(|(telephoneNumber=$(ConvertTo-LdapFilterValue $DisplayNumber))(msRTCSIP-Line=$(ConvertTo-LdapFilterValue "tel:$DisplayNumber"))))" -Attributes @('cn') | Where-Object { $_.DistinguishedName -ne $Except })
        if ($holders.Count -gt 0) { Write-LabError $Cmdlet "DisplayNumber '$DisplayNumber' is already in use by another Exchange UM contact." 'DuplicateDisplayNumber' ResourceExists $DisplayNumber; return $false }
    }
    $true
}

function Find-LabRegistrarPool($Cmdlet, [string]$Fqdn) {
    <#
      "The FQDN of the pool on which the Registrar service is running"; not an OCS 2007 or 2007 R2
      pool [S3][S25]. Registrars are read from the topology (the lab's CMS), versions from AD.
    #>
    $cms = Read-LabStateFile $script:Lab.CmsFile
    $topology = @($cms.pools | Where-Object { $_.Fqdn -eq $Fqdn })
    $pool = @(Find-LabPool $Fqdn)
    if ($topology.Count -ne 1 -or $pool.Count -ne 1 -or -not (@($topology[0].Services) -match '^Registrar:')) {
        Write-LabError $Cmdlet "Registrar pool '$Fqdn' was not found in the topology." 'RegistrarPoolNotFound' ObjectNotFound $Fqdn
        return $null
    }
    $version = [int](Get-LabValue (Get-LabEntry -Base $pool[0].DistinguishedName -Attributes @('msRTCSIP-PoolVersion')) 'msRTCSIP-PoolVersion')
    if ($version -lt 0x50000) {
        Write-LabError $Cmdlet "Pool '$Fqdn' is an Office Communications Server 2007 or 2007 R2 pool; Exchange UM contacts can't be homed there." 'LegacyPoolNotSupported' InvalidOperation $Fqdn
        return $null
    }
    $pool[0]
}

function New-CsExUmContact {
    [CmdletBinding()]
    param([Parameter(Mandatory)][string]$SipAddress, [Parameter(Mandatory)][string]$RegistrarPool, [Parameter(Mandatory)][string]$DisplayNumber, [Parameter(Mandatory)][string]$OU, [bool]$AutoAttendant, [string]$Description)
    Write-LabCall $MyInvocation.MyCommand.Name $PSBoundParameters
    Invoke-LabDelay $MyInvocation.MyCommand.Name
    $pool = Find-LabRegistrarPool $PSCmdlet $RegistrarPool
    if (-not $pool) { return }
    if (-not (Get-LabEntry -Base $OU)) { return Write-LabError $PSCmdlet "The organizational unit '$OU' was not found." 'OrganizationalUnitNotFound' ObjectNotFound $OU }
    if (-not (Test-LabNumberAndSip $PSCmdlet $SipAddress $DisplayNumber)) { return }
    $dn = "CN={$([guid]::NewGuid())},$OU"
    $attributes = @{
        objectClass                   = 'contact'
        displayName                   = ($SipAddress -replace '^(?i)sip:', '').Split('@')[0]
        'msRTCSIP-PrimaryUserAddress' = $SipAddress
        proxyAddresses                = $SipAddress
        'msRTCSIP-UserEnabled'        = 'TRUE'
        'msRTCSIP-PrimaryHomeServer'  = "CN=Lc Services,CN=Microsoft,$($pool.DistinguishedName)"
        'msRTCSIP-OptionFlags'        = [string]($script:OptionFlags.EnterpriseVoice -bor $script:OptionFlags.EnhancedPresence)
        'msRTCSIP-SourceObjectType'   = $script:UmContactSourceObjectType
        'msRTCSIP-Line'               = "tel:$DisplayNumber"
        telephoneNumber               = $DisplayNumber
        otherIpPhone                  = $SipAddress
        msExchUCVoiceMailSettings     = "UmLab:AutoAttendant=$([bool]$AutoAttendant)"
    }
    if ($Description) { $attributes.description = $Description }
    if (Invoke-LabWrite $PSCmdlet $SipAddress { New-LabObject $dn $attributes }) { ConvertTo-ExUmContactObject (Get-LabEntry -Base $dn) }
}

function Get-CsExUmContact {
    [CmdletBinding()]
    param([Parameter(Position = 0)][string]$Identity, [string]$Filter)
    Write-LabCall $MyInvocation.MyCommand.Name $PSBoundParameters
    if ($Identity) { $entry = Resolve-LabExUmContact $PSCmdlet $Identity; if ($entry) { ConvertTo-ExUmContactObject $entry }; return }
    Find-LabEntries -Base $script:Lab.Domain -Filter "(&(objectClass=contact)(msRTCSIP-SourceObjectType=$($script:UmContactSourceObjectType)))" | ForEach-Object { ConvertTo-ExUmContactObject $_ }
}

function Set-CsExUmContact {
    [CmdletBinding()]
    param([Parameter(Mandatory, Position = 0)][string]$Identity, [string]$SipAddress, [string]$DisplayNumber, [bool]$AutoAttendant, [string]$Description, [bool]$Enabled, [bool]$EnterpriseVoiceEnabled)
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
        # "Changing this value will also change the SIP address stored in the OtherIpPhone property" [S3]: its parameters stay.
        $ipPhones = @(Get-LabValues $entry 'otherIpPhone' | ForEach-Object { $SipAddress + ($_ -replace '^[^;]*', '') })
        if ($ipPhones.Count -eq 0) { $ipPhones = @($SipAddress) }
        $changes.Add((New-LabChange 'otherIpPhone' Replace $ipPhones))
    }
    if ($DisplayNumber) {
        # "Changing this value will also change the value of the LineURI property" [S3].
        $changes.Add((New-LabChange 'telephoneNumber' Replace @($DisplayNumber)))
        $changes.Add((New-LabChange 'msRTCSIP-Line' Replace @("tel:$DisplayNumber")))
    }
    if ($PSBoundParameters.ContainsKey('AutoAttendant')) {
        $settings = @(Get-LabValues $entry 'msExchUCVoiceMailSettings' | Where-Object { $_ -notmatch '^UmLab:AutoAttendant=' }) + "UmLab:AutoAttendant=$AutoAttendant"
        $changes.Add((New-LabChange 'msExchUCVoiceMailSettings' Replace $settings))
    }
    if ($PSBoundParameters.ContainsKey('Description')) { $changes.Add((New-LabChange 'description' Replace @($Description))) }
    if ($PSBoundParameters.ContainsKey('Enabled')) { $changes.Add((New-LabChange 'msRTCSIP-UserEnabled' Replace @($(if ($Enabled) { 'TRUE' } else { 'FALSE' })))) }
    if ($PSBoundParameters.ContainsKey('EnterpriseVoiceEnabled')) {
        $flags = [int](Get-LabValue $entry 'msRTCSIP-OptionFlags')
        $flags = if ($EnterpriseVoiceEnabled) { $flags -bor $script:OptionFlags.EnterpriseVoice } else { $flags -band -bnot $script:OptionFlags.EnterpriseVoice }
        $changes.Add((New-LabChange 'msRTCSIP-OptionFlags' Replace @([string]$flags)))
    }
    if ($changes.Count -gt 0) { [void](Invoke-LabWrite $PSCmdlet $Identity { Invoke-LabModify $entry.DistinguishedName $changes }) }
}

function Move-CsExUmContact {
    [CmdletBinding()]
    param([Parameter(Mandatory, Position = 0)][string]$Identity, [Parameter(Mandatory)][string]$Target)
    Write-LabCall $MyInvocation.MyCommand.Name $PSBoundParameters
    $entry = Resolve-LabExUmContact $PSCmdlet $Identity
    if (-not $entry) { return }
    $pool = Find-LabRegistrarPool $PSCmdlet $Target
    if (-not $pool) { return }
    $changes = [System.Collections.Generic.List[object]]::new()
    $changes.Add((New-LabChange 'msRTCSIP-PrimaryHomeServer' Replace @("CN=Lc Services,CN=Microsoft,$($pool.DistinguishedName)")))
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
