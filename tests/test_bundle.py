"""`xxgk bundle` and the bundle's install.py, as an administrator uses them.

A bundle for this machine is built with the real command (pip downloads from PyPI, into a pip cache inside
this session's tmp, shared by every bundle below), installed by install.py into a fresh HOME with no network
at all (a new network namespace; pip also gets --no-index and an index URL that points nowhere), used, then
removed. The Windows bundles cannot be installed here: their wheelhouses are resolved offline by pip for each
target Python (`pip install --dry-run --no-index --platform …`), and because pip judges environment markers
on this Linux machine, the requirements that hold only on Windows (pywin32, tomli on 3.10 …) are checked again
with the target's markers and resolved too, so a missing Windows wheel fails here.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import zipfile
from functools import cache
from pathlib import Path

import pytest
from conftest import ROOT
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from xxgk import __version__
from xxgk.bundle import DEFAULT_PYTHONS, Target
from xxgk.xlam import committed_xlam_path

NOWHERE = "http://127.0.0.1:9/simple"  # nothing listens on the discard port


@cache
def _offline() -> tuple[str, ...]:
    """A prefix that runs a command in a new network namespace (no interfaces up), when this machine allows it."""
    if shutil.which("unshare") and subprocess.run(["unshare", "-rn", "true"], capture_output=True).returncode == 0:
        return ("unshare", "-rn")
    print(
        "unshare is not allowed here: install.py runs with pip's --no-index and an index URL that points nowhere only"
    )
    return ()


@pytest.fixture(scope="module")
def pip_env(tmp_path_factory) -> dict:
    """The environment for `xxgk bundle`: one pip cache for every download of this module."""
    return {**os.environ, "PIP_CACHE_DIR": str(tmp_path_factory.mktemp("pip-cache"))}


def _bundle(pip_env, *args) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "xxgk", "bundle", *args], capture_output=True, text=True, env=pip_env, timeout=900
    )


@pytest.fixture(scope="module")
def linux_bundle(tmp_path_factory, pip_env) -> Path:
    out = tmp_path_factory.mktemp("bundles") / "本机安装包"
    done = _bundle(pip_env, "-o", str(out))
    assert done.returncode == 0, done.stderr
    assert f"已生成安装包：{out}" in done.stdout
    return out


@pytest.fixture(scope="module")
def fake_python_installer(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("installer") / "python-3.12.7-amd64.exe"
    path.write_bytes(b"MZ" + bytes(100))
    return path


@pytest.fixture(scope="module")
def windows_bundles(tmp_path_factory, pip_env, linux_bundle, fake_python_installer) -> dict[str, Path]:
    """win_amd64 as a folder (with a Python installer), win32 as a zip; both reuse the xxgk wheel built above."""
    wheel = next((linux_bundle / "wheelhouse").glob("xxgk-*.whl"))
    folder = tmp_path_factory.mktemp("windows")
    done = _bundle(
        pip_env,
        "--platform",
        "win_amd64",
        "--python-installer",
        str(fake_python_installer),
        "--wheel",
        str(wheel),
        "-o",
        str(folder / "amd64"),
    )
    assert done.returncode == 0, done.stderr
    done = _bundle(
        pip_env,
        "--platform",
        "win32",
        "--python",
        ",".join(DEFAULT_PYTHONS),
        "--wheel",
        str(wheel),
        "-o",
        str(folder / "win32.zip"),
    )
    assert done.returncode == 0, done.stderr
    with zipfile.ZipFile(folder / "win32.zip") as zf:
        assert {n.split("/")[0] for n in zf.namelist()} == {f"xxgk-{__version__}-win32"}
        zf.extractall(folder / "unzipped")
    return {"win_amd64": folder / "amd64", "win32": folder / "unzipped" / f"xxgk-{__version__}-win32"}


def _manifest(bundle: Path) -> dict:
    return json.loads((bundle / "bundle.json").read_text(encoding="utf-8"))


def test_the_bundle_holds_what_the_administrator_needs(linux_bundle):
    manifest = _manifest(linux_bundle)
    assert manifest["version"] == __version__ and manifest["pythons"] == [
        f"{sys.version_info[0]}.{sys.version_info[1]}"
    ]
    wheels = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in (linux_bundle / "wheelhouse").iterdir()}
    assert wheels == manifest["wheels"]
    assert {"xxgk", "xlwings", "openpyxl", "docxtpl"} <= {n.split("-")[0] for n in wheels}
    assert (linux_bundle / "使用说明.pdf").read_bytes() == (ROOT / "installer" / "使用说明.pdf").read_bytes()
    books = {p.name: p.read_bytes() for p in (linux_bundle / "工作簿").iterdir()}
    for source in [*(ROOT / "workbook").glob("*.xlsx"), ROOT / "workbook" / "examples" / "gulou-audit-2020.xlsx"]:
        assert source.read_bytes() in books.values(), source.name
    assert (linux_bundle / "install.py").read_bytes() == (ROOT / "installer" / "install.py").read_bytes()
    note = (linux_bundle / "说明.txt").read_bytes()
    assert note.startswith(b"\xef\xbb\xbf") and b"\n" not in note.replace(b"\r\n", b"")
    assert "卸载.cmd" in note.decode("utf-8-sig")


def _cmd_text(path: Path) -> str:
    raw = path.read_bytes()
    assert b"\n" not in raw.replace(b"\r\n", b""), f"{path.name}: every line must end in CRLF"
    text = raw.decode("gbk")  # cmd.exe reads a batch file in the console's code page, 936 on Chinese Windows
    # no character whose second byte a byte-wise reader would take for ^, | or a backslash
    for char in {c for c in text if ord(c) > 0x7F}:
        assert not set(char.encode("gbk")[1:]) & set(b"^|\\"), char
    return text


def test_cmd_scripts(windows_bundles, fake_python_installer):
    bundle = windows_bundles["win_amd64"]
    install = _cmd_text(bundle / "安装.cmd")
    assert '%PY% "%~dp0install.py" %*' in install and "{" not in install  # placeholders filled in
    assert f"Python {'、'.join(DEFAULT_PYTHONS)}（64 位）" in install
    # the python.org installer's documented switches: per user, quiet, into a folder this script knows
    assert 'start "" /wait "%INSTALLER%" /quiet InstallAllUsers=0 TargetDir="%LOCALAPPDATA%\\xxgk\\python"' in install
    assert (
        install.index("%LOCALAPPDATA%\\xxgk\\python\\python.exe") < install.index("py -3") < install.index("python -c")
    )
    assert 'call "%~dp0安装.cmd" --uninstall' in _cmd_text(bundle / "卸载.cmd")
    assert (bundle / "python" / fake_python_installer.name).read_bytes() == fake_python_installer.read_bytes()
    assert _manifest(bundle)["python_installer"] == f"python/{fake_python_installer.name}"
    assert "（32 位）" in _cmd_text(windows_bundles["win32"] / "安装.cmd")


def _files(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def _home(tmp_path: Path) -> dict[str, str]:
    home = tmp_path / "家"
    return {
        "PATH": "/usr/bin:/bin",
        "HOME": str(home),
        "APPDATA": str(home / "AppData" / "Roaming"),
        "LOCALAPPDATA": str(home / "AppData" / "Local"),
        "PIP_INDEX_URL": NOWHERE,
        "LANG": "C.UTF-8",
    }


def _install(bundle: Path, env: dict, *args) -> subprocess.CompletedProcess:
    return subprocess.run(
        [*_offline(), sys.executable, str(bundle / "install.py"), *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=600,
    )


def test_install_offline_use_and_uninstall(linux_bundle, tmp_path):
    env = _home(tmp_path)
    home = Path(env["HOME"])
    xlstart = Path(env["APPDATA"]) / "Microsoft" / "Excel" / "XLSTART"
    xlstart.mkdir(parents=True)
    (xlstart / "同事的加载项.xlam").write_bytes(b"not ours")
    (home / "文档.txt").write_text("mine", encoding="utf-8")
    before = _files(home)

    done = _install(linux_bundle, env)
    assert done.returncode == 0, done.stdout + done.stderr
    assert f"已安装 xxgk {__version__}" in done.stdout and "完成" in done.stdout
    xxgk_env = Path(env["LOCALAPPDATA"]) / "xxgk" / "env"
    assert (xlstart / "xxgk.xlam").read_bytes() == committed_xlam_path().read_bytes()
    conf = (Path(env["APPDATA"]) / "xxgk" / "addin.conf").read_bytes().decode("utf-16").split("\r\n")
    assert conf[0] == f"python={xxgk_env / 'bin' / 'python'}" and conf[1] == f"addin={xlstart / 'xxgk.xlam'}"
    assert f"version={__version__}" in conf

    xxgk = xxgk_env / "bin" / "xxgk"
    work = tmp_path / "年报"
    work.mkdir()
    run = [*_offline()]
    new = subprocess.run(
        [*run, str(xxgk), "new", "--year", "2025", "--org", "某县某局", "-o", str(work / "2025.xlsx")],
        capture_output=True,
        text=True,
        env=env,
        cwd=work,
    )
    assert new.returncode == 0, new.stderr
    example = linux_bundle / "工作簿" / "示例-gulou-audit-2020.xlsx"
    check = subprocess.run([*run, str(xxgk), "check", str(example), "--json"], capture_output=True, text=True, env=env)
    assert check.returncode == 0 and json.loads(check.stdout)["valid"], check.stderr
    blank = subprocess.run([*run, str(xxgk), "check", str(work / "2025.xlsx")], capture_output=True, text=True, env=env)
    assert blank.returncode == 1 and "未通过" in blank.stdout  # a blank workbook: 机关信息 and numbers missing
    report = subprocess.run(
        [*run, str(xxgk), "report", str(example), "-o", str(work / "报告.docx"), "--html"],
        capture_output=True,
        text=True,
        env=env,
    )
    assert report.returncode == 0, report.stderr
    assert (work / "报告.docx").stat().st_size > 10_000 and (work / "报告.html").is_file()
    assert {p.name for p in xxgk_env.glob("lib/python*/site-packages/xxgk/_data/installer/*")} >= {"install.py"}

    again = _install(linux_bundle, env)  # re-running upgrades in place
    assert again.returncode == 0, again.stdout + again.stderr
    assert "升级已有的环境" in again.stdout
    log = (Path(env["LOCALAPPDATA"]) / "xxgk" / "install.log").read_text(encoding="utf-8")
    assert log.count("==== ") == 2 and "--no-index" in log

    removed = _install(linux_bundle, env, "--uninstall")
    assert removed.returncode == 0, removed.stdout + removed.stderr
    shutil.rmtree(work)
    assert _files(home) == before  # the add-in, the configuration, the environment and the log; nothing else
    assert not (Path(env["LOCALAPPDATA"]) / "xxgk").exists()


def test_install_refuses_a_python_or_a_bundle_that_does_not_fit(linux_bundle, tmp_path):
    bundle = tmp_path / "bundle"
    shutil.copytree(linux_bundle, bundle, ignore=shutil.ignore_patterns("*.whl"))
    manifest = _manifest(linux_bundle)
    (bundle / "bundle.json").write_text(json.dumps({**manifest, "pythons": ["3.99"]}), encoding="utf-8")
    env = _home(tmp_path)
    done = _install(bundle, env)
    assert done.returncode == 1
    assert "不能使用此安装包：它适用于 Python 3.99" in done.stdout and "python.org" in done.stdout
    (bundle / "bundle.json").write_text(json.dumps(manifest), encoding="utf-8")
    done = _install(bundle, env)  # the wheels were not copied: a bundle cut short on its way
    assert done.returncode == 1 and "安装包不完整或已损坏" in done.stdout
    assert not (Path(env["LOCALAPPDATA"]) / "xxgk" / "env").exists()
    (bundle / "bundle.json").unlink()
    done = _install(bundle, env)
    assert done.returncode == 1 and "找不到安装包说明文件" in done.stdout


def _dry_run(wheelhouse: Path, platform: str, python: str, requirements: list[str], tmp_path: Path) -> dict:
    report = tmp_path / f"report-{platform}-{python}.json"
    env = {k: v for k, v in os.environ.items() if not k.startswith("PIP_")}
    env.update(PIP_CONFIG_FILE=os.devnull, PIP_INDEX_URL=NOWHERE, PIP_DISABLE_PIP_VERSION_CHECK="1")
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--dry-run",
            "--no-index",
            "--find-links",
            str(wheelhouse),
            "--platform",
            platform,
            "--python-version",
            python,
            "--implementation",
            "cp",
            "--only-binary=:all:",
            "--target",
            str(tmp_path / "target"),
            "--report",
            str(report),
            "--quiet",
            *requirements,
        ],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )
    assert done.returncode == 0, f"{platform} Python {python}: {done.stderr}"
    return json.loads(report.read_text(encoding="utf-8"))


@pytest.mark.parametrize("platform", ["win_amd64", "win32"])
def test_windows_wheelhouse_resolves_offline(windows_bundles, platform, tmp_path):
    bundle = windows_bundles[platform]
    assert _manifest(bundle)["pythons"] == list(DEFAULT_PYTHONS)
    wheelhouse = bundle / "wheelhouse"
    for python in DEFAULT_PYTHONS:
        target = Target.windows(platform, python)
        requirements = [f"xxgk[excel]=={__version__}"]
        for _ in range(5):
            report = _dry_run(wheelhouse, platform, python, requirements, tmp_path)
            installed = {canonicalize_name(i["metadata"]["name"]): i for i in report["install"]}
            needed = []  # what Windows needs that pip, judging markers on Linux, left out
            for item in installed.values():
                extras = item.get("requested_extras") or [""]
                for line in item["metadata"].get("requires_dist", []):
                    req = Requirement(line)
                    if req.marker and not any(req.marker.evaluate({**target.env, "extra": e}) for e in extras):
                        continue
                    if canonicalize_name(req.name) not in installed:
                        needed.append(f"{req.name}{req.specifier}")
            if not needed:
                break
            requirements += needed
        assert not needed, f"{platform} Python {python}: still unresolved {needed}"
        assert {"xxgk", "xlwings", "pywin32", "lxml", "python-calamine"} <= set(installed), (platform, python)
        assert ("tomli" in installed) == (python == "3.10")
        for item in installed.values():  # binary wheels for this very Python and platform, or pure ones
            tags = item["download_info"]["url"].rsplit("/", 1)[1].removesuffix(".whl").split("-")[-3:]
            assert tags[2] in (platform, "any"), item["download_info"]["url"]
            assert tags[0] in (f"cp{python.replace('.', '')}", "py3", "py2.py3") or tags[1] == "abi3", tags


def test_bundle_size(windows_bundles, linux_bundle):
    """Not a limit: the sizes the report quotes (printed with -s)."""
    sizes = {
        name: sum(p.stat().st_size for p in path.rglob("*") if p.is_file()) / 2**20
        for name, path in [("linux", linux_bundle), *windows_bundles.items()]
    }
    print("bundle sizes (MB):", {k: round(v, 1) for k, v in sizes.items()})
    assert all(v > 5 for v in sizes.values())


def test_bundle_arguments_are_checked(tmp_path, fake_python_installer, capsys):
    from xxgk.cli import main

    def error(*args) -> str:
        assert main(["bundle", *args]) == 2
        return capsys.readouterr().err

    bundle_dir = tmp_path / "旧安装包"
    bundle_dir.mkdir()
    assert "输出已存在" in error("-o", str(bundle_dir))
    assert "不是 xxgk 安装包" in error("-o", str(bundle_dir), "--overwrite")
    assert "输出目录不存在" in error("-o", str(tmp_path / "没有" / "x.zip"))
    assert "只适用于本机的 Python" in error("--python", "3.10,3.12", "-o", str(tmp_path / "a"))
    assert "不低于 3.10" in error("--platform", "win32", "--python", "3.9", "-o", str(tmp_path / "a"))
    assert "请同时指定 --platform" in error("--python-installer", str(fake_python_installer), "-o", str(tmp_path / "a"))
    assert "与安装包的平台 win32 不符" in error(
        "--platform", "win32", "--python-installer", str(fake_python_installer), "-o", str(tmp_path / "a")
    )
    assert "不在安装包支持的版本" in error(
        "--platform",
        "win_amd64",
        "--python",
        "3.11",
        "--python-installer",
        str(fake_python_installer),
        "-o",
        str(tmp_path / "a"),
    )
    not_exe = tmp_path / "python-3.12.7-amd64.exe"
    not_exe.write_bytes(b"PK\x03\x04")
    assert "不是 Python 官方的 Windows 安装程序" in error(
        "--platform", "win_amd64", "--python-installer", str(not_exe), "-o", str(tmp_path / "a")
    )
    wrong = tmp_path / "xxgk-0.0.1-py3-none-any.whl"
    wrong.write_bytes(b"")
    assert f"需要 xxgk {__version__} 的 wheel" in error("--wheel", str(wrong), "-o", str(tmp_path / "a"))
    assert not (tmp_path / "a").exists() and not list(tmp_path.glob(".xxgk-bundle-*"))
