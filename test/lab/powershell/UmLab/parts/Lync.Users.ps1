# UmLab: Lync users (Get-CsUser, Set-CsUser), as Lync Server 2013 keeps them in AD: the SIP address
# in msRTCSIP-PrimaryUserAddress, the line URI in msRTCSIP-Line, Enterprise Voice as bit 128 of
# msRTCSIP-OptionFlags, the home pool in msRTCSIP-PrimaryHomeServer [S2].

#region Lync users

function Resolve-LabCsUser {
    <#
    -Identity as Set-CsUser documents it [S65]: the SIP address, the UPN, domain\logon, the display
    name (a leading * matches its end), or the DN. Only users enabled for Lync: "Set-CsUser can be
    used only for users who have been enabled for Skype for Business Server" [S65]. Any other user is
    "Management object not found", as Lync answers (the product's known behaviour; its text is not
    documented).
    #>
    param($Cmdlet, [string]$Identity)
    $lync = '(msRTCSIP-PrimaryUserAddress=*)'
    $found = @(if ($Identity -match '^(?i)(CN|OU)=.+,DC=') {
            Find-LabEntries -Base $Identity -Scope Base -Filter "(&(objectClass=user)$lync)"
        }
        else {
            $value = ConvertTo-LdapFilterValue $Identity
            $sip = ConvertTo-LdapFilterValue $(if ($Identity -match '^(?i)sip:') { $Identity } else { "sip:$Identity" })
            $display = if ($Identity.StartsWith('*')) { "*$(ConvertTo-LdapFilterValue $Identity.Substring(1))" } else { $value }
            $logon = if ($Identity -match '^[^\\]+\\(?<user>[^\\]+)$') { "(sAMAccountName=$(ConvertTo-LdapFilterValue $Matches.user))" } else { '' }
            Find-LabEntries -Base $script:Lab.Domain -Filter "(&(objectClass=user)(objectCategory=person)$lync(|(msRTCSIP-PrimaryUserAddress=$sip)(userPrincipalName=$value)(displayName=$display)$logon))"
        })
    if ($found.Count -ne 1) {
        Write-LabError $Cmdlet "Management object not found for identity ""$Identity""." 'ManagementObjectNotFoundException' ObjectNotFound $Identity
        return $null
    }
    $found[0]
}

function ConvertTo-CsUserObject($Entry) {
    [pscustomobject]@{
        Identity               = $Entry.DistinguishedName
        DisplayName            = Get-LabValue $Entry 'displayName'
        SamAccountName         = Get-LabValue $Entry 'sAMAccountName'
        UserPrincipalName      = Get-LabValue $Entry 'userPrincipalName'
        SipAddress             = Get-LabValue $Entry 'msRTCSIP-PrimaryUserAddress'
        Enabled                = (Get-LabValue $Entry 'msRTCSIP-UserEnabled') -eq 'TRUE'
        EnterpriseVoiceEnabled = ([int](Get-LabValue $Entry 'msRTCSIP-OptionFlags') -band $script:OptionFlags.EnterpriseVoice) -ne 0
        LineURI                = Get-LabValue $Entry 'msRTCSIP-Line'
        RegistrarPool          = Get-LabRegistrarPool $Entry
    }
}

function Get-CsUser {
    <# Get-CsUser: one Lync user by -Identity [S65], or every one. #>
    [CmdletBinding()]
    param([Parameter(Position = 0)][string]$Identity, [string]$ResultSize = '1000')
    Write-LabCall $MyInvocation.MyCommand.Name $PSBoundParameters
    Invoke-LabDelay $MyInvocation.MyCommand.Name
    if ($Identity) {
        $user = Resolve-LabCsUser $PSCmdlet $Identity
        if ($user) { ConvertTo-CsUserObject $user }
        return
    }
    $limit = Get-LabResultLimit $ResultSize
    Find-LabEntries -Base $script:Lab.Domain -Filter '(&(objectClass=user)(objectCategory=person)(msRTCSIP-PrimaryUserAddress=*))' | Select-Object -First $limit | ForEach-Object { ConvertTo-CsUserObject $_ }
}

