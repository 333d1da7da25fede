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

#region Plumbing

function Connect-UmLab {
    <# Binds to the lab DC as the profile's account; called once when the console opens a session. #>
    [CmdletBinding()]
    param(
        [Parameter(Mandatory)][string]$Server,
        [int]$Port = 636,
        [Parameter(Mandatory)][string]$CaDirectory,
        [Parameter(Mandatory)][pscredential]$Credential,
        [string]$CallLog,
        [string]$CmsFile,
        [string]$OuRecipesFile
    )
    $identifier = [System.DirectoryServices.Protocols.LdapDirectoryIdentifier]::new($Server, $Port)
    $connection = [System.DirectoryServices.Protocols.LdapConnection]::new($identifier, $Credential.GetNetworkCredential(), [System.DirectoryServices.Protocols.AuthType]::Basic)
    $connection.SessionOptions.ProtocolVersion = 3
    $connection.SessionOptions.SecureSocketLayer = $true
    # Searches from the domain root return referrals to the other partitions; chasing them (the
    # default) makes libldap try to resolve the domain name and stalls every such search.
    $connection.SessionOptions.ReferralChasing = [System.DirectoryServices.Protocols.ReferralChasingOptions]::None
    $connection.SessionOptions.TrustedCertificatesDirectory = $CaDirectory
    $connection.SessionOptions.StartNewTlsSessionContext()
    $connection.Timeout = [TimeSpan]::FromSeconds(60)
    $connection.Bind()
    $script:Lab = @{ Connection = $connection; CallLog = $CallLog; CmsFile = $CmsFile; OuRecipesFile = $OuRecipesFile; Server = $Server }
    $root = Get-LabEntry -Base '' -Scope Base -Attributes @('defaultNamingContext', 'configurationNamingContext', 'dnsHostName')
    $script:Lab.Domain = Get-LabValue $root 'defaultNamingContext'
    $script:Lab.Configuration = Get-LabValue $root 'configurationNamingContext'
    $script:Lab.DcName = Get-LabValue $root 'dnsHostName'
    $org = @(Find-LabEntries -Base "CN=Microsoft Exchange,CN=Services,$($script:Lab.Configuration)" -Filter '(objectClass=msExchOrganizationContainer)' -Scope OneLevel -Attributes @('cn'))
    $script:Lab.Organization = if ($org.Count -gt 0) { $org[0].DistinguishedName } else { $null }
}

function Write-LabCall {
    param([string]$Cmdlet, [System.Collections.IDictionary]$Parameters)
    if (-not $script:Lab -or -not $script:Lab.CallLog) { return }
    $recorded = [ordered]@{}
    foreach ($key in $Parameters.Keys) {
        $value = $Parameters[$key]
        if ($key -eq 'PIN' -and $null -ne $value) { $recorded[$key] = "<redacted length=$(([string]$value).Length)>" }
        elseif ($value -is [System.Management.Automation.SwitchParameter]) { $recorded[$key] = $value.IsPresent }
        elseif ($value -is [securestring]) { $recorded[$key] = '<secure>' }
        else { $recorded[$key] = $value }
    }
    $line = [ordered]@{ time = [DateTime]::UtcNow.ToString('o'); cmdlet = $Cmdlet; parameters = $recorded } | ConvertTo-Json -Compress -Depth 6
    [System.IO.File]::AppendAllText($script:Lab.CallLog, $line + "`n", [System.Text.UTF8Encoding]::new($false))
}

function Invoke-LabDelay([string]$Cmdlet) {
    # Test hook: UMLAB_DELAY="Get-UMDialPlan=3000;…" makes a cmdlet hang like a slow Exchange
    # server, so timeouts, cancel and a session dying mid-call can be tested.
    $spec = [Environment]::GetEnvironmentVariable('UMLAB_DELAY')
    if (-not $spec) { return }
    foreach ($part in $spec.Split(';')) {
        $name, $ms = $part.Split('=', 2)
        if ($name -eq $Cmdlet -and $ms -match '^\d+$') { Start-Sleep -Milliseconds ([int]$ms) }
    }
}

function Assert-LabConnected {
    if (-not $script:Lab) { throw [System.InvalidOperationException]::new('The lab module is not connected; run Connect-UmLab first.') }
}

function ConvertTo-LdapFilterValue([string]$Value) {
    $builder = [System.Text.StringBuilder]::new()
    foreach ($ch in $Value.ToCharArray()) {
        switch ($ch) {
            '\' { [void]$builder.Append('\5c') }
            '*' { [void]$builder.Append('\2a') }
            '(' { [void]$builder.Append('\28') }
            ')' { [void]$builder.Append('\29') }
            ([char]0) { [void]$builder.Append('\00') }
            default { [void]$builder.Append($ch) }
        }
    }
    $builder.ToString()
}

