# UmLab plumbing: the LDAP connection, the call log, lookups and error records every part uses.

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
        [string]$ExchangeStateFile,
        # The Exchange server this session stands in for, and the lab's endpoints directory
        # (realistic mode, outages, budgets: Exchange.Throttling.ps1). Without them, no server rules.
        [string]$ExchangeServer,
        [string]$EndpointsDirectory
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
    $script:Lab = @{ Connection = $connection; CallLog = $CallLog; CmsFile = $CmsFile; ExchangeStateFile = $ExchangeStateFile; Server = $Server; ExchangeServer = $ExchangeServer; EndpointsDirectory = $EndpointsDirectory; User = $Credential.UserName }
    if ($ExchangeServer -and $EndpointsDirectory) { Enter-LabExchangeSession $Credential.UserName }
    else { $script:Lab.ExchangeServer = $null }
    $root = Get-LabEntry -Base '' -Scope Base -Attributes @('defaultNamingContext', 'configurationNamingContext', 'dnsHostName')
    $script:Lab.Domain = Get-LabValue $root 'defaultNamingContext'
    $script:Lab.Configuration = Get-LabValue $root 'configurationNamingContext'
    $script:Lab.DcName = Get-LabValue $root 'dnsHostName'
    $org = @(Find-LabEntries -Base "CN=Microsoft Exchange,CN=Services,$($script:Lab.Configuration)" -Filter '(objectClass=msExchOrganizationContainer)' -Scope OneLevel -Attributes @('cn'))
    $script:Lab.Organization = if ($org.Count -gt 0) { $org[0].DistinguishedName } else { $null }
    # As an Exchange session holds only what the account's RBAC roles grant (Exchange.Rbac.ps1).
    Limit-LabSessionToRoles $PSCmdlet.SessionState $Credential.UserName
}

function Write-LabCall {
    <# Every cmdlet starts here. A call the server refuses (down, or over the user's budget) never
       reaches the cmdlet, so it is not logged: the log holds what ran. #>
    param([string]$Cmdlet, [System.Collections.IDictionary]$Parameters)
    # 'Lab:…' records are what a cmdlet did (e.g. a welcome message), not calls of their own.
    if (-not $Cmdlet.StartsWith('Lab:')) { Assert-LabExchangeAnswers $Cmdlet }
    if (-not $script:Lab -or -not $script:Lab.CallLog) { return }
    $recorded = [ordered]@{}
    foreach ($key in $Parameters.Keys) {
        $value = $Parameters[$key]
        if ($key -eq 'PIN' -and $null -ne $value) { $recorded[$key] = "<redacted length=$(([string]$value).Length)>" }
        elseif ($value -is [System.Management.Automation.SwitchParameter]) { $recorded[$key] = $value.IsPresent }
        elseif ($value -is [securestring]) { $recorded[$key] = '<secure>' }
        else { $recorded[$key] = $value }
    }
    $entry = [ordered]@{ time = [DateTime]::UtcNow.ToString('o'); cmdlet = $Cmdlet; parameters = $recorded }
    # The Exchange server the session stands in for, when it names one.
    if ($script:Lab.ExchangeServer) { $entry.server = $script:Lab.ExchangeServer }
    $line = $entry | ConvertTo-Json -Compress -Depth 6
    # Many sessions append at once: .NET appends by seeking to the end, so two processes could
    # write over each other's line; one at a time under a lock file.
    $path = $script:Lab.CallLog
    Invoke-LabLocked "$path.lock" { [System.IO.File]::AppendAllText($path, $line + "`n", [System.Text.UTF8Encoding]::new($false)) }
}

function Invoke-LabLocked([string]$LockFile, [scriptblock]$Action) {
    <# Runs $Action while holding $LockFile open exclusively (which .NET turns into flock on Linux):
       one of the lab's pwsh processes at a time. #>
    $lock = $null
    for ($i = 0; -not $lock; $i++) {
        try { $lock = [System.IO.File]::Open($LockFile, 'OpenOrCreate', 'ReadWrite', 'None') }
        catch [System.IO.IOException] { if ($i -gt 2000) { throw }; Start-Sleep -Milliseconds 5 }
    }
    try { & $Action } finally { $lock.Dispose() }
}

