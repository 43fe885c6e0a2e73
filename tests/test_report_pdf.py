"""docx → PDF/A with LibreOffice, measured: fonts (no fallback), GB/T 9704 geometry, page numbers, PDF/A and tags.

Renders the sample report of test_report_docx once per format, converts it with the test font aliases
(FONTCONFIG_FILE=templates/fonts.conf) and measures the PDF with poppler (pdfinfo, pdffonts, pdftotext
-bbox-layout, pdftoppm). LibreOffice and poppler-utils are required, never optional: when they are missing
these tests fail (CI installs them), as the formula tests do.

To look at the pages: set XXGK_REPORT_PNG_DIR=/some/dir and the PNGs of every page are kept there.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
from functools import cache
from pathlib import Path

import pytest
from conftest import ROOT
from test_report_docx import LONG_CJK, make_env, sample_context

from xxgk.errors import XxgkError
from xxgk.form import FORMATS
from xxgk.report.docx import render_docx
from xxgk.report.pdf import docx_to_pdf

FONTS_CONF = ROOT / "templates" / "fonts.conf"
PT_MM = 25.4 / 72
XHTML = "{http://www.w3.org/1999/xhtml}"
TEXT_LEFT, TEXT_RIGHT, TEXT_BOTTOM = 28.0, 210.0 - 26.0, 297.0 - 35.0
CHAR_4HAO = 14 * PT_MM  # 1 character of the page number font


def run(*cmd: str) -> str:
    exe = shutil.which(cmd[0])
    assert exe, f"{cmd[0]} is missing: install poppler-utils (Debian: apt-get install poppler-utils)"
    return subprocess.run([exe, *cmd[1:]], check=True, capture_output=True, text=True, timeout=120).stdout


@pytest.fixture(scope="module", params=FORMATS)
def pdf(request, tmp_path_factory):
    fmt = request.param
    out = tmp_path_factory.mktemp(f"pdf{fmt}")
    ctx = sample_context(fmt)
    (out / "report.docx").write_bytes(render_docx(ctx, fmt, make_env()))
    path = docx_to_pdf(out / "report.docx", out / "report.pdf", fonts_conf=FONTS_CONF)
    return fmt, ctx, path


@cache
def lines_of(path: Path) -> list[list[dict]]:
    """Per page, the text lines of `pdftotext -bbox-layout` in millimetres: {x0, y0, x1, y1, text}."""
    root = ET.fromstring(run("pdftotext", "-bbox-layout", str(path), "-"))
    pages = []
    for page in root.iter(f"{XHTML}page"):
        lines = []
        for line in page.iter(f"{XHTML}line"):
            text = "".join(w.text or "" for w in line.iter(f"{XHTML}word"))
            box = {
                k: float(line.get(a)) * PT_MM
                for k, a in (("x0", "xMin"), ("y0", "yMin"), ("x1", "xMax"), ("y1", "yMax"))
            }
            lines.append({**box, "text": text})
        pages.append(lines)
    return pages


def test_pdfinfo_a4_tagged_pdfa(pdf):
    _, ctx, path = pdf
    info = run("pdfinfo", str(path))
    assert re.search(r"Page size:\s+595\.\d+ x 841\.\d+ pts \(A4\)", info)
    assert re.search(r"Tagged:\s+yes", info)
    assert int(re.search(r"Pages:\s+(\d+)", info).group(1)) >= 3
    assert re.search(r"Title:\s+(.*)", info).group(1).strip() == ctx["title"].replace("\n", "")
    meta = run("pdfinfo", "-meta", str(path))
    assert "pdfaid:part" in meta and re.search(r"<pdfaid:part>2</pdfaid:part>", meta)


def test_fonts_are_the_stand_ins_without_fallback(pdf):
    _, _, path = pdf
    rows = run("pdffonts", str(path)).splitlines()[2:]
    names = [r.split()[0] for r in rows]
    assert names and not any("DejaVu" in n for n in names), names  # DejaVu = a glyph found no font
    assert all(r.split()[-5] == "yes" for r in rows), "every font embedded (PDF/A)"
    joined = " ".join(names)
    # 仿宋/宋体 → Noto Serif CJK, 小标宋 → its Bold, 黑体 → Noto Sans CJK, 楷体 → LXGW WenKai, Times → Liberation Serif
    for expected in ("NotoSerifCJK", "NotoSerifCJK", "NotoSansCJK", "LXGWWenKai", "LiberationSerif"):
        assert expected in joined, (expected, names)
    assert re.search(r"NotoSerifCJK\w*-Bold", joined), names


def test_fonts_conf_aliases():
    env = {**os.environ, "FONTCONFIG_FILE": str(FONTS_CONF)}
    expect = {
        "仿宋_GB2312": "Noto Serif CJK SC",
        "宋体": "Noto Serif CJK SC",
        "黑体": "Noto Sans CJK SC",
        "楷体": "LXGW WenKai",
        "楷体_GB2312": "LXGW WenKai",
        "方正小标宋简体": "Noto Serif CJK SC:Bold",
        "Times New Roman": "Liberation Serif",
    }
    for name, family in expect.items():
        got = subprocess.run(
            ["fc-match", "-f", "%{family[0]}:%{style[0]}", name], env=env, check=True, capture_output=True, text=True
        ).stdout
        assert got.startswith(family), (name, got, "install fonts-noto-cjk fonts-lxgw-wenkai fonts-liberation2")


def test_body_geometry(pdf):
    """Left edge of the 版心 at 28 mm, 28 characters on a full line, lines 28.95 pt apart."""
    _, _, path = pdf
    pages = lines_of(path)
    long_lines = [ln for page in pages for ln in page if len(ln["text"]) >= 20]
    left = min(ln["x0"] for ln in long_lines)
    assert abs(left - TEXT_LEFT) <= 0.5, left
    cjk = set(LONG_CJK)
    full = [
        ln
        for ln in long_lines
        if abs(ln["x0"] - TEXT_LEFT) <= 0.5 and ln["x1"] > TEXT_RIGHT - 2 and set(ln["text"]) <= cjk
    ]
    assert len(full) >= 5
    assert {len(ln["text"]) for ln in full} == {28}, [ln["text"] for ln in full]
    assert all(ln["x1"] <= TEXT_RIGHT + 0.3 for ln in full)
    for page in pages:
        body = [ln for ln in page if set(ln["text"]) <= cjk and len(ln["text"]) >= 20]
        for a, b in zip(body, body[1:]):
            pitch = (b["y0"] - a["y0"]) / PT_MM
            if pitch < 40:  # consecutive lines of one paragraph
                assert abs(pitch - 28.95) <= 0.3, pitch
    first_lines = [ln for ln in long_lines if set(ln["text"]) <= cjk and abs(ln["x0"] - TEXT_LEFT) > 0.5]
    assert first_lines and all(abs(ln["x0"] - TEXT_LEFT - 32 * PT_MM) <= 0.5 for ln in first_lines)  # 2 characters


def test_page_numbers_odd_right_even_left(pdf):
    _, _, path = pdf
    pages = lines_of(path)
    assert len(pages) >= 3
    for n, page in enumerate(pages, 1):
        foot = [ln for ln in page if ln["y0"] > TEXT_BOTTOM]
        assert [ln["text"] for ln in foot] == [f"—{n}—"], (n, foot)
        ln = foot[0]
        if n % 2:
            assert abs(ln["x1"] - (TEXT_RIGHT - CHAR_4HAO)) <= 1.0, (n, ln)
        else:
            assert abs(ln["x0"] - (TEXT_LEFT + CHAR_4HAO)) <= 1.0, (n, ln)
        assert 4 <= (ln["y0"] + ln["y1"]) / 2 - TEXT_BOTTOM <= 10  # the standard: 7 mm below the 版心


def _ppm(path: Path) -> tuple[int, int, bytes]:
    data = path.read_bytes()
    magic, size, _maxval, body = data.split(b"\n", 3)
    assert magic == b"P6"
    w, h = map(int, size.split())
    return w, h, body


def test_red_header_and_separator_line(pdf, tmp_path):
    """The 发文机关标志 starts 35 mm below the top of the 版心 (72 mm from the page top); the red line is 156 mm wide."""
    _, _, path = pdf
    run("pdftoppm", "-r", "150", "-f", "1", "-l", "1", str(path), str(tmp_path / "p"))
    w, h, body = _ppm(next(tmp_path.glob("p*.ppm")))
    px = 25.4 / 150
    red_rows = []
    for y in range(h):
        row = body[y * w * 3 : (y + 1) * w * 3]
        n = sum(1 for x in range(0, w * 3, 3) if row[x] > 200 and row[x + 1] < 80 and row[x + 2] < 80)
        if n:
            red_rows.append((y, n))
    top = red_rows[0][0] * px
    assert abs(top - 72) <= 1.5, top
    widest = max(n for _, n in red_rows) * px
    assert abs(widest - 156) <= 1.5, widest


def test_pages_as_png(pdf, tmp_path):
    """Every page converts to a PNG (kept in $XXGK_REPORT_PNG_DIR for a visual review when set)."""
    fmt, _, path = pdf
    out = Path(os.environ.get("XXGK_REPORT_PNG_DIR") or tmp_path)
    out.mkdir(parents=True, exist_ok=True)
    run("pdftoppm", "-r", "60", "-png", str(path), str(out / f"report-{fmt}"))
    pngs = sorted(out.glob(f"report-{fmt}*.png"))
    pages = int(re.search(r"Pages:\s+(\d+)", run("pdfinfo", str(path))).group(1))
    assert len(pngs) == pages and all(p.stat().st_size > 1000 for p in pngs)


# -- errors ----------------------------------------------------------------------------------------------------


def test_missing_soffice_is_a_chinese_error(tmp_path, monkeypatch):
    monkeypatch.delenv("SOFFICE", raising=False)
    monkeypatch.setenv("PATH", str(tmp_path))
    (tmp_path / "a.docx").write_bytes(b"x")
    with pytest.raises(XxgkError, match="找不到 LibreOffice"):
        docx_to_pdf(tmp_path / "a.docx", tmp_path / "a.pdf")
    assert not (tmp_path / "a.pdf").exists()


def test_soffice_writing_nothing_is_an_error(tmp_path, monkeypatch):
    monkeypatch.setenv("SOFFICE", shutil.which("true"))  # exits 0 and writes no PDF
    (tmp_path / "a.docx").write_bytes(b"x")
    with pytest.raises(XxgkError, match="没有生成 PDF"):
        docx_to_pdf(tmp_path / "a.docx", tmp_path / "a.pdf")
    assert not (tmp_path / "a.pdf").exists()


def test_timeout_stops_soffice(tmp_path):
    src = tmp_path / "a.docx"
    src.write_bytes(render_docx(sample_context("2021"), "2021", make_env()))
    (tmp_path / "a.pdf").write_bytes(b"old")
    with pytest.raises(XxgkError, match="秒内没有完成"):
        docx_to_pdf(src, tmp_path / "a.pdf", timeout=0.05)
    assert (tmp_path / "a.pdf").read_bytes() == b"old"  # an existing PDF is replaced only on success
