@echo off
rem socsec installer for Windows: double-click this file. It runs install.ps1 (next to it) with
rem PowerShell for the current user only; no administrator rights are needed. Options of
rem install.ps1 may follow on a command line, e.g.  install.cmd -Wheelhouse D:\socsec-wheels
setlocal
powershell.exe -NoProfile -ExecutionPolicy Bypass -File "%~dp0install.ps1" %*
set "RC=%ERRORLEVEL%"
echo.
if "%RC%"=="0" echo socsec installation finished.
if "%RC%"=="2" echo socsec installation finished with warnings: see the messages above.
if not "%RC%"=="0" if not "%RC%"=="2" echo socsec installation FAILED (exit code %RC%): see the messages above.
call :pause_if_double_clicked
exit /b %RC%

:pause_if_double_clicked
rem A double-clicked script runs as "cmd /c ...": keep its window open until a key is pressed.
setlocal EnableDelayedExpansion
set "DOUBLE_CLICKED="
for %%a in (!CMDCMDLINE!) do if /i "%%~a"=="/c" set "DOUBLE_CLICKED=1"
if defined DOUBLE_CLICKED pause
endlocal
goto :eof
