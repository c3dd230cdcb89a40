# build.ps1 bench [BenchmarkDotNet arguments]: GEMM GFLOP/s per backend (tests/RnnNative.Benchmarks).
# Default: every benchmark with BenchmarkDotNet's short job; pass e.g. `--filter RnnNative.Benchmarks.* --job medium`.

function Invoke-BenchTask {
    param([Parameter(Mandatory)][string]$Root, [string[]]$Arguments = @())
    # (pwsh expands a bare '*' passed to a native program into file names on Linux: keep a prefix)
    if ($Arguments.Count -eq 0) { $Arguments = @('--filter', 'RnnNative.Benchmarks.*', '--job', 'short') }
    Invoke-Exe dotnet (@('run', '-c', 'Release', '--project', (Join-Path $Root 'tests/RnnNative.Benchmarks'), '--') + $Arguments) -WorkingDirectory $Root
}
