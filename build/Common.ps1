# Helpers shared by build.ps1 tasks (dot-sourced).

# Runs an external program; throws with the command line and exit code when it fails.
function Invoke-Exe {
    param([Parameter(Mandatory)][string]$File, [string[]]$Arguments = @(), [string]$WorkingDirectory)
    Write-Host "> $File $($Arguments -join ' ')" -ForegroundColor DarkGray
    if ($WorkingDirectory) { Push-Location $WorkingDirectory }
    try { & $File @Arguments | Out-Host } finally { if ($WorkingDirectory) { Pop-Location } }
    if ($LASTEXITCODE -ne 0) { throw "'$File $($Arguments -join ' ')' failed with exit code $LASTEXITCODE." }
}

function Write-Step([string]$Message) { Write-Host "== $Message" -ForegroundColor Cyan }

function Test-Command([string]$Name) { [bool](Get-Command $Name -ErrorAction SilentlyContinue) }
