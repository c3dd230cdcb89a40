# Reads build.ps1's arguments from $args (no PowerShell parameter binding, so `--out`, `--verbose` and `-v`
# meant for `rnn` are never taken as PowerShell parameters).
#   build.ps1 [-Configuration Debug|Release] [-Force] <task> [-Configuration ...] [-Force] [arguments...]
# Before the task and right after it, -Configuration NAME and -Force (case-insensitive) are build options.
# For a pass-through task the first other argument starts the arguments handed on verbatim (a leading `--`
# is dropped); any other task takes the build options anywhere and hands on the rest.

function Read-BuildArguments {
    param([object[]]$Arguments = @(), [string[]]$Tasks, [string[]]$PassThrough)
    $result = [ordered]@{ Task = $null; Configuration = 'Release'; Force = $false; Rest = [string[]]@(); Error = $null }
    $rest = [System.Collections.Generic.List[string]]::new()
    $verbatim = $false
    $items = @($Arguments | ForEach-Object { [string]$_ })
    for ($i = 0; $i -lt $items.Count; $i++) {
        $arg = $items[$i]
        if ($verbatim) { $rest.Add($arg); continue }
        if ($arg -ieq '-Configuration') {
            if ($i + 1 -ge $items.Count -or $items[$i + 1] -notin 'Debug', 'Release') {
                $result.Error = '-Configuration needs Debug or Release.'; break
            }
            $result.Configuration = $items[++$i]; continue
        }
        if ($arg -ieq '-Force') { $result.Force = $true; continue }
        if ($null -eq $result.Task) {
            if ($arg -notin $Tasks) { $result.Error = "unknown task '$arg' (tasks: $(($Tasks | Where-Object { $_ -ne 'args' }) -join ', '))."; break }
            $result.Task = $arg.ToLowerInvariant(); continue
        }
        if ($result.Task -in $PassThrough) {
            $verbatim = $true
            if ($arg -ne '--') { $rest.Add($arg) }
            continue
        }
        $rest.Add($arg)
    }
    if ($null -eq $result.Task) { $result.Task = 'help' }
    $result.Rest = [string[]]$rest.ToArray()
    return [pscustomobject]$result
}
