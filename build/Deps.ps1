# build.ps1 deps: OpenBLAS and Intel MKL from Debian packages into native/lib (git-ignored), without touching
# the system's apt configuration: a private sources file, lists and cache under native/.apt/.

$script:DebianPackages = @(
    'libopenblas0-pthread', 'libgfortran5', 'libquadmath0', 'libgomp1',
    'libmkl-rt', 'libmkl-core', 'libmkl-intel-lp64', 'libmkl-gnu-thread',
    'libmkl-def', 'libmkl-vml-def', 'libmkl-avx2', 'libmkl-vml-avx2', 'libmkl-avx512', 'libmkl-vml-avx512')

# file in native/lib  <-  path inside the extracted packages (symlinks are dereferenced when copied)
$script:NativeFiles = [ordered]@{
    'libopenblas.so.0'     = 'usr/lib/x86_64-linux-gnu/openblas-pthread/libopenblas.so.0'
    'libgfortran.so.5'     = 'usr/lib/x86_64-linux-gnu/libgfortran.so.5'
    'libquadmath.so.0'     = 'usr/lib/x86_64-linux-gnu/libquadmath.so.0'
    'libgomp.so.1'         = 'usr/lib/x86_64-linux-gnu/libgomp.so.1'
    'libmkl_rt.so'         = 'usr/lib/x86_64-linux-gnu/libmkl_rt.so'
    'libmkl_core.so'       = 'usr/lib/x86_64-linux-gnu/libmkl_core.so'
    'libmkl_intel_lp64.so' = 'usr/lib/x86_64-linux-gnu/libmkl_intel_lp64.so'
    'libmkl_gnu_thread.so' = 'usr/lib/x86_64-linux-gnu/libmkl_gnu_thread.so'
    'libmkl_def.so'        = 'usr/lib/x86_64-linux-gnu/libmkl_def.so'
    'libmkl_vml_def.so'    = 'usr/lib/x86_64-linux-gnu/libmkl_vml_def.so'
    'libmkl_avx2.so'       = 'usr/lib/x86_64-linux-gnu/libmkl_avx2.so'
    'libmkl_vml_avx2.so'   = 'usr/lib/x86_64-linux-gnu/libmkl_vml_avx2.so'
    'libmkl_avx512.so'     = 'usr/lib/x86_64-linux-gnu/libmkl_avx512.so'
    'libmkl_vml_avx512.so' = 'usr/lib/x86_64-linux-gnu/libmkl_vml_avx512.so'
}

function Invoke-DepsTask {
    param([Parameter(Mandatory)][string]$Root, [switch]$Force)
    $lib = Join-Path $Root 'native/lib'
    $stampFile = Join-Path $lib '.deps-stamp'
    $complete = -not ($script:NativeFiles.Keys | Where-Object { -not (Test-Path (Join-Path $lib $_)) })
    if (-not $Force -and $complete -and (Test-Path $stampFile)) {
        Write-Step "deps: native/lib is up to date ($((Get-Content $stampFile | Select-Object -First 1)))"
        Build-MklCpuShim -Root $Root -Lib $lib
        return
    }
    foreach ($tool in 'apt-get', 'dpkg-deb') {
        if (-not (Test-Command $tool)) { throw "deps needs '$tool' (Debian/Ubuntu); it is not on PATH." }
    }
    $debs = Get-DebianPackages -AptDir (Join-Path $Root 'native/.apt')
    $extracted = Join-Path $Root 'native/.apt/root'
    if (Test-Path $extracted) { Remove-Item -Recurse -Force $extracted }
    foreach ($deb in $debs) { Invoke-Exe dpkg-deb @('-x', $deb.FullName, $extracted) }
    New-Item -ItemType Directory -Force $lib | Out-Null
    foreach ($entry in $script:NativeFiles.GetEnumerator()) {
        $source = Join-Path $extracted $entry.Value
        if (-not (Test-Path $source)) { throw "deps: $($entry.Value) is not in the downloaded packages." }
        $real = [IO.File]::ResolveLinkTarget($source, $true)?.FullName ?? $source # soname links -> real file
        Copy-Item -Force $real (Join-Path $lib $entry.Key)
    }
    Build-MklCpuShim -Root $Root -Lib $lib
    $versions = $debs | ForEach-Object { $_.Name -replace '_amd64\.deb$', '' -replace '_', '=' }
    Set-Content $stampFile ((@("$($debs.Count) Debian packages") + $versions) -join "`n")
    Write-Step "deps: $(@(Get-ChildItem $lib -Filter '*.so*').Count) libraries in $lib"
}

# Downloads the packages with a private apt configuration; returns the .deb files.
function Get-DebianPackages([string]$AptDir) {
    $sources = Join-Path $AptDir 'sources'
    $debDir = Join-Path $AptDir 'debs'
    foreach ($d in $sources, (Join-Path $AptDir 'lists/partial'), (Join-Path $AptDir 'cache/archives/partial'), $debDir) {
        New-Item -ItemType Directory -Force $d | Out-Null
    }
    Set-Content (Join-Path $sources 'rnnnative.sources') @(
        'Types: deb', 'URIs: http://deb.debian.org/debian', 'Suites: bookworm',
        'Components: main non-free', 'Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg')
    $options = @(
        '-o', 'Dir::Etc::sourcelist=/dev/null', '-o', "Dir::Etc::sourceparts=$sources",
        '-o', "Dir::State::Lists=$(Join-Path $AptDir 'lists')", '-o', "Dir::Cache=$(Join-Path $AptDir 'cache')",
        '-q')
    if ((& id -u) -eq '0') { $options += @('-o', 'APT::Sandbox::User=root') } # else apt warns about _apt
    Invoke-Exe apt-get ($options + 'update')
    Get-ChildItem $debDir -Filter *.deb | Remove-Item
    Invoke-Exe apt-get ($options + 'download' + $script:DebianPackages) -WorkingDirectory $debDir
    $debs = @(Get-ChildItem $debDir -Filter *.deb)
    if ($debs.Count -ne $script:DebianPackages.Count) {
        throw "deps: expected $($script:DebianPackages.Count) packages, apt-get downloaded $($debs.Count)."
    }
    return $debs
}

