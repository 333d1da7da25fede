# UmLab: Exchange UM mailboxes (Get-, Enable-, Disable-UMMailbox) and the rules the UM mailbox cmdlets share.

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
    <# Get-UMMailbox [S30]; -Identity resolved as Enable-UMMailbox resolves it [S14]. #>
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
    $limit = Get-LabResultLimit $ResultSize
    $all = @(Find-LabEntries -Base $script:Lab.Domain -Filter '(&(objectClass=user)(msExchUMEnabledFlags:1.2.840.113556.1.4.803:=1))' -Attributes @('*'))
    $shown = [Math]::Min($limit, $all.Count)
    for ($i = 0; $i -lt $shown; $i++) {
        if ($i % 50 -eq 0) { Write-Progress -Activity 'Get-UMMailbox' -Status "Reading UM mailboxes ($i of $shown)" -PercentComplete ([int](100 * $i / [Math]::Max(1, $shown))) }
        ConvertTo-UMMailboxObject $all[$i]
    }
    if ($all.Count -gt $limit) { Write-Warning 'There are more results available than are currently displayed. To view them, increase the value for the ResultSize parameter.' }
}

function Find-EumHolder {
    <#
    Who else holds this EUM address in one of the phone contexts (the plan's and its equivalents'):
    Exchange's LookupByExtensionAndEquivalentDialPlan, then "another user" by primary SMTP address [S11 IsPhoneNumberRegistered].
    #>
    param([string]$Address, [string[]]$Contexts, $User)
    foreach ($context in $Contexts) {
        $value = ConvertTo-LdapFilterValue "eum:$Address;phone-context=$context"
        $holders = @(Find-LabEntries -Base $script:Lab.Domain -Filter "(proxyAddresses=$value)" -Attributes @('cn', 'mail') | Where-Object { $_.DistinguishedName -ne $User.DistinguishedName -and (Get-LabValue $_ 'mail') -ne (Get-LabValue $User 'mail') })
        if ($holders.Count -gt 0) { return $holders[0] }
    }
    $null
}

function Get-LabPilotNumbers {
    <# The PilotIdentifierList of every dial plan and the pilot numbers of every auto attendant [S11 IsPhoneNumberPilotNumberInAnyAAOrDP]. #>
    $numbers = @()
    foreach ($plan in Find-LabEntries -Base (Get-UmContainer 'UM DialPlan Container') -Filter '(objectClass=msExchUMDialPlan)' -Scope OneLevel -Attributes @('msExchUMDialPlanDialedNumbers')) { $numbers += @(Get-LabValues $plan 'msExchUMDialPlanDialedNumbers') }
    foreach ($aa in Find-LabEntries -Base (Get-UmContainer 'UM AutoAttendant Container') -Filter '(objectClass=msExchUMAutoAttendant)' -Scope OneLevel -Attributes @('msExchUMAutoAttendantDialedNumbers')) { $numbers += @(Get-LabValues $aa 'msExchUMAutoAttendantDialedNumbers') }
    $numbers
}

function Test-PhoneNumberRegistered {
    <#
    Exchange's IsPhoneNumberRegistered [S11]: an E.164-shaped number (+digits) equal to a pilot
    number of any dial plan or auto attendant, then the number held by another recipient in the
    plan's phone contexts. Returns @(ErrorId, Message) or $null. Only exact E.164 equality counts:
    an extension equal to a pilot's last digits is accepted.
    #>
    param([string]$Number, $Plan, [string[]]$Contexts, $User)
    $planName = Get-LabValue $Plan 'cn'
    if ($Number -match '^\+\d+$' -and (@(Get-LabPilotNumbers) -contains $Number)) {
        return @('ExtensionAlreadyUsedAsPilotNumberException', "Extension $Number is already assigned as a pilot number to dial plan $planName or to one of its auto attendants.")
    }
    if (Find-EumHolder $Number $Contexts $User) {
        return @('ExtensionNotUniqueException', "Extension $Number is already assigned to another user on dial plan $planName or on an equivalent dial plan.")
    }
    $null
}

