# build/Fuzz.ps1: `build.ps1 fuzz [-Seconds N]` runs the reader fuzzer (tests/RnnNative.Tests/Data/Fuzzing) for
# N seconds in all (default 300) from random seeds, over the IDX reader, the CSV reader and the checkpoint
# loader. New interesting inputs (a new kind of outcome) and any failing input are saved into
# tests/RnnNative.Tests/Data/FuzzCorpus/<reader>/ : commit them; every `build.ps1 test` replays the corpus.
# `build.ps1 test` itself runs the same harness from a fixed seed for a bounded time (~15 s).

function Invoke-FuzzTask {
    param([Parameter(Mandatory)][string]$Root, [string[]]$Arguments = @())
    $seconds = 300
    for ($i = 0; $i -lt $Arguments.Count; $i++) {
        if ($Arguments[$i] -in '-Seconds', '--seconds') { $seconds = [double]$Arguments[++$i] }
        elseif ($Arguments[$i]) { throw "fuzz: unknown argument '$($Arguments[$i])' (usage: build.ps1 fuzz [-Seconds N])." }
    }
    if ($seconds -le 0) { throw 'fuzz: -Seconds must be positive.' }
    $corpus = Join-Path $Root 'tests/RnnNative.Tests/Data/FuzzCorpus'
    $before = @(Get-ChildItem $corpus -Recurse -File -ErrorAction SilentlyContinue).Count
    Write-Step "fuzzing the IDX, CSV and checkpoint readers for $seconds s"
    $env:RNNNATIVE_FUZZ_SECONDS = "$seconds"
    try {
        Invoke-Exe dotnet @('test', (Join-Path $Root 'tests/RnnNative.Tests'), '-c', 'Release', '-nologo',
            '--filter', 'FullyQualifiedName~FuzzHarnessTests.MutatedInputs', '--logger', 'console;verbosity=detailed')
    }
    finally { Remove-Item Env:RNNNATIVE_FUZZ_SECONDS -ErrorAction SilentlyContinue }
    $after = @(Get-ChildItem $corpus -Recurse -File -ErrorAction SilentlyContinue).Count
    Write-Host "corpus: $before -> $after inputs in $corpus (commit the new ones)"
}
