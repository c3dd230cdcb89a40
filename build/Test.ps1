# build.ps1 test: dotnet test on the solution, TRX results summed into one closing line.

function Invoke-TestTask {
    param([Parameter(Mandatory)][string]$Root, [string]$Configuration = 'Release', [string[]]$Arguments = @())
    $results = Join-Path $Root 'artifacts/test-results'
    if (Test-Path $results) { Remove-Item -Recurse -Force $results }
    $failure = $null
    try {
        Invoke-Exe dotnet (@('test', (Join-Path $Root 'RnnNative.sln'), '-c', $Configuration, '-nologo',
                '--results-directory', $results, '--logger', 'trx', '--logger', 'console;verbosity=minimal') + $Arguments)
    }
    catch { $failure = $_ }
    $summary = Get-TestSummary $results
    if ($summary) { Write-Host $summary }
    if ($failure) { throw "tests failed: $($failure.Exception.Message)" }
    if (-not $summary -or $summary -match 'Tests: 0 passed') { throw 'dotnet test ran no test.' }
}

# "Tests: N passed, N failed, N skipped" over every TRX file, or $null if there is none.
function Get-TestSummary([string]$ResultsDir) {
    $files = @(Get-ChildItem $ResultsDir -Filter *.trx -Recurse -ErrorAction SilentlyContinue)
    if ($files.Count -eq 0) { return $null }
    $passed = 0; $failed = 0; $skipped = 0
    foreach ($file in $files) {
        $counters = ([xml](Get-Content $file.FullName)).TestRun.ResultSummary.Counters
        $passed += [int]$counters.passed
        $failed += [int]$counters.failed + [int]$counters.error + [int]$counters.timeout + [int]$counters.aborted
        $skipped += [int]$counters.notExecuted
    }
    return "Tests: $passed passed, $failed failed, $skipped skipped"
}
