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
    <# 'schema': an attribute or class by lDAPDisplayName; 'right': a controlAccessRight by cn; 'named': a right if there is one, else a schema object. #>
    if ($Kind -eq 'named') {
        $right = @(Find-LabEntries -Base "CN=Extended-Rights,$($script:Lab.Configuration)" -Scope OneLevel -Filter "(cn=$(ConvertTo-LdapFilterValue $Name))" -Attributes @('rightsGuid'))
        if ($right.Count -eq 1) { return [guid]::Parse((Get-LabValue $right[0] 'rightsGuid')).ToByteArray() }
        return Find-LabGuidBytes 'schema' $Name
    }
    if ($Kind -eq 'schema') {
        $found = @(Find-LabEntries -Base "CN=Schema,$($script:Lab.Configuration)" -Scope OneLevel -Filter "(lDAPDisplayName=$(ConvertTo-LdapFilterValue $Name))" -Attributes @('schemaIDGUID'))
        if ($found.Count -ne 1) { throw "The schema has no $Name." }
        return [byte[]]$found[0].Attributes['schemaIDGUID'].GetValues([byte[]])[0]
    }
    $found = @(Find-LabEntries -Base "CN=Extended-Rights,$($script:Lab.Configuration)" -Scope OneLevel -Filter "(cn=$(ConvertTo-LdapFilterValue $Name))" -Attributes @('rightsGuid'))
    if ($found.Count -ne 1) { throw "The forest has no $Name right." }
    [guid]::Parse((Get-LabValue $found[0] 'rightsGuid')).ToByteArray()
}

function Get-LabGroupSidBytes([string]$Name) {
    <# An RTC group's SID by sAMAccountName, as Lync's cmdlets find the groups Enable-CsAdForest created. #>
    if (-not $script:Lab.ContainsKey('GroupSids')) { $script:Lab.GroupSids = @{} }
    if (-not $script:Lab.GroupSids.ContainsKey($Name)) {
        $group = @(Find-LabEntries -Base $script:Lab.Domain -Filter "(&(objectClass=group)(sAMAccountName=$(ConvertTo-LdapFilterValue $Name)))" -Attributes @('objectSid'))
        if ($group.Count -ne 1) { throw "The group $Name does not exist; run Enable-CsAdDomain first." }
        $script:Lab.GroupSids[$Name] = [byte[]]$group[0].Attributes['objectSid'].GetValues([byte[]])[0]
    }
    , $script:Lab.GroupSids[$Name]
}

# The published tables [S6], transcribed as the lab's own data (not the console's recipes).
$script:OuTablePath = Join-Path $PSScriptRoot '../../grant-csoupermission.json'

function Get-LabOuTable {
    if (-not (Get-Variable -Scope Script -Name OuTable -ErrorAction Ignore) -or -not $script:OuTable) {
        $script:OuTable = Get-Content -LiteralPath $script:OuTablePath -Raw | ConvertFrom-Json -AsHashtable
    }
    $script:OuTable
}

function New-LabAceBytes([int]$Type, [int]$Flags, [uint32]$Mask, [byte[]]$Object, [byte[]]$Inherited, [byte[]]$Sid) {
    <# One ACE as [MS-DTYP] 2.4.4 lays it out [S31]; an object ACE when either GUID is given. #>
    $body = [System.IO.MemoryStream]::new()
    $writer = [System.IO.BinaryWriter]::new($body)
    $writer.Write([uint32]$Mask)
    if ($Type -eq 5 -or $Type -eq 6) {
        $writer.Write([uint32]$(if ($Object) { 1 } else { 0 }) -bor $(if ($Inherited) { 2 } else { 0 }))
        if ($Object) { $writer.Write($Object) }
        if ($Inherited) { $writer.Write($Inherited) }
    }
    $writer.Write($Sid)
    $payload = $body.ToArray()
    , ([byte[]](@([byte]$Type, [byte]$Flags) + [BitConverter]::GetBytes([uint16](4 + $payload.Length)) + $payload))
}

function ConvertFrom-LabAce([byte[]]$Ace) {
    <# The fields of an ACE's bytes [S31]: type, flags, mask, ObjectType, InheritedObjectType (lowercase GUID text or ''), trustee SID (base64). #>
    $type = [int]$Ace[0]
    $at = 8
    $object = ''; $inherited = ''
    if (@(5, 6, 7, 8, 0x0B, 0x0C, 0x0F, 0x10) -contains $type) {
        $present = [BitConverter]::ToUInt32($Ace, 8)
        $at = 12
        if ($present -band 1) { $object = [guid]::new([byte[]]$Ace[$at..($at + 15)]).ToString(); $at += 16 }
        if ($present -band 2) { $inherited = [guid]::new([byte[]]$Ace[$at..($at + 15)]).ToString(); $at += 16 }
    }
    $sidLength = 8 + 4 * [int]$Ace[$at + 1]
    [pscustomobject]@{
        Type = $type; Flags = [int]$Ace[1]; Mask = [int64][BitConverter]::ToUInt32($Ace, 4); Object = $object; Inherited = $inherited
        Sid = [Convert]::ToBase64String([byte[]]$Ace[$at..($at + $sidLength - 1)]); Bytes = $Ace
    }
}

