# The lab's model of Exchange RBAC, for the two roles the console's bulk UM operations need.
#
# An Exchange 2010/2013 remote session holds only the cmdlets the account's management roles grant:
# Import-PSSession brings in nothing else, so a cmdlet outside the account's roles is simply not
# there. Microsoft's table of Unified Messaging permissions names the role groups that may manage
# "UM mailboxes": Organization Management and Unified Messaging Management (the "UM Management"
# role group) [S38]; the UM Mailboxes role holds Set-UMMailbox and Set-UMMailboxPIN too [S42].
# Set-Mailbox belongs to the Mail Recipients role, which Recipient Management holds [S69] and
# Organization Management as well (the lab's reading: it holds every built-in role). The lab reads the
# connecting account's groups (tokenGroups, nesting included) and removes a role's cmdlets from
# the caller's session when it is in none of that role's groups, so the
# console's pre-run check ("is Enable-UMMailbox in this session?") meets the same answer it would
# from Exchange. Other roles are not modelled: every other cmdlet stays, and the lab's own writes
# still meet the DC's access checks as the account.

$script:LabRoles = @(
    @{ Groups = @('Organization Management', 'UM Management'); Cmdlets = @('Enable-UMMailbox', 'Disable-UMMailbox', 'Set-UMMailbox', 'Set-UMMailboxPIN', 'Get-UMMailboxPin') }
    @{ Groups = @('Organization Management', 'Recipient Management'); Cmdlets = @('Set-Mailbox') }
)

function Test-LabRoleGroupMember {
    <# True when the bound account is, directly or through nesting, in one of these groups. #>
    param([string]$UserName, [string[]]$Groups)
    $sam = if ($UserName.Contains('\')) { $UserName.Split('\')[1] } else { $UserName.Split('@')[0] }
    $filter = "(&(objectCategory=person)(|(userPrincipalName=$(ConvertTo-LdapFilterValue $UserName))(sAMAccountName=$(ConvertTo-LdapFilterValue $sam))))"
    $account = @(Find-LabEntries -Base $script:Lab.Domain -Filter $filter -Attributes @('distinguishedName'))
    if ($account.Count -ne 1) { return $false }
    $token = Get-LabEntry -Base $account[0].DistinguishedName -Attributes @('tokenGroups')
    if ($null -eq $token -or -not $token.Attributes.Contains('tokenGroups')) { return $false }
    $held = @($token.Attributes['tokenGroups'].GetValues([byte[]]) | ForEach-Object { [Convert]::ToBase64String($_) })
    $names = ($Groups | ForEach-Object { "(sAMAccountName=$(ConvertTo-LdapFilterValue $_))" }) -join ''
    foreach ($group in @(Find-LabEntries -Base $script:Lab.Domain -Filter "(&(objectClass=group)(|$names))" -Attributes @('objectSid'))) {
        if ($held -contains [Convert]::ToBase64String($group.Attributes['objectSid'].GetValues([byte[]])[0])) { return $true }
    }
    $false
}

function Limit-LabSessionToRoles {
    <# Removes from the caller's session the cmdlets of the roles the account's groups do not hold. #>
    param([System.Management.Automation.SessionState]$CallerState, [string]$UserName)
    $denied = @(foreach ($role in $script:LabRoles) { if (-not (Test-LabRoleGroupMember $UserName $role.Groups)) { $role.Cmdlets } })
    foreach ($name in $denied) {
        # A script block made here and run in the caller's session state removes the caller's copy
        # of the exported function; one written in this module would run in the module's own scope.
        $CallerState.InvokeCommand.InvokeScript($CallerState, [scriptblock]::Create("Remove-Item -LiteralPath 'Function:\$name' -ErrorAction SilentlyContinue"), @()) | Out-Null
    }
}