function Set-CsUser {
    <#
    Set-CsUser, -EnterpriseVoiceEnabled and -LineURI [S65]. The line URI "must be specified using
    the E.164 format and use the "TEL:" prefix … Any extension number should be added to the end of
    the line URI, for example: TEL:+14255551297;ext=51297"; $null clears it [S82]. A line URI
    another user or contact already has is refused: Lync "treats TEL:+14255551297 and
    TEL:+14255551297;ext=51297 as two different numbers", and only the second "will not be flagged
    as a duplicate number" [S65], so an exact repeat is. The texts of both refusals are the lab's.
    Nothing else changes; -PassThru returns the user [S65].
    #>
    [CmdletBinding()]
    param(
        [Parameter(Mandatory, Position = 0)][string]$Identity,
        [bool]$EnterpriseVoiceEnabled,
        [AllowEmptyString()][AllowNull()][string]$LineURI,
        [switch]$PassThru,
        [string]$DomainController,
        [switch]$Confirm
    )
    Write-LabCall $MyInvocation.MyCommand.Name $PSBoundParameters
    Invoke-LabDelay $MyInvocation.MyCommand.Name
    $user = Resolve-LabCsUser $PSCmdlet $Identity
    if (-not $user) { return }
    $changes = [System.Collections.Generic.List[object]]::new()
    if ($PSBoundParameters.ContainsKey('LineURI')) {
        if ([string]::IsNullOrEmpty($LineURI)) {
            if ($user.Attributes.Contains('msRTCSIP-Line')) { $changes.Add((New-LabChange 'msRTCSIP-Line' Delete)) }
        }
        else {
            if ($LineURI -notmatch '^(?i)tel:\+[1-9][0-9]{1,14}(;ext=[0-9]+)?$') {
                return Write-LabError $PSCmdlet "LineURI '$LineURI' is not valid: it must be an E.164 number with the tel: prefix, optionally followed by ;ext=<extension>, for example tel:+14255551297;ext=51297." 'InvalidLineURI' InvalidArgument $Identity
            }
            $holders = @(Find-LabEntries -Base $script:Lab.Domain -Filter "(msRTCSIP-Line=$(ConvertTo-LdapFilterValue $LineURI))" -Attributes @('cn', 'msRTCSIP-Line') |
                    Where-Object { $_.DistinguishedName -ne $user.DistinguishedName -and [string]::Equals((Get-LabValue $_ 'msRTCSIP-Line'), $LineURI, [StringComparison]::OrdinalIgnoreCase) })
            if ($holders.Count -gt 0) {
                return Write-LabError $PSCmdlet "LineURI '$LineURI' is already assigned to '$(Get-LabValue $holders[0] 'cn')'." 'DuplicateLineURI' ResourceExists $Identity
            }
            $changes.Add((New-LabChange 'msRTCSIP-Line' Replace @($LineURI)))
        }
    }
    if ($PSBoundParameters.ContainsKey('EnterpriseVoiceEnabled')) {
        $flags = [int](Get-LabValue $user 'msRTCSIP-OptionFlags')
        $flags = if ($EnterpriseVoiceEnabled) { $flags -bor $script:OptionFlags.EnterpriseVoice } else { $flags -band -bnot $script:OptionFlags.EnterpriseVoice }
        $changes.Add((New-LabChange 'msRTCSIP-OptionFlags' Replace @([string]$flags)))
    }
    if ($changes.Count -gt 0 -and -not (Invoke-LabWrite $PSCmdlet $Identity { Invoke-LabModify $user.DistinguishedName $changes })) { return }
    if ($PassThru) { ConvertTo-CsUserObject (Get-LabEntry -Base $user.DistinguishedName) }
}

#endregion
