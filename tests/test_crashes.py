"""Failures a user can cause end in a Chinese message and exit 1 or 2 — never "内部错误" (exit 3 is for bugs).

Every command that writes a file, under each condition: a read-only output folder (run as an unprivileged
user when the tests run as root, since root may write anywhere), `-o` naming an existing folder, and the
longest names. And Ctrl-C during `report --pdf` leaves neither a temporary folder nor a LibreOffice behind.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest
from conftest import EXAMPLE_JSON, EXAMPLE_XLSX, valid_data

XXGK = Path(sys.executable).with_name("xxgk")
PUBLISHED = Path(__file__).resolve().parent / "data" / "published"
NOBODY = 65534


def run_xxgk(argv, *, unprivileged=False, env=None, cwd=None):
    prefix = []
    if unprivileged and os.geteuid() == 0:
        prefix = [shutil.which("setpriv"), f"--reuid={NOBODY}", f"--regid={NOBODY}", "--clear-groups"]
    done = subprocess.run(
        [*prefix, str(XXGK), *map(str, argv)],
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, **(env or {})},
        cwd=cwd,
    )
    return done.returncode, done.stdout + done.stderr


def assert_clean_failure(code, text, *words):
    assert code in (1, 2), (code, text[-2000:])
    assert "内部错误" not in text and "Traceback" not in text, text[-2000:]
    assert any("\u4e00" <= ch <= "\u9fff" for ch in text)
    for word in words:
        assert word in text, (word, text[-2000:])


@pytest.fixture
def world():
    """A folder anyone may read (the unprivileged user included), with inputs and a read-only subfolder."""
    root = Path(tempfile.mkdtemp(prefix="xxgk-crash-"))
    try:
        root.chmod(0o755)
        inputs = root / "输入"
        inputs.mkdir()
        shutil.copy(EXAMPLE_XLSX, inputs / "年报.xlsx")
        shutil.copy(EXAMPLE_JSON, inputs / "数据.json")
        units = inputs / "下级"
        units.mkdir()
        (units / "甲局.json").write_text(valid_data("2021", 1).dump(), encoding="utf-8")
        readonly = root / "只读"
        readonly.mkdir()
        shutil.copy(EXAMPLE_XLSX, readonly / "年报.xlsx")  # report writes beside its input by default
        for path in [inputs, units, *inputs.rglob("*")]:
            path.chmod(0o755 if path.is_dir() else 0o644)
        (readonly / "年报.xlsx").chmod(0o644)
        readonly.chmod(0o555)
        folder = root / "已有文件夹.xlsx"
        folder.mkdir()
        for name in ("报告.docx", "数据.json", "汇总情况.html"):
            (root / name).mkdir()
        yield root
    finally:
        for path in root.rglob("*"):
            if path.is_dir():
                path.chmod(0o755)
        shutil.rmtree(root)


def commands(root: Path, out: Path):
    """Each writing command with its output at `out` (a file name inside the folder under test)."""
    i = root / "输入"
    return {
        "new": ["new", "--year", "2025", "--org", "某局", "-o", out.with_suffix(".xlsx")],
        "new --previous": [
            "new",
            "--year",
            "2021",
            "--org",
            "福州市鼓楼区审计局",
            "--previous",
            i / "年报.xlsx",
            "-o",
            out.with_suffix(".xlsx"),
        ],
        "fill": ["fill", i / "年报.xlsx", i / "数据.json", "-o", out.with_suffix(".xlsx")],
        "export": ["export", i / "年报.xlsx", "-o", out.with_suffix(".json")],
        "report": ["report", i / "年报.xlsx", "-o", out.with_suffix(".docx")],
        "report --pdf --html": ["report", i / "年报.xlsx", "-o", out.with_suffix(".docx"), "--pdf", "--html"],
        "merge": ["merge", i / "下级", "-o", out.with_suffix(".xlsx"), "--org", "县"],
        "import": ["import", PUBLISHED / "pingtan-gaj-2022.html", "-o", out.with_suffix(".json")],
        "compare": [
            "compare",
            PUBLISHED / "pingtan-gaj-2022.html",
            PUBLISHED / "pingtan-gaj-2022.expected.json",
            "-o",
            out.with_suffix(".json"),
        ],
        "merge --html": [
            "merge",
            i / "下级",
            "-o",
            root / "汇总.xlsx",
            "--org",
            "县",
            "--html",
            out.with_suffix(".html"),
        ],
    }


@pytest.mark.parametrize("command", list(commands(Path("/r"), Path("/r/o"))))
def test_read_only_output_folder(world, command):
    argv = commands(world, world / "只读" / "输出")[command]
    code, text = run_xxgk(argv, unprivileged=True)
    assert_clean_failure(code, text, "只读")
    assert sorted(p.name for p in (world / "只读").iterdir()) == ["年报.xlsx"]


def test_report_beside_an_input_in_a_read_only_folder(world):
    code, text = run_xxgk(["report", world / "只读" / "年报.xlsx"], unprivileged=True)
    assert_clean_failure(code, text, "只读")


@pytest.mark.parametrize("command", list(commands(Path("/r"), Path("/r/o"))))
def test_output_naming_an_existing_folder(world, command):
    folders = {".xlsx": "已有文件夹.xlsx", ".docx": "报告.docx", ".json": "数据.json", ".html": "汇总情况.html"}
    argv = [
        world / folders[a.suffix] if isinstance(a, Path) and a.stem == "占位" else a
        for a in commands(world, world / "占位")[command]
    ]
    code, text = run_xxgk(argv)
    assert_clean_failure(code, text, "文件夹")


def test_a_91_character_name_gives_a_short_file_name(world):
    org = "某某省某某市某某县" + "人力资源和社会保障局" * 8 + "办公室"
    assert len(org) > 90
    data = valid_data("2021")
    data.org = org
    src = world / "输入" / "长名.json"
    src.write_text(data.dump(), encoding="utf-8")
    code, text = run_xxgk(["report", src, "--pdf"])
    assert code == 0, text
    written = [p for p in (world / "输入").iterdir() if p.suffix in (".docx", ".pdf")]
    assert len(written) == 2
    for path in written:
        assert len(path.name.encode("utf-8")) <= 210 and "2025年政府信息公开工作年度报告" in path.name
        assert path.name.startswith("某某省某某市某某县人力资源")


def test_ctrl_c_during_pdf_leaves_nothing_behind(tmp_path):
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    proc = subprocess.Popen(
        [str(XXGK), "report", str(EXAMPLE_XLSX), "-o", str(tmp_path / "r.docx"), "--pdf"],
        env={**os.environ, "TMPDIR": str(scratch)},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline and proc.poll() is None and not _office_running(scratch):
        time.sleep(0.05)  # until LibreOffice is converting
    if not _office_running(scratch):
        proc.kill()
        ps = subprocess.run(["ps", "-ww", "-eo", "etime,args"], capture_output=True, text=True).stdout
        raise AssertionError(f"LibreOffice did not start: {proc.returncode} {proc.communicate()}\n{ps[-3000:]}")
    proc.send_signal(signal.SIGINT)  # what Ctrl-C in the terminal sends to the command
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 130 and "Traceback" not in err and "内部错误" not in err
    time.sleep(0.5)
    assert not _office_running(scratch)
    assert list(scratch.iterdir()) == []  # no temporary folder left
    assert not (tmp_path / "r.pdf").exists()


def _office_running(scratch: Path) -> bool:
    done = subprocess.run(["ps", "-ww", "-eo", "args"], capture_output=True, text=True)  # -ww: never cut lines
    return any("soffice" in line and str(scratch) in line for line in done.stdout.splitlines())


def test_output_cut_short_by_a_pipe_is_no_internal_error():
    """`xxgk check … | head -1`: the reader stops early; xxgk ends quietly, never with 内部错误."""
    files = sorted(str(p) for p in (Path(__file__).parent / "data" / "published").glob("*.html"))
    proc = subprocess.Popen(
        [str(XXGK), "check", str(EXAMPLE_XLSX), *files], stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    proc.stdout.readline()
    proc.stdout.close()  # what `head -1` does after its line
    err = proc.stderr.read().decode("utf-8")
    assert proc.wait(timeout=120) in (0, 1) and "内部错误" not in err and "Traceback" not in err
