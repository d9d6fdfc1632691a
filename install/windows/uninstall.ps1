<#
.SYNOPSIS
    Uninstalls socsec for the current Windows user (what install.ps1 did, undone).

.DESCRIPTION
    1. Restores the xlwings settings that install.ps1 changed (interpreter, UDF modules), unless
       they were changed again since; other xlwings settings are not touched.
    2. Removes the xlwings Excel add-in if socsec's installer put it there (an add-in that was
       there before socsec stays, and -KeepAddin keeps it in any case).
    3. Deletes socsec's virtual environment (with the numba cache) and the installer's records.
    Workbooks and results are never touched. The socsec folder itself (with this script) is
    left for you to delete.

.PARAMETER VenvDir
    The -VenvDir given to install.ps1 (default %LOCALAPPDATA%\socsec\venv).
.PARAMETER KeepAddin
    Keep the xlwings add-in (for example when other tools use xlwings).
#>
[CmdletBinding()]
param(
    [string]$VenvDir = "",
    [switch]$KeepAddin
)

$ErrorActionPreference = "Stop"
Set-StrictMode -Version 2.0
$ConfigHelper = Join-Path $PSScriptRoot "..\xlwings_config.py"
$UdfModule = "socsec.excel.udfs"

function Write-Step([string]$Text) { Write-Host ""; Write-Host $Text -ForegroundColor Cyan }
function Write-Note([string]$Text) { Write-Host "      $Text" }

$exitCode = 0
try {
    if (-not $VenvDir) { $VenvDir = Join-Path $env:LOCALAPPDATA "socsec\venv" }
    $VenvDir = [System.IO.Path]::GetFullPath($VenvDir)
    $StateDir = Split-Path $VenvDir -Parent
    $venvPython = Join-Path $VenvDir "Scripts\python.exe"
    $state = Join-Path $StateDir "xlwings-settings-before-socsec.json"
    $marker = Join-Path $StateDir "xlwings-addin-installed-by-socsec.txt"

    Write-Step "[1/3] xlwings settings"
    if (-not (Test-Path -LiteralPath $state)) {
        Write-Note "No record of changed xlwings settings: nothing to restore."
    } elseif (Test-Path -LiteralPath $venvPython) {
        & $venvPython $ConfigHelper uninstall --state $state --udf-module $UdfModule
        if ($LASTEXITCODE -ne 0) { throw "Restoring the xlwings settings failed (exit code $LASTEXITCODE)." }
    } else {
        Write-Note ("socsec's Python environment is gone, so the settings cannot be restored automatically: in " +
                    "$env:USERPROFILE\.xlwings\xlwings.conf delete the lines INTERPRETER_WIN (if it points to " +
                    "$VenvDir) and socsec.excel.udfs from UDF MODULES. The former values are in $state.")
        $exitCode = 2
    }

    Write-Step "[2/3] xlwings Excel add-in"
    if (-not (Test-Path -LiteralPath $marker)) {
        Write-Note "The add-in was not installed by socsec (or is already removed): left as it is."
    } else {
        $addin = (Get-Content -LiteralPath $marker | Select-Object -First 1).Trim()
        if ($KeepAddin) {
            Write-Note "Kept (-KeepAddin): $addin"
        } elseif (Test-Path -LiteralPath $addin) {
            try {
                Remove-Item -LiteralPath $addin -Force
                Write-Note "Removed $addin"
            } catch {
                throw "Could not remove $addin ($($_.Exception.Message)). Quit Excel and run the uninstaller again."
            }
        } else {
            Write-Note "Already gone: $addin"
        }
        if (-not $KeepAddin) { Remove-Item -LiteralPath $marker -Force }
    }

    $socsecAddin = Join-Path $StateDir "socsec-addin.txt"
    if (Test-Path -LiteralPath $socsecAddin) {  # the socsec add-in is always socsec's own
        $addin = (Get-Content -LiteralPath $socsecAddin | Select-Object -First 1).Trim()
        if (Test-Path -LiteralPath $addin) {
            try { Remove-Item -LiteralPath $addin -Force; Write-Note "Removed $addin" }
            catch { throw "Could not remove $addin ($($_.Exception.Message)). Quit Excel and run the uninstaller again." }
        }
        Remove-Item -LiteralPath $socsecAddin -Force
    }

    Write-Step "[3/3] Virtual environment $VenvDir"
    if (-not (Test-Path -LiteralPath $VenvDir)) {
        Write-Note "Not there: nothing to delete."
    } elseif (-not (Test-Path -LiteralPath (Join-Path $VenvDir "socsec-installer.txt"))) {
        throw "$VenvDir was not made by socsec's installer: not deleted. Delete it yourself if it is no longer needed."
    } else {
        try {
            Remove-Item -LiteralPath $VenvDir -Recurse -Force
            Write-Note "Deleted."
        } catch {
            throw "Could not delete $VenvDir ($($_.Exception.Message)). Quit Excel (it may be running socsec) and run the uninstaller again."
        }
    }
    foreach ($leftover in @((Join-Path $StateDir "install.log"))) {
        if (Test-Path -LiteralPath $leftover) { Remove-Item -LiteralPath $leftover -Force }
    }
    if ((Test-Path -LiteralPath $StateDir) -and -not (Get-ChildItem -LiteralPath $StateDir -Force)) {
        Remove-Item -LiteralPath $StateDir -Force
    }
} catch {
    Write-Host ""
    Write-Host "ERROR: $($_.Exception.Message)" -ForegroundColor Red
    $exitCode = 1
}
exit $exitCode