function Invoke-LabDelay([string]$Cmdlet) {
    # Test hook: UMLAB_DELAY="Get-UMDialPlan=3000;…" makes a cmdlet hang like a slow Exchange
    # server, so timeouts, cancel and a session dying mid-call can be tested. Realistic mode adds
    # the server's own latency (Exchange.Throttling.ps1).
    $latency = Get-LabLatency $Cmdlet
    if ($latency -gt 0) { Start-Sleep -Milliseconds $latency }
    $spec = [Environment]::GetEnvironmentVariable('UMLAB_DELAY')
    if (-not $spec) { return }
    foreach ($part in $spec.Split(';')) {
        $name, $ms = $part.Split('=', 2)
        if ($name -eq $Cmdlet -and $ms -match '^\d+$') { Start-Sleep -Milliseconds ([int]$ms) }
    }
}

function Get-LabResultLimit([string]$ResultSize) {
    <# -ResultSize as the Get- cmdlets take it: a number, or Unlimited. #>
    if ($ResultSize -eq 'Unlimited') { [int]::MaxValue } else { [int]$ResultSize }
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

function Test-LabSmtpAddress([string]$Value) {
    <# user@domain as Exchange's SmtpAddress.IsValidSmtpAddress takes it for UM: a dot-atom local part and a host name [S11 IsUriValid(SipName)]. #>
    $atom = '[A-Za-z0-9!#$%&''*+/=?^_`{|}~-]+'
    $label = '[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?'
    $Value.Length -le 320 -and $Value -cmatch "^$atom(?:\.$atom)*@$label(?:\.$label)*$"
}

function Get-LabDomainNames {
    <# The lab domain's NetBIOS and DNS names, for DOMAIN\user and canonical names (read once). #>
    if (-not $script:Lab.ContainsKey('DomainNames')) {
        $partitions = "CN=Partitions,$($script:Lab.Configuration)"
        $ref = @(Find-LabEntries -Base $partitions -Filter "(&(objectClass=crossRef)(nCName=$(ConvertTo-LdapFilterValue $script:Lab.Domain)))" -Scope OneLevel -Attributes @('nETBIOSName', 'dnsRoot'))
        $dns = (@(Split-LabDn $script:Lab.Domain | ForEach-Object { $_.Value }) -join '.')
        $script:Lab.DomainNames = @{ NetBios = if ($ref.Count) { Get-LabValue $ref[0] 'nETBIOSName' } else { $null }; Dns = $dns }
    }
    $script:Lab.DomainNames
}

function Split-LabDn([string]$DistinguishedName) {
    <# The RDNs of a DN, values unescaped: @{ Type; Value } each. #>
    foreach ($part in ($DistinguishedName -split '(?<!\\),')) {
        $type, $value = $part.Split('=', 2)
        @{ Type = $type.Trim(); Value = ($value -replace '\\(.)', '$1').Trim() }
    }
}

function Get-LabCanonicalName([string]$DistinguishedName) {
    <# contoso.test/Lab/Users/u00001, as AD writes canonicalName. #>
    $rdns = @(Split-LabDn $DistinguishedName)
    $domain = ($rdns | Where-Object { $_.Type -eq 'DC' } | ForEach-Object { $_.Value }) -join '.'
    $path = @($rdns | Where-Object { $_.Type -ne 'DC' } | ForEach-Object { $_.Value })
    [array]::Reverse($path)
    (@($domain) + $path) -join '/'
}

function Resolve-LabRecipient {
    <#
    -Identity as the documentation lists it [S14]: Name, Alias, DN, canonical DN, Domain\Username,
    e-mail address, GUID, LegacyExchangeDN, SamAccountName, UPN — never the display name (Exchange
    2013's code still ORs DisplayName in, [S11 RecipientIdParameter]; the lab follows the
    documentation, as the console does). The phases are Exchange's [S11]: DN, GUID or canonical
    name; then e-mail (SMTP proxy), UPN, LegacyExchangeDN, X500 proxy and alias together; then the
    name; then the account name. The first phase that finds anything decides; a mailbox identity
    keeps the mailboxes of that phase when there are any.
    #>
    param([string]$Identity)
    $attributes = @('cn', 'name', 'displayName', 'sAMAccountName', 'userPrincipalName', 'mail', 'mailNickname', 'legacyExchangeDN', 'objectGUID', 'proxyAddresses', 'telephoneNumber', 'msExchMailboxGuid', 'msExchUMEnabledFlags',
        'msExchUMTemplateLink', 'msExchUMRecipientDialPlanLink', 'msRTCSIP-PrimaryUserAddress', 'msRTCSIP-Line', 'givenName', 'sn', 'msExchUCVoiceMailSettings', 'objectClass')
    if (-not $Identity) { return @() }
    if ($Identity -match '^(?i)(CN|OU)=.+,DC=') {
        try { return @(Find-LabEntries -Base $Identity -Scope Base -Filter '(&(objectClass=user)(objectCategory=person))' -Attributes $attributes) }
        catch [System.DirectoryServices.Protocols.DirectoryOperationException] { return @() }
    }
    $value = ConvertTo-LdapFilterValue $Identity
    $terms = [System.Collections.Generic.List[string]]@("(userPrincipalName=$value)", "(mailNickname=$value)", "(name=$value)", "(sAMAccountName=$value)")
    $guid = [guid]::Empty
    $isGuid = [guid]::TryParse($Identity, [ref]$guid)
    if ($isGuid) { $terms.Add("(objectGUID=$(-join ($guid.ToByteArray() | ForEach-Object { '\{0:x2}' -f $_ })))") }
    $isSmtp = Test-LabSmtpAddress $Identity
    if ($isSmtp) { $terms.Add("(proxyAddresses=smtp:$value)"); $terms.Add("(mail=$value)") }
    if ($Identity.StartsWith('/')) { $terms.Add("(legacyExchangeDN=$value)"); $terms.Add("(proxyAddresses=x500:$value)") }
    $isCanonical = $Identity -match '^[^/\\@\s]+\.[^/\\@\s]+/.+'
    if ($isCanonical) { $terms.Add("(name=$(ConvertTo-LdapFilterValue $Identity.Split('/')[-1]))") }
    $account = if ($Identity -match '^(?<domain>[^\\]+)\\(?<user>[^\\]+)$') { @{ Domain = $Matches.domain; User = $Matches.user } } else { $null }
    if ($account) { $terms.Add("(sAMAccountName=$(ConvertTo-LdapFilterValue $account.User))") }
    $candidates = @(Find-LabEntries -Base $script:Lab.Domain -Filter "(&(objectClass=user)(objectCategory=person)(|$(-join $terms)))" -Attributes $attributes)

    $eq = { param($a) $null -ne $a -and [string]::Equals([string]$a, $Identity, [StringComparison]::OrdinalIgnoreCase) }
    $proxyIs = { param($entry, $prefix) @(Get-LabValues $entry 'proxyAddresses' | Where-Object { $_ -match "^(?i)$($prefix):" -and (& $eq $_.Substring($prefix.Length + 1)) }).Count -gt 0 }
    $names = Get-LabDomainNames
    $phases = @(
        { param($e) ($isGuid -and ([guid]::new([byte[]]$e.Attributes['objectGUID'].GetValues([byte[]])[0]) -eq $guid)) -or ($isCanonical -and (& $eq (Get-LabCanonicalName $e.DistinguishedName))) },
        { param($e) ($isSmtp -and ((& $eq (Get-LabValue $e 'mail')) -or (& $proxyIs $e 'smtp'))) -or (& $eq (Get-LabValue $e 'userPrincipalName')) -or
            ($Identity.StartsWith('/') -and ((& $eq (Get-LabValue $e 'legacyExchangeDN')) -or (& $proxyIs $e 'x500'))) -or (& $eq (Get-LabValue $e 'mailNickname')) },
        { param($e) & $eq (Get-LabValue $e 'name') },
        { param($e) (& $eq (Get-LabValue $e 'sAMAccountName')) -or ($account -and [string]::Equals((Get-LabValue $e 'sAMAccountName'), $account.User, [StringComparison]::OrdinalIgnoreCase) -and
            ($account.Domain -eq $names.NetBios -or $account.Domain -eq $names.Dns)) }
    )
    foreach ($phase in $phases) {
        $found = @($candidates | Where-Object { & $phase $_ })
        if ($found.Count -gt 0) {
            $mailboxes = @($found | Where-Object { $_.Attributes.Contains('msExchMailboxGuid') })
            if ($mailboxes.Count -gt 0) { return $mailboxes }
            return $found
        }
    }
    @()
}

function Resolve-SingleRecipient {
    <# One recipient for -Identity, or Exchange's not-found / ambiguous error [S11]. #>
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

function Read-LabStateFile([string]$Path) {
    <# One of the files standing in for what the products keep outside AD (Lync's CMS, servers' certificate stores). #>
    if (-not $Path -or -not (Test-Path -LiteralPath $Path)) { return $null }
    Get-Content -LiteralPath $Path -Raw -Encoding utf8 | ConvertFrom-Json
}
