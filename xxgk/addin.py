"""`xxgk addin install / uninstall`: put the ribbon add-in where Excel opens it at start, and tell its VBA
which Python to run.

Windows: the add-in goes to %APPDATA%\\Microsoft\\Excel\\XLSTART (one of Excel's default trusted
locations), its Mark of the Web is removed, and %APPDATA%\\xxgk\\addin.conf (UTF-16, so Chinese user
names survive VBA's reading) names this installation's pythonw.exe. macOS: the add-in goes to Excel's
Startup folder and an AppleScript in Excel's sandbox-allowed script folder holds the interpreter path.
The interpreter therefore always comes from the user's own files, never from a workbook.
"""

from __future__ import annotations

import importlib.util
import os
import sys
from pathlib import Path

from . import __version__
from .errors import XxgkError
from .fsutil import write_atomic

ADDIN_FILE = "xxgk.xlam"
CONFIG_FILE = "addin.conf"  # lines python=<path> (read by XxgkRibbon.bas), addin=<path>, version=<xxgk version>
LAST_ERROR_FILE = "last-error.txt"  # written by xxgk.excel when it cannot reach Excel; shown by the VBA
LOG_FILE = "excel.log"  # internal errors of the ribbon actions, for the maintainers
APPLESCRIPT = "xxgk.applescript"
MAC_STARTUP = "Library/Group Containers/UBF8T346G9.Office/User Content.localized/Startup.localized/Excel"
MAC_SCRIPTS = "Library/Application Scripts/com.microsoft.Excel"

# The AppleScript the VBA calls on macOS (AppleScriptTask): the action and the workbook name arrive as
# two lines; the interpreter path is written in at install time. Run in the background, as xlwings does,
# so that Excel can answer Python's calls.
APPLESCRIPT_TEXT = """-- Written by "xxgk addin install"; removed by "xxgk addin uninstall".
on runXxgk(params)
\tset AppleScript's text item delimiters to linefeed
\tset action to text item 1 of params
\tset wb to text item 2 of params
\ttry
\t\tdo shell script quoted form of "{python}" & " -I -m xxgk.excel " & quoted form of action & " " & quoted form of ("--wb=" & wb) & " --from_xl=1 > /dev/null 2>&1 &"
\t\treturn ""
\ton error message
\t\treturn message
\tend try
end runXxgk
"""


def config_dir() -> Path:
    """Where the add-in's per-user files live: %APPDATA%\\xxgk (the VBA looks there), else ~/.config/xxgk."""
    if os.environ.get("APPDATA"):
        return Path(os.environ["APPDATA"]) / "xxgk"
    if sys.platform == "darwin":
        return Path.home() / "Library" / "Application Support" / "xxgk"
    return Path(os.environ.get("XDG_CONFIG_HOME") or Path.home() / ".config") / "xxgk"


def default_startup_dir() -> Path:
    if sys.platform == "win32" or os.environ.get("APPDATA"):
        return Path(os.environ["APPDATA"]) / "Microsoft" / "Excel" / "XLSTART"
    if sys.platform == "darwin":
        return Path.home() / MAC_STARTUP
    raise XxgkError(
        "本机不是 Windows 或 macOS，没有 Excel 的启动文件夹。请用 --startup-dir 指定加载项要复制到的文件夹",
        kind="package",
    )


def gui_python() -> Path:
    """This installation's interpreter, the windowless pythonw.exe on Windows (no console flashes up)."""
    exe = Path(sys.executable)
    windowless = exe.with_name("pythonw.exe")
    return windowless if windowless.is_file() else exe


def read_config() -> dict[str, str]:
    path = config_dir() / CONFIG_FILE
    try:
        text = path.read_text(encoding="utf-16")
    except (OSError, UnicodeError):
        return {}
    return dict(line.split("=", 1) for line in text.splitlines() if "=" in line)


def installed_addin() -> tuple[str, str | None] | None:
    """(path, version) of the add-in file `xxgk addin install` put where Excel loads it; None when not installed.
    The version is "" for an add-in built before versions were recorded, None when the file cannot be read."""
    from .xlam import addin_version

    path = read_config().get("addin")
    return (path, addin_version(Path(path))) if path else None


