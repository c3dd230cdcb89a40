# build.ps1 bench [rnn bench options]: training throughput against the GEMM limit (`rnn bench`).
#   no arguments: `rnn bench` (every available backend, 1 and 2 threads; MKL at the CPU's widest instruction set),
#                 then MKL once more one level lower for comparison (RNNNATIVE_MKL_INSTRUCTIONS=avx2 on an AVX-512
#                 CPU, =generic otherwise; a separate process: the cap is set at MKL's first load)
#   options:      passed to `rnn bench` as they are, e.g. `build.ps1 bench --cell lstm --json`; the lower MKL
#                 pass follows with the same options unless they pick backends (--backend), or --summarize/--help
#   gemm [args]:  the BenchmarkDotNet GEMM micro-benchmarks (tests/RnnNative.Benchmarks); default: every
#                 benchmark with the short job; pass e.g. `gemm --filter RnnNative.Benchmarks.* --job medium`

function Invoke-BenchTask {
    param([Parameter(Mandatory)][string]$Root, [string[]]$Arguments = @())
    if ($Arguments.Count -gt 0 -and $Arguments[0] -eq 'gemm') {
        $gemm = @($Arguments | Select-Object -Skip 1)
        # (pwsh expands a bare '*' passed to a native program into file names on Linux: keep a prefix)
        if ($gemm.Count -eq 0) { $gemm = @('--filter', 'RnnNative.Benchmarks.*', '--job', 'short') }
        Invoke-Exe dotnet (@('run', '-c', 'Release', '--project', (Join-Path $Root 'tests/RnnNative.Benchmarks'), '--') + $gemm) -WorkingDirectory $Root
        return
    }
    $cli = Join-Path $Root 'src/RnnNative.Cli'
    Invoke-Exe dotnet @('build', $cli, '-c', 'Release', '-nologo', '-v', 'quiet')
    $rnn = @('run', '--no-build', '-c', 'Release', '--project', $cli, '--', 'bench')
    Invoke-Exe dotnet ($rnn + $Arguments)
    $allBackends = -not ($Arguments | Where-Object { $_ -like '--backend*' -or $_ -like '--summarize*' -or $_ -eq '--help' })
    if ($allBackends -and -not $env:RNNNATIVE_MKL_INSTRUCTIONS -and -not $env:RNNNATIVE_MKL_AVX2) {
        $avx512 = (Test-Path /proc/cpuinfo) -and (Select-String -Path /proc/cpuinfo -Pattern '\bavx512f\b' -Quiet)
        $lower = if ($avx512) { 'avx2' } else { 'generic' }
        Write-Step "MKL one level lower (RNNNATIVE_MKL_INSTRUCTIONS=$lower)"
        $env:RNNNATIVE_MKL_INSTRUCTIONS = $lower
        try { Invoke-Exe dotnet ($rnn + $Arguments + @('--backend', 'mkl')) }
        finally { Remove-Item Env:RNNNATIVE_MKL_INSTRUCTIONS }
    }
}
