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
