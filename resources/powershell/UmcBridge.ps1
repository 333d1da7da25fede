# UmcBridge: the console's side of a PowerShell session.
#
# After `. UmcBridge.ps1; Start-UmcLoop`, this script reads the session's stdin itself and never
# evaluates a line as PowerShell: it recognises exactly three shapes - node-powershell's delimiter
# lines (echoed back), `Initialize-UmcSession '<base64>'` / `Invoke-UmcRequest '<base64>'` /
# `Invoke-UmcPing` (dispatched) - and refuses anything else. The base64 argument is JSON; the
# cmdlet and each parameter name are checked against the session's allow-list and the values are
# bound as parameters of a [PowerShell] command object (AddCommand/AddParameter), so no value is
# ever parsed as script. The console checks the same list before it sends anything; the bridge
# does not rely on that. A session is initialised once, and its worker runspace exposes only the
# allow-listed commands (see New-UmcWorkerRunspace).
# Each request answers with one line of JSON on stdout: output objects, error records, warnings,
# progress and information records.
#
# It runs unchanged on Windows PowerShell 5.1 (what a jump box has, and the only host of the Lync
# 2013 module) and on PowerShell 7: JSON is read and written here rather than by ConvertFrom-Json /
# ConvertTo-Json, whose 5.1 and 7 versions differ (no -AsHashtable, -EnumsAsStrings or
# -EscapeHandling in 5.1; dates as "\/Date(ms)\/" in 5.1 and ISO in 7; 7 turns date-like strings
# into DateTime; 5.1 truncates past -Depth silently). test/powershell-compat checks every line
# against the list of what 5.1 lacks. Keep this file ASCII: 5.1 reads a file without a byte
# order mark in the ANSI code page (about_Character_Encoding, 5.1).

Set-StrictMode -Version 3.0
$ErrorActionPreference = 'Stop'
$ProgressPreference = 'SilentlyContinue'
# Responses are ASCII (see ConvertTo-UmcJson), so the code page cannot garble them; UTF-8 all the same.
try { [Console]::OutputEncoding = [System.Text.UTF8Encoding]::new($false) } catch { }
# PowerShell 7.2+ colours error text with ANSI sequences unless told not to ($PSStyle, 7.2+ only).
$style = Get-Variable -Name PSStyle -ValueOnly -ErrorAction SilentlyContinue
if ($null -ne $style) { $style.OutputRendering = 'PlainText' }
Remove-Variable -Name style

$script:UmcInitialised = $false
$script:UmcRunspace = $null
$script:UmcShell = $null
# Command name -> the parameter names it may be given (both case-insensitive, as PowerShell binds).
$script:UmcAllowed = [System.Collections.Generic.Dictionary[string, System.Collections.Generic.HashSet[string]]]::new([System.StringComparer]::OrdinalIgnoreCase)

$script:UmcJsonToken = [regex]::new('\G(?:\s*)(?:(?<s>"(?:[^"\\]|\\.)*")|(?<n>-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)|(?<w>true|false|null)|(?<p>[{}\[\],:]))', 'Compiled')
$script:UmcJsonEscape = [regex]::new('\\(?:u(?<u>[0-9A-Fa-f]{4})|(?<c>["\\/bfnrt]))', 'Compiled')
$script:UmcPlainAscii = [regex]::new('\A[\x20\x21\x23-\x5B\x5D-\x7E]*\z', 'Compiled')

function ConvertFrom-UmcJson([string]$Json) {
    <# JSON to ordered dictionaries, object[] arrays, strings, Int32/Int64/Double, booleans and $null:
       the same values on 5.1 and 7 (no date guessing, no PSCustomObjects). #>
    $tokens = New-Object System.Collections.Generic.List[object]
    $at = 0
    while ($at -lt $Json.Length) {
        $m = $script:UmcJsonToken.Match($Json, $at)
        if (-not $m.Success) {
            if ($Json.Substring($at).Trim().Length -eq 0) { break }
            throw [System.FormatException]::new("The request is not valid JSON (at character $at).")
        }
        $tokens.Add($m)
        $at += $m.Length
    }
    $state = @{ i = 0 }
    $value = Read-UmcJsonValue $tokens $state
    if ($state.i -ne $tokens.Count) { throw [System.FormatException]::new('The request is not valid JSON (text after the value).') }
    return , $value
}

