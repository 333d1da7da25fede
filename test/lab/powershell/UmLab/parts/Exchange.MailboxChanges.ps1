# UmLab: changing a UM mailbox after it is enabled — Set-UMMailbox, Set-UMMailboxPIN,
# Get-UMMailboxPin, and Set-Mailbox -EmailAddresses for its EUM addresses. They share the rules
# Enable-UMMailbox applies (Exchange.Mailboxes.ps1).

#region Exchange UM: changing mailboxes

function Set-UMMailbox {
    <#
    Set-UMMailbox with its documented parameters [S72]. It has no -Extensions and no
    -SIPResourceIdentifier: those are EUM addresses, changed with Set-Mailbox -EmailAddresses [S66].
    Only -UMMailboxPolicy changes anything here; the other parameters are taken and not modelled.
    Exchange 2013 refuses a mailbox that is not UM-enabled, and a new policy whose dial plan is not
    the old policy's: NewPolicyMustBeInTheSameDialPlanAsOldPolicy [S64]. Moving to another dial plan
    means disabling and enabling again [S74]. The texts are the lab's; Exchange's are not published.
    #>
    [CmdletBinding()]
    param(
        [Parameter(Mandatory, Position = 0)][string]$Identity,
        [string]$UMMailboxPolicy,
        [ValidateSet('None', 'SearchEnabled')][string]$AllowUMCallsFromNonUsers,
        [bool]$AnonymousCallersCanLeaveMessages,
        [bool]$AutomaticSpeechRecognitionEnabled,
        [ValidateSet('G711', 'Wma', 'Gsm', 'Mp3')][string]$CallAnsweringAudioCodec,
        [bool]$CallAnsweringRulesEnabled,
        [bool]$FaxEnabled,
        [bool]$ImListMigrationCompleted,
        [bool]$MissedCallNotificationEnabled,
        [ValidateLength(1, 64)][string]$Name,
        [string]$OperatorNumber,
        [bool]$PinlessAccessToVoiceMailEnabled,
        [bool]$PlayOnPhoneEnabled,
        [bool]$SubscriberAccessEnabled,
        [bool]$TUIAccessToCalendarEnabled,
        [bool]$TUIAccessToEmailEnabled,
        [ValidateSet('None', 'VoiceMail', 'VoiceMailAndMissedCalls')][string]$UMSMSNotificationOption,
        [bool]$VoiceMailAnalysisEnabled,
        [switch]$IgnoreDefaultScope,
        [string]$DomainController,
        [switch]$Confirm
    )
    Write-LabCall $MyInvocation.MyCommand.Name $PSBoundParameters
    Invoke-LabDelay $MyInvocation.MyCommand.Name
    $user = Resolve-SingleRecipient $PSCmdlet $Identity
    if (-not $user) { return }
    $found = $null
    if ($PSBoundParameters.ContainsKey('UMMailboxPolicy')) {
        $found = Find-LabUmPolicy $PSCmdlet $Identity $UMMailboxPolicy
        if (-not $found) { return }
    }
    if (-not (Resolve-LabUmMailbox $PSCmdlet $Identity 'MailboxNotUmEnabled')) { return }
    if (-not $found) { return ConvertTo-UMMailboxObject $user }

    $oldPolicy = Get-LabEntry -Base (Get-LabValue $user 'msExchUMTemplateLink') -Attributes @('msExchUMMailboxPolicyDialPlanLink')
    $oldPlanDn = Get-LabValue $oldPolicy 'msExchUMMailboxPolicyDialPlanLink'
    if (-not [string]::Equals($oldPlanDn, $found.Plan.Entry.DistinguishedName, [StringComparison]::OrdinalIgnoreCase)) {
        $oldPlan = Get-RdnValue $oldPlanDn
        return Write-LabError $PSCmdlet "The new UM mailbox policy must belong to the mailbox's current UM dial plan, $oldPlan. To move the mailbox to another dial plan, disable it for Unified Messaging and enable it with a policy of that dial plan." 'NewPolicyMustBeInTheSameDialPlanAsOldPolicy' InvalidArgument $Identity
    }
    $changes = @(New-LabChange 'msExchUMTemplateLink' Replace @($found.Policy.DistinguishedName))
    if (Invoke-LabWrite $PSCmdlet $Identity { Invoke-LabModify $user.DistinguishedName $changes }) {
        ConvertTo-UMMailboxObject (Get-LabEntry -Base $user.DistinguishedName)
    }
}

