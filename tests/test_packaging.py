"""Data files are found from an installed wheel, not only from a checkout."""

from __future__ import annotations

import subprocess
import sys
import zipfile

from conftest import ROOT


def test_wheel_carries_the_data_and_finds_it(tmp_path):
    build = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(tmp_path), str(ROOT)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert build.returncode == 0, build.stderr
    wheel = next(tmp_path.glob("xxgk-*.whl"))
    names = set(zipfile.ZipFile(wheel).namelist())
    for needed in (
        "xxgk/_data/workbook/forms/2019.toml",
        "xxgk/_data/workbook/forms/2021.toml",
        "xxgk/_data/workbook/forms/common.toml",
        "xxgk/_data/workbook/examples/gulou-audit-2020.json",
        "xxgk/_data/workbook/政府信息公开工作年度报告（2021格式）.xlsx",
        "xxgk/_data/addin/xxgk.xlam",
        "xxgk/_data/addin/XxgkRibbon.bas",
        "xxgk/_data/addin/customUI.xml",
        "xxgk/_data/installer/install.py",
        "xxgk/_data/installer/安装.cmd",
        "xxgk/_data/installer/卸载.cmd",
        "xxgk/_data/installer/使用说明.pdf",
    ):
        assert needed in names
    site = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(site)
    out = tmp_path / "new.xlsx"
    code = (
        "import sys; sys.path.insert(0, sys.argv[1]); import xxgk.resources as r, xxgk.cli as c; "
        "print(r.data_dir('workbook')); sys.exit(c.main(['new', '--year', '2025', '--org', '某局', '-o', sys.argv[2]]))"
    )
    run = subprocess.run(
        [sys.executable, "-I", "-c", code, str(site), str(out)],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=120,
    )
    assert run.returncode == 0, run.stderr
    assert run.stdout.splitlines()[0].startswith(str(site)) and out.exists()
    # The add-in shipped in the wheel is the one its sources build.
    code = "import sys; sys.path.insert(0, sys.argv[1]); import xxgk.cli as c; sys.exit(c.main(['addin', 'build', '--check']))"
    run = subprocess.run(
        [sys.executable, "-I", "-c", code, str(site)], capture_output=True, text=True, cwd=tmp_path, timeout=120
    )
    assert run.returncode == 0 and "加载项为最新" in run.stdout, run.stderr