function ConvertTo-LdapDnValue([string]$Value) {
    $builder = [System.Text.StringBuilder]::new()
    for ($i = 0; $i -lt $Value.Length; $i++) {
        $ch = $Value[$i]
        if ([int]$ch -lt 0x20 -or $ch -eq '\') { [void]$builder.AppendFormat('\{0:x2}', [int]$ch) }
        elseif ('"+,;<>='.Contains($ch)) { [void]$builder.Append('\').Append($ch) }
        elseif ($i -eq 0 -and ($ch -eq '#' -or $ch -eq ' ')) { [void]$builder.Append('\').Append($ch) }
        elseif ($i -eq $Value.Length - 1 -and $ch -eq ' ') { [void]$builder.Append('\ ') }
        else { [void]$builder.Append($ch) }
    }
    $builder.ToString()
}

function Find-LabEntries {
    param([string]$Base, [string]$Filter = '(objectClass=*)', [string]$Scope = 'Subtree', [string[]]$Attributes = @('*'))
    Assert-LabConnected
    $request = [System.DirectoryServices.Protocols.SearchRequest]::new($Base, $Filter, [System.DirectoryServices.Protocols.SearchScope]$Scope, [string[]]$Attributes)
    $paging = [System.DirectoryServices.Protocols.PageResultRequestControl]::new(1000)
    [void]$request.Controls.Add($paging)
    do {
        try { $response = [System.DirectoryServices.Protocols.SearchResponse]$script:Lab.Connection.SendRequest($request) }
        catch [System.DirectoryServices.Protocols.DirectoryOperationException] {
            if ($_.Exception.Response.ResultCode -eq 'NoSuchObject') { return }
            throw
        }
        foreach ($entry in $response.Entries) { $entry }
        $cookie = $null
        foreach ($control in $response.Controls) { if ($control -is [System.DirectoryServices.Protocols.PageResultResponseControl]) { $cookie = $control.Cookie } }
        $paging.Cookie = $cookie
    } while ($cookie -and $cookie.Length -gt 0)
}

function Get-LabEntry {
    param([string]$Base, [string]$Scope = 'Base', [string[]]$Attributes = @('*'))
    $found = @(Find-LabEntries -Base $Base -Scope $Scope -Attributes $Attributes)
    if ($found.Count -gt 0) { $found[0] } else { $null }
}

function Get-LabValue($Entry, [string]$Name) {
    $values = @(Get-LabValues $Entry $Name)
    if ($values.Count -gt 0) { $values[0] } else { $null }
}

function Get-LabValues($Entry, [string]$Name) {
    # Callers wrap the call in @() so that one value and none stay arrays.
    if ($null -eq $Entry -or -not $Entry.Attributes.Contains($Name)) { return }
    $Entry.Attributes[$Name].GetValues([string])
}

function Invoke-LabModify {
    param([string]$DistinguishedName, [object[]]$Changes)
    $request = [System.DirectoryServices.Protocols.ModifyRequest]::new($DistinguishedName, [System.DirectoryServices.Protocols.DirectoryAttributeModification[]]@($Changes))
    [void]$script:Lab.Connection.SendRequest($request)
}

function New-LabChange {
    param([string]$Name, [ValidateSet('Add', 'Delete', 'Replace')][string]$Operation, [object[]]$Values = @())
    $change = [System.DirectoryServices.Protocols.DirectoryAttributeModification]::new()
    $change.Name = $Name
    $change.Operation = [System.DirectoryServices.Protocols.DirectoryAttributeOperation]$Operation
    foreach ($value in $Values) {
        if ($value -is [byte[]]) { [void]$change.Add([byte[]]$value) } else { [void]$change.Add([string]$value) }
    }
    # The modification is itself a collection; keep the pipeline from unrolling it into its values.
    Write-Output -NoEnumerate $change
}

function New-LabObject {
    param([string]$DistinguishedName, [hashtable]$Attributes)
    # DirectoryAttribute is a collection: build the array directly so the pipeline cannot unroll it.
    $list = [System.Collections.Generic.List[System.DirectoryServices.Protocols.DirectoryAttribute]]::new()
    foreach ($key in $Attributes.Keys) { $list.Add([System.DirectoryServices.Protocols.DirectoryAttribute]::new($key, [string[]]@($Attributes[$key]))) }
    $request = [System.DirectoryServices.Protocols.AddRequest]::new($DistinguishedName, $list.ToArray())
    [void]$script:Lab.Connection.SendRequest($request)
}

function Write-LabError {
    <# Reports a failure the way Exchange does: a non-terminating error record with an id and category. #>
    param($Cmdlet, [string]$Message, [string]$ErrorId, [System.Management.Automation.ErrorCategory]$Category, $Target)
    $exception = [System.InvalidOperationException]::new($Message)
    $Cmdlet.WriteError([System.Management.Automation.ErrorRecord]::new($exception, $ErrorId, $Category, $Target))
}

function Invoke-LabWrite {
    <# Runs a directory write; a refusal from the DC becomes an error record, not an exception. #>
    param($Cmdlet, $Target, [scriptblock]$Write)
    try { & $Write; return $true }
    catch [System.DirectoryServices.Protocols.DirectoryOperationException] {
        $code = $_.Exception.Response.ResultCode
        $category = if ($code -eq 'InsufficientAccessRights') { 'PermissionDenied' } else { 'WriteError' }
        Write-LabError $Cmdlet "Active Directory refused the change ($code): $($_.Exception.Response.ErrorMessage)" "ADOperationFailed.$code" $category $Target
        return $false
    }
}

#endregion

#region Lookups

function Get-UmContainer([string]$Name) { "CN=$Name,$($script:Lab.Organization)" }

function Find-UmObject {
    <# An Exchange UM object by name, DN or GUID within its container. #>
    param([string]$Container, [string]$Class, [string]$Identity, [string]$Scope = 'OneLevel')
    $base = Get-UmContainer $Container
    if (-not $Identity) { return @(Find-LabEntries -Base $base -Filter "(objectClass=$Class)" -Scope $Scope) }
    if ($Identity -match '^(?i)CN=.+,') { return @(Find-LabEntries -Base $Identity -Filter "(objectClass=$Class)" -Scope Base) }
    $name = ConvertTo-LdapFilterValue $Identity
    @(Find-LabEntries -Base $base -Filter "(&(objectClass=$Class)(|(cn=$name)(name=$name)))" -Scope $Scope)
}

function Resolve-LabRecipient {
    <# Identity as Exchange accepts it: UPN, e-mail address, DOMAIN\user, alias/SamAccountName, name or DN. #>
    param([string]$Identity)
    $attributes = @('cn', 'displayName', 'sAMAccountName', 'userPrincipalName', 'mail', 'proxyAddresses', 'telephoneNumber', 'msExchMailboxGuid', 'msExchUMEnabledFlags',
        'msExchUMTemplateLink', 'msExchUMRecipientDialPlanLink', 'msRTCSIP-PrimaryUserAddress', 'msRTCSIP-Line', 'givenName', 'sn', 'msExchUCVoiceMailSettings', 'objectClass')
    if ($Identity -match '^(?i)(CN|OU)=.+,DC=') { return @(Find-LabEntries -Base $Identity -Scope Base -Attributes $attributes) }
    $value = ConvertTo-LdapFilterValue $Identity
    $match = if ($Identity.Contains('\')) { "(sAMAccountName=$(ConvertTo-LdapFilterValue $Identity.Split('\', 2)[1]))" }
    elseif ($Identity.Contains('@')) { "(|(userPrincipalName=$value)(mail=$value)(proxyAddresses=smtp:$value))" }
    else { "(|(sAMAccountName=$value)(cn=$value)(displayName=$value))" }
    @(Find-LabEntries -Base $script:Lab.Domain -Filter "(&(objectClass=user)(objectCategory=person)$match)" -Attributes $attributes)
}

function Resolve-SingleRecipient {
    param($Cmdlet, [string]$Identity)
    $found = @(Resolve-LabRecipient $Identity)
    if ($found.Count -eq 0) {
        Write-LabError $Cmdlet "The operation couldn't be performed because object '$Identity' couldn't be found on '$($script:Lab.DcName)'." 'ManagementObjectNotFoundException' ObjectNotFound $Identity
        return $null
    }
    if ($found.Count -gt 1) {
        Write-LabError $Cmdlet "The operation couldn't be performed because '$Identity' matches multiple entries." 'ManagementObjectAmbiguousException' InvalidArgument $Identity
        return $null
    }
    $found[0]
}

function Get-RdnValue([string]$DistinguishedName) {
    if (-not $DistinguishedName) { return $null }
    $first = ($DistinguishedName -split '(?<!\\),', 2)[0]
    ($first -replace '^[^=]+=', '') -replace '\\(.)', '$1'
}

function Get-EumProxies($Entry) {
    @(Get-LabValues $Entry 'proxyAddresses' | Where-Object { $_ -match '^(?i)eum:' })
}

function Split-EumProxy([string]$Proxy) {
    if ($Proxy -match '^(?i)eum:(?<address>[^;]+);phone-context=(?<context>.+)$') { @{ Address = $Matches.address; Context = $Matches.context } }
}

function Get-SipProxy($Entry) {
    $sip = @(Get-LabValues $Entry 'proxyAddresses' | Where-Object { $_ -match '^(?i)sip:' })
    if ($sip.Count -gt 0) { $sip[0].Substring(4) } else { $null }
}

function ConvertTo-DtmfDigits([string]$Text) {
    $map = @{ a = 2; b = 2; c = 2; d = 3; e = 3; f = 3; g = 4; h = 4; i = 4; j = 5; k = 5; l = 5; m = 6; n = 6; o = 6; p = 7; q = 7; r = 7; s = 7; t = 8; u = 8; v = 8; w = 9; x = 9; y = 9; z = 9 }
    -join ($Text.ToLowerInvariant().ToCharArray() | ForEach-Object { if ($map.ContainsKey([string]$_)) { $map[[string]$_] } elseif ($_ -match '\d') { $_ } })
}

#endregion

#region Exchange UM: configuration objects

function Get-UMDialPlan {
    [CmdletBinding()]
    param([Parameter(Position = 0)][string]$Identity)
    Write-LabCall $MyInvocation.MyCommand.Name $PSBoundParameters
    Invoke-LabDelay $MyInvocation.MyCommand.Name
    foreach ($entry in Find-UmObject 'UM DialPlan Container' 'msExchUMDialPlan' $Identity) {
        $dn = $entry.DistinguishedName
        $servers = @(Find-LabEntries -Base $script:Lab.Organization -Filter "(&(objectClass=msExchExchangeServer)(msExchUMServerDialPlanLink=$(ConvertTo-LdapFilterValue $dn)))" -Attributes @('cn'))
        [pscustomobject]@{
            Name                            = Get-LabValue $entry 'cn'
            Identity                        = Get-LabValue $entry 'cn'
            DistinguishedName               = $dn
            URIType                         = $script:UriTypes[[int](Get-LabValue $entry 'msExchUMDialPlanURIType')]
            NumberOfDigitsInExtension       = [int](Get-LabValue $entry 'msExchUMNumberingPlanDigits')
            VoIPSecurity                    = $script:VoipSecurity[[int](Get-LabValue $entry 'msExchUMDialPlanVoipSecurity')]
            PhoneContext                    = Get-LabValue $entry 'msExchUMPhoneContext'
            AccessTelephoneNumbers          = @(Get-LabValues $entry 'msExchUMVoiceMailPilotNumbers')
            EquivalentDialPlanPhoneContexts = @(Get-LabValues $entry 'msExchUMEquivalentDialPlanPhoneContexts')
            UMServers                       = @($servers | ForEach-Object { Get-LabValue $_ 'cn' })
        }
    }
}

function Get-UMMailboxPolicy {
    [CmdletBinding()]
    param([Parameter(Position = 0)][string]$Identity, [string]$UMDialPlan)
    Write-LabCall $MyInvocation.MyCommand.Name $PSBoundParameters
    Invoke-LabDelay $MyInvocation.MyCommand.Name
    foreach ($entry in Find-UmObject 'UM Mailbox Policies' 'msExchUMRecipientTemplate' $Identity) {
        $plan = Get-RdnValue (Get-LabValue $entry 'msExchUMMailboxPolicyDialPlanLink')
        if ($UMDialPlan -and $plan -ne $UMDialPlan) { continue }
        [pscustomobject]@{
            Name              = Get-LabValue $entry 'cn'
            Identity          = Get-LabValue $entry 'cn'
            DistinguishedName = $entry.DistinguishedName
            UMDialPlan        = $plan
            MinPINLength      = [int](Get-LabValue $entry 'msExchUMPinPolicyMinPasswordLength')
            PINLifetime       = "$([int](Get-LabValue $entry 'msExchUMPinPolicyExpiryDays')).00:00:00"
        }
    }
}

function ConvertTo-GatewayObject($Entry) {
    $hunt = @(Find-LabEntries -Base $Entry.DistinguishedName -Filter '(objectClass=msExchUMHuntGroup)' -Scope OneLevel -Attributes @('cn'))
    [pscustomobject]@{
        Name                           = Get-LabValue $Entry 'cn'
        Identity                       = Get-LabValue $Entry 'cn'
        DistinguishedName              = $Entry.DistinguishedName
        Address                        = Get-LabValue $Entry 'msExchUMIPGatewayAddress'
        Port                           = [int](Get-LabValue $Entry 'msExchUMIPGatewayPort')
        OutcallsAllowed                = (Get-LabValue $Entry 'msExchUMOutcallsAllowed') -eq 'TRUE'
        Status                         = $script:GatewayStatus[[int](Get-LabValue $Entry 'msExchUMIPGatewayStatus')]
        MessageWaitingIndicatorAllowed = (([int](Get-LabValue $Entry 'msExchUMIPGatewayFlags2')) -band 1) -eq 1
        HuntGroups                     = @($hunt | ForEach-Object { Get-LabValue $_ 'cn' })
    }
}

function Get-UMIPGateway {
    [CmdletBinding()]
    param([Parameter(Position = 0)][string]$Identity)
    Write-LabCall $MyInvocation.MyCommand.Name $PSBoundParameters
    Invoke-LabDelay $MyInvocation.MyCommand.Name
    foreach ($entry in Find-UmObject 'UM IPGateway Container' 'msExchUMIPGateway' $Identity) { ConvertTo-GatewayObject $entry }
}

function Get-UMHuntGroup {
    [CmdletBinding()]
    param([Parameter(Position = 0)][string]$Identity, [string]$UMIPGateway)
    Write-LabCall $MyInvocation.MyCommand.Name $PSBoundParameters
    Invoke-LabDelay $MyInvocation.MyCommand.Name
    $gatewayName = $UMIPGateway
    $groupName = $null
    if ($Identity -and $Identity.Contains('\')) { $gatewayName, $groupName = $Identity.Split('\', 2) } elseif ($Identity) { $groupName = $Identity }
    foreach ($gateway in Find-UmObject 'UM IPGateway Container' 'msExchUMIPGateway' $gatewayName) {
        foreach ($entry in Find-LabEntries -Base $gateway.DistinguishedName -Filter '(objectClass=msExchUMHuntGroup)' -Scope OneLevel) {
            $name = Get-LabValue $entry 'cn'
            if ($groupName -and $name -ne $groupName) { continue }
            [pscustomobject]@{
                Name              = $name
                Identity          = "$(Get-LabValue $gateway 'cn')\$name"
                DistinguishedName = $entry.DistinguishedName
                UMIPGateway       = Get-LabValue $gateway 'cn'
                UMDialPlan        = Get-RdnValue (Get-LabValue $entry 'msExchUMHuntGroupDialPlanLink')
                PilotIdentifier   = Get-LabValue $entry 'msExchUMPilotIdentifier'
            }
        }
    }
}

function Get-UMAutoAttendant {
    [CmdletBinding()]
    param([Parameter(Position = 0)][string]$Identity, [string]$UMDialPlan)
    Write-LabCall $MyInvocation.MyCommand.Name $PSBoundParameters
    Invoke-LabDelay $MyInvocation.MyCommand.Name
    foreach ($entry in Find-UmObject 'UM AutoAttendant Container' 'msExchUMAutoAttendant' $Identity) {
        $plan = Get-RdnValue (Get-LabValue $entry 'msExchUMAutoAttendantDialPlanLink')
        if ($UMDialPlan -and $plan -ne $UMDialPlan) { continue }
        [pscustomobject]@{
            Name                = Get-LabValue $entry 'cn'
            Identity            = Get-LabValue $entry 'cn'
            DistinguishedName   = $entry.DistinguishedName
            UMDialPlan          = $plan
            PilotIdentifierList = @(Get-LabValues $entry 'msExchUMAutoAttendantDialedNumbers')
        }
    }
}

function New-UMIPGateway {
    [CmdletBinding()]
    param([Parameter(Mandatory)][string]$Name, [Parameter(Mandatory)][string]$Address, [string]$UMDialPlan)
    Write-LabCall $MyInvocation.MyCommand.Name $PSBoundParameters
    Invoke-LabDelay $MyInvocation.MyCommand.Name
    if (@(Find-UmObject 'UM IPGateway Container' 'msExchUMIPGateway' $Name).Count -gt 0) {
        return Write-LabError $PSCmdlet "The UM IP gateway '$Name' already exists." 'UMIPGatewayAlreadyExists' ResourceExists $Name
    }
    $sameAddress = @(Find-LabEntries -Base (Get-UmContainer 'UM IPGateway Container') -Filter "(msExchUMIPGatewayAddress=$(ConvertTo-LdapFilterValue $Address))" -Scope OneLevel -Attributes @('cn'))
    if ($sameAddress.Count -gt 0) {
        return Write-LabError $PSCmdlet "The address '$Address' is already used by UM IP gateway '$(Get-LabValue $sameAddress[0] 'cn')'." 'UMIPGatewayAddressNotUnique' ResourceExists $Address
    }
    $dn = "CN=$(ConvertTo-LdapDnValue $Name),$(Get-UmContainer 'UM IPGateway Container')"
    $created = Invoke-LabWrite $PSCmdlet $Name {
        New-LabObject $dn @{ objectClass = 'msExchUMIPGateway'; msExchUMIPGatewayAddress = $Address; msExchUMIPGatewayPort = '5060'; msExchUMOutcallsAllowed = 'TRUE'; msExchUMIPGatewayStatus = '0'; msExchUMIPGatewayFlags2 = '1' }
    }
    if (-not $created) { return }
    if ($UMDialPlan) {
        $plan = @(Find-UmObject 'UM DialPlan Container' 'msExchUMDialPlan' $UMDialPlan)
        if ($plan.Count -eq 1) {
            [void](Invoke-LabWrite $PSCmdlet $Name { New-LabObject "CN=Default Hunt Group,$dn" @{ objectClass = 'msExchUMHuntGroup'; msExchUMHuntGroupDialPlanLink = $plan[0].DistinguishedName } })
        }
    }
    ConvertTo-GatewayObject (Get-LabEntry -Base $dn)
}

function Set-UMIPGateway {
    [CmdletBinding()]
    param([Parameter(Mandatory, Position = 0)][string]$Identity, [bool]$OutcallsAllowed, [bool]$MessageWaitingIndicatorAllowed, [ValidateSet('Enabled', 'Disabled', 'NoNewCalls')][string]$Status, [int]$Port)
    Write-LabCall $MyInvocation.MyCommand.Name $PSBoundParameters
    Invoke-LabDelay $MyInvocation.MyCommand.Name
    $gateway = @(Find-UmObject 'UM IPGateway Container' 'msExchUMIPGateway' $Identity)
    if ($gateway.Count -ne 1) { return Write-LabError $PSCmdlet "The UM IP gateway '$Identity' wasn't found." 'ManagementObjectNotFoundException' ObjectNotFound $Identity }
    $changes = [System.Collections.Generic.List[object]]::new()
    if ($PSBoundParameters.ContainsKey('OutcallsAllowed')) { $changes.Add((New-LabChange 'msExchUMOutcallsAllowed' Replace @($(if ($OutcallsAllowed) { 'TRUE' } else { 'FALSE' })))) }
    if ($PSBoundParameters.ContainsKey('MessageWaitingIndicatorAllowed')) {
        $flags = [int](Get-LabValue $gateway[0] 'msExchUMIPGatewayFlags2')
        $flags = if ($MessageWaitingIndicatorAllowed) { $flags -bor 1 } else { $flags -band -bnot 1 }
        $changes.Add((New-LabChange 'msExchUMIPGatewayFlags2' Replace @([string]$flags)))
    }
    if ($Status) { $changes.Add((New-LabChange 'msExchUMIPGatewayStatus' Replace @([string](@{ Enabled = 0; Disabled = 1; NoNewCalls = 2 }[$Status])))) }
    if ($PSBoundParameters.ContainsKey('Port')) { $changes.Add((New-LabChange 'msExchUMIPGatewayPort' Replace @([string]$Port))) }
    if ($changes.Count -gt 0) { [void](Invoke-LabWrite $PSCmdlet $Identity { Invoke-LabModify $gateway[0].DistinguishedName $changes }) }
}

function New-UMHuntGroup {
    [CmdletBinding()]
    param([Parameter(Mandatory)][string]$Name, [Parameter(Mandatory)][string]$UMIPGateway, [Parameter(Mandatory)][string]$UMDialPlan, [string]$PilotIdentifier)
    Write-LabCall $MyInvocation.MyCommand.Name $PSBoundParameters
    Invoke-LabDelay $MyInvocation.MyCommand.Name
    $gateway = @(Find-UmObject 'UM IPGateway Container' 'msExchUMIPGateway' $UMIPGateway)
    if ($gateway.Count -ne 1) { return Write-LabError $PSCmdlet "The UM IP gateway '$UMIPGateway' wasn't found." 'ManagementObjectNotFoundException' ObjectNotFound $UMIPGateway }
    $plan = @(Find-UmObject 'UM DialPlan Container' 'msExchUMDialPlan' $UMDialPlan)
    if ($plan.Count -ne 1) { return Write-LabError $PSCmdlet "The UM dial plan '$UMDialPlan' wasn't found." 'ManagementObjectNotFoundException' ObjectNotFound $UMDialPlan }
    $existing = @(Find-LabEntries -Base $gateway[0].DistinguishedName -Filter '(objectClass=msExchUMHuntGroup)' -Scope OneLevel -Attributes @('cn', 'msExchUMPilotIdentifier'))
    if ($existing | Where-Object { (Get-LabValue $_ 'cn') -eq $Name }) { return Write-LabError $PSCmdlet "The hunt group '$UMIPGateway\$Name' already exists." 'HuntGroupAlreadyExists' ResourceExists $Name }
    if ($PilotIdentifier -and ($existing | Where-Object { (Get-LabValue $_ 'msExchUMPilotIdentifier') -eq $PilotIdentifier })) {
        return Write-LabError $PSCmdlet "The pilot identifier '$PilotIdentifier' is already used by another hunt group on '$UMIPGateway'." 'PilotIdentifierNotUnique' ResourceExists $PilotIdentifier
    }
    $attributes = @{ objectClass = 'msExchUMHuntGroup'; msExchUMHuntGroupDialPlanLink = $plan[0].DistinguishedName }
    if ($PilotIdentifier) { $attributes.msExchUMPilotIdentifier = $PilotIdentifier }
    $dn = "CN=$(ConvertTo-LdapDnValue $Name),$($gateway[0].DistinguishedName)"
    if (Invoke-LabWrite $PSCmdlet $Name { New-LabObject $dn $attributes }) {
        [pscustomobject]@{ Name = $Name; Identity = "$UMIPGateway\$Name"; DistinguishedName = $dn; UMIPGateway = $UMIPGateway; UMDialPlan = $UMDialPlan; PilotIdentifier = $PilotIdentifier }
    }
}

#endregion

#region Exchange UM: mailboxes

function ConvertTo-UMMailboxObject($Entry) {
    $eum = @(Get-EumProxies $Entry | ForEach-Object { Split-EumProxy $_ })
    $sri = @($eum | Where-Object { $_.Address -notmatch '^\d+$' } | ForEach-Object { $_.Address })
    [pscustomobject]@{
        Identity              = $Entry.DistinguishedName
        DistinguishedName     = $Entry.DistinguishedName
        Name                  = Get-LabValue $Entry 'cn'
        DisplayName           = Get-LabValue $Entry 'displayName'
        SamAccountName        = Get-LabValue $Entry 'sAMAccountName'
        UserPrincipalName     = Get-LabValue $Entry 'userPrincipalName'
        PrimarySmtpAddress    = Get-LabValue $Entry 'mail'
        UMEnabled             = (([int](Get-LabValue $Entry 'msExchUMEnabledFlags')) -band 1) -eq 1
        UMDialPlan            = Get-RdnValue (Get-LabValue $Entry 'msExchUMRecipientDialPlanLink')
        UMMailboxPolicy       = Get-RdnValue (Get-LabValue $Entry 'msExchUMTemplateLink')
        Extensions            = @($eum | Where-Object { $_.Address -match '^\d+$' } | ForEach-Object { $_.Address })
        SIPResourceIdentifier = if ($sri.Count -gt 0) { $sri[0] } else { $null }
        PhoneNumber           = Get-LabValue $Entry 'telephoneNumber'
        EmailAddresses        = @(Get-LabValues $Entry 'proxyAddresses')
    }
}

function Get-UMMailbox {
    [CmdletBinding()]
    param([Parameter(Position = 0)][string]$Identity, [string]$ResultSize = '1000')
    Write-LabCall $MyInvocation.MyCommand.Name $PSBoundParameters
    Invoke-LabDelay $MyInvocation.MyCommand.Name
    if ($Identity) {
        $entry = Resolve-SingleRecipient $PSCmdlet $Identity
        if (-not $entry) { return }
        if ((([int](Get-LabValue $entry 'msExchUMEnabledFlags')) -band 1) -ne 1) {
            return Write-LabError $PSCmdlet "The operation couldn't be performed because object '$Identity' couldn't be found on '$($script:Lab.DcName)'." 'ManagementObjectNotFoundException' ObjectNotFound $Identity
        }
        return ConvertTo-UMMailboxObject $entry
    }
    $limit = if ($ResultSize -eq 'Unlimited') { [int]::MaxValue } else { [int]$ResultSize }
    $all = @(Find-LabEntries -Base $script:Lab.Domain -Filter '(&(objectClass=user)(msExchUMEnabledFlags:1.2.840.113556.1.4.803:=1))' -Attributes @('*'))
    $shown = [Math]::Min($limit, $all.Count)
    for ($i = 0; $i -lt $shown; $i++) {
        if ($i % 50 -eq 0) { Write-Progress -Activity 'Get-UMMailbox' -Status "Reading UM mailboxes ($i of $shown)" -PercentComplete ([int](100 * $i / [Math]::Max(1, $shown))) }
        ConvertTo-UMMailboxObject $all[$i]
    }
    if ($all.Count -gt $limit) { Write-Warning 'There are more results available than are currently displayed. To view them, increase the value for the ResultSize parameter.' }
}

function Test-ExtensionFree {
    <# True when no other recipient holds this EUM address in any of the phone contexts. #>
    param([string]$Address, [string[]]$Contexts, [string]$Except)
    foreach ($context in $Contexts) {
        $value = ConvertTo-LdapFilterValue "eum:$Address;phone-context=$context"
        $holders = @(Find-LabEntries -Base $script:Lab.Domain -Filter "(proxyAddresses=$value)" -Attributes @('cn') | Where-Object { $_.DistinguishedName -ne $Except })
        if ($holders.Count -gt 0) { return $holders[0].DistinguishedName }
    }
    $null
}

function Enable-UMMailbox {
    [CmdletBinding()]
    param(
        [Parameter(Mandatory, Position = 0)][string]$Identity,
        [Parameter(Mandatory)][string]$UMMailboxPolicy,
        [string[]]$Extensions,
        [string]$SIPResourceIdentifier,
        [string]$PIN,
        [bool]$PINExpired,
        [string]$NotifyEmail,
        [string]$PilotNumber,
        [bool]$AutomaticSpeechRecognitionEnabled,
        [switch]$ValidateOnly
    )
    Write-LabCall $MyInvocation.MyCommand.Name $PSBoundParameters
    Invoke-LabDelay $MyInvocation.MyCommand.Name
    $fail = { param($Message, $Id, $Category) Write-LabError $PSCmdlet $Message $Id $Category $Identity }

    $user = Resolve-SingleRecipient $PSCmdlet $Identity
    if (-not $user) { return }
    if (-not $user.Attributes.Contains('msExchMailboxGuid')) { return & $fail "'$Identity' isn't a mailbox user; only users with a mailbox can be enabled for Unified Messaging." 'RecipientNotMailboxUser' InvalidArgument }
    if ((([int](Get-LabValue $user 'msExchUMEnabledFlags')) -band 1) -eq 1) { return & $fail "The user '$Identity' is already enabled for Unified Messaging." 'UserAlreadyUmEnabledException' InvalidOperation }

    $policy = @(Find-UmObject 'UM Mailbox Policies' 'msExchUMRecipientTemplate' $UMMailboxPolicy)
    if ($policy.Count -ne 1) { return & $fail "The UM mailbox policy '$UMMailboxPolicy' wasn't found." 'UMMailboxPolicyNotFound' ObjectNotFound }
    $planDn = Get-LabValue $policy[0] 'msExchUMMailboxPolicyDialPlanLink'
    $plan = Get-LabEntry -Base $planDn
    if (-not $plan) { return & $fail "The UM mailbox policy '$UMMailboxPolicy' refers to a dial plan that doesn't exist." 'UMDialPlanNotFound' ObjectNotFound }
    $uriType = $script:UriTypes[[int](Get-LabValue $plan 'msExchUMDialPlanURIType')]
    $digits = [int](Get-LabValue $plan 'msExchUMNumberingPlanDigits')
    $context = Get-LabValue $plan 'msExchUMPhoneContext'
    $contexts = @($context) + @(Get-LabValues $plan 'msExchUMEquivalentDialPlanPhoneContexts')

    # Extensions: given, or the last N digits of telephoneNumber.
    $numbers = @($Extensions | Where-Object { $null -ne $_ })
    if ($numbers.Count -eq 0) {
        $phoneDigits = ((Get-LabValue $user 'telephoneNumber') -replace '\D', '')
        if ($phoneDigits.Length -ge $digits) { $numbers = @($phoneDigits.Substring($phoneDigits.Length - $digits)) }
    }
    if ($numbers.Count -eq 0) { return & $fail "An extension is required for dial plan '$(Get-LabValue $plan 'cn')' and '$Identity' has no telephone number to take it from." 'ExtensionRequired' InvalidArgument }
    foreach ($extension in $numbers) {
        if ($extension -notmatch '^\d+$' -or $extension.Length -ne $digits) {
            return & $fail "The extension '$extension' is invalid. Extensions in dial plan '$(Get-LabValue $plan 'cn')' must contain exactly $digits digits." 'InvalidExtension' InvalidArgument
        }
    }
    if (@($numbers | Select-Object -Unique).Count -ne $numbers.Count) { return & $fail 'The same extension was given more than once.' 'DuplicateExtension' InvalidArgument }

    # The SIP resource identifier, by the dial plan's URI type.
    $sri = if ($SIPResourceIdentifier) { $SIPResourceIdentifier -replace '^(?i)sip:', '' } else { $null }
    switch ($uriType) {
        'TelExtn' { if ($sri) { return & $fail "A SIP resource identifier can't be used with dial plan '$(Get-LabValue $plan 'cn')' (URI type TelExtn)." 'SipResourceIdNotNeeded' InvalidArgument } }
        'E164' {
            if (-not $sri) { return & $fail "Dial plan '$(Get-LabValue $plan 'cn')' (URI type E164) requires an E.164 SIP resource identifier." 'SipResourceIdRequired' InvalidArgument }
            if ($sri -notmatch '^\+[1-9]\d{1,14}$') { return & $fail "The SIP resource identifier '$SIPResourceIdentifier' isn't a valid E.164 number." 'InvalidE164ResourceId' InvalidArgument }
        }
        'SipName' {
            if (-not $sri) { return & $fail "Dial plan '$(Get-LabValue $plan 'cn')' (URI type SIP URI) requires a SIP resource identifier." 'SipResourceIdRequired' InvalidArgument }
            $sipProxy = Get-SipProxy $user
            if (-not $sipProxy) { return & $fail "'$Identity' has no SIP proxy address; give the mailbox its sip: address first." 'SipProxyAddressMissing' InvalidOperation }
            if ($sipProxy -ne $sri) { return & $fail "The SIP resource identifier '$SIPResourceIdentifier' doesn't match the user's SIP address '$sipProxy'." 'SipResourceIdMismatch' InvalidArgument }
        }
    }

    # Uniqueness across the dial plan and its equivalents, and no clash with pilot numbers.
    $pilots = @(Get-LabValues $plan 'msExchUMVoiceMailPilotNumbers')
    foreach ($aa in Find-LabEntries -Base (Get-UmContainer 'UM AutoAttendant Container') -Filter "(msExchUMAutoAttendantDialPlanLink=$(ConvertTo-LdapFilterValue $plan.DistinguishedName))" -Scope OneLevel -Attributes @('msExchUMAutoAttendantDialedNumbers')) {
        $pilots += @(Get-LabValues $aa 'msExchUMAutoAttendantDialedNumbers')
    }
    foreach ($extension in $numbers) {
        foreach ($pilot in $pilots) {
            $pilotDigits = $pilot -replace '\D', ''
            if ($extension -eq $pilotDigits -or ($pilotDigits.Length -ge $digits -and $extension -eq $pilotDigits.Substring($pilotDigits.Length - $digits))) {
                return & $fail "The extension '$extension' is the pilot number '$pilot' of the dial plan or one of its auto attendants." 'ExtensionIsPilotNumber' InvalidArgument
            }
        }
        $holder = Test-ExtensionFree $extension $contexts $user.DistinguishedName
        if ($holder) { return & $fail "The extension '$extension' is already assigned to '$(Get-RdnValue $holder)' in this dial plan or an equivalent one." 'ExtensionNotUnique' ResourceExists }
    }
    if ($sri) {
        $holder = Test-ExtensionFree $sri $contexts $user.DistinguishedName
        if ($holder) { return & $fail "The SIP resource identifier '$sri' is already assigned to '$(Get-RdnValue $holder)'." 'SipResourceIdNotUnique' ResourceExists }
    }

    # PIN, checked against the policy; generated and expired when omitted.
    $minLength = [int](Get-LabValue $policy[0] 'msExchUMPinPolicyMinPasswordLength')
    if ($minLength -lt 4) { $minLength = 4 }
    if ($PIN) {
        if ($PIN -notmatch '^\d+$' -or $PIN.Length -lt $minLength -or $PIN.Length -gt 24) {
            return & $fail "The PIN must be $minLength to 24 digits long (UM mailbox policy '$UMMailboxPolicy')." 'InvalidPIN' InvalidArgument
        }
    }
    if ($NotifyEmail -and $NotifyEmail -notmatch '^[^@\s]+@[^@\s]+\.[^@\s]+$') { return & $fail "'$NotifyEmail' isn't a valid SMTP address." 'InvalidNotifyEmail' InvalidArgument }

    if ($ValidateOnly) {
        $preview = ConvertTo-UMMailboxObject $user
        $preview.UMEnabled = $false
        $preview.UMDialPlan = Get-LabValue $plan 'cn'
        $preview.UMMailboxPolicy = Get-LabValue $policy[0] 'cn'
        $preview.Extensions = $numbers
        $preview.SIPResourceIdentifier = $sri
        return $preview
    }

    $pinValue = if ($PIN) { $PIN } else { -join (1..$minLength | ForEach-Object { Get-Random -Minimum 0 -Maximum 10 }) }
    $expired = if ($PIN) { [bool]$PINExpired } else { $true }
    $salt = [byte[]]::new(16); [System.Security.Cryptography.RandomNumberGenerator]::Fill($salt)
    $hash = [System.Security.Cryptography.SHA256]::HashData([byte[]]($salt + [System.Text.Encoding]::UTF8.GetBytes($pinValue)))
    $checksum = [System.Text.Encoding]::UTF8.GetBytes("sha256:$([Convert]::ToBase64String($salt)):$([Convert]::ToBase64String($hash)):expired=$($expired.ToString().ToLowerInvariant())")

    $proxies = @()
    $first = $true
    foreach ($address in @(@($sri) + $numbers | Where-Object { $_ })) {
        $proxies += "$(if ($first) { 'EUM' } else { 'eum' }):$address;phone-context=$context"
        $first = $false
    }
    $alias = Get-LabValue $user 'sAMAccountName'
    $dtmf = @("emailAddress:$(ConvertTo-DtmfDigits $alias)")
    $given = Get-LabValue $user 'givenName'; $surname = Get-LabValue $user 'sn'
    if ($given -or $surname) { $dtmf += "firstNameLastName:$(ConvertTo-DtmfDigits "$given$surname")"; $dtmf += "lastNameFirstName:$(ConvertTo-DtmfDigits "$surname$given")" }
    $flags = ([int](Get-LabValue $user 'msExchUMEnabledFlags')) -bor 1
    $changes = [System.Collections.Generic.List[object]]@(
        New-LabChange 'msExchUMEnabledFlags' Replace @([string]$flags)
        New-LabChange 'msExchUMTemplateLink' Replace @($policy[0].DistinguishedName)
        New-LabChange 'msExchUMRecipientDialPlanLink' Replace @($plan.DistinguishedName)
        New-LabChange 'proxyAddresses' Add $proxies
        New-LabChange 'msExchUMDtmfMap' Replace $dtmf
        New-LabChange 'msExchUMPinChecksum' Replace @(, $checksum)
    )
    if ($user.Attributes.Contains('msExchUCVoiceMailSettings')) { $changes.Add((New-LabChange 'msExchUCVoiceMailSettings' Delete)) }
    if (Invoke-LabWrite $PSCmdlet $Identity { Invoke-LabModify $user.DistinguishedName $changes }) {
        if ($NotifyEmail -and $script:Lab.CallLog) { Write-LabCall 'Lab:WelcomeMessage' @{ To = $NotifyEmail } }
        ConvertTo-UMMailboxObject (Get-LabEntry -Base $user.DistinguishedName)
    }
}

function Disable-UMMailbox {
    [CmdletBinding()]
    param([Parameter(Mandatory, Position = 0)][string]$Identity, [switch]$Confirm)
    Write-LabCall $MyInvocation.MyCommand.Name $PSBoundParameters
    Invoke-LabDelay $MyInvocation.MyCommand.Name
    $user = Resolve-SingleRecipient $PSCmdlet $Identity
    if (-not $user) { return }
    $flags = [int](Get-LabValue $user 'msExchUMEnabledFlags')
    if (($flags -band 1) -ne 1) { return Write-LabError $PSCmdlet "The user '$Identity' isn't enabled for Unified Messaging." 'UserNotUmEnabledException' InvalidOperation $Identity }
    $changes = [System.Collections.Generic.List[object]]::new()
    $changes.Add((New-LabChange 'msExchUMEnabledFlags' Replace @([string]($flags -band -bnot 1))))
    $eum = @(Get-EumProxies $user)
    if ($eum.Count -gt 0) { $changes.Add((New-LabChange 'proxyAddresses' Delete $eum)) }
    foreach ($attribute in 'msExchUMTemplateLink', 'msExchUMRecipientDialPlanLink', 'msExchUMPinChecksum') {
        if ($user.Attributes.Contains($attribute)) { $changes.Add((New-LabChange $attribute Delete)) }
    }
    if (Invoke-LabWrite $PSCmdlet $Identity { Invoke-LabModify $user.DistinguishedName $changes }) {
        ConvertTo-UMMailboxObject (Get-LabEntry -Base $user.DistinguishedName)
    }
}

#endregion

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

#region Lync OU permissions

# .NET's ACL classes are Windows-only, so the lab edits the DACL as bytes: the [MS-DTYP] layout
# is small, and doing it by hand keeps the lab honest about what Lync's cmdlets write.

function Read-LabDacl([string]$OU) {
    <# The OU's DACL only (SD flags control), as a list of ACE byte arrays plus the control word. #>
    $request = [System.DirectoryServices.Protocols.SearchRequest]::new($OU, '(objectClass=*)', [System.DirectoryServices.Protocols.SearchScope]::Base, [string[]]@('nTSecurityDescriptor'))
    [void]$request.Controls.Add([System.DirectoryServices.Protocols.SecurityDescriptorFlagControl]::new([System.DirectoryServices.Protocols.SecurityMasks]::Dacl))
    $response = [System.DirectoryServices.Protocols.SearchResponse]$script:Lab.Connection.SendRequest($request)
    [byte[]]$sd = $response.Entries[0].Attributes['nTSecurityDescriptor'].GetValues([byte[]])[0]
    $control = [BitConverter]::ToUInt16($sd, 2)
    $daclOffset = [BitConverter]::ToUInt32($sd, 16)
    $aces = [System.Collections.Generic.List[byte[]]]::new()
    if ($daclOffset -gt 0) {
        $count = [BitConverter]::ToUInt16($sd, $daclOffset + 4)
        $at = $daclOffset + 8
        for ($i = 0; $i -lt $count; $i++) {
            $size = [BitConverter]::ToUInt16($sd, $at + 2)
            $aces.Add([byte[]]$sd[$at..($at + $size - 1)])
            $at += $size
        }
    }
    @{ Control = $control; Aces = $aces }
}

function Write-LabDacl([string]$OU, $Dacl) {
    # A DACL-only write carries the explicit entries and the P/AI/AR bits; the DC adds inherited ones.
    $explicit = @($Dacl.Aces | Where-Object { -not ($_[1] -band 0x10) })
    $body = [System.IO.MemoryStream]::new()
    foreach ($ace in $explicit) { $body.Write($ace, 0, $ace.Length) }
    $aclSize = 8 + $body.Length
    $sd = [System.IO.MemoryStream]::new()
    $writer = [System.IO.BinaryWriter]::new($sd)
    $writer.Write([byte]1); $writer.Write([byte]0); $writer.Write([uint16](($Dacl.Control -band 0x1500) -bor 0x8004)) # self-relative, DACL present
    $writer.Write([uint32]0); $writer.Write([uint32]0); $writer.Write([uint32]0); $writer.Write([uint32]20)
    $writer.Write([byte]4); $writer.Write([byte]0); $writer.Write([uint16]$aclSize); $writer.Write([uint16]$explicit.Count); $writer.Write([uint16]0)
    $writer.Write($body.ToArray())
    $change = New-LabChange 'nTSecurityDescriptor' Replace @(, $sd.ToArray())
    $modifications = [System.DirectoryServices.Protocols.DirectoryAttributeModification[]]::new(1)
    $modifications[0] = $change # not @($change): that would unroll the modification into its values
    $request = [System.DirectoryServices.Protocols.ModifyRequest]::new($OU, $modifications)
    [void]$request.Controls.Add([System.DirectoryServices.Protocols.SecurityDescriptorFlagControl]::new([System.DirectoryServices.Protocols.SecurityMasks]::Dacl))
    [void]$script:Lab.Connection.SendRequest($request)
}

function Get-LabGuidBytes([string]$Kind, [string]$Name) {
    if (-not $script:Lab.ContainsKey('Guids')) { $script:Lab.Guids = @{} }
    $key = "$Kind/$Name"
    if (-not $script:Lab.Guids.ContainsKey($key)) { $script:Lab.Guids[$key] = Find-LabGuidBytes $Kind $Name }
    , $script:Lab.Guids[$key]
}

function Find-LabGuidBytes([string]$Kind, [string]$Name) {
    if ($Kind -eq 'schema') {
        $found = @(Find-LabEntries -Base "CN=Schema,$($script:Lab.Configuration)" -Scope OneLevel -Filter "(lDAPDisplayName=$(ConvertTo-LdapFilterValue $Name))" -Attributes @('schemaIDGUID'))
        if ($found.Count -ne 1) { throw "The schema has no $Name." }
        return [byte[]]$found[0].Attributes['schemaIDGUID'].GetValues([byte[]])[0]
    }
    $found = @(Find-LabEntries -Base "CN=Extended-Rights,$($script:Lab.Configuration)" -Scope OneLevel -Filter "(|(cn=$(ConvertTo-LdapFilterValue $Name))(displayName=$(ConvertTo-LdapFilterValue $Name)))" -Attributes @('rightsGuid'))
    if ($found.Count -ne 1) { throw "The forest has no $Name right." }
    [guid]::Parse((Get-LabValue $found[0] 'rightsGuid')).ToByteArray()
}

function Get-LabOuRecipe([string[]]$ObjectType) {
    <# The access entries Grant-CsOUPermission adds for these types, as ACE bytes, resolved against the forest. #>
    if (-not $script:Lab.OuRecipesFile -or -not (Test-Path -LiteralPath $script:Lab.OuRecipesFile)) { throw 'The lab has no OU permission recipes; run the lab up again.' }
    $recipes = Get-Content -LiteralPath $script:Lab.OuRecipesFile -Raw | ConvertFrom-Json -AsHashtable
    $sids = @{}
    $seen = [System.Collections.Generic.HashSet[string]]::new()
    foreach ($type in $ObjectType) {
        if (-not $recipes.ContainsKey($type)) { throw "ObjectType '$type' is not valid. Use User, Computer, Contact, AppContact, InetOrgPerson or Device." }
        foreach ($entry in $recipes[$type]) {
            if (-not $sids.ContainsKey($entry.trustee)) {
                $group = @(Find-LabEntries -Base $script:Lab.Domain -Filter "(&(objectClass=group)(sAMAccountName=$(ConvertTo-LdapFilterValue $entry.trustee)))" -Attributes @('objectSid'))
                if ($group.Count -ne 1) { throw "The group $($entry.trustee) does not exist; run Enable-CsAdDomain first." }
                $sids[$entry.trustee] = [byte[]]$group[0].Attributes['objectSid'].GetValues([byte[]])[0]
            }
            # Typed, so the byte arrays are not unrolled into object arrays on the way.
            [byte[]]$object = if ($entry.targetKind) { Get-LabGuidBytes $entry.targetKind $entry.targetName } else { $null }
            [byte[]]$inherited = if ($entry.inheritedClass) { Get-LabGuidBytes 'schema' $entry.inheritedClass } else { $null }
            $flags = switch ($entry.appliesTo) { 'ou' { 0 } 'ou-and-sub-ous' { 0x02 } default { 0x0A } }
            $body = [System.IO.MemoryStream]::new()
            $writer = [System.IO.BinaryWriter]::new($body)
            $writer.Write([uint32]$entry.mask)
            if ($object -or $inherited) {
                $writer.Write([uint32]($(if ($object) { 1 } else { 0 }) -bor $(if ($inherited) { 2 } else { 0 })))
                if ($object) { $writer.Write($object) }
                if ($inherited) { $writer.Write($inherited) }
            }
            $writer.Write($sids[$entry.trustee])
            $payload = $body.ToArray()
            $type0 = if ($object -or $inherited) { 5 } else { 0 }
            $ace = [byte[]]@($type0, $flags) + [BitConverter]::GetBytes([uint16](4 + $payload.Length)) + $payload
            if ($seen.Add([Convert]::ToBase64String($ace))) { Write-Output -NoEnumerate $ace }
        }
    }
}

function Test-LabAcePresent($Dacl, [byte[]]$Ace) {
    <# Present as an explicit entry, or (for an inheritable one) as its inherited copy. #>
    $inherited = [byte[]]$Ace.Clone(); $inherited[1] = $inherited[1] -bor 0x10
    $a = [Convert]::ToBase64String($Ace); $b = [Convert]::ToBase64String($inherited)
    foreach ($existing in $Dacl.Aces) {
        $e = [Convert]::ToBase64String($existing)
        if ($e -eq $a -or (($Ace[1] -band 0x02) -and $e -eq $b)) { return $true }
    }
    $false
}

function Assert-LabOuTypes($Cmdlet, [string[]]$ObjectType) {
    if ($ObjectType.Count -gt 3) { Write-LabError $Cmdlet 'ObjectType accepts at most three values.' 'TooManyObjectTypes' InvalidArgument $ObjectType; return $false }
    $true
}

function Open-LabOuDacl($Cmdlet, [string]$OU, [string[]]$ObjectType) {
    <# The checks Grant- and Revoke-CsOUPermission share, then the OU's DACL; $null after reporting an error. #>
    if (-not (Assert-LabOuTypes $Cmdlet $ObjectType)) { return $null }
    if (-not (Get-LabEntry -Base $OU -Attributes @('ou'))) { Write-LabError $Cmdlet "The organizational unit '$OU' was not found." 'OrganizationalUnitNotFound' ObjectNotFound $OU; return $null }
    Read-LabDacl $OU
}

function Grant-CsOUPermission {
    [CmdletBinding()]
    param([Parameter(Mandatory)][string]$OU, [Parameter(Mandatory)][string[]]$ObjectType, [string]$Domain)
    Write-LabCall $MyInvocation.MyCommand.Name $PSBoundParameters
    Invoke-LabDelay $MyInvocation.MyCommand.Name
    $dacl = Open-LabOuDacl $PSCmdlet $OU $ObjectType
    if (-not $dacl) { return }
    $added = 0
    $firstInherited = 0
    while ($firstInherited -lt $dacl.Aces.Count -and -not ($dacl.Aces[$firstInherited][1] -band 0x10)) { $firstInherited++ }
    foreach ($ace in Get-LabOuRecipe $ObjectType) {
        if (Test-LabAcePresent $dacl $ace) { continue }
        # Explicit allows go after the explicit entries and before the inherited ones (canonical order).
        $dacl.Aces.Insert($firstInherited, $ace); $firstInherited++; $added++
    }
    if ($added -gt 0) { [void](Invoke-LabWrite $PSCmdlet $OU { Write-LabDacl $OU $dacl }) }
}

function Revoke-CsOUPermission {
    [CmdletBinding()]
    param([Parameter(Mandatory)][string]$OU, [Parameter(Mandatory)][string[]]$ObjectType, [string]$Domain)
    Write-LabCall $MyInvocation.MyCommand.Name $PSBoundParameters
    Invoke-LabDelay $MyInvocation.MyCommand.Name
    $dacl = Open-LabOuDacl $PSCmdlet $OU $ObjectType
    if (-not $dacl) { return }
    $revoke = [System.Collections.Generic.HashSet[string]]::new()
    foreach ($ace in Get-LabOuRecipe $ObjectType) { [void]$revoke.Add([Convert]::ToBase64String($ace)) }
    # Entries other still-granted types need stay (the entries on the OU itself are shared).
    $others = @('User', 'Computer', 'Contact', 'AppContact', 'InetOrgPerson', 'Device') | Where-Object { $ObjectType -notcontains $_ }
    foreach ($other in $others) {
        $recipe = @(Get-LabOuRecipe @($other))
        $distinct = @($recipe | Where-Object { -not $revoke.Contains([Convert]::ToBase64String($_)) })
        $granted = @($recipe | Where-Object { -not (Test-LabAcePresent $dacl $_) }).Count -eq 0
        if ($granted -and $distinct.Count -gt 0) { foreach ($ace in $recipe) { [void]$revoke.Remove([Convert]::ToBase64String($ace)) } }
    }
    $kept = [System.Collections.Generic.List[byte[]]]::new()
    foreach ($ace in $dacl.Aces) { if (-not $revoke.Contains([Convert]::ToBase64String($ace))) { $kept.Add($ace) } }
    if ($kept.Count -ne $dacl.Aces.Count) {
        $dacl.Aces = $kept
        [void](Invoke-LabWrite $PSCmdlet $OU { Write-LabDacl $OU $dacl })
    }
}

function Test-CsOUPermission {
    [CmdletBinding()]
    param([Parameter(Mandatory)][string]$OU, [Parameter(Mandatory)][string[]]$ObjectType, [string]$Domain)
    Write-LabCall $MyInvocation.MyCommand.Name $PSBoundParameters
    if (-not (Assert-LabOuTypes $PSCmdlet $ObjectType)) { return }
    $dacl = Read-LabDacl $OU
    @(Get-LabOuRecipe $ObjectType | Where-Object { -not (Test-LabAcePresent $dacl $_) }).Count -eq 0
}

#endregion

Export-ModuleMember -Function Connect-UmLab, Get-UMDialPlan, Get-UMMailboxPolicy, Get-UMIPGateway, Get-UMHuntGroup, Get-UMAutoAttendant, Get-UMMailbox,
    Enable-UMMailbox, Disable-UMMailbox, New-UMIPGateway, Set-UMIPGateway, New-UMHuntGroup, Get-CsPool, Get-CsDialPlan,
    New-CsExUmContact, Get-CsExUmContact, Set-CsExUmContact, Move-CsExUmContact, Remove-CsExUmContact,
    Grant-CsOUPermission, Revoke-CsOUPermission, Test-CsOUPermission
