<#
.SYNOPSIS
    Checks PowerShell scripts for what Windows PowerShell 5.1 cannot run.
.DESCRIPTION
    Parses each script with PowerShell's own parser and walks its syntax tree against the list in
    windows-powershell-5.1.json (syntax, cmdlets, parameters, automatic variables, .NET types and
    the file encoding), each entry citing the reference that says 5.1 lacks it. Under pwsh 7 a
    5.1-only parse error cannot show, so the 7-only syntax is found in the tree; under
    powershell.exe 5.1 it is a parse error, reported as such. Splatted parameters (@params) are not
    seen by a static check.

    Writes one JSON array of findings to stdout: { file, line, column, rule, message, source }.
    Runs on Windows PowerShell 5.1 and on PowerShell 7.
.EXAMPLE
    powershell.exe -NoProfile -File Test-WindowsPowerShellCompat.ps1 -Path ..\..\resources\powershell\UmcBridge.ps1
#>
param(
    [Parameter(Mandatory = $true)][string[]]$Path,
    [string]$Rules = (Join-Path $PSScriptRoot 'windows-powershell-5.1.json')
)
Set-StrictMode -Version 3.0
$ErrorActionPreference = 'Stop'

$list = Get-Content -LiteralPath $Rules -Raw -Encoding UTF8 | ConvertFrom-Json
$syntaxSource = @{}
foreach ($entry in $list.syntax) { $syntaxSource[$entry.rule] = $entry.source }
$findings = New-Object System.Collections.Generic.List[object]

function Add-Finding($File, $Extent, [string]$Rule, [string]$Message, [string]$Source) {
    $line = 0; $column = 0
    if ($Extent) { $line = $Extent.StartLineNumber; $column = $Extent.StartColumnNumber }
    $findings.Add([ordered]@{ file = $File; line = $line; column = $column; rule = $Rule; message = $Message; source = $Source })
}

function Test-HasProperty($Object, [string]$Name) { $null -ne $Object.PSObject.Properties[$Name] }

foreach ($file in $Path) {
    $full = (Resolve-Path -LiteralPath $file).ProviderPath

    # The encoding rule: bytes above 0x7F need a UTF-8 byte order mark for 5.1.
    $bytes = [System.IO.File]::ReadAllBytes($full)
    $hasBom = $bytes.Length -ge 3 -and $bytes[0] -eq 0xEF -and $bytes[1] -eq 0xBB -and $bytes[2] -eq 0xBF
    if (-not $hasBom) {
        for ($i = 0; $i -lt $bytes.Length; $i++) {
            if ($bytes[$i] -gt 0x7F) {
                $lineNumber = 1
                for ($j = 0; $j -lt $i; $j++) { if ($bytes[$j] -eq 10) { $lineNumber++ } }
                $findings.Add([ordered]@{ file = $full; line = $lineNumber; column = 0; rule = $list.encoding.rule; message = 'Non-ASCII bytes in a file without a UTF-8 byte order mark: Windows PowerShell 5.1 reads it in the ANSI code page.'; source = $list.encoding.source })
                break
            }
        }
    }

    $tokens = $null; $errors = $null
    $ast = [System.Management.Automation.Language.Parser]::ParseFile($full, [ref]$tokens, [ref]$errors)
    foreach ($e in $errors) { Add-Finding $full $e.Extent 'parse-error' $e.Message 'the PowerShell parser of this host' }

    $nodes = $ast.FindAll({ $true }, $true)
    foreach ($node in $nodes) {
        $type = $node.GetType().Name
        switch ($type) {
            'TernaryExpressionAst' { Add-Finding $full $node.Extent 'ternary' 'The ternary operator does not exist in Windows PowerShell 5.1.' $syntaxSource['ternary'] }
            'PipelineChainAst' { Add-Finding $full $node.Extent 'pipeline-chain' 'The && and || operators do not exist in Windows PowerShell 5.1.' $syntaxSource['pipeline-chain'] }
            'BinaryExpressionAst' {
                if ([string]$node.Operator -eq 'QuestionQuestion') { Add-Finding $full $node.Extent 'null-coalescing' 'The ?? operator does not exist in Windows PowerShell 5.1.' $syntaxSource['null-coalescing'] }
            }
            'AssignmentStatementAst' {
                if ([string]$node.Operator -eq 'QuestionQuestionEquals') { Add-Finding $full $node.Extent 'null-coalescing' 'The ??= operator does not exist in Windows PowerShell 5.1.' $syntaxSource['null-coalescing'] }
            }
            { $_ -in 'MemberExpressionAst', 'InvokeMemberExpressionAst', 'IndexExpressionAst' } {
                if ((Test-HasProperty $node 'NullConditional') -and $node.NullConditional) { Add-Finding $full $node.Extent 'null-conditional' 'The ?. and ?[] operators do not exist in Windows PowerShell 5.1.' $syntaxSource['null-conditional'] }
            }
            { $_ -in 'ScriptBlockAst' } {
                if ((Test-HasProperty $node 'CleanBlock') -and $node.CleanBlock) { Add-Finding $full $node.CleanBlock.Extent 'clean-block' 'A clean block does not exist in Windows PowerShell 5.1.' $syntaxSource['clean-block'] }
            }
            'CommandAst' {
                $name = $node.GetCommandName()
                if (-not $name) { break }
                foreach ($cmdlet in $list.cmdlets) {
                    if ($cmdlet.name -eq $name) { Add-Finding $full $node.Extent 'cmdlet' "$name does not exist in Windows PowerShell 5.1." $cmdlet.source }
                }
                foreach ($element in $node.CommandElements) {
                    if ($element -isnot [System.Management.Automation.Language.CommandParameterAst]) { continue }
                    foreach ($parameter in $list.parameters) {
                        # PowerShell accepts any unambiguous prefix of a parameter name.
                        if ($parameter.cmdlet -eq $name -and $parameter.name.StartsWith($element.ParameterName, [System.StringComparison]::OrdinalIgnoreCase)) {
                            Add-Finding $full $element.Extent 'parameter' "$name -$($parameter.name) does not exist in Windows PowerShell 5.1." $parameter.source
                        }
                    }
                }
            }
            'VariableExpressionAst' {
                $variable = $node.VariablePath.UserPath
                foreach ($entry in $list.variables) {
                    if ($entry.name -eq $variable) { Add-Finding $full $node.Extent 'variable' "`$$variable does not exist in Windows PowerShell 5.1." $entry.source }
                }
            }
            { $_ -in 'TypeExpressionAst', 'TypeConstraintAst' } {
                $typeName = $node.TypeName.FullName
                foreach ($entry in $list.types) {
                    if ($typeName.StartsWith($entry.prefix, [System.StringComparison]::OrdinalIgnoreCase)) { Add-Finding $full $node.Extent 'type' "[$typeName] is not available in Windows PowerShell 5.1." $entry.source }
                }
            }
        }
    }
}

[Console]::Out.WriteLine((ConvertTo-Json -InputObject @($findings.ToArray()) -Depth 4 -Compress))
