# build.ps1 pack: the managed library, one runtime package per native backend and the `rnn` .NET tool
# (RnnNative.Cli, natives inside) into artifacts/packages; then a throwaway console app restores the library
# packages from that folder and runs a GEMM on every backend, and the tool is installed into a temporary tool
# path and run from an empty folder (--version, info, a one-epoch train).

function Invoke-PackTask {
    param([Parameter(Mandatory)][string]$Root, [string]$Configuration = 'Release')
    $out = Join-Path $Root 'artifacts/packages'
    if (Test-Path $out) { Remove-Item -Recurse -Force $out }
    Invoke-Exe dotnet @('pack', (Join-Path $Root 'src/RnnNative/RnnNative.csproj'), '-c', $Configuration, '-o', $out, '-nologo')
    foreach ($project in 'OpenBlas/RnnNative.Runtime.OpenBlas.csproj', 'Mkl/RnnNative.Runtime.Mkl.csproj') {
        Invoke-Exe dotnet @('pack', (Join-Path $Root "native/packages/$project"), '-c', $Configuration, '-o', $out, '-nologo')
    }
    Invoke-Exe dotnet @('pack', (Join-Path $Root 'src/RnnNative.Cli/RnnNative.Cli.csproj'), '-c', $Configuration, '-o', $out, '-nologo')
    Get-ChildItem $out -Filter *.nupkg | ForEach-Object { Write-Host ("  {0} ({1:N1} MB)" -f $_.Name, ($_.Length / 1MB)) }
    Test-PackageMetadata -PackageDir $out
    Test-Packages -Root $Root -PackageDir $out
    Test-Tool -Root $Root -PackageDir $out
}

# Every package states a license (expression or file, and the file is inside), has its readme inside and names
# linux-x64 in its description.
function Test-PackageMetadata([string]$PackageDir) {
    Add-Type -AssemblyName System.IO.Compression.FileSystem
    foreach ($package in Get-ChildItem $PackageDir -Filter *.nupkg) {
        $zip = [IO.Compression.ZipFile]::OpenRead($package.FullName)
        try {
            $entries = @($zip.Entries | ForEach-Object FullName)
            $nuspecEntry = $zip.Entries | Where-Object { $_.FullName -like '*.nuspec' } | Select-Object -First 1
            $reader = [IO.StreamReader]::new($nuspecEntry.Open())
            $metadata = ([xml]$reader.ReadToEnd()).package.metadata
            $reader.Dispose()
            $problems = @()
            if (-not $metadata.license) { $problems += 'no license' }
            elseif ($metadata.license.type -eq 'file' -and $metadata.license.'#text' -notin $entries) { $problems += "license file $($metadata.license.'#text') missing" }
            if (-not $metadata.readme -or $metadata.readme -notin $entries) { $problems += 'no readme' }
            if ($metadata.description -notmatch 'linux-x64') { $problems += 'description does not name linux-x64' }
            if ($problems) { throw "$($package.Name): $($problems -join '; ')" }
        }
        finally { $zip.Dispose() }
    }
    Write-Step 'pack: every package has a license, a readme and names linux-x64'
}

# Installs the rnn tool from the packed folder into a temporary tool path (not the user's tools) and runs it
# from an empty folder, outside the repository, so the natives must come from the tool package itself.
function Test-Tool([string]$Root, [string]$PackageDir) {
    Write-Step 'pack: dotnet tool install of RnnNative.Cli into a temporary tool path'
    $version = ([xml](Get-Content (Join-Path $Root 'Directory.Build.props'))).Project.PropertyGroup.Version
    $temp = Join-Path ([IO.Path]::GetTempPath()) "rnnnative-tool-smoke-$PID"
    if (Test-Path $temp) { Remove-Item -Recurse -Force $temp }
    $tools = Join-Path $temp 'tools'
    $work = Join-Path $temp 'empty'
    New-Item -ItemType Directory $work | Out-Null
    $saved = $env:RNNNATIVE_NATIVE_DIR
    try {
        $started = [Diagnostics.Stopwatch]::StartNew()
        Invoke-Exe dotnet @('tool', 'install', '--tool-path', $tools, '--add-source', $PackageDir, 'RnnNative.Cli', '--version', $version)
        Write-Host ("  installed in {0:N1} s" -f $started.Elapsed.TotalSeconds)
        $env:RNNNATIVE_NATIVE_DIR = $null
        $rnn = Join-Path $tools 'rnn'
        $reported = (& $rnn --version | Out-String).Trim()
        if ($LASTEXITCODE -ne 0 -or $reported -notlike "rnn $version*") { throw "rnn --version printed '$reported' (exit $LASTEXITCODE); expected rnn $version." }
        Write-Host "  $reported"
        $info = & $rnn info | Out-String
        foreach ($backend in 'openblas', 'mkl') {
            if ($info -notmatch "(?m)^\W*$backend\W+available") { throw "the installed rnn does not find $backend`n$info" }
        }
        Invoke-Exe $rnn @('train', '--data', (Join-Path $Root 'data/digits.csv.gz'), '--units', '16', '--epochs', '1', '--out', 'run') -WorkingDirectory $work
        foreach ($file in 'model.ckpt', 'best.ckpt', 'metrics.csv', 'training.png') {
            if (-not (Test-Path (Join-Path $work "run/$file"))) { throw "rnn train from an empty folder did not write run/$file." }
        }
        Write-Step "pack: the rnn tool installs from $PackageDir, finds OpenBLAS and MKL and trains from an empty folder"
    }
    finally {
        $env:RNNNATIVE_NATIVE_DIR = $saved
        Remove-Item -Recurse -Force $temp -ErrorAction SilentlyContinue
    }
}

# Restores the packages into a fresh app in a temp folder (own NuGet cache, so a re-pack of the same version is
# really used) and runs it with MKL at the CPU's widest instruction set and capped at its generic kernels.
function Test-Packages([string]$Root, [string]$PackageDir) {
    Write-Step 'pack: smoke test of the packages from a throwaway console app'
    $version = ([xml](Get-Content (Join-Path $Root 'Directory.Build.props'))).Project.PropertyGroup.Version
    $app = Join-Path ([IO.Path]::GetTempPath()) "rnnnative-pack-smoke-$PID"
    if (Test-Path $app) { Remove-Item -Recurse -Force $app }
    New-Item -ItemType Directory $app | Out-Null
    try {
        Copy-Item (Join-Path $Root 'native/packages/smoke/*') $app
        Set-Content (Join-Path $app 'nuget.config') @"
<?xml version="1.0" encoding="utf-8"?>
<configuration>
  <packageSources>
    <add key="rnnnative-local" value="$PackageDir" />
    <add key="nuget.org" value="https://api.nuget.org/v3/index.json" />
  </packageSources>
</configuration>
"@
        $env:RNNNATIVE_NATIVE_DIR = $null # the app must find the natives in its own runtimes/ folder
        Invoke-Exe dotnet @('build', $app, '-c', 'Release', "-p:RnnNativeVersion=$version", '--packages', (Join-Path $app 'packages'), '-nologo', '-v', 'q')
        $exe = Join-Path $app 'bin/Release/net10.0/PackageSmoke.dll'
        Invoke-Exe dotnet @($exe)
        $env:RNNNATIVE_MKL_INSTRUCTIONS = 'generic'
        try { Invoke-Exe dotnet @($exe) } finally { $env:RNNNATIVE_MKL_INSTRUCTIONS = $null }
        Write-Step "pack: the packages restore from $PackageDir and run on every backend"
    }
    finally { Remove-Item -Recurse -Force $app -ErrorAction SilentlyContinue }
}
