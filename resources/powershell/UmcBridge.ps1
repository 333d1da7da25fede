# UmcBridge: the console's side of a PowerShell session.
#
# After `. UmcBridge.ps1; Start-UmcLoop`, this script reads the session's stdin itself and never
# evaluates a line as PowerShell: it recognises exactly three shapes — node-powershell's delimiter
# lines (echoed back), `Initialize-UmcSession '<base64>'` / `Invoke-UmcRequest '<base64>'` /
# `Invoke-UmcPing` (dispatched) — and refuses anything else. The base64 argument is JSON; the
# cmdlet is checked against the session's allow-list and the values are bound as parameters of a
# [PowerShell] command object (AddCommand/AddParameter), so no value is ever parsed as script.
# Each request answers with one line of JSON on stdout: output objects, error records, warnings,
# progress and information records.

Set-StrictMode -Version 3.0
$ErrorActionPreference = 'Stop'
$ProgressPreference = 'SilentlyContinue'
[Console]::OutputEncoding = [System.Text.UTF8Encoding]::new($false)
if ($PSVersionTable.PSVersion.Major -ge 7) { $PSStyle.OutputRendering = 'PlainText' }

$script:UmcRunspace = $null
$script:UmcShell = $null
$script:UmcAllowed = [System.Collections.Generic.HashSet[string]]::new([System.StringComparer]::OrdinalIgnoreCase)

function ConvertFrom-UmcRequest([string]$Encoded) {
    [System.Text.Encoding]::UTF8.GetString([Convert]::FromBase64String($Encoded)) | ConvertFrom-Json -AsHashtable
}

function Write-UmcResponse($Response) {
    # One line, marked so the console can tell it from anything else the host prints (terminal
    # control sequences, a module's banner). EscapeNonAscii keeps it ASCII whatever the code page.
    # Output objects (PSCustomObjects, or deserialized objects from a remote Exchange session) are
    # serialised as data: enums by name, anything nested deeper than the response needs by its text.
    [Console]::Out.WriteLine('UMC-RESPONSE ' + (ConvertTo-Json -InputObject $Response -Depth 5 -Compress -EnumsAsStrings -EscapeHandling EscapeNonAscii))
}

function ConvertTo-UmcError($Record) {
    if ($Record -isnot [System.Management.Automation.ErrorRecord]) {
        $exception = if ($Record -is [Exception]) { $Record } else { [Exception]::new([string]$Record) }
        $Record = [System.Management.Automation.ErrorRecord]::new($exception, 'UmcBridge.Exception', 'NotSpecified', $null)
    }
    $inner = $Record.Exception
    while ($inner -is [System.Management.Automation.MethodInvocationException] -and $inner.InnerException) { $inner = $inner.InnerException }
    [ordered]@{
        message                = $inner.Message
        fullyQualifiedErrorId  = $Record.FullyQualifiedErrorId
        category               = $Record.CategoryInfo.Category.ToString()
        reason                 = $Record.CategoryInfo.Reason
        target                 = if ($null -ne $Record.TargetObject) { [string]$Record.TargetObject } else { $null }
        exceptionType          = $inner.GetType().FullName
    }
}

function ConvertTo-UmcValue($Value) {
    # JSON arrays arrive as object[]; cmdlet binding converts them to the parameter's type.
    # A credential is the one structured value: { "$credential": { "userName": …, "password": … } }.
    if ($Value -is [System.Collections.IDictionary] -and $Value.Contains('$credential')) {
        $c = $Value['$credential']
        return [pscredential]::new([string]$c.userName, (ConvertTo-SecureString -String ([string]$c.password) -AsPlainText -Force))
    }
    if ($Value -is [System.Collections.IList]) { return , @($Value | ForEach-Object { ConvertTo-UmcValue $_ }) }
    $Value
}

function Invoke-UmcCommand {
    <# Runs one command in the worker runspace with parameters bound as data; returns the response. #>
    param([string]$Command, [System.Collections.IDictionary]$Parameters, [string]$Script)
    if (-not $script:UmcShell) {
        $script:UmcShell = [PowerShell]::Create()
        $script:UmcShell.Runspace = $script:UmcRunspace
    }
    $ps = $script:UmcShell
    $ps.Commands.Clear()
    $ps.Streams.ClearStreams()
    if ($Script) { [void]$ps.AddScript($Script) } else { [void]$ps.AddCommand($Command) }
    if ($Parameters) { foreach ($name in $Parameters.Keys) { [void]$ps.AddParameter($name, (ConvertTo-UmcValue $Parameters[$name])) } }
    $watch = [System.Diagnostics.Stopwatch]::StartNew()
    $output = @()
    $terminating = $null
    try { $output = @($ps.Invoke()) } catch { $terminating = $_ }
    $errors = [System.Collections.Generic.List[object]]::new()
    foreach ($record in $ps.Streams.Error) { $errors.Add((ConvertTo-UmcError $record)) }
    if ($terminating) {
        $record = if ($terminating.Exception.InnerException -is [System.Management.Automation.IContainsErrorRecord]) { $terminating.Exception.InnerException.ErrorRecord } else { $terminating }
        $errors.Add((ConvertTo-UmcError $record))
    }
    $warnings = [System.Collections.Generic.List[string]]::new()
    foreach ($record in $ps.Streams.Warning) { $warnings.Add($record.Message) }
    $progress = [System.Collections.Generic.List[object]]::new()
    foreach ($record in $ps.Streams.Progress) { $progress.Add([ordered]@{ activity = $record.Activity; status = $record.StatusDescription; percent = $record.PercentComplete }) }
    $information = [System.Collections.Generic.List[string]]::new()
    foreach ($record in $ps.Streams.Information) { $information.Add([string]$record.MessageData) }
    $response = [ordered]@{
        ok          = $errors.Count -eq 0
        output      = $output
        errors      = $errors
        warnings    = $warnings
        progress    = $progress
        information = $information
        durationMs  = $watch.ElapsedMilliseconds
    }
    $response
}

