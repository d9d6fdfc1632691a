@echo off
rem socsec uninstaller for Windows: double-click this file. It runs uninstall.ps1 (next to it):
rem restores the former xlwings settings, removes the xlwings add-in if socsec installed it and
rem deletes socsec's virtual environment. Options may follow, e.g.  uninstall.cmd -KeepAddin
setlocal
powershell.exe -NoProfile -ExecutionPolicy Bypass -File "%~dp0uninstall.ps1" %*
set "RC=%ERRORLEVEL%"
echo.
if "%RC%"=="0" (echo socsec was uninstalled.) else (echo socsec uninstallation FAILED or was incomplete ^(exit code %RC%^): see the messages above.)
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
