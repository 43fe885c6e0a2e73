"""Install or remove xxgk from an offline bundle made by `xxgk bundle` (run by 安装.cmd and 卸载.cmd).

    python install.py               install, or upgrade in place: the environment, then the Excel add-in
    python install.py --uninstall   remove the environment, the add-in and its configuration

A per-user environment under %LOCALAPPDATA%\\xxgk\\env (elsewhere ~/.local/share/xxgk/env) is created with
this Python and filled from the bundle's wheelhouse only: pip runs with --no-index and without any pip
configuration of the machine, so nothing is fetched from a network. Then `xxgk addin install` puts the add-in
into Excel's startup folder. What was done is printed in Chinese and appended to install.log beside the
environment. Standard library only: this file runs before anything is installed, on any Python 3.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import subprocess
import sys
import sysconfig
import time
import venv
from pathlib import Path

HERE = Path(__file__).resolve().parent
MANIFEST = "bundle.json"
LOG = "install.log"
PYTHON_DOWNLOAD = "https://www.python.org/downloads/windows/"


class InstallError(Exception):
    """A problem the administrator can act on; the message is Chinese."""


def base_dir() -> Path:
    """%LOCALAPPDATA%\\xxgk on Windows (per user, no administrator rights), else the XDG data folder."""
    root = os.environ.get("LOCALAPPDATA") or os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(root) / "xxgk"


def env_python(env: Path) -> Path:
    return env / ("Scripts/python.exe" if os.name == "nt" else "bin/python")


def this_platform() -> str:
    """The wheel platform tag of this interpreter: win_amd64, win32, linux_x86_64 ..."""
    return sysconfig.get_platform().replace("-", "_").replace(".", "_")


class Log:
    """Print for the administrator, and keep everything (pip's output too) in install.log."""

    def __init__(self, path: Path):
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self.file = path.open("a", encoding="utf-8")
        self.file.write(f"\n==== {time.strftime('%Y-%m-%d %H:%M:%S')} {' '.join(sys.argv)}\n")

    def say(self, text: str) -> None:
        print(text, flush=True)
        self.detail(text)

    def detail(self, text: str) -> None:
        self.file.write(text.rstrip("\n") + "\n")
        self.file.flush()

    def close(self) -> None:
        self.file.close()


def run(log: Log, cmd: list, what: str) -> str:
    """Run a command, its output into the log; InstallError naming `what` when it fails."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PIP_")}
    env.update(
        PIP_CONFIG_FILE=os.devnull,
        PIP_DISABLE_PIP_VERSION_CHECK="1",
        PIP_NO_INPUT="1",
        PYTHONUTF8="1",
        PYTHONIOENCODING="utf-8",
    )
    log.detail("$ " + " ".join(str(c) for c in cmd))
    done = subprocess.run(
        [str(c) for c in cmd],
        capture_output=True,
        text=True,
        encoding="utf-8",
        errors="replace",
        env=env,
        cwd=str(HERE),
    )
    log.detail(done.stdout + done.stderr)
    if done.returncode != 0:
        tail = "\n".join((done.stderr or done.stdout).strip().splitlines()[-6:])
        raise InstallError(f"{what}失败（退出码 {done.returncode}）：\n{tail}\n详细信息见日志 {log.path}")
    return done.stdout


def read_manifest() -> dict:
    try:
        return json.loads((HERE / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        raise InstallError(
            f"找不到安装包说明文件 {MANIFEST}：请在完整的安装包文件夹中运行安装.cmd（不要只复制其中的几个文件）"
        ) from None


def check_python(manifest: dict) -> None:
    version = f"{sys.version_info[0]}.{sys.version_info[1]}"
    if version not in manifest["pythons"] or this_platform() != manifest["platform"]:
        raise InstallError(
            f"本机找到的 Python {version}（{this_platform()}）不能使用此安装包：它适用于 "
            f"Python {'、'.join(manifest['pythons'])}（{manifest['platform']}）。\n"
            f"请安装其中一个版本（{PYTHON_DOWNLOAD}，选择 “Windows installer ({'64' if manifest['platform'] == 'win_amd64' else '32'}-bit)”，"
            "安装时不必勾选“为所有用户安装”），或请制作安装包的人员用 --python-installer 把 Python 安装程序放进安装包。"
        )


def check_wheels(manifest: dict) -> None:
    """The wheelhouse is complete and unchanged (a copy on a USB stick can be cut short)."""
    bad = []
    for name, digest in manifest["wheels"].items():
        path = HERE / "wheelhouse" / name
        if not path.is_file() or hashlib.sha256(path.read_bytes()).hexdigest() != digest:
            bad.append(name)
    if bad:
        raise InstallError(
            "安装包不完整或已损坏，以下文件缺失或内容不对：\n  " + "\n  ".join(bad) + "\n请重新复制整个安装包文件夹。"
        )


def venv_version(env: Path) -> str | None:
    try:
        lines = (env / "pyvenv.cfg").read_text(encoding="utf-8").splitlines()
    except OSError:
        return None
    values = {k.strip(): v for k, v in (line.split("=", 1) for line in lines if "=" in line)}
    version = (values.get("version_info") or values.get("version") or "").strip()
    return ".".join(version.split(".")[:2]) or None


def install(log: Log) -> None:
    manifest = read_manifest()
    check_python(manifest)
    check_wheels(manifest)
    version = manifest["version"]
    env = base_dir() / "env"
    here = f"{sys.version_info[0]}.{sys.version_info[1]}"
    if env.exists() and (venv_version(env) != here or not env_python(env).is_file()):
        log.say(f"原有环境的 Python 版本不同或已损坏，重新创建：{env}")
        shutil.rmtree(env)
    if env.exists():
        log.say(f"升级已有的环境：{env}")
    else:
        log.say(f"创建环境（Python {here}）：{env}")
        try:
            venv.EnvBuilder(with_pip=True).create(str(env))
        except (OSError, subprocess.CalledProcessError) as exc:
            raise InstallError(f"无法创建 Python 环境（{exc}）：请确认本机的 Python 是完整安装的（含 pip）") from None
    python = env_python(env)
    log.say(f"从安装包安装 xxgk {version} 及其依赖（不连接网络）……")
    run(
        log,
        [
            python,
            "-m",
            "pip",
            "install",
            "--no-index",
            "--find-links",
            HERE / "wheelhouse",
            "--force-reinstall",
            "--no-warn-script-location",
            f"xxgk[excel]=={version}",
        ],
        "安装 xxgk（pip；Excel 开着时请先关闭）",
    )
    installed = run(log, [python, "-m", "xxgk", "--version"], "运行 xxgk").strip()
    if installed != f"xxgk {version}":
        raise InstallError(f"安装后的版本（{installed}）与安装包（{version}）不一致，详细信息见日志 {log.path}")
    log.say(f"已安装 {installed}。")
    if os.name != "nt" and sys.platform != "darwin" and not os.environ.get("APPDATA"):
        log.say("本机不是 Windows 或 macOS，没有 Excel：不安装功能区加载项。")
    else:
        log.say(
            run(log, [python, "-m", "xxgk", "addin", "install"], "安装 Excel 加载项（请先关闭 Excel 再重试）").strip()
        )
    log.say(f"完成。命令行工具：{python.parent / ('xxgk.exe' if os.name == 'nt' else 'xxgk')}\n日志：{log.path}")


def uninstall(log: Log) -> None:
    env = base_dir() / "env"
    python = env_python(env)
    if python.is_file():
        log.say(
            run(log, [python, "-m", "xxgk", "addin", "uninstall"], "删除 Excel 加载项（请先关闭 Excel 再重试）").strip()
        )
    elif not env.exists():
        log.say(f"没有找到 xxgk 的环境（{env}），可能已经卸载。")
    if env.exists():
        shutil.rmtree(env)
        log.say(f"已删除环境：{env}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="从离线安装包安装或卸载 xxgk 和 Excel 加载项")
    parser.add_argument("--uninstall", action="store_true", help="卸载：删除环境、加载项和配置")
    args = parser.parse_args(argv)
    if sys.version_info < (3, 10):  # noqa: UP036 - this script may be started by whatever Python the PC has
        print(
            f"错误：本机的 Python {sys.version_info[0]}.{sys.version_info[1]} 太旧，xxgk 需要 Python 3.10 或更新版本"
            f"（{PYTHON_DOWNLOAD}）。",
            file=sys.stderr,
        )
        return 1
    base = base_dir()
    log = Log(base / LOG)
    try:
        (uninstall if args.uninstall else install)(log)
    except InstallError as exc:
        log.say(f"错误：{exc}")
        return 1
    except OSError as exc:  # a file of the environment in use: Excel runs its pythonw while a button works
        log.say(f"错误：无法读写 {exc.filename or ''}（{exc.strerror or exc}）。请关闭 Excel 后重试。")
        return 1
    finally:
        log.close()
    if args.uninstall:  # the log goes too; the folder only when nothing else (e.g. the bundled Python) is in it
        (base / LOG).unlink()
        print(f"已删除日志：{base / LOG}")
        try:
            base.rmdir()
        except OSError:
            pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
