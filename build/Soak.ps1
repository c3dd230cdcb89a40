# build/Soak.ps1: `build.ps1 soak [-Minutes N] [-Interval S] [rnn train options]` trains with the `rnn` CLI for
# N minutes (default 30) and samples the process every S seconds (default 5): resident memory (VmRSS of
# /proc/<pid>/status), open handles (entries of /proc/<pid>/fd) and threads. It writes
# artifacts/soak/soak.csv and prints, for each, the least-squares slope per hour over the samples after a
# warm-up (-Warmup seconds, default 10% of the run: data loading, JIT, the first checkpoints and plots load
# their libraries and fonts). Linux only (/proc).
# Default data: data/fashion-mnist when present, else data/digits.csv.gz; epochs are unlimited in practice.

function Get-LeastSquaresSlope([double[]]$X, [double[]]$Y) {
    $n = $X.Count
    if ($n -lt 2) { return [double]::NaN }
    $mx = ($X | Measure-Object -Average).Average
    $my = ($Y | Measure-Object -Average).Average
    $sxy = 0.0; $sxx = 0.0
    for ($i = 0; $i -lt $n; $i++) { $sxy += ($X[$i] - $mx) * ($Y[$i] - $my); $sxx += ($X[$i] - $mx) * ($X[$i] - $mx) }
    if ($sxx -eq 0) { return [double]::NaN }
    return $sxy / $sxx
}

function Get-ProcessSample([int]$ProcessId) {
    $status = Get-Content "/proc/$ProcessId/status" -ErrorAction Stop
    $rssKb = [double](($status | Where-Object { $_ -like 'VmRSS:*' }) -replace '[^0-9]', '')
    $threads = [int](($status | Where-Object { $_ -like 'Threads:*' }) -replace '[^0-9]', '')
    $handles = @(Get-ChildItem "/proc/$ProcessId/fd" -ErrorAction Stop).Count
    return [pscustomobject]@{ RssMb = $rssKb / 1024; Handles = $handles; Threads = $threads }
}

function Invoke-SoakTask {
    param([Parameter(Mandatory)][string]$Root, [string[]]$Arguments = @())
    if (-not (Test-Path '/proc/self/status')) { throw 'soak needs Linux (/proc) to sample memory, handles and threads.' }
    $minutes = 30.0; $interval = 5.0; $warmup = -1.0; $train = @()
    for ($i = 0; $i -lt $Arguments.Count; $i++) {
        switch ($Arguments[$i]) {
            { $_ -in '-Minutes', '--minutes' } { $minutes = [double]$Arguments[++$i]; continue }
            { $_ -in '-Interval', '--interval' } { $interval = [double]$Arguments[++$i]; continue }
            { $_ -in '-Warmup', '--warmup' } { $warmup = [double]$Arguments[++$i]; continue }
            default { if ($Arguments[$i]) { $train += $Arguments[$i] } }
        }
    }
    $out = Join-Path $Root 'artifacts/soak'
    New-Item -ItemType Directory -Force $out | Out-Null
    Invoke-Exe dotnet @('build', (Join-Path $Root 'src/RnnNative.Cli'), '-c', 'Release', '-nologo', '-v', 'quiet')
    $dll = Join-Path $Root 'src/RnnNative.Cli/bin/Release/net10.0/rnn.dll'
    if (-not ($train -contains '--data')) {
        $data = if (Test-Path (Join-Path $Root 'data/fashion-mnist')) { 'data/fashion-mnist' } else { 'data/digits.csv.gz' }
        $train += @('--data', (Join-Path $Root $data))
    }
    if (-not ($train -contains '--epochs')) { $train += @('--epochs', '100000') }
    if (-not ($train -contains '--out')) { $train += @('--out', (Join-Path $out 'run')) }

    $info = [System.Diagnostics.ProcessStartInfo]::new('dotnet')
    foreach ($a in @($dll, 'train') + $train) { $info.ArgumentList.Add($a) }
    $info.RedirectStandardOutput = $true; $info.RedirectStandardError = $true; $info.UseShellExecute = $false
    Write-Step "soak: rnn train $($train -join ' ') for $minutes min, sampling every $interval s"
    $process = [System.Diagnostics.Process]::Start($info)
    $log = Join-Path $out 'train.log'
    $stdout = $process.StandardOutput.ReadToEndAsync(); $stderr = $process.StandardError.ReadToEndAsync()
    $csv = Join-Path $out 'soak.csv'
    $rows = [System.Collections.Generic.List[object]]::new()
    $clock = [System.Diagnostics.Stopwatch]::StartNew()
    try {
        while ($clock.Elapsed.TotalMinutes -lt $minutes -and -not $process.HasExited) {
            try { $s = Get-ProcessSample $process.Id } catch { break }
            $rows.Add([pscustomobject]@{ elapsed_s = [math]::Round($clock.Elapsed.TotalSeconds, 1); rss_mb = [math]::Round($s.RssMb, 1); handles = $s.Handles; threads = $s.Threads })
            Start-Sleep -Milliseconds ([int]($interval * 1000))
        }
    }
    finally {
        $exited = $process.HasExited
        if (-not $exited) { $process.Kill($true); $process.WaitForExit() }
        Set-Content $log ($stdout.Result + $stderr.Result)
        $rows | Export-Csv -NoTypeInformation -Path $csv
    }
    if ($exited) { throw "rnn train ended early (exit code $($process.ExitCode)) after $([math]::Round($clock.Elapsed.TotalSeconds)) s; see $log." }
    if ($warmup -lt 0) { $warmup = $minutes * 60 * 0.1 }
    Write-SoakReport $rows $minutes $warmup $csv
}

function Write-SoakReport($Rows, [double]$Minutes, [double]$Warmup, [string]$Csv) {
    $steady = @($Rows | Where-Object { $_.elapsed_s -ge $Warmup })
    if ($steady.Count -lt 2) { throw "soak: only $($steady.Count) samples after the warm-up; run longer." }
    $x = [double[]]@($steady | ForEach-Object { $_.elapsed_s / 3600 })
    Write-Host ("soak: {0} samples over {1:0.0} min; slopes after a {2:0} s warm-up (least squares, per hour):" -f $Rows.Count, $Minutes, $Warmup)
    foreach ($m in @(@('rss_mb', 'MB'), @('handles', 'handles'), @('threads', 'threads'))) {
        $y = [double[]]@($steady | ForEach-Object { $_.($m[0]) })
        $slope = Get-LeastSquaresSlope $x $y
        $first = $steady[0].($m[0]); $last = $steady[-1].($m[0])
        $min = ($y | Measure-Object -Minimum).Minimum; $max = ($y | Measure-Object -Maximum).Maximum
        Write-Host ("  {0,-8} {1,10:+0.00;-0.00} {2}/h   (first {3}, last {4}, min {5}, max {6})" -f $m[0], $slope, $m[1], $first, $last, $min, $max)
    }
    Write-Host "samples: $Csv"
}
