<#
.SYNOPSIS
    Installs socsec for the current Windows user; no administrator rights needed.

.DESCRIPTION
    1. Finds a 64-bit Python 3.11 to 3.14 from python.org (or uses -Python).
    2. Creates a virtual environment, by default %LOCALAPPDATA%\socsec\venv (reused when it is fine).
    3. Installs socsec with its extras excel, report and prep as binary wheels, at the tested
       versions (pip -c constraints.txt): from PyPI, or with -Wheelhouse from a folder of wheels
       (offline machines); then socsec itself again (a rerun updates it).
    4. Writes the xlwings settings: interpreter (the environment's pythonw.exe) and UDF module
       socsec.excel.udfs, in %USERPROFILE%\.xlwings\xlwings.conf; the former values are kept
       for uninstall.ps1.
    5. Installs the xlwings Excel add-in (xlwings addin install).
    6. Compiles the numba kernels once (socsec warmup), so the first run in Excel is fast.
    7. Checks the installation (socsec doctor).
    Running it again repairs or updates the installation. A log is written next to the
    virtual environment (install.log).

.PARAMETER Python
    Full path of the python.exe to build the environment from (default: the newest suitable one found).
.PARAMETER VenvDir
    Folder of the virtual environment (default %LOCALAPPDATA%\socsec\venv).
.PARAMETER Wheelhouse
    Folder of wheel files for a machine without internet access: pip --no-index --find-links.
    See install\README.md for how to make one.
.PARAMETER Recreate
    Delete the virtual environment and build it again.
.PARAMETER NoExcel
    Leave out the Excel add-in and its settings (command-line use only).

.EXAMPLE
    powershell -NoProfile -ExecutionPolicy Bypass -File install.ps1 -Wheelhouse D:\socsec-wheels
#>
[CmdletBinding()]
param(
    [string]$Python = "",
    [string]$VenvDir = "",
    [string]$Wheelhouse = "",
    [switch]$Recreate,
    [switch]$NoExcel
)

$ErrorActionPreference = "Stop"
Set-StrictMode -Version 2.0

# The extras of pyproject.toml installed (install\make_wheelhouse.py: the same), at the versions tested
# together (pip -c constraints.txt, which includes addin\socsec\data\constraints.txt). Binary wheels
# only: a Python without wheels for them fails at once with a clear message instead of trying to
# compile numpy from source.
$Extras = "excel,report,prep"
$MinPython = [version]"3.11"  # requires-python in pyproject.toml
$MaxPython = [version]"3.14"  # the newest Python with Windows wheels of every tested package
$UdfModule = "socsec.excel.udfs"
$ConfigHelper = Join-Path $PSScriptRoot "..\xlwings_config.py"
$Pyproject = Join-Path $PSScriptRoot "..\..\pyproject.toml"
$Constraints = Join-Path $PSScriptRoot "..\..\constraints.txt"
$RepoRoot = Split-Path (Split-Path $PSScriptRoot -Parent) -Parent
$ProbeCode = "import sys, struct, sysconfig; print('SOCSEC-PROBE|%d.%d.%d|%d|%d|%s|%s' % (sys.version_info[0], " +
             "sys.version_info[1], sys.version_info[2], struct.calcsize('P') * 8, " +
             "1 if sysconfig.get_config_var('Py_GIL_DISABLED') else 0, sys.executable, sys.base_prefix))"

$script:Step = 0
$TotalSteps = 7
$script:Warnings = @()
$script:PythonMinor = ""

function Write-Step([string]$Text) {
    $script:Step++
    Write-Host ""
    Write-Host "[$($script:Step)/$TotalSteps] $Text" -ForegroundColor Cyan
}
function Write-Ok([string]$Text) { Write-Host "      $Text" -ForegroundColor Green }
function Write-Note([string]$Text) { Write-Host "      $Text" }
function Write-Warn([string]$Text) {
    Write-Host "      WARNING: $Text" -ForegroundColor Yellow
    $script:Warnings += $Text
}

function Invoke-Checked([string]$What, [string]$Exe, [string[]]$Arguments) {
    # Runs a program, shows its output, stops the installation if it fails.
    Write-Host ("      > `"$Exe`" " + ($Arguments -join " ")) -ForegroundColor DarkGray
    & $Exe @Arguments
    if ($LASTEXITCODE -ne 0) { throw "$What failed (exit code $LASTEXITCODE); see the messages above." }
}

function Invoke-Captured([string]$Exe, [string[]]$Arguments) {
    # Runs a program and returns its exit code and output lines (stdout and stderr).
    $old = $ErrorActionPreference
    $ErrorActionPreference = "Continue"
    $global:LASTEXITCODE = -1  # stays so if the program cannot be started at all
    try {
        $lines = @(& $Exe @Arguments 2>&1 | ForEach-Object { "$_" })
        return [pscustomobject]@{ Code = $LASTEXITCODE; Lines = $lines }
    } catch {
        return [pscustomobject]@{ Code = 1; Lines = @("$_") }
    } finally {
        $ErrorActionPreference = $old
    }
}

function Get-PythonInfo([string]$Exe) {
    # Version, bitness and kind of a Python interpreter, or $null if it does not run.
    $run = Invoke-Captured $Exe @("-c", $ProbeCode)
    if ($run.Code -ne 0) { return $null }
    $line = @($run.Lines | Where-Object { $_.StartsWith("SOCSEC-PROBE|") }) | Select-Object -Last 1
    if (-not $line) { return $null }
    $f = $line.Split("|")
    return [pscustomobject]@{
        Version      = [version]$f[1]
        Minor        = [version]("{0}.{1}" -f ([version]$f[1]).Major, ([version]$f[1]).Minor)
        Bits         = [int]$f[2]
        FreeThreaded = ($f[3] -eq "1")
        Path         = $f[4]
        Store        = (($f[4] + "|" + $f[5]) -match "\\WindowsApps\\|PythonSoftwareFoundation")
    }
}

function Find-PythonCandidates {
    $found = New-Object System.Collections.Generic.List[string]
    # 1. every Python the py launcher knows
    $py = Get-Command py.exe -ErrorAction SilentlyContinue
    if ($py) {
        foreach ($line in (Invoke-Captured $py.Path @("-0p")).Lines) {
            if ($line -match "([A-Za-z]:\\.*?python[w]?\.exe)\s*$") { $found.Add($Matches[1]) }
        }
    }
    # 2. the registry (PEP 514), current user then machine
    foreach ($root in @("HKCU:\Software\Python", "HKLM:\Software\Python")) {
        foreach ($company in @(Get-ChildItem $root -ErrorAction SilentlyContinue)) {
            foreach ($tag in @(Get-ChildItem $company.PSPath -ErrorAction SilentlyContinue)) {
                $key = Get-ItemProperty (Join-Path $tag.PSPath "InstallPath") -ErrorAction SilentlyContinue
                if (-not $key) { continue }
                if ($key.PSObject.Properties["ExecutablePath"]) { $found.Add($key.ExecutablePath) }
                elseif ($key.PSObject.Properties["(default)"]) { $found.Add((Join-Path $key."(default)" "python.exe")) }
            }
        }
    }
    # 3. python.exe on PATH, and the usual per-user install folder of the python.org installer
    foreach ($cmd in @(Get-Command python.exe -All -ErrorAction SilentlyContinue)) { $found.Add($cmd.Path) }
    $userPythons = Join-Path $env:LOCALAPPDATA "Programs\Python"
    foreach ($dir in @(Get-ChildItem $userPythons -Directory -ErrorAction SilentlyContinue)) {
        $found.Add((Join-Path $dir.FullName "python.exe"))
    }
    return @($found | Where-Object { $_ -and (Test-Path -LiteralPath $_) } | Select-Object -Unique)
}

function Get-RejectReason($Info) {
    if ($Info.Bits -ne 64) { return "32-bit; socsec needs a 64-bit Python" }
    if ($Info.Minor -lt $MinPython) { return "older than $MinPython" }
    if ($Info.Minor -gt $MaxPython) { return "newer than $MaxPython`: the tested packages have no wheels for it yet" }
    if ($Info.FreeThreaded) { return "free-threaded build: the tested packages need the standard build" }
    if ($Info.Store) {
        return "Microsoft Store Python: what it writes under AppData (the Excel add-in) goes to a private " +
               "folder that Excel does not see"
    }
    return $null
}

function Select-Python {
    if ($Python) {
        $info = Get-PythonInfo $Python
        if (-not $info) { throw "-Python $Python does not run as a Python interpreter." }
        $why = Get-RejectReason $info
        if ($info.Bits -ne 64 -or $info.Minor -lt $MinPython) { throw "-Python $Python (Python $($info.Version)): $why." }
        if ($why) { Write-Warn "$Python (Python $($info.Version)): $why. Trying it as you asked." }
        return $info
    }
    $usable = @()
    $rejected = @()
    foreach ($exe in Find-PythonCandidates) {
        $info = Get-PythonInfo $exe
        if (-not $info) { continue }
        $why = Get-RejectReason $info
        if ($why) { $rejected += "  $($info.Path) (Python $($info.Version)): $why" } else { $usable += $info }
    }
    if ($usable.Count -eq 0) {
        $text = @(
            "No suitable Python found. socsec needs a 64-bit Python $MinPython to $MaxPython from python.org.",
            "Install one for your user only (no administrator rights needed):",
            "  1. Download the 'Windows installer (64-bit)' of Python 3.13 from https://www.python.org/downloads/windows/",
            "  2. Run it and keep 'Install for all users' unticked (the default).",
            "     Or, where winget is allowed: winget install --id Python.Python.3.13 --scope user",
            "  3. Double-click install.cmd again (or run install.ps1 -Python C:\path\to\python.exe)."
        )
        if ($rejected.Count -gt 0) { $text += @("Pythons found but not usable:") + $rejected }
        throw ($text -join [Environment]::NewLine)
    }
    return $usable | Sort-Object Version -Descending | Select-Object -First 1
}

function Remove-OurVenv {
    if (-not (Test-Path (Join-Path $VenvDir "pyvenv.cfg"))) {
        throw "$VenvDir exists and is not a Python virtual environment: choose another folder with -VenvDir."
    }
    try { Remove-Item -LiteralPath $VenvDir -Recurse -Force }
    catch { throw "Could not delete $VenvDir ($($_.Exception.Message)). Close Excel (it may be running socsec) and try again." }
}

function Initialize-Venv($Info) {
    $venvPython = Join-Path $VenvDir "Scripts\python.exe"
    if ((Test-Path $VenvDir) -and -not $Recreate) {
        $existing = $null
        if (Test-Path $venvPython) { $existing = Get-PythonInfo $venvPython }
        if ($existing -and $existing.Minor -eq $Info.Minor) {
            Write-Ok "Reusing $VenvDir (Python $($existing.Version))."
            return $venvPython
        }
        Write-Note "Replacing $VenvDir (it does not run, or it was made with another Python version)."
        Remove-OurVenv
    } elseif (Test-Path $VenvDir) {
        Write-Note "Deleting $VenvDir (-Recreate)."
        Remove-OurVenv
    }
    Invoke-Checked "Creating the virtual environment" $Info.Path @("-m", "venv", $VenvDir)
    Set-Content -LiteralPath (Join-Path $VenvDir "socsec-installer.txt") -Encoding ASCII `
        -Value "Made by socsec install\windows\install.ps1; uninstall.ps1 deletes this folder."
    Write-Ok "Created $VenvDir."
    return $venvPython
}

function Install-Packages([string]$VenvPython) {
    $pip = @("-m", "pip", "install", "--disable-pip-version-check", "--no-input")
    $source = @()
    $socsecTarget = $RepoRoot
    if ($Wheelhouse) {
        $source = @("--no-index", "--find-links", $Wheelhouse)
        $wheel = Get-ChildItem -LiteralPath $Wheelhouse -Filter "socsec-*.whl" -ErrorAction SilentlyContinue |
            Sort-Object LastWriteTime | Select-Object -Last 1
        if ($wheel) { $socsecTarget = $wheel.FullName }
        Write-Note "Offline: installing from $Wheelhouse only."
    } else {
        $upgrade = Invoke-Captured $VenvPython ($pip + @("--upgrade", "pip"))
        if ($upgrade.Code -ne 0) {
            Write-Warn ("Could not upgrade pip (no internet access? behind a proxy: set HTTPS_PROXY; offline: " +
                        "use -Wheelhouse). Going on with the pip of the environment.")
        }
    }
    if ($socsecTarget -eq $RepoRoot -and -not (Test-Path $Pyproject)) {
        throw "socsec's pyproject.toml is not at $Pyproject; run the install.ps1 of an unpacked socsec folder."
    }
    try {
        Invoke-Checked "Installing socsec[$Extras]" $VenvPython ($pip + $source + @("--only-binary=:all:", "-c",
                                                                                  $Constraints, ($socsecTarget + "[$Extras]")))
    } catch {
        if ($Wheelhouse) {
            $hint = "The wheelhouse must hold the wheels for Python $($script:PythonMinor) on 64-bit Windows: make it " +
                    "with  python install\make_wheelhouse.py FOLDER --python-version $($script:PythonMinor)"
        } else {
            $hint = "No internet access: use -Wheelhouse (see install\README.md). 'No matching distribution': " +
                    "Python $($script:PythonMinor) has no wheels of a tested package."
        }
        throw "$($_.Exception.Message)`n$hint"
    }
    Invoke-Checked "Installing socsec" $VenvPython ($pip + $source + @("--no-deps", "--force-reinstall", $socsecTarget))
    Invoke-Checked "Checking the installed packages" $VenvPython @("-m", "pip", "check")
    Invoke-Checked "Importing socsec" $VenvPython @("-c", "import socsec, numba, xlwings; print('socsec', socsec.__version__)")
}

function Install-Addin([string]$StateDir) {
    $xlwings = Join-Path $VenvDir "Scripts\xlwings.exe"
    $marker = Join-Path $StateDir "xlwings-addin-installed-by-socsec.txt"
    $status = Invoke-Captured $xlwings @("addin", "status")
    # the add-in's place, read by the helper (tested on xlwings' own messages, installed or not)
    $target = ($status.Lines | & $VenvPython $ConfigHelper addin-target | Select-Object -First 1)
    if ($status.Code -ne 0 -or -not $target) {
        Write-Warn ("Could not reach Excel to install the xlwings add-in (is Excel installed?). socsec works " +
                    "without Excel (socsec run); install Excel and run install.cmd again for the add-in.")
        return
    }
    $existed = Test-Path -LiteralPath $target
    $install = Invoke-Captured $xlwings @("addin", "install")
    $install.Lines | ForEach-Object { Write-Note $_ }
    if (-not (Test-Path -LiteralPath $target)) {
        Write-Warn ("The xlwings add-in is not at $target. Quit Excel and run install.cmd again, or in Excel: " +
                    "File > Options > Add-ins > Manage: Excel Add-ins > Browse, and choose " +
                    (Join-Path $VenvDir "Lib\site-packages\xlwings\addin\xlwings.xlam"))
        return
    }
    if (-not $existed -and -not (Test-Path $marker)) {
        Set-Content -LiteralPath $marker -Value $target -Encoding UTF8  # uninstall.ps1 removes this add-in
    }
    Write-Ok "xlwings add-in: $target"
}

function Install-SocsecAddin([string]$StateDir) {
    # addin\socsec.xlam (the socsec ribbon tab) into Excel's startup folder, by xlwings' own command
    $xlwings = Join-Path $VenvDir "Scripts\xlwings.exe"
    $source = Join-Path $RepoRoot "addin\socsec.xlam"
    $status = Invoke-Captured $xlwings @("addin", "status", "--file", $source)
    $target = ($status.Lines | & $VenvPython $ConfigHelper addin-target | Select-Object -First 1)
    if ($status.Code -ne 0 -or -not $target) {
        Write-Warn "Could not reach Excel to install the socsec add-in; run install.cmd again after installing Excel."
        return
    }
    $install = Invoke-Captured $xlwings @("addin", "install", "--file", $source)
    $install.Lines | ForEach-Object { Write-Note $_ }
    if (-not (Test-Path -LiteralPath $target)) {
        Write-Warn "The socsec add-in is not at $target. Quit Excel and run install.cmd again."
        return
    }
    Set-Content -LiteralPath (Join-Path $StateDir "socsec-addin.txt") -Value $target -Encoding UTF8
    if ($VenvDir -ne [System.IO.Path]::GetFullPath((Join-Path $env:LOCALAPPDATA "socsec\venv"))) {
        Write-Warn ("The socsec add-in starts %LOCALAPPDATA%\socsec\venv\Scripts\pythonw.exe (its settings sheet " +
                    "myaddin.conf); with -VenvDir $VenvDir use the xlwings tab and the SocsecRun macro instead.")
    }
    Write-Ok "socsec add-in: $target"
}

# ---------------------------------------------------------------------------------------------
$exitCode = 0
try {
    if (-not $VenvDir) { $VenvDir = Join-Path $env:LOCALAPPDATA "socsec\venv" }
    $VenvDir = [System.IO.Path]::GetFullPath($VenvDir)
    $StateDir = Split-Path $VenvDir -Parent
    New-Item -ItemType Directory -Force -Path $StateDir | Out-Null
    try { Start-Transcript -Path (Join-Path $StateDir "install.log") -Append | Out-Null } catch { }
    if ($Wheelhouse) {
        if (-not (Test-Path -LiteralPath $Wheelhouse -PathType Container)) { throw "-Wheelhouse $Wheelhouse is not a folder." }
        $Wheelhouse = (Resolve-Path -LiteralPath $Wheelhouse).Path
    }
    Write-Host "socsec installer: current user only, no administrator rights needed." -ForegroundColor Cyan

    Write-Step "Finding a 64-bit Python $MinPython to $MaxPython"
    $info = Select-Python
    $script:PythonMinor = $info.Minor
    Write-Ok "Python $($info.Version) at $($info.Path)"

    Write-Step "Virtual environment $VenvDir"
    $venvPython = Initialize-Venv $info

    Write-Step "Installing socsec and its packages at the tested versions"
    Install-Packages $venvPython
    $socsecExe = Join-Path $VenvDir "Scripts\socsec.exe"

    Write-Step "xlwings settings (interpreter, UDF module $UdfModule)"
    if ($NoExcel) {
        Write-Note "Left out (-NoExcel)."
    } else {
        $pythonw = Join-Path $VenvDir "Scripts\pythonw.exe"
        $state = Join-Path $StateDir "xlwings-settings-before-socsec.json"
        Invoke-Checked "Writing the xlwings settings" $venvPython @($ConfigHelper, "install", "--interpreter", $pythonw,
                                                                  "--udf-module", $UdfModule, "--state", $state)
    }

    Write-Step "xlwings Excel add-in"
    if ($NoExcel) { Write-Note "Left out (-NoExcel)." } else { Install-Addin $StateDir }

    Write-Step "socsec Excel add-in (the socsec ribbon tab)"
    if ($NoExcel) { Write-Note "Left out (-NoExcel)." } else { Install-SocsecAddin $StateDir }

    Write-Step "Compiling the numba kernels once (socsec warmup)"
    Invoke-Checked "socsec warmup" $socsecExe @("warmup")

    Write-Step "Checking the installation (socsec doctor)"
    $doctor = Invoke-Captured $socsecExe @("doctor")
    $doctor.Lines | ForEach-Object { Write-Note $_ }
    if ($doctor.Code -ne 0) { Write-Warn "socsec doctor reported problems (exit code $($doctor.Code)): see above." }

    Write-Host ""
    Write-Host "socsec is installed." -ForegroundColor Green
    Write-Host "  Command line:  `"$socsecExe`" run `"$(Join-Path $RepoRoot 'workbooks\jordan_example.xlsx')`""
    if (-not $NoExcel) {
        Write-Host "  Excel:         open a socsec workbook; the socsec tab appears in the ribbon. For the SOCSEC_"
        Write-Host "                 functions allow File > Options > Trust Center > Trust Center Settings > Macro"
        Write-Host "                 Settings > 'Trust access to the VBA project object model'."
    }
    Write-Host "  Uninstall:     double-click uninstall.cmd in this folder."
    if ($script:Warnings.Count -gt 0) {
        Write-Host ""
        Write-Host "Finished with $($script:Warnings.Count) warning(s):" -ForegroundColor Yellow
        $script:Warnings | ForEach-Object { Write-Host "  - $_" -ForegroundColor Yellow }
        $exitCode = 2
    }
} catch {
    Write-Host ""
    Write-Host "ERROR: $($_.Exception.Message)" -ForegroundColor Red
    Write-Host "Nothing outside $VenvDir and the xlwings settings was changed. Fix the problem and run the installer again." -ForegroundColor Red
    $exitCode = 1
} finally {
    try { Stop-Transcript | Out-Null } catch { }
}
exit $exitCode
