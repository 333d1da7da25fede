# UmLab: Exchange UM mailboxes (Get-, Enable-, Disable-UMMailbox).

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
    $limit = if ($ResultSize -eq 'Unlimited') { [int]::MaxValue } else { [int]$ResultSize }
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
    $policy = @(Find-UmObject 'UM Mailbox Policies' 'msExchUMRecipientTemplate' $UMMailboxPolicy)
    if ($policy.Count -eq 0) { return & $fail 'UMMailboxPolicyNotFound' "The Microsoft Exchange Unified Messaging service on the Mailbox server can't find the UM mailbox policy with ID '$UMMailboxPolicy'." 'ObjectNotFound' }
    if ($policy.Count -gt 1) { return & $fail 'MultipleUMMailboxPolicyWithSameId' "Multiple UM policies exist for the policy ID $UMMailboxPolicy." }
    $planDn = Get-LabValue $policy[0] 'msExchUMMailboxPolicyDialPlanLink'
    $plan = Get-LabEntry -Base $planDn
    if (-not $plan) { return & $fail 'UMDialPlanNotFound' "The UM mailbox policy '$UMMailboxPolicy' refers to a dial plan that doesn't exist." 'ObjectNotFound' }
    $planName = Get-LabValue $plan 'cn'
    $uriType = $script:UriTypes[[int](Get-LabValue $plan 'msExchUMDialPlanURIType')]
    $digits = [int](Get-LabValue $plan 'msExchUMNumberingPlanDigits')
    $context = Get-LabValue $plan 'msExchUMPhoneContext'
    $contexts = @($context) + @(Get-LabValues $plan 'msExchUMEquivalentDialPlanPhoneContexts')
    # SipResourceIdentifierRequired: bit 4 of msExchUMDialPlanFlags2, stored default -1 [S11].
    $flags2 = Get-LabValue $plan 'msExchUMDialPlanFlags2'
    $sriRequired = if ($null -eq $flags2) { $true } else { ([int]$flags2 -band 16) -ne 0 }

    # 3. No extensions: the last N digits of the telephone number [S11 GetDefaultExtension].
    $numbers = @($Extensions | Where-Object { -not [string]::IsNullOrEmpty($_) })
    if ($numbers.Count -eq 0) {
        $phoneDigits = ((Get-LabValue $user 'telephoneNumber') -replace '\D', '')
        if ($phoneDigits.Length -ge $digits) { $numbers = @($phoneDigits.Substring($phoneDigits.Length - $digits)) }
    }

    # 4. SIP URI plan: no identifier means the sip: proxy address (without the prefix); another one is refused [S11].
    $sri = $SIPResourceIdentifier
    if ($uriType -eq 'SipName') {
        $sipProxy = Get-SipProxy $user
        if ([string]::IsNullOrEmpty($sri)) { $sri = $sipProxy }
        elseif ($sipProxy -and -not [string]::Equals($sri, $sipProxy, [StringComparison]::OrdinalIgnoreCase)) {
            return & $fail 'SIPResouceIdConflictWithExistingValue' "The SIP Resource Identifier specified, '$sri', doesn't match the existing SIP proxy address '$sipProxy'."
        }
    }

    # 5. By URI type [S11 ValidateExtensionsAndSipResourceIdentifier].
    $needExtension = 'An extension number can''t be generated for the user. To configure an extension number, use the -Extensions parameter with one or more valid extension numbers.'
    switch ($uriType) {
        'TelExtn' {
            if (-not [string]::IsNullOrEmpty($sri)) { return & $fail 'SIPResourceIdNotNeededException' 'The SIP resource identifier shouldn''t be specified for the type of dial plan that''s associated with this mailbox policy.' }
            if ($numbers.Count -eq 0) { return & $fail 'CouldNotGenerateExtensionException' $needExtension }
        }
        'E164' {
            if ([string]::IsNullOrEmpty($sri) -and $sriRequired) { return & $fail 'E164ResourceIdNeededException' 'An E.164 (example: +14255550198) telephone number must be specified.' }
            if ($numbers.Count -eq 0) { return & $fail 'CouldNotGenerateExtensionException' $needExtension }
            if ($sri -and $sri -notmatch '^\+\d+$') { return & $fail 'InvalidE164ResourceIdException' 'The format of the specified SIP resource identifier isn''t valid. Example of a valid format: +14255550198.' }
        }
        'SipName' {
            if ([string]::IsNullOrEmpty($sri) -or $numbers.Count -eq 0) { return & $fail 'SipResourceIdAndExtensionsNeededException' 'You need to specify a SIP resource identifier (for example, tony@contoso.com). Extensions can''t be set to null or be empty.' }
            if (-not (Test-LabSmtpAddress $sri)) { return & $fail 'InvalidSipNameResourceIdException' 'The format of the SIP resource identifier that you specified isn''t valid. Use the format in the following example: tony@contoso.com.' }
        }
    }
    if (@($numbers | Select-Object -Unique).Count -ne $numbers.Count) { return & $fail 'DuplicateExtension' 'The same extension was given more than once.' }
    foreach ($extension in $numbers) {
        if ($extension.Length -ne $digits -or $extension -notmatch '^[0-9]+$') { return & $fail 'InvalidExtensionException' "$extension is not a valid extension or phone number. It should be a number composed of $digits digits." }
        $registered = Test-PhoneNumberRegistered $extension $plan $contexts $user
        if ($registered) { return & $fail $registered[0] $registered[1] }
    }
    if (-not [string]::IsNullOrEmpty($sri)) {
        if ($uriType -eq 'SipName') {
            # Unique in any phone context, forest-wide, and not another recipient's sip: address [S11].
            $holder = Find-SipUriHolder $sri
            if ($holder -and $holder.ContainsKey('Ambiguous')) { return & $fail 'NonUniqueRecipientException' "Multiple objects with e-mail address $sri were found." }
            if ($holder -and $holder.Entry.DistinguishedName -ne $user.DistinguishedName) { return & $fail 'SipUriAlreadyRegisteredException' "The SIP URI '$sri' is already assigned to user '$(Get-LabValue $holder.Entry 'cn')'." }
        }
        else {
            $registered = Test-PhoneNumberRegistered $sri $plan $contexts $user
            if ($registered) { return & $fail $registered[0] $registered[1] }
        }
    }

    # 6. The PIN, checked against the policy after the addresses are in place [S11]; generated and expired when omitted [S12].
    $minLength = [int](Get-LabValue $policy[0] 'msExchUMPinPolicyMinPasswordLength')
    if ($minLength -lt 4) { $minLength = 6 }
    $allowCommon = ([int](Get-LabValue $policy[0] 'msExchUMPinPolicyDisallowCommonPatterns')) -eq 1
    $history = Get-LabValue $policy[0] 'msExchUMPinPolicyNumberOfPreviousPasswordsDisallowed'
    $history = if ($null -eq $history) { 5 } else { [int]$history }
    $primary = if (-not [string]::IsNullOrEmpty($sri)) { $sri } else { $numbers[0] }
    if ($PIN -and (Test-LabWeakPin $PIN $minLength $allowCommon $primary)) { return & $fail 'WeakPinException' (Get-WeakPinMessage $minLength $history $allowCommon) }
    if ($NotifyEmail -and $NotifyEmail -notmatch '^[^@\s]+@[^@\s]+\.[^@\s]+$') { return & $fail 'InvalidNotifyEmail' "'$NotifyEmail' isn't a valid SMTP address." }

    if ($ValidateOnly) {
        $preview = ConvertTo-UMMailboxObject $user
        $preview.UMEnabled = $false
        $preview.UMDialPlan = $planName
        $preview.UMMailboxPolicy = Get-LabValue $policy[0] 'cn'
        $preview.Extensions = $numbers
        $preview.SIPResourceIdentifier = $sri
        return $preview
    }

    $pinValue = $PIN
    while (-not $pinValue) {
        $candidate = -join (1..$minLength | ForEach-Object { Get-Random -Minimum 0 -Maximum 10 })
        if (-not (Test-LabWeakPin $candidate $minLength $allowCommon $primary)) { $pinValue = $candidate }
    }
    $expired = if ($PIN) { [bool]$PINExpired } else { $true }
    $salt = [byte[]]::new(16); [System.Security.Cryptography.RandomNumberGenerator]::Fill($salt)
    $hash = [System.Security.Cryptography.SHA256]::HashData([byte[]]($salt + [System.Text.Encoding]::UTF8.GetBytes($pinValue)))
    $checksum = [System.Text.Encoding]::UTF8.GetBytes("sha256:$([Convert]::ToBase64String($salt)):$([Convert]::ToBase64String($hash)):expired=$($expired.ToString().ToLowerInvariant())")

    # The identifier first, as the primary EUM address, then the extensions [S11 Utils.UMPopulate]; old EUM addresses go.
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
    $changes = [System.Collections.Generic.List[object]]::new()
    $stale = @(Get-EumProxies $user)
    if ($stale.Count -gt 0) { $changes.Add((New-LabChange 'proxyAddresses' Delete $stale)) }
    foreach ($change in @(
            New-LabChange 'msExchUMEnabledFlags' Replace @([string]$flags)
            New-LabChange 'msExchUMTemplateLink' Replace @($policy[0].DistinguishedName)
            New-LabChange 'msExchUMRecipientDialPlanLink' Replace @($plan.DistinguishedName)
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

function Disable-UMMailbox {
    <#
    Disable-UMMailbox [S30]; -Identity resolved as Enable-UMMailbox resolves it [S14].
    -KeepProperties: "$true: The UM properties are retained on the mailbox. This value is the
    default." / "$false: The UM properties are removed from the mailbox." [S75]
    #>
    [CmdletBinding()]
    param([Parameter(Mandatory, Position = 0)][string]$Identity, [switch]$Confirm, [bool]$KeepProperties = $true)
    Write-LabCall $MyInvocation.MyCommand.Name $PSBoundParameters
    Invoke-LabDelay $MyInvocation.MyCommand.Name
    $user = Resolve-SingleRecipient $PSCmdlet $Identity
    if (-not $user) { return }
    $flags = [int](Get-LabValue $user 'msExchUMEnabledFlags')
    if (($flags -band 1) -ne 1) { return Write-LabError $PSCmdlet "The user '$Identity' isn't enabled for Unified Messaging." 'UserNotUmEnabledException' InvalidOperation $Identity }
    $changes = [System.Collections.Generic.List[object]]::new()
    $changes.Add((New-LabChange 'msExchUMEnabledFlags' Replace @([string]($flags -band -bnot 1))))
    if ($KeepProperties) {
        if (Invoke-LabWrite $PSCmdlet $Identity { Invoke-LabModify $user.DistinguishedName $changes }) { ConvertTo-UMMailboxObject (Get-LabEntry -Base $user.DistinguishedName) }
        return
    }
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
