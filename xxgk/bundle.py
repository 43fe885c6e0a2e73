"""`xxgk bundle`: one folder (or zip) an administrator copies to an office PC without internet and double-clicks.

    xxgk-0.1.0-win_amd64/
      安装.cmd  卸载.cmd  install.py     find a Python, then install.py does the work (installer/ in the repo)
      bundle.json                       version, platform, Python versions, every wheel with its SHA-256
      说明.txt  使用说明.pdf             for the administrator and for the staff
      wheelhouse/*.whl                  xxgk and every dependency of xxgk[excel], binary wheels only
      python/python-3.x.y[-amd64].exe   optional (--python-installer): installed per user by 安装.cmd
      工作簿/                           the two blank workbooks and the filled example

The wheelhouse is filled by `pip download --only-binary=:all:` for each target Python. pip evaluates
environment markers on the machine it runs on, not for the --platform it downloads for (built on Linux, a
Windows bundle would lack pywin32, and tomli for Python 3.10 on a newer Python), so the closure of
requirements is computed here again with the target's markers and wheel tags (`packaging`), whatever is
missing is downloaded, and wheels no target needs are dropped. Without --platform the bundle is for this
machine's platform and Python (what the tests install).
"""

from __future__ import annotations

import email.parser
import hashlib
import json
import re
import shutil
import subprocess
import sys
import sysconfig
import tempfile
import zipfile
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from packaging import tags as wheel_tags
from packaging.markers import default_environment
from packaging.requirements import Requirement
from packaging.specifiers import SpecifierSet
from packaging.utils import canonicalize_name, parse_wheel_filename

from . import __version__
from .errors import XxgkError
from .resources import data_dir

WINDOWS = {"win_amd64": ("AMD64", "64"), "win32": ("x86", "32")}  # platform → (platform_machine, bits)
DEFAULT_PYTHONS = ("3.10", "3.11", "3.12", "3.13")
MANIFEST = "bundle.json"
WHEELHOUSE = "wheelhouse"
WORKBOOKS = "工作簿"
INSTALLER_FILES = ("安装.cmd", "卸载.cmd", "install.py")
GUIDE_PDF = "使用说明.pdf"
PYTHON_DOWNLOAD = "https://www.python.org/downloads/windows/"
_INSTALLER_NAME = re.compile(r"python-(3\.\d+)\.\d+(?:-(amd64|arm64))?\.exe", re.I)


@dataclass(frozen=True)
class Target:
    """One Python a bundle is for: its version, wheel tags and environment-marker values."""

    python: str
    tags: frozenset
    env: dict

    @classmethod
    def windows(cls, platform: str, python: str) -> Target:
        minor = int(python.split(".")[1])
        version = (3, minor)
        tags = [
            *wheel_tags.cpython_tags(version, platforms=[platform]),
            *wheel_tags.compatible_tags(version, f"cp3{minor}", [platform]),
        ]
        env = {
            "os_name": "nt",
            "sys_platform": "win32",
            "platform_system": "Windows",
            "platform_machine": WINDOWS[platform][0],
            "platform_release": "",
            "platform_version": "",
            "implementation_name": "cpython",
            "platform_python_implementation": "CPython",
            "implementation_version": f"{python}.0",
            "python_version": python,
            "python_full_version": f"{python}.0",
        }
        return cls(python, frozenset(tags), env)

    @classmethod
    def here(cls) -> Target:
        return cls(this_python(), frozenset(wheel_tags.sys_tags()), dict(default_environment()))


def this_python() -> str:
    return f"{sys.version_info[0]}.{sys.version_info[1]}"


def this_platform() -> str:
    """This interpreter's platform as a wheel tag (win_amd64, win32, linux_x86_64 ...), as install.py sees it."""
    return sysconfig.get_platform().replace("-", "_").replace(".", "_")