function Get-LabOuAces([string[]]$ObjectType) {
    <#
    The entries Grant-CsOUPermission adds for these types as the lab reads the published table [S6]:
    one entry per permission as listed (OPEN: the real byte layout is not published), resolved
    against the forest, without duplicates.
    #>
    $table = Get-LabOuTable
    $reading = $table.reading
    $seen = [System.Collections.Generic.HashSet[string]]::new()
    foreach ($type in $ObjectType) {
        $published = @($table.tables | Where-Object { $_.objectTypes -contains $type })
        if ($published.Count -ne 1) { throw "ObjectType '$type' is not valid. Use User, Computer, Contact, AppContact, InetOrgPerson or Device." }
        foreach ($row in $published[0].rows) {
            [byte[]]$sid = Get-LabGroupSidBytes $row.group
            $applies = $reading.appliesTo[$row.appliesTo]
            if ($null -eq $applies) { throw "The lab cannot read 'Applies to: $($row.appliesTo)'." }
            $class = $applies['class']
            foreach ($permission in $row.permissions) {
                $word = $reading.words[$permission]
                if ($word) { $right = $word.right; $name = $word['object'] }
                else {
                    $prefix = @($reading.prefixes.Keys | Where-Object { $permission.StartsWith($_) })
                    if ($prefix.Count -ne 1) { throw "The lab cannot read the permission '$permission'." }
                    $right = $reading.prefixes[$prefix[0]]; $name = $permission.Substring($prefix[0].Length)
                }
                $classIsObject = $word -and $word['classIsObject']
                # Typed, so the byte arrays are not unrolled into object arrays on the way.
                [byte[]]$object = if ($classIsObject) { Get-LabGuidBytes 'schema' $class } elseif ($name) { Get-LabGuidBytes 'named' $name } else { $null }
                [byte[]]$inherited = if ($class -and -not $classIsObject) { Get-LabGuidBytes 'schema' $class } else { $null }
                # This object only: no inheritance; a class as the object type: this OU and the OUs below
                # (container inherit); descendant objects of a class: inherit only, for that class.
                $flags = if (-not $class) { 0 } elseif ($classIsObject) { 0x02 } else { 0x0A }
                $aceType = if ($object -or $inherited) { 5 } else { 0 }
                [byte[]]$ace = New-LabAceBytes $aceType $flags ([uint32]$reading.rights[$right]) $object $inherited $sid
                if ($seen.Add([Convert]::ToBase64String($ace))) { ConvertFrom-LabAce $ace }
            }
        }
    }
}

#region What entries allow [S31]

# Generic rights as AD maps them: GA, GR, GW, GX ([MS-ADTS] 5.1.3.2) [S31].
$script:GenericRights = @(
    @([int64]0x10000000, [int64]0xF01FF),
    @([int64]2147483648, [int64]0x20094),
    @([int64]0x40000000, [int64]0x20028),
    @([int64]0x20000000, [int64]0x20004)
)
$script:AllBits = [int64]4294967295

function Expand-LabMask([int64]$Mask) {
    $out = $Mask -band 0x0FFFFFFF
    foreach ($pair in $script:GenericRights) { if ($Mask -band $pair[0]) { $out = $out -bor $pair[1] } }
    $out
}

function Get-LabPropertySets {
    <# attribute schemaIDGUID -> the property set it belongs to (its attributeSecurityGUID), read once per connection. #>
    if (-not $script:Lab.ContainsKey('PropertySets')) {
        $sets = @{}
        foreach ($entry in Find-LabEntries -Base "CN=Schema,$($script:Lab.Configuration)" -Scope OneLevel -Filter '(attributeSecurityGUID=*)' -Attributes @('schemaIDGUID', 'attributeSecurityGUID')) {
            $id = [guid]::new([byte[]]$entry.Attributes['schemaIDGUID'].GetValues([byte[]])[0]).ToString()
            $sets[$id] = [guid]::new([byte[]]$entry.Attributes['attributeSecurityGUID'].GetValues([byte[]])[0]).ToString()
        }
        $script:Lab.PropertySets = $sets
    }
    $script:Lab.PropertySets
}

function Test-LabObjectCovers([string]$Entry, [string]$Wanted) {
    <# An entry without an object type covers every property, right and class; one on a property set covers its attributes. #>
    if (-not $Entry -or $Entry -eq $Wanted) { return $true }
    if (-not $Wanted) { return $false }
    (Get-LabPropertySets)[$Wanted] -eq $Entry
}

