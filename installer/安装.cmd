@echo off
rem xxgk offline installer, made by "xxgk bundle"; saved by it in the GBK code page with CRLF line ends.
rem All the work is done by install.py: this file only finds a Python for it, in this order: the Python
rem this bundle installed before, the Python installer in the python folder (installed for this user,
rem quietly), the py launcher, python on PATH. With --uninstall (from the uninstaller) nothing is installed.
setlocal
cd /d "%~dp0"
set "XXGK_PY=%LOCALAPPDATA%\xxgk\python\python.exe"
set "PY="
if exist "%XXGK_PY%" set PY="%XXGK_PY%"
if defined PY goto run
if /i "%~1"=="--uninstall" goto lookup
set "INSTALLER="
for %%F in ("%~dp0python\python-3*.exe") do set "INSTALLER=%%~fF"
if not defined INSTALLER goto lookup
echo 正在为当前用户安装 Python（约需 1 到 3 分钟，不需要管理员权限）……
start "" /wait "%INSTALLER%" /quiet InstallAllUsers=0 TargetDir="%LOCALAPPDATA%\xxgk\python" PrependPath=0 AssociateFiles=0 Shortcuts=0 Include_launcher=0 Include_test=0 Include_doc=0 Include_tcltk=0
if exist "%XXGK_PY%" set PY="%XXGK_PY%"
if defined PY goto run
echo Python 安装程序没有完成（退出码 %ERRORLEVEL%），改为查找本机已有的 Python。
:lookup
py -3 -c "import sys" >nul 2>&1 && set "PY=py -3"
if defined PY goto run
python -c "import sys" >nul 2>&1 && set "PY=python"
if defined PY goto run
echo.
echo 没有找到 Python。此安装包适用于 Python {pythons}（{bits} 位）。
echo 请先为本机安装其中一个版本（下载地址：{download}），
echo 或请制作安装包的人员用 xxgk bundle --python-installer 把 Python 安装程序放进安装包，然后重新运行本文件。
echo.
pause
exit /b 1
:run
%PY% "%~dp0install.py" %*
set "RC=%ERRORLEVEL%"
echo.
pause
exit /b %RC%