def build(
    output: str,
    platform: str | None = None,
    pythons: str | None = None,
    python_installer: str | None = None,
    wheel: str | None = None,
    overwrite: bool = False,
    say=print,
) -> Path:
    """Write the bundle to `output` (a folder, or a .zip holding one folder) → its path."""
    versions = _pythons(platform, pythons)
    installer = _python_installer(python_installer, platform, versions)
    out = Path(output)
    _check_output(out, overwrite)
    platform_tag = platform or this_platform()
    name = f"xxgk-{__version__}-{platform_tag}"
    targets = [Target.windows(platform, v) for v in versions] if platform else [Target.here()]
    work = Path(tempfile.mkdtemp(prefix=".xxgk-bundle-", dir=out.parent))
    try:
        root = work / name
        house = root / WHEELHOUSE
        house.mkdir(parents=True)
        own = _own_wheel(wheel, house, say)
        for target in targets:
            say(f"下载 wheel：{platform_tag}，Python {target.python} ……")
            _fill(house, own, target, platform)
        wheels = _prune(house, own, targets)
        _copy_files(root, installer, versions, platform_tag)
        manifest = {
            "name": "xxgk",
            "version": __version__,
            "platform": platform_tag,
            "pythons": list(versions),
            "python_installer": f"python/{installer.name}" if installer else None,
            "wheels": {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in wheels},
        }
        (root / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        _replace(out, root, overwrite)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return out


def _pythons(platform: str | None, pythons: str | None) -> tuple[str, ...]:
    if platform is None:
        if pythons and [p.strip() for p in pythons.split(",")] != [this_python()]:
            raise XxgkError(
                f"不指定 --platform 时，安装包只适用于本机的 Python {this_python()}；"
                "为 Windows 打包请加 --platform win_amd64 或 win32",
                kind="package",
            )
        return (this_python(),)
    if platform not in WINDOWS:
        raise XxgkError(f"--platform 只能是 {' 或 '.join(WINDOWS)}，不能是 {platform}", kind="usage")
    versions = tuple(dict.fromkeys(p.strip() for p in pythons.split(","))) if pythons else DEFAULT_PYTHONS
    for v in versions:
        if not re.fullmatch(r"3\.\d{1,2}", v) or int(v.split(".")[1]) < 10:
            raise XxgkError(f"--python 的版本应写成 3.10、3.11 这样，并且不低于 3.10：{v}", kind="usage")
    return versions


def _python_installer(path: str | None, platform: str | None, versions) -> Path | None:
    """The official Python installer to ship (python-3.12.7-amd64.exe / python-3.12.7.exe), checked."""
    if path is None:
        return None
    installer = Path(path)
    if platform is None:
        raise XxgkError("--python-installer 只用于 Windows 安装包，请同时指定 --platform", kind="package")
    if not installer.is_file():
        raise XxgkError("文件不存在", file=path, kind="not_found")
    m = _INSTALLER_NAME.fullmatch(installer.name)
    with installer.open("rb") as fh:
        is_program = fh.read(2) == b"MZ"
    if not m or not is_program:
        raise XxgkError(
            "这不是 Python 官方的 Windows 安装程序（文件名应为 python-3.x.y-amd64.exe 或 python-3.x.y.exe）",
            file=path,
            kind="package",
        )
    arch = (m.group(2) or "").lower()
    if arch != {"win_amd64": "amd64", "win32": ""}[platform]:
        raise XxgkError(f"安装程序是 {arch or '32 位'} 的，与安装包的平台 {platform} 不符", file=path, kind="package")
    if m.group(1) not in versions:
        raise XxgkError(
            f"安装程序是 Python {m.group(1)}，不在安装包支持的版本（{'、'.join(versions)}）之中",
            file=path,
            kind="package",
        )
    return installer


def _check_output(out: Path, overwrite: bool) -> None:
    if not out.parent.is_dir():
        raise XxgkError("输出目录不存在", file=str(out), kind="output")
    if not out.exists():
        return
    if not overwrite:
        raise XxgkError("输出已存在，未覆盖（如确需覆盖请加 --overwrite）", file=str(out), kind="output")
    if out.is_dir() and not (out / MANIFEST).is_file():
        raise XxgkError("这个文件夹不是 xxgk 安装包（没有 bundle.json），不会覆盖它", file=str(out), kind="output")


def _replace(out: Path, root: Path, overwrite: bool) -> None:
    """Put the finished bundle in place: the folder itself, or a zip holding it."""
    if out.suffix.lower() == ".zip":
        tmp = root.parent / "bundle.zip"
        with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as zf:
            for path in sorted(root.rglob("*")):
                if path.is_file():
                    zf.write(path, f"{root.name}/{path.relative_to(root).as_posix()}")
        tmp.replace(out)
        return
    if out.exists() and overwrite:
        shutil.rmtree(out)
    root.replace(out)


def _own_wheel(wheel: str | None, house: Path, say) -> Path:
    """The xxgk wheel, in the wheelhouse: the one given, or built from this checkout."""
    if wheel:
        source = Path(wheel)
        try:
            name, version, _, _ = parse_wheel_filename(source.name)
        except Exception:  # packaging's InvalidWheelFilename and friends
            raise XxgkError("不是 wheel 文件（.whl）", file=wheel, kind="package") from None
        if name != "xxgk" or str(version) != __version__ or not source.is_file():
            raise XxgkError(f"需要 xxgk {__version__} 的 wheel 文件（与本程序的版本相同）", file=wheel, kind="package")
        shutil.copyfile(source, house / source.name)
        return house / source.name
    root = Path(__file__).resolve().parent.parent
    if not (root / "pyproject.toml").is_file():
        raise XxgkError(
            "找不到 xxgk 的源代码，无法生成 xxgk 的 wheel：请在源代码目录中运行，或用 --wheel 指定 "
            f"xxgk {__version__} 的 wheel 文件",
            kind="package",
        )
    say("生成 xxgk 的 wheel ……")
    _pip(["wheel", "--no-deps", "--wheel-dir", str(house), str(root)], "生成 xxgk 的 wheel")
    found = list(house.glob("xxgk-*.whl"))
    if len(found) != 1:
        raise XxgkError("生成 xxgk 的 wheel 失败（没有得到 wheel 文件）", kind="tool_failed")
    return found[0]


def _pip(args: list[str], what: str) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "pip", *args, "--quiet", "--disable-pip-version-check"],
        capture_output=True,
        text=True,
        errors="replace",
    )
    if done.returncode != 0:
        tail = "\n".join(done.stderr.strip().splitlines()[-8:])
        raise XxgkError(
            f"{what}失败（pip 退出码 {done.returncode}；需要能访问 PyPI 或本单位的镜像）：\n{tail}", kind="tool_failed"
        )