function Test-LabObjectOverlaps([string]$A, [string]$B) {
    if (-not $A -or -not $B -or $A -eq $B) { return $true }
    $sets = Get-LabPropertySets
    $sets[$A] -eq $B -or $sets[$B] -eq $A
}

function Get-LabTargets($Wanted) {
    <# 'this' (the OU itself) and/or the class GUID of the descendants it is for ('' for all descendants). #>
    $targets = @()
    if (-not ($Wanted.Flags -band 0x08) -and -not $Wanted.Inherited) { $targets += , 'this' }
    if (($Wanted.Flags -band 0x02) -and -not ($Wanted.Flags -band 0x04)) { $targets += , "desc:$($Wanted.Inherited)" }
    $targets
}

function Test-LabReaches($Ace, [string]$Target, [switch]$Partly) {
    <# Whether an entry applies at a target: this object (not inherit-only, no inherited object type) or descendants of a class (container inherit, not stopped, no class or that class). A deny counts when it reaches part of the target. #>
    if ($Target -eq 'this') { return -not ($Ace.Flags -band 0x08) -and -not $Ace.Inherited }
    if (-not ($Ace.Flags -band 0x02)) { return $false }
    if (($Ace.Flags -band 0x04) -and -not $Partly) { return $false }
    $class = $Target.Substring(5)
    -not $Ace.Inherited -or $Ace.Inherited -eq $class -or ($Partly -and -not $class)
}

function Get-LabAllowedMask($Dacl, $Wanted) {
    <# The wanted rights the DACL allows at every target, walking the entries in order so a deny before an allow wins, as the access check does. #>
    $want = Expand-LabMask $Wanted.Mask
    $allowed = $want
    foreach ($target in Get-LabTargets $Wanted) {
        $granted = [int64]0; $denied = [int64]0
        foreach ($bytes in $Dacl.Aces) {
            $ace = ConvertFrom-LabAce $bytes
            if ($ace.Sid -ne $Wanted.Sid) { continue }
            $bits = (Expand-LabMask $ace.Mask) -band $want
            if (($ace.Type -eq 0 -or $ace.Type -eq 5) -and (Test-LabReaches $ace $target) -and (Test-LabObjectCovers $ace.Object $Wanted.Object)) {
                $granted = $granted -bor ($bits -band ($script:AllBits -bxor $denied))
            } elseif (($ace.Type -eq 1 -or $ace.Type -eq 6) -and (Test-LabReaches $ace $target -Partly) -and (Test-LabObjectOverlaps $ace.Object $Wanted.Object)) {
                $denied = $denied -bor ($bits -band ($script:AllBits -bxor $granted))
            }
        }
        $allowed = $allowed -band $granted
    }
    $allowed
}

function Test-LabOuGranted($Dacl, [string[]]$ObjectType) {
    foreach ($wanted in Get-LabOuAces $ObjectType) {
        if ((Get-LabAllowedMask $Dacl $wanted) -ne (Expand-LabMask $wanted.Mask)) { return $false }
    }
    $true
}

#endregion

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
    <# Adds, per permission of the published table [S6], what the OU's entries do not already allow. #>
    [CmdletBinding()]
    param([Parameter(Mandatory)][string]$OU, [Parameter(Mandatory)][string[]]$ObjectType, [string]$Domain)
    Write-LabCall $MyInvocation.MyCommand.Name $PSBoundParameters
    Invoke-LabDelay $MyInvocation.MyCommand.Name
    $dacl = Open-LabOuDacl $PSCmdlet $OU $ObjectType
    if (-not $dacl) { return }
    $added = 0
    $firstInherited = 0
    while ($firstInherited -lt $dacl.Aces.Count -and -not ($dacl.Aces[$firstInherited][1] -band 0x10)) { $firstInherited++ }
    foreach ($wanted in Get-LabOuAces $ObjectType) {
        $missing = (Expand-LabMask $wanted.Mask) -band ($script:AllBits -bxor (Get-LabAllowedMask $dacl $wanted))
        if (-not $missing) { continue }
        [byte[]]$ace = $wanted.Bytes.Clone()
        [Array]::Copy([BitConverter]::GetBytes([uint32]$missing), 0, $ace, 4, 4)
        # Explicit allows go after the explicit entries and before the inherited ones (canonical order).
        $dacl.Aces.Insert($firstInherited, $ace); $firstInherited++; $added++
    }
    if ($added -gt 0) { [void](Invoke-LabWrite $PSCmdlet $OU { Write-LabDacl $OU $dacl }) }
}

