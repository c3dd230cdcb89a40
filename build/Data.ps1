# build/Data.ps1: `build.ps1 data [NAME...]` fetches data sets that are too big to ship from Debian packages
# into git-ignored folders under data/. Nothing is installed: `apt-get download` into a temporary folder,
# `dpkg-deb -x`, copy the files, check sizes and SHA-256. Idempotent: a set whose files are all present with
# the right sizes is skipped. When the system's apt lists are empty, a private list dir under data/.apt is used
# (bookworm main, signed by the Debian archive keyring), so the system's apt state is never changed.
#
# A data set is one entry of $DataSets: the Debian packages to unpack, the target folder, and per file its
# path inside the package tree, size and SHA-256 (either may be $null to skip that check).

$script:DataSets = [ordered]@{
    'fashion-mnist' = @{
        Packages = @('dataset-fashion-mnist')
        Target   = 'data/fashion-mnist'
        Files    = [ordered]@{
            'train-images-idx3-ubyte.gz' = @{ From = 'usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz'; Size = 26421856; Sha256 = 'b0564c3eedabfbf835052cff8503ea422014ce006caf5b757f851416ee8300c7' }
            'train-labels-idx1-ubyte.gz' = @{ From = 'usr/share/datasets/fashion-mnist/train-labels-idx1-ubyte.gz'; Size = 29491; Sha256 = '0ae29f65d86684f32d1b9c85147786c547b9c6aebcaf235f0400a0cce308b056' }
            't10k-images-idx3-ubyte.gz'  = @{ From = 'usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz'; Size = 4422079; Sha256 = 'cc1d090a38ace84dfa1aa66e3ada7c336ef481a96936906477e6dd344da56eaa' }
            't10k-labels-idx1-ubyte.gz'  = @{ From = 'usr/share/datasets/fashion-mnist/t10k-labels-idx1-ubyte.gz'; Size = 5125; Sha256 = '8d3605d196f4be44669e46906da9733c8131fef761fdbfec72c424d5222f1a05' }
        }
    }
}

# Word lists for `rnn langid`, one set per language: 'wordlist-NAME' unpacks Debian's PACKAGE and copies
# /usr/share/dict/FILE to data/wordlists/NAME (one word per line, UTF-8). Licences in data/README.md.
# Columns: NAME, PACKAGE, FILE, size, SHA-256. In a script block of its own: this file is dot-sourced into
# build.ps1's function scope, whose $Name the loop variables would otherwise overwrite.
& { foreach ($list in @(
    @('english', 'wamerican', 'american-english', 985084, '9f513f1ceadb6a01c5485b7dbdfd5118dc66cd70b59cae2851292112d4066a32'),
    @('german', 'wngerman', 'ngerman', 4725887, '4864ca7300aae638c611114092ed566ba232b35e42280fcfb5509c5d121b307d'),
    @('french', 'wfrench', 'french', 4006521, '33b3a15b7c47c4b85aaafa7c8b41d3fee9c7ca1383381bb8f710372ce7474f06'),
    @('spanish', 'wspanish', 'spanish', 852190, '6b26adc955ec682e41e98d626d0ed1f778511065ee1f7f19c28e8b3cb574b9b6'),
    @('italian', 'witalian', 'italian', 1248830, '096f728b7b63073f32604dfaa7c5dbf5b2d32123880f0b05fe462670630f6218'),
    @('portuguese', 'wportuguese', 'portuguese', 5002589, '0ae13d0be0b580a4f279e64c963371824092d05acca48a2523f562c228144536'),
    @('dutch', 'wdutch', 'dutch', 5096240, '2e5128e8e7f9a5bdfc427c784c839986b0df1386cc53aef90ed2df71644f3987')
)) {
    $name, $package, $file, $size, $sha256 = $list
    $script:DataSets["wordlist-$name"] = @{
        Packages = @($package)
        Target   = 'data/wordlists'
        Files    = [ordered]@{ $name = @{ From = "usr/share/dict/$file"; Size = $size; Sha256 = $sha256 } }
    }
} }

function Invoke-DataTask {
    param([string]$Root, [string[]]$Arguments)
    $names = @($Arguments | Where-Object { $_ })
    if ($names -contains 'list') { $script:DataSets.Keys | ForEach-Object { Write-Host $_ }; return }
    if ($names.Count -eq 0) { $names = @($script:DataSets.Keys) }
    foreach ($name in $names) {
        if (-not $script:DataSets.Contains($name)) {
            Stop-DataTask "unknown data set '$name' (known: $($script:DataSets.Keys -join ', '))."
        }
    }
    foreach ($name in $names) {
        try { Get-DataSet -Root $Root -Name $name -Spec $script:DataSets[$name] }
        catch { Stop-DataTask "fetching '$name' failed: $($_.Exception.Message)" }
    }
}

function Stop-DataTask([string]$Message) {
    [Console]::Error.WriteLine("data: $Message")
    exit 1
}