function Find-SipUriHolder {
    <#
    Who holds a SIP URI identifier, forest-wide and in any phone context: `eum:<sri>;phone-context=…`
    (LookupByEumSipResourceIdentifierPrefix, which refuses more than one holder), else `sip:<sri>`
    (LookupBySipExtension) [S11]. Returns @{ Entry } or @{ Ambiguous }.
    #>
    param([string]$Sri)
    $prefix = "$(ConvertTo-LdapFilterValue "eum:$Sri;phone-context=")*"
    $eum = @(Find-LabEntries -Base $script:Lab.Domain -Filter "(proxyAddresses=$prefix)" -Attributes @('cn'))
    if ($eum.Count -gt 1) { return @{ Ambiguous = $true } }
    if ($eum.Count -eq 1) { return @{ Entry = $eum[0] } }
    $sip = @(Find-LabEntries -Base $script:Lab.Domain -Filter "(proxyAddresses=$(ConvertTo-LdapFilterValue "sip:$Sri"))" -Attributes @('cn'))
    if ($sip.Count -gt 0) { return @{ Entry = $sip[0] } }
    $null
}

function Test-LabWeakPin {
    <#
    Exchange's UmPasswordManager.IsWeak [S11], in its order: shorter than MinPINLength; not only
    digits; one step of 0, +1 or -1 through the whole PIN (repeated or consecutive) unless the
    policy allows common patterns; the end of the mailbox's primary UM address (the SIP resource
    identifier when there is one, else the first extension). Longer than 24 digits is refused as
    the documentation says [S12].
    #>
    param([string]$Pin, [int]$MinLength, [bool]$AllowCommonPatterns, [string]$PrimaryAddress)
    if ($Pin.Length -lt $MinLength -or $Pin.Length -gt 24) { return $true }
    if ($Pin -notmatch '^[0-9]+$') { return $true }
    if ($Pin.Length -ge 2 -and -not $AllowCommonPatterns) {
        $step = [int]$Pin[1] - [int]$Pin[0]
        $same = $true
        for ($i = 2; $i -lt $Pin.Length; $i++) { if (([int]$Pin[$i] - [int]$Pin[$i - 1]) -ne $step) { $same = $false; break } }
        if ($same -and $step -in -1, 0, 1) { return $true }
    }
    if ($PrimaryAddress -and $Pin.Length -le $PrimaryAddress.Length -and $PrimaryAddress.EndsWith($Pin, [StringComparison]::Ordinal)) { return $true }
    $false
}

function Get-WeakPinMessage {
    <# Exchange's text for a refused PIN, by the policy's PINHistoryCount and AllowCommonPatterns [S11 UMMailboxTask.CreateWeakPinException]. #>
    param([int]$MinLength, [int]$HistoryCount, [bool]$AllowCommonPatterns)
    $text = switch ($HistoryCount) {
        0 { "The PIN you entered isn't valid. Your PIN must contain only numbers, and must be at least $MinLength digits long." }
        1 { "The PIN you entered isn't valid. Your PIN must contain only numbers, and must be at least $MinLength digits long. It can't be the same as your previous PIN." }
        default { "The PIN you entered is not valid. Your PIN must contain only numbers, and must be at least $MinLength digits long. It cannot be one of your previous $HistoryCount PINs." }
    }
    if (-not $AllowCommonPatterns) { $text += " Finally, it can't include only a single repeated number, can't include only consecutive numbers, and can't be the same as your phone number." }
    $text
}

function Get-LabDialPlanRules {
    <# What the UM cmdlets read from a dial plan [S11]: URI type, extension digits, phone contexts (its own and its equivalents'), SipResourceIdentifierRequired. #>
    param($Plan)
    $context = Get-LabValue $Plan 'msExchUMPhoneContext'
    # SipResourceIdentifierRequired: bit 4 of msExchUMDialPlanFlags2, stored default -1 [S11].
    $flags2 = Get-LabValue $Plan 'msExchUMDialPlanFlags2'
    @{
        Entry       = $Plan
        Name        = Get-LabValue $Plan 'cn'
        UriType     = $script:UriTypes[[int](Get-LabValue $Plan 'msExchUMDialPlanURIType')]
        Digits      = [int](Get-LabValue $Plan 'msExchUMNumberingPlanDigits')
        Context     = $context
        Contexts    = @($context) + @(Get-LabValues $Plan 'msExchUMEquivalentDialPlanPhoneContexts')
        SriRequired = if ($null -eq $flags2) { $true } else { ([int]$flags2 -band 16) -ne 0 }
    }
}