def _download(house: Path, requirements: list[str], target: Target, platform: str | None) -> None:
    args = ["download", "--only-binary=:all:", "--dest", str(house), "--find-links", str(house)]
    if platform:
        args += ["--platform", platform, "--python-version", target.python, "--implementation", "cp"]
    _pip(args + requirements, f"下载 {platform or this_platform()}、Python {target.python} 的 wheel")


def _fill(house: Path, own: Path, target: Target, platform: str | None) -> None:
    """Download until the closure of xxgk[excel] under the target's markers is in the wheelhouse."""
    _download(house, [f"{own}[excel]"], target, platform)
    for _ in range(5):
        _, missing = closure(house, own, target)
        if not missing:
            return
        _download(house, sorted({_without_marker(r) for r in missing}), target, platform)
    raise XxgkError(
        f"找不到适用于 Python {target.python}（{platform or this_platform()}）的 wheel："
        + "、".join(sorted({str(r) for r in missing})),
        kind="package",
    )


def _without_marker(req: Requirement) -> str:
    """The requirement for pip download: without its marker, which pip would judge on this machine."""
    extras = f"[{','.join(sorted(req.extras))}]" if req.extras else ""
    return f"{req.name}{extras}{req.specifier}"


@cache
def _metadata(wheel: Path) -> tuple[SpecifierSet, tuple[str, ...]]:
    """(Requires-Python, Requires-Dist) of a wheel."""
    with zipfile.ZipFile(wheel) as zf:
        meta = next(n for n in zf.namelist() if n.count("/") == 1 and n.endswith(".dist-info/METADATA"))
        message = email.parser.BytesParser().parsebytes(zf.read(meta), headersonly=True)
    return SpecifierSet(message.get("Requires-Python") or ""), tuple(message.get_all("Requires-Dist") or ())


def closure(house: Path, own: Path, target: Target) -> tuple[dict[str, Path], list[Requirement]]:
    """What pip install --no-index would take from `house` for xxgk[excel] on `target` → (name → wheel, missing).

    For each requirement the newest wheel that fits the target's tags, Python version and the version specifier
    is taken (as pip does offline); its requirements whose markers hold on the target, with the extras asked
    for, follow.
    """
    available: dict[str, list] = {}
    for path in house.glob("*.whl"):
        name, version, _, tags = parse_wheel_filename(path.name)
        if not target.tags.isdisjoint(tags) and _metadata(path)[0].contains(target.env["python_full_version"]):
            available.setdefault(name, []).append((version, path))
    chosen: dict[str, Path] = {}
    missing: list[Requirement] = []
    seen: set = set()
    queue = [Requirement(f"xxgk[excel]=={__version__}")]
    while queue:
        req = queue.pop()
        name = canonicalize_name(req.name)
        fits = sorted(
            ((v, p) for v, p in available.get(name, []) if req.specifier.contains(v, prereleases=True)),
            key=lambda vp: vp[0],
        )
        if name == "xxgk":
            fits = [(None, own)]
        if not fits:
            missing.append(req)
            continue
        path = chosen.setdefault(name, fits[-1][1])
        if (name, frozenset(req.extras)) in seen:
            continue
        seen.add((name, frozenset(req.extras)))
        for line in _metadata(path)[1]:
            dep = Requirement(line)
            if dep.marker is None or any(dep.marker.evaluate({**target.env, "extra": e}) for e in req.extras or {""}):
                queue.append(dep)
    return chosen, missing


