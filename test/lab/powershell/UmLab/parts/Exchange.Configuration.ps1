# UmLab: Exchange UM configuration objects (dial plans, policies, gateways, hunt groups, auto
# attendants), read from and written to the attributes docs/domain.md §2 names [S11][S15].

#region Exchange UM: configuration objects

function Test-LabSipResourceIdentifierRequired($Entry) {
    <# Bit 4 (16) of msExchUMDialPlanFlags2; absent means Exchange's stored default −1, i.e. required [S11]. #>
    $flags = Get-LabValue $Entry 'msExchUMDialPlanFlags2'
    if ($null -eq $flags) { return $true }
    ([int]$flags -band 16) -ne 0
}

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
            PilotIdentifierList             = @(Get-LabValues $entry 'msExchUMDialPlanDialedNumbers')
            SipResourceIdentifierRequired   = Test-LabSipResourceIdentifierRequired $entry
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
            # Stored without inversion despite its name: 1 = common patterns allowed, default 0 [S11][S22].
            AllowCommonPatterns = [int](Get-LabValue $entry 'msExchUMPinPolicyDisallowCommonPatterns') -eq 1
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