function Find-LabUmPolicy {
    <# -UMMailboxPolicy and its dial plan [S11]: @{ Policy; Plan } or $null after Exchange's error. #>
    param($Cmdlet, [string]$Identity, [string]$UMMailboxPolicy)
    $policy = @(Find-UmObject 'UM Mailbox Policies' 'msExchUMRecipientTemplate' $UMMailboxPolicy)
    if ($policy.Count -eq 0) { Write-LabError $Cmdlet "The Microsoft Exchange Unified Messaging service on the Mailbox server can't find the UM mailbox policy with ID '$UMMailboxPolicy'." 'UMMailboxPolicyNotFound' ObjectNotFound $Identity; return $null }
    if ($policy.Count -gt 1) { Write-LabError $Cmdlet "Multiple UM policies exist for the policy ID $UMMailboxPolicy." 'MultipleUMMailboxPolicyWithSameId' InvalidArgument $Identity; return $null }
    $planDn = Get-LabValue $policy[0] 'msExchUMMailboxPolicyDialPlanLink'
    $plan = if ($planDn) { Get-LabEntry -Base $planDn } else { $null }
    if (-not $plan) { Write-LabError $Cmdlet "The UM mailbox policy '$UMMailboxPolicy' refers to a dial plan that doesn't exist." 'UMDialPlanNotFound' ObjectNotFound $Identity; return $null }
    @{ Policy = $policy[0]; Plan = Get-LabDialPlanRules $plan }
}

function Test-LabUmAddresses {
    <#
    A mailbox's UM addresses on a dial plan, as Exchange checks them [S11
    ValidateExtensionsAndSipResourceIdentifier, IsPhoneNumberRegistered]: by URI type, each
    extension exactly N digits and given once, none a pilot number or held by another recipient in
    the plan's phone contexts, a SIP URI identifier unique forest-wide. @(ErrorId, Message) or $null.
    #>
    param($User, $Plan, [string]$Sri, [string[]]$Numbers)
    $needExtension = 'An extension number can''t be generated for the user. To configure an extension number, use the -Extensions parameter with one or more valid extension numbers.'
    switch ($Plan.UriType) {
        'TelExtn' {
            if (-not [string]::IsNullOrEmpty($Sri)) { return @('SIPResourceIdNotNeededException', 'The SIP resource identifier shouldn''t be specified for the type of dial plan that''s associated with this mailbox policy.') }
            if ($Numbers.Count -eq 0) { return @('CouldNotGenerateExtensionException', $needExtension) }
        }
        'E164' {
            if ([string]::IsNullOrEmpty($Sri) -and $Plan.SriRequired) { return @('E164ResourceIdNeededException', 'An E.164 (example: +14255550198) telephone number must be specified.') }
            if ($Numbers.Count -eq 0) { return @('CouldNotGenerateExtensionException', $needExtension) }
            if ($Sri -and $Sri -notmatch '^\+\d+$') { return @('InvalidE164ResourceIdException', 'The format of the specified SIP resource identifier isn''t valid. Example of a valid format: +14255550198.') }
        }
        'SipName' {
            if ([string]::IsNullOrEmpty($Sri) -or $Numbers.Count -eq 0) { return @('SipResourceIdAndExtensionsNeededException', 'You need to specify a SIP resource identifier (for example, tony@contoso.com). Extensions can''t be set to null or be empty.') }
            if (-not (Test-LabSmtpAddress $Sri)) { return @('InvalidSipNameResourceIdException', 'The format of the SIP resource identifier that you specified isn''t valid. Use the format in the following example: tony@contoso.com.') }
        }
    }
    if (@($Numbers | Select-Object -Unique).Count -ne $Numbers.Count) { return @('DuplicateExtension', 'The same extension was given more than once.') }
    foreach ($extension in $Numbers) {
        if ($extension.Length -ne $Plan.Digits -or $extension -notmatch '^[0-9]+$') { return @('InvalidExtensionException', "$extension is not a valid extension or phone number. It should be a number composed of $($Plan.Digits) digits.") }
        $registered = Test-PhoneNumberRegistered $extension $Plan.Entry $Plan.Contexts $User
        if ($registered) { return $registered }
    }
    if ([string]::IsNullOrEmpty($Sri)) { return $null }
    if ($Plan.UriType -ne 'SipName') { return Test-PhoneNumberRegistered $Sri $Plan.Entry $Plan.Contexts $User }
    # Unique in any phone context, forest-wide, and not another recipient's sip: address [S11].
    $holder = Find-SipUriHolder $Sri
    if ($holder -and $holder.ContainsKey('Ambiguous')) { return @('NonUniqueRecipientException', "Multiple objects with e-mail address $Sri were found.") }
    if ($holder -and $holder.Entry.DistinguishedName -ne $User.DistinguishedName) { return @('SipUriAlreadyRegisteredException', "The SIP URI '$Sri' is already assigned to user '$(Get-LabValue $holder.Entry 'cn')'.") }
    $null
}

