# build.ps1 bench [BenchmarkDotNet arguments]: GEMM GFLOP/s per backend (tests/RnnNative.Benchmarks).
# Default: every benchmark with BenchmarkDotNet's short job; pass e.g. `--filter *Model* --job medium`.

function Invoke-BenchTask {
    param([Parameter(Mandatory)][string]$Root, [string[]]$Arguments = @())
    if ($Arguments.Count -eq 0) { $Arguments = @('--filter', '*', '--job', 'short') }
    Invoke-Exe dotnet (@('run', '-c', 'Release', '--project', (Join-Path $Root 'tests/RnnNative.Benchmarks'), '--') + $Arguments) -WorkingDirectory $Root
}