function ConvertTo-UMMailboxPinObject($Entry) {
    <# What Get-UMMailboxPin reports [S68]: never the PIN. The lab sees no phone logon, so FirstTimeUser stays $true. #>
    $state = Read-LabPinState $Entry
    [pscustomobject]@{
        Identity      = $Entry.DistinguishedName
        UserID        = Get-LabValue $Entry 'mail'
        PinExpired    = if ($state) { $state.Expired } else { $true }
        LockedOut     = if ($state) { $state.LockedOut } else { $false }
        FirstTimeUser = $true
        IsValid       = $true
    }
}

function Get-UMMailboxPin {
    <# Get-UMMailboxPin [S68]: the PIN's state of one UM mailbox, or of every one. #>
    [CmdletBinding()]
    param([Parameter(Position = 0)][string]$Identity, [string]$ResultSize = '1000')
    Write-LabCall $MyInvocation.MyCommand.Name $PSBoundParameters
    Invoke-LabDelay $MyInvocation.MyCommand.Name
    if ($Identity) {
        $user = Resolve-LabUmMailbox $PSCmdlet $Identity
        if ($user) { ConvertTo-UMMailboxPinObject $user }
        return
    }
    $limit = Get-LabResultLimit $ResultSize
    Find-LabEntries -Base $script:Lab.Domain -Filter '(&(objectClass=user)(msExchUMEnabledFlags:1.2.840.113556.1.4.803:=1))' -Attributes @('mail') |
        Select-Object -First $limit | ForEach-Object { ConvertTo-UMMailboxPinObject $_ }
}

function Set-UMMailboxPIN {
    <#
    Set-UMMailboxPIN [S71] as Exchange 2013 runs it [S64 SetUMMailboxPIN]: the mailbox must be
    UM-enabled (UserNotUmEnabledException); a given PIN is checked against the mailbox's policy,
    "The new PIN must comply with the PIN policy rules specified in the user's mailbox policy"
    [S71], with Enable-UMMailbox's rules and the remembered PINs [S67]; without one a PIN is
    generated. -PINExpired defaults to $true, -LockedOut to $false, -SendEmail to $true [S64]. The
    lab keeps only salted hashes; the reset message is recorded in the call log without the PIN.
    #>
    [CmdletBinding()]
    param(
        [Parameter(Mandatory, Position = 0)][string]$Identity,
        [string]$Pin,
        [bool]$PINExpired = $true,
        [bool]$LockedOut = $false,
        [string]$NotifyEmail,
        [bool]$SendEmail = $true,
        [switch]$IgnoreDefaultScope,
        [string]$DomainController,
        [switch]$Confirm
    )
    Write-LabCall $MyInvocation.MyCommand.Name $PSBoundParameters
    Invoke-LabDelay $MyInvocation.MyCommand.Name
    $user = Resolve-LabUmMailbox $PSCmdlet $Identity
    if (-not $user) { return }
    $policy = Get-LabEntry -Base (Get-LabValue $user 'msExchUMTemplateLink')
    $rules = Get-LabPinRules $policy
    $state = Read-LabPinState $user
    $previous = if ($state) { @($state.Hashes | Select-Object -First $rules.History) } else { @() }
    $primary = Get-LabPrimaryUmAddress $user
    if ($Pin) {
        $refused = Test-LabPin $Pin $rules $primary $previous
        if ($refused) { return Write-LabError $PSCmdlet $refused[1] $refused[0] InvalidArgument $Identity }
    }
    if ($NotifyEmail -and -not (Test-LabNotifyEmail $NotifyEmail)) { return Write-LabError $PSCmdlet "'$NotifyEmail' isn't a valid SMTP address." 'InvalidNotifyEmail' InvalidArgument $Identity }
    $value = if ($Pin) { $Pin } else { New-LabPin $rules $primary }
    # PINHistoryCount "includes the first time that the PIN was set" [S67]: the new one and the rest up to the count.
    $hashes = @(@(New-LabPinHash $value) + $previous | Select-Object -First ([Math]::Max(1, $rules.History)))
    $changes = @(New-LabChange 'msExchUMPinChecksum' Replace @(, (ConvertTo-LabPinChecksum $hashes $PINExpired $LockedOut)))
    if (Invoke-LabWrite $PSCmdlet $Identity { Invoke-LabModify $user.DistinguishedName $changes }) {
        if ($SendEmail -and $script:Lab.CallLog) { Write-LabCall 'Lab:PinResetMessage' @{ To = $(if ($NotifyEmail) { $NotifyEmail } else { Get-LabValue $user 'mail' }) } }
        ConvertTo-UMMailboxPinObject $user
    }
}