function ConvertTo-LabEumProxies {
    <# The identifier first, as the primary EUM address, then the extensions [S11 Utils.UMPopulate]. #>
    param([string]$Sri, [string[]]$Numbers, [string]$Context)
    $first = $true
    foreach ($address in @(@($Sri) + $Numbers | Where-Object { $_ })) {
        "$(if ($first) { 'EUM' } else { 'eum' }):$address;phone-context=$Context"
        $first = $false
    }
}

function Get-LabPinRules {
    <#
    A UM mailbox policy's PIN rules: MinPINLength [S13], AllowCommonPatterns (stored without
    inversion [S11][S22]), PINHistoryCount, "the number of previous PINs that are remembered and
    aren't allowed during a PIN reset", default 5 [S67]. A MinPINLength below 4 is read as 6 (the lab's reading).
    #>
    param($Policy)
    $minLength = [int](Get-LabValue $Policy 'msExchUMPinPolicyMinPasswordLength')
    $history = Get-LabValue $Policy 'msExchUMPinPolicyNumberOfPreviousPasswordsDisallowed'
    @{
        MinLength   = if ($minLength -lt 4) { 6 } else { $minLength }
        AllowCommon = ([int](Get-LabValue $Policy 'msExchUMPinPolicyDisallowCommonPatterns')) -eq 1
        History     = if ($null -eq $history) { 5 } else { [int]$history }
    }
}

function Test-LabPin {
    <# A PIN against the policy [S11 UmPasswordManager.IsWeak][S12][S13] and the PINs it remembers [S67]: @(ErrorId, Message) or $null. #>
    param([string]$Pin, $Rules, [string]$PrimaryAddress, [string[]]$PreviousHashes = @())
    $reused = @($PreviousHashes | Where-Object { Test-LabPinHash $Pin $_ }).Count -gt 0
    if ($reused -or (Test-LabWeakPin $Pin $Rules.MinLength $Rules.AllowCommon $PrimaryAddress)) { return @('WeakPinException', (Get-WeakPinMessage $Rules.MinLength $Rules.History $Rules.AllowCommon)) }
    $null
}

function New-LabPin {
    <# A generated PIN of MinPINLength digits that the policy accepts [S12]. #>
    param($Rules, [string]$PrimaryAddress)
    while ($true) {
        $candidate = -join (1..$Rules.MinLength | ForEach-Object { Get-Random -Minimum 0 -Maximum 10 })
        if (-not (Test-LabWeakPin $candidate $Rules.MinLength $Rules.AllowCommon $PrimaryAddress)) { return $candidate }
    }
}

function New-LabPinHash([string]$Pin) {
    $salt = [byte[]]::new(16); [System.Security.Cryptography.RandomNumberGenerator]::Fill($salt)
    $hash = [System.Security.Cryptography.SHA256]::HashData([byte[]]($salt + [System.Text.Encoding]::UTF8.GetBytes($Pin)))
    "$([Convert]::ToBase64String($salt)):$([Convert]::ToBase64String($hash))"
}

