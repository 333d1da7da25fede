# UmLab: Lync OU permissions (Grant-, Test-, Revoke-CsOUPermission).

#region Lync OU permissions

# .NET's ACL classes are Windows-only, so the lab edits the DACL as bytes: the [MS-DTYP] layout
# is small, and doing it by hand keeps the lab honest about what Lync's cmdlets write.

function Read-LabDacl([string]$OU) {
    <# The OU's DACL only (SD flags control), as a list of ACE byte arrays plus the control word. #>
    $request = [System.DirectoryServices.Protocols.SearchRequest]::new($OU, '(objectClass=*)', [System.DirectoryServices.Protocols.SearchScope]::Base, [string[]]@('nTSecurityDescriptor'))
    [void]$request.Controls.Add([System.DirectoryServices.Protocols.SecurityDescriptorFlagControl]::new([System.DirectoryServices.Protocols.SecurityMasks]::Dacl))
    $response = [System.DirectoryServices.Protocols.SearchResponse]$script:Lab.Connection.SendRequest($request)
    [byte[]]$sd = $response.Entries[0].Attributes['nTSecurityDescriptor'].GetValues([byte[]])[0]
    $control = [BitConverter]::ToUInt16($sd, 2)
    $daclOffset = [BitConverter]::ToUInt32($sd, 16)
    $aces = [System.Collections.Generic.List[byte[]]]::new()
    if ($daclOffset -gt 0) {
        $count = [BitConverter]::ToUInt16($sd, $daclOffset + 4)
        $at = $daclOffset + 8
        for ($i = 0; $i -lt $count; $i++) {
            $size = [BitConverter]::ToUInt16($sd, $at + 2)
            $aces.Add([byte[]]$sd[$at..($at + $size - 1)])
            $at += $size
        }
    }
    @{ Control = $control; Aces = $aces }
}

function Write-LabDacl([string]$OU, $Dacl) {
    # A DACL-only write carries the explicit entries and the P/AI/AR bits; the DC adds inherited ones.
    $explicit = @($Dacl.Aces | Where-Object { -not ($_[1] -band 0x10) })
    $body = [System.IO.MemoryStream]::new()
    foreach ($ace in $explicit) { $body.Write($ace, 0, $ace.Length) }
    $aclSize = 8 + $body.Length
    $sd = [System.IO.MemoryStream]::new()
    $writer = [System.IO.BinaryWriter]::new($sd)
    $writer.Write([byte]1); $writer.Write([byte]0); $writer.Write([uint16](($Dacl.Control -band 0x1500) -bor 0x8004)) # self-relative, DACL present
    $writer.Write([uint32]0); $writer.Write([uint32]0); $writer.Write([uint32]0); $writer.Write([uint32]20)
    $writer.Write([byte]4); $writer.Write([byte]0); $writer.Write([uint16]$aclSize); $writer.Write([uint16]$explicit.Count); $writer.Write([uint16]0)
    $writer.Write($body.ToArray())
    $change = New-LabChange 'nTSecurityDescriptor' Replace @(, $sd.ToArray())
    $modifications = [System.DirectoryServices.Protocols.DirectoryAttributeModification[]]::new(1)
    $modifications[0] = $change # not @($change): that would unroll the modification into its values
    $request = [System.DirectoryServices.Protocols.ModifyRequest]::new($OU, $modifications)
    [void]$request.Controls.Add([System.DirectoryServices.Protocols.SecurityDescriptorFlagControl]::new([System.DirectoryServices.Protocols.SecurityMasks]::Dacl))
    [void]$script:Lab.Connection.SendRequest($request)
}

function Get-LabGuidBytes([string]$Kind, [string]$Name) {
    if (-not $script:Lab.ContainsKey('Guids')) { $script:Lab.Guids = @{} }
    $key = "$Kind/$Name"
    if (-not $script:Lab.Guids.ContainsKey($key)) { $script:Lab.Guids[$key] = Find-LabGuidBytes $Kind $Name }
    , $script:Lab.Guids[$key]
}

