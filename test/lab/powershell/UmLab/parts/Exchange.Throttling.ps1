# UmLab: the Exchange server behind a session - its latency, its remote PowerShell throttling
# budgets and its outages, as `npm run lab -- realistic` and `lab exchange down|up` set them in the
# endpoints directory (test/lab/exchange-endpoints.ts). Off unless realistic.json exists.
#
# The budgets are the default throttling policy's remote PowerShell ones [S44]:
# PowerShellMaxConcurrency ("the maximum number of remote PowerShell sessions that a remote
# PowerShell user can have open at the same time") and PowerShellMaxCmdlets per
# PowerShellMaxCmdletsTimePeriod; Exchange 2013 on-premises ships 18 and Unlimited [S45]. Budgets
# are per user and tracked per server. A refused session fails to open, a refused cmdlet fails,
# each with the text admins see [S46][S47]. The state is shared by the separate pwsh processes
# through files under a lock; a session's slot is its pwsh process, so a killed process frees it
# (Exchange frees a dead session's slot too, later).

#region Exchange endpoint

function Get-LabRealisticMode {
    if (-not $script:Lab -or -not $script:Lab.EndpointsDirectory) { return $null }
    $file = Join-Path $script:Lab.EndpointsDirectory 'realistic.json'
    if (-not (Test-Path -LiteralPath $file)) { return $null }
    Get-Content -LiteralPath $file -Raw | ConvertFrom-Json -AsHashtable
}

function Invoke-LabEndpointLock([string]$Directory, [scriptblock]$Action) {
    <# Runs $Action holding the endpoint's lock, so the lab's pwsh processes count sessions and cmdlets one at a time. #>
    [void][System.IO.Directory]::CreateDirectory($Directory)
    Invoke-LabLocked (Join-Path $Directory 'lock') $Action
}

function New-LabRemotingError([string]$Message, [string]$ErrorId) {
    <# How a remote session reports what WinRM or Exchange refused: a transport error, not a cmdlet error. #>
    [System.Management.Automation.ErrorRecord]::new([System.Management.Automation.Remoting.PSRemotingTransportException]::new($Message), $ErrorId, 'ResourceUnavailable', $script:Lab.ExchangeServer)
}

function Test-LabEndpointDown {
    Test-Path -LiteralPath (Join-Path (Join-Path $script:Lab.EndpointsDirectory $script:Lab.ExchangeServer) 'down')
}

$script:LabUnreachable = 'WinRM cannot complete the operation. Verify that the specified computer name is valid, that the computer is accessible over the network, and that a firewall exception for the WinRM service is enabled and allows access from this computer.'

function Enter-LabExchangeSession([string]$User) {
    <# At Connect-UmLab: the server must answer, and in realistic mode the user must have a session
       left in PowerShellMaxConcurrency [S44]; this process then holds one slot until it ends. #>
    if (-not $script:Lab.ExchangeServer) { return }
    $server = $script:Lab.ExchangeServer
    if (Test-LabEndpointDown) { throw (New-LabRemotingError "Connecting to remote server $server failed with the following error message : $($script:LabUnreachable) For more information, see the about_Remote_Troubleshooting Help topic." 'PSSessionOpenFailed') }
    $mode = Get-LabRealisticMode
    $slots = Join-Path (Join-Path $script:Lab.EndpointsDirectory $server) ($User.ToLowerInvariant() -replace '[^a-z0-9@._-]', '_')
    Invoke-LabEndpointLock (Join-Path $script:Lab.EndpointsDirectory $server) {
        [void][System.IO.Directory]::CreateDirectory($slots)
        $live = 0
        foreach ($slot in [System.IO.Directory]::GetFiles($slots, '*.session')) {
            $owner = [int][System.IO.Path]::GetFileNameWithoutExtension($slot)
            $process = Get-Process -Id $owner -ErrorAction SilentlyContinue
            # A PID is reused once its process has ended: a process that started after the slot was
            # written is another one, and the slot is a dead session's, which Exchange frees too.
            $written = [DateTime]::MaxValue
            try { $written = [DateTime]::Parse([System.IO.File]::ReadAllText($slot), $null, [System.Globalization.DateTimeStyles]::RoundtripKind) } catch { }
            if ($process -and $process.StartTime.ToUniversalTime() -le $written) { $live++ } else { [System.IO.File]::Delete($slot) }
        }
        if ($mode -and $mode['sessions'] -and $live -ge $mode['sessions']) {
            # WinRM's quota text as admins report it for Exchange's concurrency limit [S47].
            throw (New-LabRemotingError "Connecting to remote server $server failed with the following error message : The WS-Management service cannot process the request. This user is allowed a maximum of $($mode['sessions']) concurrent shells, which has been exceeded. Close existing shells or raise the quota for this user. For more information, see the about_Remote_Troubleshooting Help topic." 'PSSessionOpenFailed')
        }
        [System.IO.File]::WriteAllText((Join-Path $slots "$PID.session"), [DateTime]::UtcNow.ToString('o'))
    }
}