function Test-LabPinHash([string]$Pin, [string]$SaltedHash) {
    $salt, $hash = $SaltedHash.Split(':', 2)
    $computed = [System.Security.Cryptography.SHA256]::HashData([byte[]]([Convert]::FromBase64String($salt) + [System.Text.Encoding]::UTF8.GetBytes($Pin)))
    [Convert]::ToBase64String($computed) -eq $hash
}

function ConvertTo-LabPinChecksum {
    <#
    msExchUMPinChecksum in the lab's own format (Exchange's is not published): salted SHA-256 hashes
    of the PIN and the previous ones, newest first, and the facts Get-UMMailboxPin reports. Never the PIN.
    #>
    param([string[]]$Hashes, [bool]$Expired, [bool]$LockedOut)
    $text = "umlab-pin;expired=$($Expired.ToString().ToLowerInvariant());lockedOut=$($LockedOut.ToString().ToLowerInvariant());hashes=$($Hashes -join ',')"
    Write-Output -NoEnumerate ([System.Text.Encoding]::UTF8.GetBytes($text))
}

function Read-LabPinState($User) {
    <# What the lab's checksum holds for a mailbox: @{ Expired; LockedOut; Hashes }, or $null without one. #>
    $entry = Get-LabEntry -Base $User.DistinguishedName -Attributes @('msExchUMPinChecksum')
    if (-not $entry -or -not $entry.Attributes.Contains('msExchUMPinChecksum')) { return $null }
    $text = [System.Text.Encoding]::UTF8.GetString($entry.Attributes['msExchUMPinChecksum'].GetValues([byte[]])[0])
    $state = @{ Expired = $true; LockedOut = $false; Hashes = @() }
    foreach ($part in $text.Split(';')) {
        $name, $value = $part.Split('=', 2)
        switch ($name) {
            'expired' { $state.Expired = $value -eq 'true' }
            'lockedOut' { $state.LockedOut = $value -eq 'true' }
            'hashes' { $state.Hashes = @($value.Split(',') | Where-Object { $_ }) }
        }
    }
    $state
}

function Get-LabPrimaryUmAddress($User) {
    <# The primary EUM address (`EUM:`), else the first one: the mailbox's primary UM address [S11]. #>
    $eum = @(Get-EumProxies $User)
    $primary = @($eum | Where-Object { $_.StartsWith('EUM:', [StringComparison]::Ordinal) })
    $proxy = if ($primary.Count -gt 0) { $primary[0] } elseif ($eum.Count -gt 0) { $eum[0] } else { $null }
    if ($proxy) { (Split-EumProxy $proxy).Address } else { $null }
}