# The MKL CPU shim (see native/mkl-cpu-shim). Without gcc only the shim is missing: MKL then fails to load with
# a message naming the file unless RNNNATIVE_MKL_INSTRUCTIONS=generic (and `pack` fails).
function Build-MklCpuShim([string]$Root, [string]$Lib) {
    $source = Join-Path $Root 'native/mkl-cpu-shim/mkl_cpu_shim.c'
    $target = Join-Path $Lib 'libmkl_cpu_shim.so'
    if ((Test-Path $target) -and (Get-Item $target).LastWriteTimeUtc -ge (Get-Item $source).LastWriteTimeUtc) { return }
    if (-not (Test-Command 'gcc')) {
        Write-Warning "gcc not found: skipping $target (MKL's AVX2/AVX-512 kernels on AMD need it; apt-get install gcc)."
        return
    }
    Invoke-Exe gcc @('-shared', '-fPIC', '-O2', '-o', $target, $source)
}

# Open MPI for data-parallel training (src/RnnNative/Distributed): mpirun and libmpi.so.40 from Debian's
# openmpi-bin and libopenmpi3 (4.1.x), installed system-wide because mpirun and Open MPI's components live at
# fixed paths. Idempotent: nothing is done when both are present.
$script:OpenMpiPackages = @('openmpi-bin', 'libopenmpi3')
$script:LibMpiPaths = @(
    '/usr/lib/x86_64-linux-gnu/libmpi.so.40', '/usr/lib/x86_64-linux-gnu/openmpi/lib/libmpi.so.40',
    '/usr/lib/aarch64-linux-gnu/libmpi.so.40')

function Install-OpenMpi {
    $missing = Get-MissingOpenMpiParts
    if ($missing.Count -eq 0) { Write-Step "deps: Open MPI present ($(Get-OpenMpiVersion))"; return }
    $asRoot = (& id -u) -eq '0'
    $sudo = -not $asRoot -and (Test-Command 'sudo') -and $(& sudo -n true 2>$null; $LASTEXITCODE -eq 0)
    if (-not $asRoot -and -not $sudo) {
        Write-Warning ("deps: Open MPI is missing ($($missing -join ', ')) and installing it needs root. Run as root " +
            "`dotnet pwsh build.ps1 deps`, or `sudo apt-get install openmpi-bin libopenmpi3`. Only data-parallel " +
            "training (mpirun) and its tests need it.")
        return
    }
    if (-not (Test-Command 'apt-get')) { throw "deps: Open MPI is missing ($($missing -join ', ')) and apt-get is not available to install it." }
    Write-Step "deps: installing Open MPI ($($missing -join ', ') missing)"
    $env:DEBIAN_FRONTEND = 'noninteractive'
    $prefix = if ($sudo) { @('sudo', '-n', '-E') } else { @() }
    $install = $prefix + @('apt-get', 'install', '-y', '-q', '--no-install-recommends') + $script:OpenMpiPackages
    $update = $prefix + @('apt-get', 'update', '-q')
    if (-not (Get-ChildItem '/var/lib/apt/lists' -Filter '*_Packages*' -ErrorAction SilentlyContinue)) { Invoke-Exe $update[0] $update[1..($update.Count - 1)] }
    try { Invoke-Exe $install[0] $install[1..($install.Count - 1)] }
    catch { # stale package lists: refresh once and retry
        Invoke-Exe $update[0] $update[1..($update.Count - 1)]
        Invoke-Exe $install[0] $install[1..($install.Count - 1)]
    }
    $still = Get-MissingOpenMpiParts
    if ($still.Count -gt 0) { throw "deps: Open MPI was installed but $($still -join ', ') is still missing." }
    Write-Step "deps: Open MPI installed ($(Get-OpenMpiVersion))"
}

# 'mpirun' when no Open MPI mpirun is on PATH, 'libmpi.so.40' when no known path or ldconfig entry has it.
function Get-MissingOpenMpiParts {
    $missing = @()
    if (-not (Get-OpenMpiVersion)) { $missing += 'mpirun' }
    $inCache = (Test-Command 'ldconfig') -and ((& ldconfig -p 2>$null) -match 'libmpi\.so\.40 ')
    if (-not $inCache -and -not ($script:LibMpiPaths | Where-Object { Test-Path $_ })) { $missing += 'libmpi.so.40' }
    return , $missing
}

# e.g. "mpirun (Open MPI) 4.1.4", or $null when mpirun is absent or not Open MPI's.
function Get-OpenMpiVersion {
    if (-not (Test-Command 'mpirun')) { return $null }
    $line = @(& mpirun --version 2>$null) | Where-Object { $_ -match 'Open MPI' } | Select-Object -First 1
    return $line
}
