# build.ps1 pack: the managed library and one runtime package per native backend into artifacts/packages,
# then a throwaway console app restores them from that folder and runs a GEMM on every backend.

function Invoke-PackTask {
    param([Parameter(Mandatory)][string]$Root, [string]$Configuration = 'Release')
    $out = Join-Path $Root 'artifacts/packages'
    if (Test-Path $out) { Remove-Item -Recurse -Force $out }
    Invoke-Exe dotnet @('pack', (Join-Path $Root 'src/RnnNative/RnnNative.csproj'), '-c', $Configuration, '-o', $out, '-nologo')
    foreach ($project in 'OpenBlas/RnnNative.Runtime.OpenBlas.csproj', 'Mkl/RnnNative.Runtime.Mkl.csproj') {
        Invoke-Exe dotnet @('pack', (Join-Path $Root "native/packages/$project"), '-c', $Configuration, '-o', $out, '-nologo')
    }
    Get-ChildItem $out -Filter *.nupkg | ForEach-Object { Write-Host ("  {0} ({1:N1} MB)" -f $_.Name, ($_.Length / 1MB)) }
    Test-Packages -Root $Root -PackageDir $out
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