function Get-DataSet([string]$Root, [string]$Name, [hashtable]$Spec) {
    $target = Join-Path $Root $Spec.Target
    if (Test-DataSetPresent $target $Spec) { Write-Host "data: $Name is up to date in $($Spec.Target)"; return }
    $work = Join-Path ([IO.Path]::GetTempPath()) ("rnn-data-" + [Guid]::NewGuid().ToString('N'))
    New-Item -ItemType Directory -Path $work | Out-Null
    try {
        $tree = Join-Path $work 'tree'
        foreach ($package in $Spec.Packages) {
            $deb = Save-DebianPackage -Root $Root -Package $package -Folder $work
            Invoke-Native 'dpkg-deb' @('-x', $deb, $tree)
        }
        New-Item -ItemType Directory -Force -Path $target | Out-Null
        foreach ($file in $Spec.Files.Keys) { Copy-DataFile $tree $target $file $Spec.Files[$file] }
        Write-Host "data: $Name ready in $($Spec.Target) ($($Spec.Files.Count) files)"
    }
    finally { Remove-Item -Recurse -Force -LiteralPath $work -ErrorAction SilentlyContinue }
}

function Test-DataSetPresent([string]$Target, [hashtable]$Spec) {
    foreach ($file in $Spec.Files.Keys) {
        $path = Join-Path $Target $file
        if (-not (Test-Path -LiteralPath $path -PathType Leaf)) { return $false }
        $size = $Spec.Files[$file].Size
        if ($null -ne $size -and (Get-Item -LiteralPath $path).Length -ne $size) { return $false }
    }
    return $true
}

# Copies one file out of the unpacked tree after checking it, via a temporary name so a half-copied file
# never looks complete.
function Copy-DataFile([string]$Tree, [string]$Target, [string]$Name, [hashtable]$File) {
    $source = Join-Path $Tree $File.From
    if (-not (Test-Path -LiteralPath $source -PathType Leaf)) { throw "the package has no $($File.From)" }
    $size = (Get-Item -LiteralPath $source).Length
    if ($null -ne $File.Size -and $size -ne $File.Size) { throw "$($File.From) is $size bytes, expected $($File.Size)" }
    $hash = (Get-FileHash -LiteralPath $source -Algorithm SHA256).Hash.ToLowerInvariant()
    if ($null -ne $File.Sha256 -and $hash -ne $File.Sha256) { throw "$($File.From) has SHA-256 $hash, expected $($File.Sha256)" }
    $destination = Join-Path $Target $Name
    Copy-Item -LiteralPath $source -Destination "$destination.part" -Force
    Move-Item -LiteralPath "$destination.part" -Destination $destination -Force
}

# Downloads one .deb into $Folder and returns its path: with the system's apt lists when they know the
# package, otherwise with private lists under data/.apt (fetched once by `apt-get update`).
# RNN_DATA_PRIVATE_APT=1 skips the system's lists (to test the private path).
function Save-DebianPackage([string]$Root, [string]$Package, [string]$Folder) {
    $options = @('-o', 'APT::Sandbox::User=root')
    if ($env:RNN_DATA_PRIVATE_APT -eq '1' -or -not (Test-AptKnows $Package $options)) {
        $options += Get-PrivateAptOptions $Root
        if (-not (Test-AptKnows $Package $options)) {
            Write-Host "data: updating private apt lists in data/.apt"
            Invoke-Native 'apt-get' ($options + @('-q', 'update'))
        }
    }
    Push-Location -LiteralPath $Folder
    try { Invoke-Native 'apt-get' ($options + @('-q', 'download', $Package)) }
    finally { Pop-Location }
    $deb = Get-ChildItem -LiteralPath $Folder -Filter "$($Package)_*.deb" | Select-Object -First 1
    if ($null -eq $deb) { throw "apt-get download $Package left no .deb in $Folder" }
    return $deb.FullName
}

function Test-AptKnows([string]$Package, [string[]]$Options) {
    $policy = & apt-cache @Options policy $Package 2>$null
    return ($LASTEXITCODE -eq 0) -and (($policy -join "`n") -match 'Candidate: (?!\(none\))')
}

function Get-PrivateAptOptions([string]$Root) {
    $apt = Join-Path $Root 'data/.apt'
    $parts = Join-Path $apt 'sources.list.d'
    foreach ($dir in @("$apt/lists/partial", "$apt/cache/archives/partial", $parts)) {
        New-Item -ItemType Directory -Force -Path $dir | Out-Null
    }
    Set-Content -LiteralPath (Join-Path $parts 'debian.sources') -Value @(
        'Types: deb', 'URIs: http://deb.debian.org/debian', 'Suites: bookworm', 'Components: main',
        'Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg')
    return @('-o', "Dir::State::Lists=$apt/lists", '-o', "Dir::Etc::sourceparts=$parts",
        '-o', 'Dir::Etc::sourcelist=/dev/null', '-o', "Dir::Cache=$apt/cache",
        '-o', 'Acquire::IndexTargets::deb::DEP-11::DefaultEnabled=false', '-o', 'Acquire::IndexTargets::deb::DEP-11-icons::DefaultEnabled=false',
        '-o', 'Acquire::IndexTargets::deb::DEP-11-icons-small::DefaultEnabled=false', '-o', 'Acquire::Languages=none')
}

function Invoke-Native([string]$Command, [string[]]$Arguments) {
    & $Command @Arguments | Out-Host   # progress to the console, never into a caller's return value
    if ($LASTEXITCODE -ne 0) { throw "$Command $($Arguments -join ' ') exited with code $LASTEXITCODE" }
}