def _prune(house: Path, own: Path, targets) -> list[Path]:
    """Keep exactly the wheels some target installs (pip may have fetched some for this machine's markers)."""
    keep = set()
    for target in targets:
        chosen, missing = closure(house, own, target)
        assert not missing, missing  # _fill made sure
        keep.update(chosen.values())
    for path in house.glob("*.whl"):
        if path not in keep:
            path.unlink()
    return sorted(keep)


def _copy_files(root: Path, installer: Path | None, versions, platform: str) -> None:
    """The installer scripts (the .cmd files in GBK with CRLF, as cmd.exe on a Chinese Windows reads them), the
    guide, the workbooks, the administrator's note and the optional Python installer."""
    source = data_dir("installer")
    bits = WINDOWS.get(platform, ("", "64"))[1]
    for name in INSTALLER_FILES:
        text = (source / name).read_text(encoding="utf-8")
        if name.endswith(".cmd"):
            text = text.replace("{pythons}", "、".join(versions)).replace("{bits}", bits)
            text = text.replace("{download}", PYTHON_DOWNLOAD)
            (root / name).write_bytes(text.replace("\r\n", "\n").replace("\n", "\r\n").encode("gbk"))
        else:
            (root / name).write_text(text, encoding="utf-8")
    shutil.copyfile(source / GUIDE_PDF, root / GUIDE_PDF)
    books = root / WORKBOOKS
    books.mkdir()
    workbook = data_dir("workbook")
    for path in sorted(workbook.glob("*.xlsx")) + sorted((workbook / "examples").glob("*.xlsx")):
        shutil.copyfile(path, books / (path.name if path.parent == workbook else f"示例-{path.name}"))
    if installer:
        (root / "python").mkdir()
        shutil.copyfile(installer, root / "python" / installer.name)
    (root / "说明.txt").write_bytes(
        ("\ufeff" + _note(versions, platform, installer)).replace("\n", "\r\n").encode("utf-8")
    )


def _note(versions, platform: str, installer: Path | None) -> str:
    """说明.txt: what the bundle is for and the five steps (UTF-8 with BOM, which Notepad reads)."""
    bits = WINDOWS.get(platform, ("", ""))[1]
    python = (
        f"安装包自带 Python 安装程序（python\\{installer.name}），安装.cmd 会先为当前用户安装它，不需要管理员权限。"
        if installer
        else f"本机需要已安装 Python {'、'.join(versions)}{' 中的一个' if len(versions) > 1 else ''}"
        f"{f'（{bits} 位）' if bits else ''}。没有时请从 "
        f"{PYTHON_DOWNLOAD} 下载 “Windows installer”，为当前用户安装即可；或在制作安装包时用 "
        "--python-installer 把它放进安装包。"
    )
    return f"""xxgk {__version__} 离线安装包（{platform}）

本安装包用于没有互联网的办公电脑：安装 xxgk 和 Excel 的“信息公开年报”功能区加载项，全程不联网。

Python：{python}

安装步骤：
1. 关闭 Excel。
2. 把整个文件夹复制到这台电脑上（U 盘上也可以直接运行）。
3. 双击“安装.cmd”，等待窗口显示“完成”，按任意键关闭。重复运行即可升级或修复。
4. 打开 Excel，功能区出现“信息公开年报”选项卡；若 Excel 提示宏或加载项被禁用，见《使用说明.pdf》最后一节。
5. 打开“工作簿”文件夹中的空白工作簿开始填报，或先打开示例看一看。

卸载：双击“卸载.cmd”，删除 xxgk 的环境、加载项和配置，不动其他文件。
安装位置：%LOCALAPPDATA%\\xxgk\\env；加载项：%APPDATA%\\Microsoft\\Excel\\XLSTART\\xxgk.xlam；
配置：%APPDATA%\\xxgk\\addin.conf；日志：%LOCALAPPDATA%\\xxgk\\install.log。
逐项验收请见 xxgk 源代码中的 addin/验收清单.md。
"""