def version_mismatch() -> str | None:
    """The ribbon's warning when the add-in file and this installation of xxgk are not the same version."""
    found = installed_addin()
    if found is None or found[1] is None or found[1] == __version__:
        return None
    return (
        f"加载项文件（{found[0]}，版本 {found[1] or '未知'}）与已安装的 xxgk（{__version__}）版本不一致，部分按钮可能无法使用。\n"
        "请重新运行安装包中的“安装.cmd”（或在命令行运行 xxgk addin install），然后重新启动 Excel。"
    )


def _write_text(path: Path, text: str, encoding: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(path, text.encode(encoding))


def write_last_error(message: str) -> None:
    """What the VBA shows when Python could not show it in Excel itself (UTF-16 with BOM, CRLF)."""
    _write_text(config_dir() / LAST_ERROR_FILE, message.replace("\n", "\r\n"), "utf-16")


def clear_last_error() -> None:
    try:
        (config_dir() / LAST_ERROR_FILE).unlink()
    except OSError:
        pass


def install(startup_dir: str | None = None) -> list[str]:
    """Copy the add-in and write the configuration → what was written, for the user."""
    from .xlam import committed_xlam_path

    if importlib.util.find_spec("xlwings") is None:
        raise XxgkError(
            '本环境没有安装 xlwings，功能区按钮无法连接 Excel。请先运行：pip install "xxgk[excel]"，再运行 xxgk addin install',
            kind="tool_missing",
        )
    source = committed_xlam_path()
    if not source.is_file():
        raise XxgkError(
            "找不到加载项文件（安装不完整），请重新安装 xxgk 或运行 xxgk addin build", file=str(source), kind="package"
        )
    folder = Path(startup_dir) if startup_dir else default_startup_dir()
    target = folder / ADDIN_FILE
    try:
        folder.mkdir(parents=True, exist_ok=True)
        write_atomic(target, source.read_bytes())
    except PermissionError:
        raise XxgkError(
            "无法写入加载项：它可能正被 Excel 使用。请先关闭 Excel 再安装", file=str(target), kind="output"
        ) from None
    except OSError as exc:
        raise XxgkError(f"无法写入加载项（{exc.strerror}）", file=str(target), kind="output") from None
    _unblock(target)
    python = gui_python()
    config = config_dir() / CONFIG_FILE
    _write_text(config, f"python={python}\r\naddin={target}\r\nversion={__version__}\r\n", "utf-16")
    done = [f"加载项：{target}", f"配置：{config}（Python：{python}）"]
    if sys.platform == "darwin":
        script = Path.home() / MAC_SCRIPTS / APPLESCRIPT
        _write_text(script, APPLESCRIPT_TEXT.replace("{python}", str(python)), "utf-8")
        done.append(f"AppleScript：{script}")
    return done


def _unblock(path: Path) -> None:
    """Remove the Mark of the Web (a downloaded installer's Zone.Identifier) so Office does not block the macros."""
    if sys.platform == "win32":
        try:
            os.remove(f"{path}:Zone.Identifier")
        except OSError:
            pass


def uninstall(startup_dir: str | None = None) -> list[str]:
    """Remove the add-in and the per-user files → what was removed."""
    config = read_config()
    candidates = [Path(startup_dir) / ADDIN_FILE] if startup_dir else []
    if config.get("addin"):
        candidates.append(Path(config["addin"]))
    if not candidates:
        candidates.append(default_startup_dir() / ADDIN_FILE)
    if sys.platform == "darwin":
        candidates.append(Path.home() / MAC_SCRIPTS / APPLESCRIPT)
    removed = []
    for path in candidates:
        if path.name in (ADDIN_FILE, APPLESCRIPT) and path.is_file():  # only our own files
            try:
                path.unlink()
            except PermissionError:
                raise XxgkError(
                    "无法删除加载项：它可能正被 Excel 使用。请先关闭 Excel", file=str(path), kind="package"
                ) from None
            removed.append(str(path))
    folder = config_dir()
    for name in (CONFIG_FILE, LAST_ERROR_FILE, LOG_FILE):
        if (folder / name).is_file():
            (folder / name).unlink()
            removed.append(str(folder / name))
    try:
        folder.rmdir()
    except OSError:
        pass  # not empty (files of the user's own) or not there
    return removed