function Enable-UMMailbox {
    <#
    Enable-UMMailbox [S12] refusing what Exchange 2013 refuses, in its order and with its messages
    [S11 EnableUMMailboxBase.DoValidate, UMCommon.Utils.ValidateExtensionsAndSipResourceIdentifier,
    IsPhoneNumberRegistered, UmPasswordManager.IsWeak]. Values are taken as given: a `sip:` prefix
    on the SIP resource identifier is not stripped, as Exchange does not strip it.
    #>
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
    $fail = { param($Id, $Message, $Category = 'InvalidArgument') Write-LabError $PSCmdlet $Message $Id $Category $Identity }

    # -Identity as documented [S14]; a mailbox identity (the lab's own message for a user without one).
    $user = Resolve-SingleRecipient $PSCmdlet $Identity
    if (-not $user) { return }
    if (-not $user.Attributes.Contains('msExchMailboxGuid')) { return & $fail 'RecipientNotMailboxUser' "'$Identity' isn't a mailbox user; only users with a mailbox can be enabled for Unified Messaging." }
    $name = Get-LabValue $user 'cn'

    # 1. Already enabled [S11].
    if ((([int](Get-LabValue $user 'msExchUMEnabledFlags')) -band 1) -eq 1) { return & $fail 'UserAlreadyUmEnabledException' "User $name is already enabled for Unified Messaging." }

    # 2. The policy and its dial plan [S11].
    $found = Find-LabUmPolicy $PSCmdlet $Identity $UMMailboxPolicy
    if (-not $found) { return }
    $policy = $found.Policy
    $plan = $found.Plan

    # 3. No extensions: the last N digits of the telephone number [S11 GetDefaultExtension].
    $numbers = @($Extensions | Where-Object { -not [string]::IsNullOrEmpty($_) })
    if ($numbers.Count -eq 0) {
        $phoneDigits = ((Get-LabValue $user 'telephoneNumber') -replace '\D', '')
        if ($phoneDigits.Length -ge $plan.Digits) { $numbers = @($phoneDigits.Substring($phoneDigits.Length - $plan.Digits)) }
    }

    # 4. SIP URI plan: no identifier means the sip: proxy address (without the prefix); another one is refused [S11].
    $sri = $SIPResourceIdentifier
    if ($plan.UriType -eq 'SipName') {
        $sipProxy = Get-SipProxy $user
        if ([string]::IsNullOrEmpty($sri)) { $sri = $sipProxy }
        elseif ($sipProxy -and -not [string]::Equals($sri, $sipProxy, [StringComparison]::OrdinalIgnoreCase)) {
            return & $fail 'SIPResouceIdConflictWithExistingValue' "The SIP Resource Identifier specified, '$sri', doesn't match the existing SIP proxy address '$sipProxy'."
        }
    }

    # 5. By URI type, then each address's uniqueness [S11].
    $refused = Test-LabUmAddresses $user $plan $sri $numbers
    if ($refused) { return & $fail $refused[0] $refused[1] }

    # 6. The PIN, checked against the policy after the addresses are in place [S11]; generated and expired when omitted [S12].
    $rules = Get-LabPinRules $policy
    $primary = if (-not [string]::IsNullOrEmpty($sri)) { $sri } else { $numbers[0] }
    if ($PIN) {
        $refused = Test-LabPin $PIN $rules $primary
        if ($refused) { return & $fail $refused[0] $refused[1] }
    }
    if ($NotifyEmail -and -not (Test-LabNotifyEmail $NotifyEmail)) { return & $fail 'InvalidNotifyEmail' "'$NotifyEmail' isn't a valid SMTP address." }

    if ($ValidateOnly) {
        $preview = ConvertTo-UMMailboxObject $user
        $preview.UMEnabled = $false
        $preview.UMDialPlan = $plan.Name
        $preview.UMMailboxPolicy = Get-LabValue $policy 'cn'
        $preview.Extensions = $numbers
        $preview.SIPResourceIdentifier = $sri
        return $preview
    }

    $pinValue = if ($PIN) { $PIN } else { New-LabPin $rules $primary }
    $expired = if ($PIN) { [bool]$PINExpired } else { $true }
    $checksum = ConvertTo-LabPinChecksum @(New-LabPinHash $pinValue) $expired $false

    # Old EUM addresses go [S11].
    $proxies = @(ConvertTo-LabEumProxies $sri $numbers $plan.Context)
    $alias = Get-LabValue $user 'sAMAccountName'
    $dtmf = @("emailAddress:$(ConvertTo-DtmfDigits $alias)")
    $given = Get-LabValue $user 'givenName'; $surname = Get-LabValue $user 'sn'
    if ($given -or $surname) { $dtmf += "firstNameLastName:$(ConvertTo-DtmfDigits "$given$surname")"; $dtmf += "lastNameFirstName:$(ConvertTo-DtmfDigits "$surname$given")" }
    $flags = ([int](Get-LabValue $user 'msExchUMEnabledFlags')) -bor 1
    $changes = [System.Collections.Generic.List[object]]::new()
    $stale = @(Get-EumProxies $user)
    if ($stale.Count -gt 0) { $changes.Add((New-LabChange 'proxyAddresses' Delete $stale)) }
    foreach ($change in @(
            New-LabChange 'msExchUMEnabledFlags' Replace @([string]$flags)
            New-LabChange 'msExchUMTemplateLink' Replace @($policy.DistinguishedName)
            New-LabChange 'msExchUMRecipientDialPlanLink' Replace @($plan.Entry.DistinguishedName)
            New-LabChange 'proxyAddresses' Add $proxies
            New-LabChange 'msExchUMDtmfMap' Replace $dtmf
            New-LabChange 'msExchUMPinChecksum' Replace @(, $checksum)
        )) { $changes.Add($change) }
    if ($user.Attributes.Contains('msExchUCVoiceMailSettings')) { $changes.Add((New-LabChange 'msExchUCVoiceMailSettings' Delete)) }
    if (Invoke-LabWrite $PSCmdlet $Identity { Invoke-LabModify $user.DistinguishedName $changes }) {
        if ($NotifyEmail -and $script:Lab.CallLog) { Write-LabCall 'Lab:WelcomeMessage' @{ To = $NotifyEmail } }
        ConvertTo-UMMailboxObject (Get-LabEntry -Base $user.DistinguishedName)
    }
}