function Test-LabGenericHalf($Ace, $All) {
    <# The effective half of a generic entry the DC split (mapped rights here, the generic bits in an inherit-only copy) [S31]: one hand delegation, not part of a grant. #>
    if ($Ace.Flags -band 0x08) { return $false }
    foreach ($g in $All) {
        if ([object]::ReferenceEquals($g, $Ace) -or $g.Sid -ne $Ace.Sid -or ($g.Type -ne 0 -and $g.Type -ne 5)) { continue }
        if (-not ($g.Mask -band 0xF0000000L) -or ($g.Flags -band 0x0A) -ne 0x0A -or ($g.Flags -band 0x10) -ne ($Ace.Flags -band 0x10)) { continue }
        if ((Expand-LabMask $g.Mask) -eq $Ace.Mask -and $g.Object -eq $Ace.Object -and $g.Inherited -eq $Ace.Inherited) { return $true }
    }
    $false
}

function Get-LabAceShape($Ace) { "$($Ace.Sid)|$($Ace.Flags -band 0x0F)|$($Ace.Object)|$($Ace.Inherited)" }

function Revoke-CsOUPermission {
    <#
    Removes the explicit entries that are part of the grant: the table's entries, or entries of the
    same trustee, scope and object that hold a subset of their rights (split or merged alike); an
    entry that also holds other rights keeps those. Broader entries (other scope or object, generic
    rights) are a hand delegation and stay. Entries other still-granted types need stay too.
    #>
    [CmdletBinding()]
    param([Parameter(Mandatory)][string]$OU, [Parameter(Mandatory)][string[]]$ObjectType, [string]$Domain)
    Write-LabCall $MyInvocation.MyCommand.Name $PSBoundParameters
    Invoke-LabDelay $MyInvocation.MyCommand.Name
    $dacl = Open-LabOuDacl $PSCmdlet $OU $ObjectType
    if (-not $dacl) { return }
    $revoking = @(Get-LabOuAces $ObjectType)
    $revokedBytes = [System.Collections.Generic.HashSet[string]]::new()
    $revoke = @{}
    foreach ($ace in $revoking) { [void]$revokedBytes.Add([Convert]::ToBase64String($ace.Bytes)); $revoke[(Get-LabAceShape $ace)] = [int64]$revoke[(Get-LabAceShape $ace)] -bor $ace.Mask }
    $keep = @{}
    $others = @('User', 'Computer', 'Contact', 'AppContact', 'InetOrgPerson', 'Device') | Where-Object { $ObjectType -notcontains $_ }
    foreach ($other in $others) {
        $recipe = @(Get-LabOuAces @($other))
        $distinct = @($recipe | Where-Object { -not $revokedBytes.Contains([Convert]::ToBase64String($_.Bytes)) })
        if ($distinct.Count -gt 0 -and (Test-LabOuGranted $dacl @($other))) { foreach ($ace in $recipe) { $keep[(Get-LabAceShape $ace)] = [int64]$keep[(Get-LabAceShape $ace)] -bor $ace.Mask } }
    }
    $kept = [System.Collections.Generic.List[byte[]]]::new()
    $changed = $false
    $all = @(foreach ($bytes in $dacl.Aces) { ConvertFrom-LabAce $bytes })
    foreach ($ace in $all) {
        $bytes = $ace.Bytes
        $shape = Get-LabAceShape $ace
        $bits = [int64]$revoke[$shape] -band ($script:AllBits -bxor [int64]$keep[$shape])
        $explicitAllow = -not ($ace.Flags -band 0x10) -and ($ace.Type -eq 0 -or $ace.Type -eq 5) -and -not ($ace.Mask -band 0xF0000000L) -and -not (Test-LabGenericHalf $ace $all)
        if (-not $explicitAllow -or -not ($ace.Mask -band $bits)) { $kept.Add($bytes); continue }
        $changed = $true
        $rest = $ace.Mask -band ($script:AllBits -bxor $bits)
        if ($rest) {
            [byte[]]$copy = $bytes.Clone()
            [Array]::Copy([BitConverter]::GetBytes([uint32]$rest), 0, $copy, 4, 4)
            $kept.Add($copy)
        }
    }
    if ($changed) {
        $dacl.Aces = $kept
        [void](Invoke-LabWrite $PSCmdlet $OU { Write-LabDacl $OU $dacl })
    }
}

function Test-CsOUPermission {
    <# True when the OU's entries (explicit or inherited) allow every permission of the table [S6], whatever their layout. #>
    [CmdletBinding()]
    param([Parameter(Mandatory)][string]$OU, [Parameter(Mandatory)][string[]]$ObjectType, [string]$Domain)
    Write-LabCall $MyInvocation.MyCommand.Name $PSBoundParameters
    if (-not (Assert-LabOuTypes $PSCmdlet $ObjectType)) { return }
    Test-LabOuGranted (Read-LabDacl $OU) $ObjectType
}

#endregion