function Find-LabGuidBytes([string]$Kind, [string]$Name) {
    if ($Kind -eq 'schema') {
        $found = @(Find-LabEntries -Base "CN=Schema,$($script:Lab.Configuration)" -Scope OneLevel -Filter "(lDAPDisplayName=$(ConvertTo-LdapFilterValue $Name))" -Attributes @('schemaIDGUID'))
        if ($found.Count -ne 1) { throw "The schema has no $Name." }
        return [byte[]]$found[0].Attributes['schemaIDGUID'].GetValues([byte[]])[0]
    }
    $found = @(Find-LabEntries -Base "CN=Extended-Rights,$($script:Lab.Configuration)" -Scope OneLevel -Filter "(|(cn=$(ConvertTo-LdapFilterValue $Name))(displayName=$(ConvertTo-LdapFilterValue $Name)))" -Attributes @('rightsGuid'))
    if ($found.Count -ne 1) { throw "The forest has no $Name right." }
    [guid]::Parse((Get-LabValue $found[0] 'rightsGuid')).ToByteArray()
}

function Get-LabOuRecipe([string[]]$ObjectType) {
    <# The access entries Grant-CsOUPermission adds for these types, as ACE bytes, resolved against the forest. #>
    if (-not $script:Lab.OuRecipesFile -or -not (Test-Path -LiteralPath $script:Lab.OuRecipesFile)) { throw 'The lab has no OU permission recipes; run the lab up again.' }
    $recipes = Get-Content -LiteralPath $script:Lab.OuRecipesFile -Raw | ConvertFrom-Json -AsHashtable
    $sids = @{}
    $seen = [System.Collections.Generic.HashSet[string]]::new()
    foreach ($type in $ObjectType) {
        if (-not $recipes.ContainsKey($type)) { throw "ObjectType '$type' is not valid. Use User, Computer, Contact, AppContact, InetOrgPerson or Device." }
        foreach ($entry in $recipes[$type]) {
            if (-not $sids.ContainsKey($entry.trustee)) {
                $group = @(Find-LabEntries -Base $script:Lab.Domain -Filter "(&(objectClass=group)(sAMAccountName=$(ConvertTo-LdapFilterValue $entry.trustee)))" -Attributes @('objectSid'))
                if ($group.Count -ne 1) { throw "The group $($entry.trustee) does not exist; run Enable-CsAdDomain first." }
                $sids[$entry.trustee] = [byte[]]$group[0].Attributes['objectSid'].GetValues([byte[]])[0]
            }
            # Typed, so the byte arrays are not unrolled into object arrays on the way.
            [byte[]]$object = if ($entry.targetKind) { Get-LabGuidBytes $entry.targetKind $entry.targetName } else { $null }
            [byte[]]$inherited = if ($entry.inheritedClass) { Get-LabGuidBytes 'schema' $entry.inheritedClass } else { $null }
            $flags = switch ($entry.appliesTo) { 'ou' { 0 } 'ou-and-sub-ous' { 0x02 } default { 0x0A } }
            $body = [System.IO.MemoryStream]::new()
            $writer = [System.IO.BinaryWriter]::new($body)
            $writer.Write([uint32]$entry.mask)
            if ($object -or $inherited) {
                $writer.Write([uint32]($(if ($object) { 1 } else { 0 }) -bor $(if ($inherited) { 2 } else { 0 })))
                if ($object) { $writer.Write($object) }
                if ($inherited) { $writer.Write($inherited) }
            }
            $writer.Write($sids[$entry.trustee])
            $payload = $body.ToArray()
            $type0 = if ($object -or $inherited) { 5 } else { 0 }
            $ace = [byte[]]@($type0, $flags) + [BitConverter]::GetBytes([uint16](4 + $payload.Length)) + $payload
            if ($seen.Add([Convert]::ToBase64String($ace))) { Write-Output -NoEnumerate $ace }
        }
    }
}

function Test-LabAcePresent($Dacl, [byte[]]$Ace) {
    <# Present as an explicit entry, or (for an inheritable one) as its inherited copy. #>
    $inherited = [byte[]]$Ace.Clone(); $inherited[1] = $inherited[1] -bor 0x10
    $a = [Convert]::ToBase64String($Ace); $b = [Convert]::ToBase64String($inherited)
    foreach ($existing in $Dacl.Aces) {
        $e = [Convert]::ToBase64String($existing)
        if ($e -eq $a -or (($Ace[1] -band 0x02) -and $e -eq $b)) { return $true }
    }
    $false
}

function Assert-LabOuTypes($Cmdlet, [string[]]$ObjectType) {
    if ($ObjectType.Count -gt 3) { Write-LabError $Cmdlet 'ObjectType accepts at most three values.' 'TooManyObjectTypes' InvalidArgument $ObjectType; return $false }
    $true
}

