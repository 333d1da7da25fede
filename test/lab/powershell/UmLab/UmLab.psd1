@{
    RootModule        = 'UmLab.psm1'
    ModuleVersion     = '1.0.0'
    GUID              = 'a7b0c2de-5f3e-4c61-9d2a-6e1f0b7c4d19'
    Author            = 'UM Integration Console'
    Description       = 'The lab stand-in for the Exchange UM and Lync Server cmdlets the console calls.'
    PowerShellVersion = '7.4'
    FunctionsToExport = @('Connect-UmLab', 'Get-UMDialPlan', 'Get-UMMailboxPolicy', 'Get-UMIPGateway', 'Get-UMHuntGroup', 'Get-UMAutoAttendant', 'Get-UMMailbox',
        'Enable-UMMailbox', 'Disable-UMMailbox', 'Set-UMMailbox', 'Set-UMMailboxPIN', 'Get-UMMailboxPin', 'Set-Mailbox', 'New-UMIPGateway', 'Set-UMIPGateway', 'New-UMHuntGroup', 'Get-CsPool', 'Get-CsDialPlan', 'Get-CsMediaConfiguration', 'Get-UMService', 'Get-UMCallRouterSettings', 'Get-ExchangeCertificate',
        'New-CsExUmContact', 'Get-CsExUmContact', 'Set-CsExUmContact', 'Move-CsExUmContact', 'Remove-CsExUmContact',
        'Grant-CsOUPermission', 'Revoke-CsOUPermission', 'Test-CsOUPermission', 'Get-CsUser', 'Set-CsUser')
    CmdletsToExport   = @()
    VariablesToExport = @()
    AliasesToExport   = @()
}
