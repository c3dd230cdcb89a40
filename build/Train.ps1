# build/Train.ps1: `build.ps1 train [rnn train options]` is the main job: fetch Fashion-MNIST (build.ps1 data),
# then train the lecture's sequence classifier on it with the `rnn` CLI (28 steps x 28 px, 150 tanh units,
# dense 10, Adam 0.001, batch 150, 12 epochs). Options after the task go to `rnn train` (e.g. --cell lstm).
# The CLI runs attached to this console (not piped), so a terminal gets its live progress bar.

function Invoke-TrainTask {
    param([Parameter(Mandatory)][string]$Root, [string[]]$Arguments = @())
    . (Join-Path $Root 'build/Data.ps1')
    Invoke-DataTask -Root $Root -Arguments @('fashion-mnist')
    $cli = @('run', '-c', 'Release', '--project', (Join-Path $Root 'src/RnnNative.Cli'), '--', 'train') + @($Arguments | Where-Object { $_ })
    Write-Host "> dotnet $($cli -join ' ')" -ForegroundColor DarkGray
    Push-Location $Root
    try { & dotnet @cli } finally { Pop-Location }
    if ($LASTEXITCODE -ne 0) { throw "rnn train failed with exit code $LASTEXITCODE." }
}