function Open-LabOuDacl($Cmdlet, [string]$OU, [string[]]$ObjectType) {
    <# The checks Grant- and Revoke-CsOUPermission share, then the OU's DACL; $null after reporting an error. #>
    if (-not (Assert-LabOuTypes $Cmdlet $ObjectType)) { return $null }
    if (-not (Get-LabEntry -Base $OU -Attributes @('ou'))) { Write-LabError $Cmdlet "The organizational unit '$OU' was not found." 'OrganizationalUnitNotFound' ObjectNotFound $OU; return $null }
    Read-LabDacl $OU
}

function Grant-CsOUPermission {
    [CmdletBinding()]
    param([Parameter(Mandatory)][string]$OU, [Parameter(Mandatory)][string[]]$ObjectType, [string]$Domain)
    Write-LabCall $MyInvocation.MyCommand.Name $PSBoundParameters
    Invoke-LabDelay $MyInvocation.MyCommand.Name
    $dacl = Open-LabOuDacl $PSCmdlet $OU $ObjectType
    if (-not $dacl) { return }
    $added = 0
    $firstInherited = 0
    while ($firstInherited -lt $dacl.Aces.Count -and -not ($dacl.Aces[$firstInherited][1] -band 0x10)) { $firstInherited++ }
    foreach ($ace in Get-LabOuRecipe $ObjectType) {
        if (Test-LabAcePresent $dacl $ace) { continue }
        # Explicit allows go after the explicit entries and before the inherited ones (canonical order).
        $dacl.Aces.Insert($firstInherited, $ace); $firstInherited++; $added++
    }
    if ($added -gt 0) { [void](Invoke-LabWrite $PSCmdlet $OU { Write-LabDacl $OU $dacl }) }
}

function Revoke-CsOUPermission {
    [CmdletBinding()]
    param([Parameter(Mandatory)][string]$OU, [Parameter(Mandatory)][string[]]$ObjectType, [string]$Domain)
    Write-LabCall $MyInvocation.MyCommand.Name $PSBoundParameters
    Invoke-LabDelay $MyInvocation.MyCommand.Name
    $dacl = Open-LabOuDacl $PSCmdlet $OU $ObjectType
    if (-not $dacl) { return }
    $revoke = [System.Collections.Generic.HashSet[string]]::new()
    foreach ($ace in Get-LabOuRecipe $ObjectType) { [void]$revoke.Add([Convert]::ToBase64String($ace)) }
    # Entries other still-granted types need stay (the entries on the OU itself are shared).
    $others = @('User', 'Computer', 'Contact', 'AppContact', 'InetOrgPerson', 'Device') | Where-Object { $ObjectType -notcontains $_ }
    foreach ($other in $others) {
        $recipe = @(Get-LabOuRecipe @($other))
        $distinct = @($recipe | Where-Object { -not $revoke.Contains([Convert]::ToBase64String($_)) })
        $granted = @($recipe | Where-Object { -not (Test-LabAcePresent $dacl $_) }).Count -eq 0
        if ($granted -and $distinct.Count -gt 0) { foreach ($ace in $recipe) { [void]$revoke.Remove([Convert]::ToBase64String($ace)) } }
    }
    $kept = [System.Collections.Generic.List[byte[]]]::new()
    foreach ($ace in $dacl.Aces) { if (-not $revoke.Contains([Convert]::ToBase64String($ace))) { $kept.Add($ace) } }
    if ($kept.Count -ne $dacl.Aces.Count) {
        $dacl.Aces = $kept
        [void](Invoke-LabWrite $PSCmdlet $OU { Write-LabDacl $OU $dacl })
    }
}

function Test-CsOUPermission {
    [CmdletBinding()]
    param([Parameter(Mandatory)][string]$OU, [Parameter(Mandatory)][string[]]$ObjectType, [string]$Domain)
    Write-LabCall $MyInvocation.MyCommand.Name $PSBoundParameters
    if (-not (Assert-LabOuTypes $PSCmdlet $ObjectType)) { return }
    $dacl = Read-LabDacl $OU
    @(Get-LabOuRecipe $ObjectType | Where-Object { -not (Test-LabAcePresent $dacl $_) }).Count -eq 0
}

#endregion
