@echo off
rem Removes what 安装.cmd installed, and nothing else: the environment, the Excel add-in and its configuration.
call "%~dp0安装.cmd" --uninstall
