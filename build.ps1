#!/usr/bin/env pwsh
<#
.SYNOPSIS
    RnnNative build tasks. Run with `dotnet tool restore && dotnet pwsh build.ps1 <task>` (no PowerShell install needed).
.DESCRIPTION
    deps   Fetch OpenBLAS and Intel MKL from Debian packages into native/lib (idempotent; -Force to refetch), and
           install Open MPI (openmpi-bin, libopenmpi3) with apt-get when it is missing and we are root.
    build  Build the solution.
    test   deps, then run every test; prints "Tests: N passed, N failed, N skipped"; exit code 1 on any failure.
    pack   deps, then NuGet packages into artifacts/packages (RnnNative, RnnNative.Runtime.OpenBlas,
           RnnNative.Runtime.Mkl) and a smoke test of them from a throwaway console app.
    train  deps, then run the main job (the `rnn` CLI; arguments after the task are passed on).
    bench  deps, then `rnn bench` (its options after the task; see build/Bench.ps1); `bench gemm` runs the GEMM micro-benchmarks.
    data   Data preparation (build/Data.ps1).
    fuzz   Fuzz the IDX, CSV and checkpoint readers for -Seconds N (default 300); saves new inputs to the corpus (build/Fuzz.ps1).
    soak   Train for -Minutes N (default 30) sampling RSS, handles and threads; prints slopes per hour (build/Soak.ps1).
    Options: -Configuration Debug|Release (default Release), -Force (deps). For train and bench, the arguments
    after the task go to `rnn` verbatim (`--out runs/x --verbose`); put -Configuration/-Force before them.
.EXAMPLE
    dotnet pwsh build.ps1 test -Configuration Debug
#>
# No param block: PowerShell would bind `--out` as an abbreviation of a parameter and `--verbose` as the
# -Verbose common parameter. The arguments are read from $args instead (see build/Arguments.ps1): the task,
# then -Configuration NAME / -Force, and everything a pass-through task (train, bench) does not recognise
# right after its name reaches the command verbatim.
. (Join-Path $PSScriptRoot 'build/Arguments.ps1')
$parsed = Read-BuildArguments -Arguments $args -Tasks @('deps', 'build', 'test', 'pack', 'train', 'bench', 'data', 'fuzz', 'soak', 'help', 'args') `
    -PassThrough @('train', 'bench', 'args')
if ($parsed.Error) { Write-Host "build.ps1: $($parsed.Error)" -ForegroundColor Red; exit 2 }
$Task = $parsed.Task
$Configuration = $parsed.Configuration
$Force = $parsed.Force
$Rest = $parsed.Rest

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest
$env:DOTNET_NOLOGO = '1'
$env:DOTNET_CLI_TELEMETRY_OPTOUT = '1'
$Root = $PSScriptRoot
. (Join-Path $Root 'build/Common.ps1')

# Tasks that live in build/<Task>.ps1 and define Invoke-<Task>Task -Root -Arguments.
function Invoke-ScriptTask([string]$Name, [scriptblock]$Fallback) {
    $script = Join-Path $Root "build/$Name.ps1"
    if (Test-Path $script) {
        . $script
        & "Invoke-${Name}Task" -Root $Root -Arguments $Rest
    }
    elseif ($Fallback) { & $Fallback }
    else { throw "The '$($Name.ToLowerInvariant())' task is defined by build/$Name.ps1, which this checkout does not have yet." }
}

function Invoke-Deps { . (Join-Path $Root 'build/Deps.ps1'); Invoke-DepsTask -Root $Root -Force:$Force; Install-OpenMpi }

try {
    switch ($Task) {
        'help' { # the task list from the comment block at the top of this file
            $text = Get-Content $PSCommandPath -Raw
            Write-Host ([regex]::Match($text, '(?s)\.DESCRIPTION\s*\n(.*?)\n\.EXAMPLE').Groups[1].Value)
        }
        'deps' { Invoke-Deps }
        'build' { Invoke-Exe dotnet (@('build', (Join-Path $Root 'RnnNative.sln'), '-c', $Configuration, '-nologo') + $Rest) }
        'test' {
            Invoke-Deps
            . (Join-Path $Root 'build/Test.ps1')
            Invoke-TestTask -Root $Root -Configuration $Configuration -Arguments $Rest
        }
        'pack' {
            Invoke-Deps
            . (Join-Path $Root 'build/Pack.ps1')
            Invoke-PackTask -Root $Root -Configuration $Configuration
        }
        'train' {
            Invoke-Deps
            Invoke-ScriptTask 'Train' {
                Invoke-Exe dotnet (@('run', '-c', $Configuration, '--project', (Join-Path $Root 'src/RnnNative.Cli'), '--') + $Rest)
            }
        }
        'bench' { Invoke-Deps; Invoke-ScriptTask 'Bench' }
        'data' { Invoke-ScriptTask 'Data' }
        'fuzz' { Invoke-ScriptTask 'Fuzz' }
        'soak' { Invoke-Deps; Invoke-ScriptTask 'Soak' }
        'args' { $Rest | ForEach-Object { Write-Output "arg: $_" } } # (hidden) what a pass-through task hands on
    }
    exit 0
}
catch {
    Write-Host "build.ps1 $Task failed: $($_.Exception.Message)" -ForegroundColor Red
    if ($env:CI -eq 'true') { Write-Host $_.ScriptStackTrace -ForegroundColor DarkGray }
    exit 1
}