function Assert-LabExchangeAnswers([string]$Cmdlet) {
    <# Before a cmdlet reaches the server: the server must still answer, and in realistic mode the
       user's PowerShellMaxCmdlets budget for PowerShellMaxCmdletsTimePeriod must have room [S44]. #>
    if (-not $script:Lab -or -not $script:Lab.ExchangeServer) { return }
    $server = $script:Lab.ExchangeServer
    if (Test-LabEndpointDown) { throw (New-LabRemotingError "Processing data from remote server $server failed with the following error message: $($script:LabUnreachable) For more information, see the about_Remote_Troubleshooting Help topic." 'JobFailure') }
    $mode = Get-LabRealisticMode
    if (-not $mode -or -not $mode['cmdlets']) { return }
    $limit = [int]$mode['cmdlets']['count']
    $period = [int]$mode['cmdlets']['periodSeconds']
    $file = Join-Path (Join-Path $script:Lab.EndpointsDirectory $server) "$($script:Lab.User.ToLowerInvariant() -replace '[^a-z0-9@._-]', '_').cmdlets"
    $waitMs = Invoke-LabEndpointLock (Join-Path $script:Lab.EndpointsDirectory $server) {
        $now = [DateTime]::UtcNow
        $recent = [System.Collections.Generic.List[datetime]]::new()
        if (Test-Path -LiteralPath $file) {
            foreach ($line in [System.IO.File]::ReadAllLines($file)) {
                $at = [DateTime]::Parse($line, [Globalization.CultureInfo]::InvariantCulture, 'RoundtripKind')
                if (($now - $at).TotalSeconds -lt $period) { $recent.Add($at) }
            }
        }
        if ($recent.Count -ge $limit) { return [int][Math]::Ceiling(($recent[$recent.Count - $limit].AddSeconds($period) - $now).TotalMilliseconds) }
        $recent.Add($now)
        [System.IO.File]::WriteAllLines($file, [string[]]@($recent | ForEach-Object { $_.ToString('o') }))
        return 0
    }
    if ($waitMs -gt 0) {
        # WinRM's user load quota text, X = PowerShellMaxCmdlets and Y = its time period [S47].
        throw (New-LabRemotingError "Processing data from remote server $server failed with the following error message: The WS-Management service cannot process the request. The user load quota of $limit requests per $period seconds has been exceeded. Send future requests at a slower rate or raise the quota for this user. The next request from this user will not be approved for at least $waitMs milliseconds. For more information, see the about_Remote_Troubleshooting Help topic." 'JobFailure')
    }
}

function Get-LabLatency([string]$Cmdlet) {
    <# Milliseconds the cmdlet takes on this server in realistic mode (0 when off). #>
    if (-not $script:Lab -or -not $script:Lab.ExchangeServer) { return 0 }
    $mode = Get-LabRealisticMode
    if (-not $mode -or -not $mode['latencyMs'] -or -not $mode['latencyMs'].ContainsKey($Cmdlet)) { return 0 }
    [int]$mode['latencyMs'][$Cmdlet]
}

#endregion