function Get-LabNewProxyList {
    <# -EmailAddresses as Exchange takes it [S66]: the whole list, or @{Add=…; Remove=…} applied to the current one. #>
    param($User, $EmailAddresses)
    $current = @(Get-LabValues $User 'proxyAddresses')
    if ($EmailAddresses -isnot [System.Collections.IDictionary]) { return @($EmailAddresses | ForEach-Object { [string]$_ }) }
    $remove = @($EmailAddresses['Remove'] | Where-Object { $_ } | ForEach-Object { [string]$_ })
    $list = @($current | Where-Object { $address = $_; -not ($remove | Where-Object { [string]::Equals($_, $address, [StringComparison]::OrdinalIgnoreCase) }) })
    $list + @($EmailAddresses['Add'] | Where-Object { $_ } | ForEach-Object { [string]$_ })
}

function Set-Mailbox {
    <#
    Set-Mailbox, only -Identity and -EmailAddresses: the way Exchange 2013 changes a UM mailbox's
    extensions and SIP or E.164 addresses, as EUM proxy addresses [S66]. The EUM addresses that
    result must pass Enable-UMMailbox's rules on the mailbox's dial plan (URI type, digit count,
    uniqueness in its phone contexts, pilot numbers) [S11], and lie in that plan's phone context:
    "If you change the primary proxy address for a UM-enabled user to point to a different dial
    plan, the UM mailbox is in an inconsistent state" [S74]. That Set-Mailbox refuses them, and
    EUM addresses on a mailbox that is not UM-enabled, is the lab's reading (Exchange's rules for
    Set-Mailbox are not published); so is requiring one primary SMTP address.
    #>
    [CmdletBinding()]
    param([Parameter(Mandatory, Position = 0)][string]$Identity, [Parameter(Mandatory)][object]$EmailAddresses, [switch]$Confirm)
    Write-LabCall $MyInvocation.MyCommand.Name $PSBoundParameters
    Invoke-LabDelay $MyInvocation.MyCommand.Name
    $fail = { param($Id, $Message) Write-LabError $PSCmdlet $Message $Id InvalidArgument $Identity }
    $user = Resolve-SingleRecipient $PSCmdlet $Identity
    if (-not $user) { return }
    if (-not $user.Attributes.Contains('msExchMailboxGuid')) { return Write-LabError $PSCmdlet "The operation couldn't be performed because object '$Identity' couldn't be found on '$($script:Lab.DcName)'." 'ManagementObjectNotFoundException' ObjectNotFound $Identity }
    $list = @(Get-LabNewProxyList $user $EmailAddresses)
    if (@($list | Where-Object { $_ -cmatch '^SMTP:' }).Count -ne 1) { return & $fail 'InvalidPrimarySmtpAddress' 'The mailbox must have exactly one primary SMTP address (SMTP:).' }
    $eum = @($list | Where-Object { $_ -match '^(?i)eum:' })
    if ($eum.Count -gt 0) {
        if ((([int](Get-LabValue $user 'msExchUMEnabledFlags')) -band 1) -ne 1) { return & $fail 'EumAddressWithoutUM' "'$Identity' isn't enabled for Unified Messaging; it can't have EUM addresses." }
        $plan = Get-LabDialPlanRules (Get-LabEntry -Base (Get-LabValue $user 'msExchUMRecipientDialPlanLink'))
        $parts = @($eum | ForEach-Object { Split-EumProxy $_ })
        if ($parts.Count -ne $eum.Count -or @($parts | Where-Object { $_.Context -ne $plan.Context }).Count -gt 0) {
            return & $fail 'EumAddressOutsideDialPlan' "Each EUM address must have the form eum:<address>;phone-context=$($plan.Context), the phone context of the mailbox's dial plan $($plan.Name)."
        }
        $sri = @($parts | Where-Object { $_.Address -notmatch '^\d+$' } | ForEach-Object { $_.Address })
        if ($sri.Count -gt 1) { return & $fail 'MultipleSipResourceIdentifiers' 'A UM mailbox can have only one SIP or E.164 address among its EUM addresses.' }
        $numbers = @($parts | Where-Object { $_.Address -match '^\d+$' } | ForEach-Object { $_.Address })
        $refused = Test-LabUmAddresses $user $plan $(if ($sri.Count) { $sri[0] } else { $null }) $numbers
        if ($refused) { return & $fail $refused[0] $refused[1] }
    }
    elseif ((([int](Get-LabValue $user 'msExchUMEnabledFlags')) -band 1) -eq 1) { return & $fail 'EumAddressRequired' "A UM-enabled mailbox keeps at least one EUM address; to remove them all, disable '$Identity' for Unified Messaging." }
    $changes = @(New-LabChange 'proxyAddresses' Replace $list)
    [void](Invoke-LabWrite $PSCmdlet $Identity { Invoke-LabModify $user.DistinguishedName $changes })
}

#endregion