function Read-UmcJsonValue($Tokens, $State) {
    if ($State.i -ge $Tokens.Count) { throw [System.FormatException]::new('The request is not valid JSON (it ends early).') }
    $m = $Tokens[$State.i]
    $State.i++
    if ($m.Groups['s'].Success) {
        $text = $m.Groups['s'].Value
        $text = $text.Substring(1, $text.Length - 2)
        if ($text.IndexOf([char]'\') -lt 0) { return $text }
        return $script:UmcJsonEscape.Replace($text, {
                param($e)
                if ($e.Groups['u'].Success) { return [string][char][Convert]::ToInt32($e.Groups['u'].Value, 16) }
                switch -CaseSensitive ($e.Groups['c'].Value) { 'b' { "`b" } 'f' { "`f" } 'n' { "`n" } 'r' { "`r" } 't' { "`t" } default { $_ } }
            })
    }
    if ($m.Groups['n'].Success) {
        $text = $m.Groups['n'].Value
        $culture = [System.Globalization.CultureInfo]::InvariantCulture
        if ($text -match '^-?\d+$') {
            $long = [long]::Parse($text, $culture)
            if ($long -ge [int]::MinValue -and $long -le [int]::MaxValue) { return [int]$long }
            return $long
        }
        return [double]::Parse($text, $culture)
    }
    if ($m.Groups['w'].Success) {
        switch ($m.Groups['w'].Value) { 'true' { return $true } 'false' { return $false } default { return $null } }
    }
    $p = $m.Groups['p'].Value
    if ($p -eq '{') {
        $object = [ordered]@{}
        if ($Tokens[$State.i].Groups['p'].Value -eq '}') { $State.i++; return , $object }
        while ($true) {
            $key = Read-UmcJsonValue $Tokens $State
            if ($key -isnot [string] -or $Tokens[$State.i].Groups['p'].Value -ne ':') { throw [System.FormatException]::new('The request is not valid JSON (an object key).') }
            $State.i++
            $object[$key] = Read-UmcJsonValue $Tokens $State
            $next = $Tokens[$State.i].Groups['p'].Value
            $State.i++
            if ($next -eq '}') { return , $object }
            if ($next -ne ',') { throw [System.FormatException]::new('The request is not valid JSON (in an object).') }
        }
    }
    if ($p -eq '[') {
        $items = New-Object System.Collections.Generic.List[object]
        if ($Tokens[$State.i].Groups['p'].Value -eq ']') { $State.i++; return , $items.ToArray() }
        while ($true) {
            $items.Add((Read-UmcJsonValue $Tokens $State))
            $next = $Tokens[$State.i].Groups['p'].Value
            $State.i++
            if ($next -eq ']') { return , $items.ToArray() }
            if ($next -ne ',') { throw [System.FormatException]::new('The request is not valid JSON (in an array).') }
        }
    }
    throw [System.FormatException]::new("The request is not valid JSON (unexpected '$p').")
}

function ConvertFrom-UmcRequest([string]$Encoded) {
    ConvertFrom-UmcJson ([System.Text.Encoding]::UTF8.GetString([Convert]::FromBase64String($Encoded)))
}

function Add-UmcJsonString([System.Text.StringBuilder]$Builder, [string]$Text) {
    <# A JSON string in ASCII: quotes, backslashes, control and non-ASCII characters as \uXXXX. #>
    [void]$Builder.Append('"')
    if ($script:UmcPlainAscii.IsMatch($Text)) { [void]$Builder.Append($Text) }
    else {
        foreach ($ch in $Text.ToCharArray()) {
            $code = [int]$ch
            if ($code -eq 0x22) { [void]$Builder.Append('\"') }
            elseif ($code -eq 0x5C) { [void]$Builder.Append('\\') }
            elseif ($code -lt 0x20 -or $code -gt 0x7E) { [void]$Builder.Append('\u').Append($code.ToString('x4')) }
            else { [void]$Builder.Append($ch) }
        }
    }
    [void]$Builder.Append('"')
}

function Add-UmcJsonValue([System.Text.StringBuilder]$Builder, $Value, [int]$Depth) {
    <# What ConvertTo-Json -EnumsAsStrings did in 7, the same on 5.1: enums by name, dates in ISO 8601,
       dictionaries and objects (their note and .NET properties; script properties are not run) as
       JSON objects, lists as arrays, and anything deeper than the response needs by its text. #>
    if ($null -eq $Value -or $Value -is [System.DBNull]) { [void]$Builder.Append('null'); return }
    $wrapped = $Value
    if ($Value -is [System.Management.Automation.PSObject]) { $Value = $Value.PSObject.BaseObject }
    $culture = [System.Globalization.CultureInfo]::InvariantCulture
    if ($Value -is [string] -or $Value -is [char]) { Add-UmcJsonString $Builder ([string]$Value); return }
    if ($Value -is [bool]) { [void]$Builder.Append($(if ($Value) { 'true' } else { 'false' })); return }
    if ($Value -is [enum]) { Add-UmcJsonString $Builder $Value.ToString(); return }
    if ($Value -is [double] -or $Value -is [single]) {
        if ([double]::IsNaN($Value) -or [double]::IsInfinity($Value)) { [void]$Builder.Append('null') } else { [void]$Builder.Append(([double]$Value).ToString('R', $culture)) }
        return
    }
    if ($Value -is [int] -or $Value -is [long] -or $Value -is [decimal] -or $Value -is [byte] -or $Value -is [sbyte] -or $Value -is [int16] -or $Value -is [uint16] -or $Value -is [uint32] -or $Value -is [uint64]) {
        [void]$Builder.Append($Value.ToString($culture)); return
    }
    if ($Value -is [datetime] -or $Value -is [System.DateTimeOffset]) { Add-UmcJsonString $Builder $Value.ToString('o', $culture); return }
    if ($Value -is [guid] -or $Value -is [uri] -or $Value -is [version] -or $Value -is [timespan] -or $Value -is [scriptblock]) { Add-UmcJsonString $Builder $Value.ToString(); return }
    if ($Depth -le 0) { Add-UmcJsonString $Builder ([string]$Value); return }
    if ($Value -is [System.Collections.IDictionary]) {
        [void]$Builder.Append('{')
        $first = $true
        foreach ($key in $Value.Keys) {
            if (-not $first) { [void]$Builder.Append(',') }
            $first = $false
            Add-UmcJsonString $Builder ([string]$key)
            [void]$Builder.Append(':')
            Add-UmcJsonValue $Builder $Value[$key] ($Depth - 1)
        }
        [void]$Builder.Append('}')
        return
    }
    if ($Value -is [System.Collections.IEnumerable]) {
        [void]$Builder.Append('[')
        $first = $true
        foreach ($item in $Value) {
            if (-not $first) { [void]$Builder.Append(',') }
            $first = $false
            Add-UmcJsonValue $Builder $item ($Depth - 1)
        }
        [void]$Builder.Append(']')
        return
    }
    $properties = @($wrapped.PSObject.Properties | Where-Object { $_.MemberType -eq 'NoteProperty' -or $_.MemberType -eq 'Property' -or $_.MemberType -eq 'AliasProperty' })
    if ($properties.Count -eq 0) { Add-UmcJsonString $Builder ([string]$Value); return }
    [void]$Builder.Append('{')
    $first = $true
    foreach ($property in $properties) {
        $item = $null
        try { $item = $property.Value } catch { $item = $null }
        if (-not $first) { [void]$Builder.Append(',') }
        $first = $false
        Add-UmcJsonString $Builder $property.Name
        [void]$Builder.Append(':')
        Add-UmcJsonValue $Builder $item ($Depth - 1)
    }
    [void]$Builder.Append('}')
}

function ConvertTo-UmcJson($Value) {
    $builder = [System.Text.StringBuilder]::new()
    Add-UmcJsonValue $builder $Value 6
    $builder.ToString()
}

function Write-UmcResponse($Response) {
    # One line, marked so the console can tell it from anything else the host prints (terminal
    # control sequences, a module's banner), and ASCII whatever the code page.
    [Console]::Out.WriteLine('UMC-RESPONSE ' + (ConvertTo-UmcJson $Response))
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

function Write-UmcRefusal([string]$Message, [string]$ErrorId, [string]$Target) {
    <# Answers a request the bridge will not run; nothing reached the worker runspace. #>
    $record = [System.Management.Automation.ErrorRecord]::new([System.UnauthorizedAccessException]::new($Message), $ErrorId, 'PermissionDenied', $Target)
    Write-UmcResponse ([ordered]@{ ok = $false; output = @(); errors = @(ConvertTo-UmcError $record) })
}

function ConvertTo-UmcValue($Value) {
    # JSON arrays arrive as object[]; cmdlet binding converts them to the parameter's type.
    # A credential is the one structured value: { "$credential": { "userName": ..., "password": ... } }.
    # The SecureString is built by hand rather than with ConvertTo-SecureString: module logging
    # (a Group Policy setting) records every cmdlet's parameter values, which would put the
    # password in the event log.
    if ($Value -is [System.Collections.IDictionary] -and $Value.Contains('$credential')) {
        $c = $Value['$credential']
        $secure = [System.Security.SecureString]::new()
        foreach ($ch in ([string]$c.password).ToCharArray()) { $secure.AppendChar($ch) }
        $secure.MakeReadOnly()
        return [pscredential]::new([string]$c.userName, $secure)
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

function New-UmcWorkerRunspace {
    <# The runspace requests run in, built from an InitialSessionState in which every command is
       private and no external program or script file may run. A request is added with AddCommand,
       so PowerShell looks its command up as the runspace's caller (CommandOrigin.Runspace) and finds
       only public commands; code running inside the runspace - the connection steps, module
       functions, the proxies Import-PSSession writes - looks commands up as the engine
       (CommandOrigin.Internal) and may use private ones. Commands imported through a private
       Import-Module are private as well (PowerShell's own rule, which also blocks autoloading a
       module on a request's behalf), so whatever the endpoint brings in stays private until
       Publish-UmcAllowedCommand makes the allow-listed ones public. Command visibility and the
       application and script entries are the documented SDK API of Windows PowerShell 3.0 and
       later and of PowerShell 7 ("Creating an InitialSessionState": making commands private). #>
    $iss = [System.Management.Automation.Runspaces.InitialSessionState]::CreateDefault()
    foreach ($entry in @($iss.Commands)) {
        if ($entry -is [System.Management.Automation.Runspaces.SessionStateApplicationEntry] -or $entry -is [System.Management.Automation.Runspaces.SessionStateScriptEntry]) {
            # The '*' entries that let any program or script file run; without them none may be
            # run by a request, while code inside the runspace still may.
            $iss.Commands.Remove($entry.Name, $entry.GetType())
        } else {
            $entry.Visibility = [System.Management.Automation.SessionStateEntryVisibility]::Private
        }
    }
    $runspace = [runspacefactory]::CreateRunspace($iss)
    $runspace.Open()
    $runspace
}

# The connection steps and the publishing step run inside "& { }": the script a [PowerShell]
# object is given is looked up as the runspace's caller, like a request, and would find only
# public commands; the commands of a script block it invokes are looked up as the engine's.

$script:UmcPublishScript = {
    param([string[]]$Allowed)
    & {
        # Every command in the runspace, private ones included, public only when allow-listed.
        # Aliases stay private: a request names the command itself.
        foreach ($command in @(Get-Command -ListImported -All -CommandType Alias, Function, Filter, Cmdlet)) {
            $public = $command.CommandType -ne 'Alias' -and $Allowed -contains $command.Name
            $command.Visibility = if ($public) { 'Public' } else { 'Private' }
            # Listed is not the same as there: a module's export that its session no longer holds
            # is listed but does not resolve, and is not reported as available.
            if ($public -and $null -ne $ExecutionContext.InvokeCommand.GetCommand($command.Name, 'Function, Filter, Cmdlet')) { [string]$command.Name }
        }
    }
}

function Publish-UmcAllowedCommand {
    <# After the endpoint is connected: the allow-listed commands become the runspace's only public ones.
       Returns their names: the allow-listed commands this session really has. An Exchange session
       holds only the cmdlets the account's RBAC roles grant (Import-PSSession brings in nothing
       else), so a missing name tells the console, before it runs anything, what the account may
       not do. #>
    $published = Invoke-UmcCommand -Script $script:UmcPublishScript -Parameters @{ Allowed = [string[]]@($script:UmcAllowed.Keys) }
    if (-not $published.ok) { throw [System.InvalidOperationException]::new("The session's commands could not be restricted: $($published.errors[0].message)") }
    , [string[]]@($published.output | Sort-Object -Unique)
}

function Initialize-UmcSession([string]$Request) {
    <# Opens the worker runspace and connects the endpoint; the endpoint is the only thing that differs.
       Once per process: a second request could otherwise widen the allow-list or swap the endpoint. #>
    if ($script:UmcInitialised) {
        Write-UmcRefusal 'This session is already initialised; a session is initialised once.' 'UmcBridge.AlreadyInitialised' $null
        return
    }
    $script:UmcInitialised = $true
    try {
        $r = ConvertFrom-UmcRequest $Request
        if ($r.allowed -isnot [System.Collections.IDictionary]) { throw [System.FormatException]::new('The allow-list must map each command to its parameter names.') }
        foreach ($name in $r.allowed.Keys) {
            $script:UmcAllowed[[string]$name] = [System.Collections.Generic.HashSet[string]]::new([string[]]@($r.allowed[$name]), [System.StringComparer]::OrdinalIgnoreCase)
        }
        $script:UmcRunspace = New-UmcWorkerRunspace
        $endpoint = $r.endpoint
        # Optional keys are read by index: under strict mode a missing key read as a property throws.
        $credential = if ($endpoint['credential']) { @{ '$credential' = $endpoint['credential'] } } else { $null }
        $response = switch ($endpoint.kind) {
            'lab' {
                $connect = @{ Server = $endpoint.server; Port = $endpoint.port; CaDirectory = $endpoint.caDirectory; Credential = (ConvertTo-UmcValue $credential); CallLog = $endpoint['callLog']; CmsFile = $endpoint['cmsFile']; ExchangeStateFile = $endpoint['exchangeStateFile']; ExchangeServer = $endpoint['exchangeServer']; EndpointsDirectory = $endpoint['endpointsDirectory'] }
                Invoke-UmcCommand -Script { param($ModulePath, $Connect) & { Import-Module -Name $ModulePath -ErrorAction Stop; Connect-UmLab @Connect } } -Parameters @{ ModulePath = $endpoint.modulePath; Connect = $connect }
            }
            'exchange-remote' {
                # Microsoft's steps for Exchange 2010/2013: New-PSSession to http://<server>/PowerShell/
                # with the Microsoft.Exchange configuration, then Import-PSSession (docs/sources.md S33).
                # https when the profile asks for it; Basic only then, since Basic sends the password
                # readable by anyone on the path (the console refuses it first; so does the bridge).
                $scheme = if ($endpoint['transport'] -eq 'https') { 'https' } else { 'http' }
                if ($endpoint.authentication -eq 'Basic' -and $scheme -ne 'https') {
                    Write-UmcRefusal 'Basic authentication is sent only over HTTPS; this endpoint is http://. Nothing was sent.' 'UmcBridge.BasicOverHttp' $endpoint.server
                    return
                }
                $session = @{ ConfigurationName = 'Microsoft.Exchange'; ConnectionUri = "$($scheme)://$($endpoint.server)/PowerShell/"; Authentication = $endpoint.authentication }
                if ($credential) { $session.Credential = ConvertTo-UmcValue $credential }
                Invoke-UmcCommand -Script { param($Session) & { $s = New-PSSession @Session -ErrorAction Stop; Import-PSSession $s -DisableNameChecking -AllowClobber -ErrorAction Stop | Out-Null } } -Parameters @{ Session = $session }
            }
            'lync-local' {
                # The Lync Server 2013 module is a .NET Framework module: it loads in Windows PowerShell
                # (Desktop edition) only; the console starts powershell.exe for it (docs/sources.md S34).
                if ($PSVersionTable.PSEdition -ne 'Desktop') {
                    [ordered]@{ ok = $false; errors = @(ConvertTo-UmcError "The Lync Server 2013 module loads only in Windows PowerShell 5.1 (powershell.exe); this session is PowerShell $($PSVersionTable.PSVersion) ($($PSVersionTable.PSEdition)).") }
                } else {
                    Invoke-UmcCommand -Script { & { Import-Module Lync -ErrorAction Stop } }
                }
            }
            'lync-remote' {
                $session = @{ ConnectionUri = "https://$($endpoint.pool)/OcsPowerShell"; Authentication = 'Negotiate' }
                if ($credential) { $session.Credential = ConvertTo-UmcValue $credential }
                Invoke-UmcCommand -Script { param($Session) & { $s = New-PSSession @Session -ErrorAction Stop; Import-PSSession $s -DisableNameChecking -AllowClobber -ErrorAction Stop | Out-Null } } -Parameters @{ Session = $session }
            }
            default { [ordered]@{ ok = $false; errors = @(ConvertTo-UmcError "Unknown endpoint kind '$($endpoint.kind)'.") } }
        }
        # Until this runs nothing in the runspace is public, so a failed connection exposes nothing.
        $commands = if ($response.ok) { Publish-UmcAllowedCommand } else { [string[]]@() }
        # The answer says which PowerShell serves this endpoint (Settings and the shell test show
        # it) and which allow-listed commands the session has.
        $response.output = @([ordered]@{ edition = [string]$PSVersionTable.PSEdition; version = $PSVersionTable.PSVersion.ToString(); commands = $commands })
        Write-UmcResponse $response
    } catch {
        Write-UmcResponse ([ordered]@{ ok = $false; output = @(); errors = @(ConvertTo-UmcError $_) })
    }
}

function Invoke-UmcRequest([string]$Request) {
    <# One allow-listed cmdlet with allow-listed parameter names and their values as data. Names
       are matched exactly (no abbreviations, no common parameters unless listed). #>
    try {
        $r = ConvertFrom-UmcRequest $Request
        $command = [string]$r.command
        $parameters = $r['parameters']
        if (-not $script:UmcRunspace) { throw [System.InvalidOperationException]::new('The session is not initialised.') }
        $permitted = $null
        if (-not $script:UmcAllowed.TryGetValue($command, [ref]$permitted)) {
            Write-UmcRefusal "The command '$command' is not on this session's allow-list." 'UmcBridge.NotAllowed' $command
            return
        }
        if ($null -ne $parameters -and $parameters -isnot [System.Collections.IDictionary]) { throw [System.FormatException]::new('The parameters must be a JSON object.') }
        $refused = @(if ($parameters) { foreach ($name in $parameters.Keys) { if (-not $permitted.Contains([string]$name)) { "-$name" } } })
        if ($refused.Count -gt 0) {
            Write-UmcRefusal "The command '$command' is not allowed the parameter(s) $($refused -join ', ') in this session; nothing was run." 'UmcBridge.ParameterNotAllowed' $command
            return
        }
        Write-UmcResponse (Invoke-UmcCommand -Command $command -Parameters $parameters)
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