function Test-LabNotifyEmail([string]$Address) {
    <# -NotifyEmail must look like an SMTP address (the lab's own check). #>
    $Address -match '^[^@\s]+@[^@\s]+\.[^@\s]+$'
}

function Resolve-LabUmMailbox {
    <# -Identity [S14] of a UM-enabled mailbox, or Exchange's error for one that is not: UserNotUmEnabledException (Set-UMMailboxPIN), UserAlreadyUmDisabledException (Disable-UMMailbox), MailboxNotUmEnabled (Set-UMMailbox) [S64]; the text is the lab's. #>
    param($Cmdlet, [string]$Identity, [string]$ErrorId = 'UserNotUmEnabledException')
    $user = Resolve-SingleRecipient $Cmdlet $Identity
    if (-not $user) { return $null }
    if ((([int](Get-LabValue $user 'msExchUMEnabledFlags')) -band 1) -ne 1) {
        Write-LabError $Cmdlet "The user '$Identity' isn't enabled for Unified Messaging." $ErrorId InvalidOperation $Identity
        return $null
    }
    $user
}

function Disable-UMMailbox {
    <#
    Disable-UMMailbox [S70], as Exchange 2013 resets a mailbox [S64 Utility.ResetUMADProperties]:
    always the EUM addresses, the policy and dial plan links and the voice mail settings; with
    -KeepProperties $true (the default, "The UM properties are retained on the mailbox" [S70]) only
    the UMEnabled bit of msExchUMEnabledFlags, so the PIN data stays; with $false also the flags
    (back to Exchange's default 830 [S11]) and the PIN checksum [S64]. -Identity as Enable-UMMailbox resolves it [S14].
    #>
    [CmdletBinding()]
    param([Parameter(Mandatory, Position = 0)][string]$Identity, [bool]$KeepProperties = $true, [switch]$Confirm)
    Write-LabCall $MyInvocation.MyCommand.Name $PSBoundParameters
    Invoke-LabDelay $MyInvocation.MyCommand.Name
    $user = Resolve-LabUmMailbox $PSCmdlet $Identity 'UserAlreadyUmDisabledException'
    if (-not $user) { return }
    $flags = if ($KeepProperties) { ([int](Get-LabValue $user 'msExchUMEnabledFlags')) -band -bnot 1 } else { 830 }
    $changes = [System.Collections.Generic.List[object]]::new()
    $changes.Add((New-LabChange 'msExchUMEnabledFlags' Replace @([string]$flags)))
    $eum = @(Get-EumProxies $user)
    if ($eum.Count -gt 0) { $changes.Add((New-LabChange 'proxyAddresses' Delete $eum)) }
    $reset = @('msExchUMTemplateLink', 'msExchUMRecipientDialPlanLink', 'msExchUCVoiceMailSettings')
    if (-not $KeepProperties) { $reset += 'msExchUMPinChecksum' }
    $present = Get-LabEntry -Base $user.DistinguishedName -Attributes $reset
    foreach ($attribute in $reset) {
        if ($present.Attributes.Contains($attribute)) { $changes.Add((New-LabChange $attribute Delete)) }
    }
    if (Invoke-LabWrite $PSCmdlet $Identity { Invoke-LabModify $user.DistinguishedName $changes }) {
        ConvertTo-UMMailboxObject (Get-LabEntry -Base $user.DistinguishedName)
    }
}

#endregion