function Initialize-UmcSession([string]$Request) {
    <# Opens the worker runspace and connects the endpoint; the endpoint is the only thing that differs. #>
    try {
        $r = ConvertFrom-UmcRequest $Request
        foreach ($name in $r.allowed) { [void]$script:UmcAllowed.Add($name) }
        $script:UmcRunspace = [runspacefactory]::CreateRunspace()
        $script:UmcRunspace.Open()
        $endpoint = $r.endpoint
        # Optional keys are read by index: under strict mode a missing key read as a property throws.
        $credential = if ($endpoint['credential']) { @{ '$credential' = $endpoint['credential'] } } else { $null }
        $response = switch ($endpoint.kind) {
            'lab' {
                $connect = @{ Server = $endpoint.server; Port = $endpoint.port; CaDirectory = $endpoint.caDirectory; Credential = (ConvertTo-UmcValue $credential); CallLog = $endpoint['callLog']; CmsFile = $endpoint['cmsFile']; ExchangeStateFile = $endpoint['exchangeStateFile'] }
                Invoke-UmcCommand -Script 'param($ModulePath, $Connect) Import-Module -Name $ModulePath -ErrorAction Stop; Connect-UmLab @Connect' -Parameters @{ ModulePath = $endpoint.modulePath; Connect = $connect }
            }
            'exchange-remote' {
                $session = @{ ConfigurationName = 'Microsoft.Exchange'; ConnectionUri = "http://$($endpoint.server)/PowerShell/"; Authentication = $endpoint.authentication }
                if ($credential) { $session.Credential = ConvertTo-UmcValue $credential }
                Invoke-UmcCommand -Script 'param($Session) $s = New-PSSession @Session -ErrorAction Stop; Import-PSSession $s -DisableNameChecking -AllowClobber -ErrorAction Stop | Out-Null' -Parameters @{ Session = $session }
            }
            'lync-local' {
                Invoke-UmcCommand -Script 'if ($PSVersionTable.PSEdition -eq "Core") { Import-Module Lync -UseWindowsPowerShell -ErrorAction Stop } else { Import-Module Lync -ErrorAction Stop }'
            }
            'lync-remote' {
                $session = @{ ConnectionUri = "https://$($endpoint.pool)/OcsPowerShell"; Authentication = 'Negotiate' }
                if ($credential) { $session.Credential = ConvertTo-UmcValue $credential }
                Invoke-UmcCommand -Script 'param($Session) $s = New-PSSession @Session -ErrorAction Stop; Import-PSSession $s -DisableNameChecking -AllowClobber -ErrorAction Stop | Out-Null' -Parameters @{ Session = $session }
            }
            default { [ordered]@{ ok = $false; errors = @(ConvertTo-UmcError "Unknown endpoint kind '$($endpoint.kind)'.") } }
        }
        $response.output = @()
        Write-UmcResponse $response
    } catch {
        Write-UmcResponse ([ordered]@{ ok = $false; output = @(); errors = @(ConvertTo-UmcError $_) })
    }
}

function Invoke-UmcRequest([string]$Request) {
    <# One allow-listed cmdlet with its parameters as data. #>
    try {
        $r = ConvertFrom-UmcRequest $Request
        $command = [string]$r.command
        if (-not $script:UmcRunspace) { throw [System.InvalidOperationException]::new('The session is not initialised.') }
        if (-not $script:UmcAllowed.Contains($command)) {
            $record = [System.Management.Automation.ErrorRecord]::new([System.UnauthorizedAccessException]::new("The command '$command' is not on this session's allow-list."), 'UmcBridge.NotAllowed', 'PermissionDenied', $command)
            Write-UmcResponse ([ordered]@{ ok = $false; output = @(); errors = @(ConvertTo-UmcError $record) })
            return
        }
        Write-UmcResponse (Invoke-UmcCommand -Command $command -Parameters $r.parameters)
    } catch {
        Write-UmcResponse ([ordered]@{ ok = $false; output = @(); errors = @(ConvertTo-UmcError $_) })
    }
}

function Invoke-UmcPing { Write-UmcResponse ([ordered]@{ ok = $true; output = @('pong'); errors = @() }) }

function Start-UmcLoop {
    <# Serves the session until stdin closes. Lines are matched, never evaluated. #>
    $reader = [Console]::In
    while ($null -ne ($line = $reader.ReadLine())) {
        if ($line -match '^\[Console\]::(Out|Error)\.WriteLine\("([0-9A-Za-z]{1,64})"\)$') {
            if ($Matches[1] -eq 'Out') { [Console]::Out.WriteLine($Matches[2]) } else { [Console]::Error.WriteLine($Matches[2]) }
        } elseif ($line -match "^Invoke-UmcRequest '([A-Za-z0-9+/=]*)'$") {
            Invoke-UmcRequest $Matches[1]
        } elseif ($line -match "^Initialize-UmcSession '([A-Za-z0-9+/=]*)'$") {
            Initialize-UmcSession $Matches[1]
        } elseif ($line -eq 'Invoke-UmcPing') {
            Invoke-UmcPing
        } elseif ($line.Trim().Length -gt 0) {
            $record = [System.Management.Automation.ErrorRecord]::new([System.InvalidOperationException]::new('The bridge received a line it does not understand; nothing was run.'), 'UmcBridge.UnknownLine', 'InvalidData', $null)
            Write-UmcResponse ([ordered]@{ ok = $false; output = @(); errors = @(ConvertTo-UmcError $record) })
        }
    }
}
