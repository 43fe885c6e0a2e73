"""The portal page (xxgk.report.html): structure of the statutory tables, accessibility, escaping, a real browser."""

from __future__ import annotations

import re
import shutil
import struct
import subprocess

import pytest
from conftest import EXAMPLE_XLSX, valid_data
from lxml import html as lhtml

from xxgk.form import col_index, load_form, split_address
from xxgk.read import load
from xxgk.report.context import build_context
from xxgk.report.html import render_html, table_width

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_PACKAGE = "chromium"  # Debian package


def page(fmt="2021", seed=0, draft=False, data=None):
    data = data or valid_data(fmt, seed)
    ctx = build_context(data, load_form(fmt), draft=draft)
    return ctx, render_html(ctx, fmt)


@pytest.fixture(scope="module")
def seed_page():
    data = load(EXAMPLE_XLSX)
    ctx = build_context(data, load_form("2019"))
    return ctx, render_html(ctx, "2019")


def grid_of(table) -> list[list[str]]:
    """Expand rowspan/colspan: every row as a list of cell texts, a spanned cell repeated where it spans."""
    grid: dict[tuple[int, int], str] = {}
    for r, tr in enumerate(table.iter("tr")):
        c = 0
        for cell in tr:
            if cell.tag not in ("th", "td"):
                continue
            while (r, c) in grid:
                c += 1
            rs, cs = int(cell.get("rowspan", 1)), int(cell.get("colspan", 1))
            for i in range(rs):
                for j in range(cs):
                    assert (r + i, c + j) not in grid, f"overlapping cells at row {r + i}, column {c + j}"
                    grid[(r + i, c + j)] = cell.text_content()
            c += cs
    rows = max(r for r, _ in grid) + 1
    out = []
    for r in range(rows):
        width = max(c for rr, c in grid if rr == r) + 1
        out.append([grid.get((r, c)) for c in range(width)])
    return out


def expected_grid(form, table, shown) -> list[list[str]]:
    """The national format's table as the form places it: labels and numbers at their positions, merges spread."""
    sheet = form.sheet_of(table)
    width = table_width(form, table)
    spots: dict[tuple[int, int], str] = {}

    def spread(address, merge, text):
        col, row = split_address(address)
        r0, c0 = row, col_index(col)
        r1, c1 = r0, c0
        if merge:
            b = merge.split(":")[1]
            bc, br = split_address(b)
            r1, c1 = br, col_index(bc)
        for r in range(r0, r1 + 1):
            for c in range(c0, c1 + 1):
                spots[(r, c)] = text

    merges = {lab.address: lab.merge for lab in form.labels if lab.sheet == sheet and lab.role == "merge"}
    for label in form.labels:
        if (
            label.sheet == sheet
            and label.role not in ("title", "merge")
            and col_index(split_address(label.address)[0]) <= width
        ):
            spread(label.address, label.merge, label.text)
    for cid, cell in form.cells.items():
        if cell.table == table:
            spread(cell.address, merges.get(cell.address), shown[cid])
    rows = sorted({r for r, _ in spots})
    return [[spots.get((r, c)) for c in range(1, width + 1)] for r in rows]


@pytest.mark.parametrize("fmt,seed", [("2019", 0), ("2019", 1), ("2021", 0), ("2021", 2)])
def test_tables_have_the_national_shape(fmt, seed):
    ctx, source = page(fmt, seed)
    doc = lhtml.document_fromstring(source)
    form = load_form(fmt)
    for key in ("t2", "t3", "t4"):
        table = doc.get_element_by_id(key)
        grid = grid_of(table)
        expected = expected_grid(form, key, ctx["cells"])
        widths = {len(row) for row in grid}
        assert widths == {table_width(form, key)}, f"{key}: rows of different widths {widths}"
        assert len(grid) == len(expected)
        assert grid == expected
        caption = table.find("caption")
        assert caption is not None and caption.text_content() == form.sheet_of(key)
    # the shapes themselves: 表三 23/25 data rows + 3 header rows, 10 columns; 表四 3 header rows + 1, 15 columns
    t3 = grid_of(doc.get_element_by_id("t3"))
    assert (len(t3), len(t3[0])) == ((26 if fmt == "2019" else 28), 10)
    t4 = grid_of(doc.get_element_by_id("t4"))
    assert (len(t4), len(t4[0])) == (4, 15)
    t2 = grid_of(doc.get_element_by_id("t2"))
    assert (len(t2), len(t2[0])) == ((18 if fmt == "2019" else 14), 4)


@pytest.mark.parametrize("fmt", ["2019", "2021"])
def test_accessibility(fmt):
    _, source = page(fmt, 4)
    doc = lhtml.document_fromstring(source)
    assert doc.get("lang") == "zh-CN"
    year = 2020 if fmt == "2019" else 2025
    assert doc.findtext(".//title") == f"测试县测试局{year}年政府信息公开工作年度报告"
    ths = doc.xpath("//table//th")
    assert ths and all(th.get("scope") in ("col", "colgroup", "row", "rowgroup") for th in ths)
    ids = {th.get("id") for th in ths}
    assert None not in ids and len(ids) == len(ths)
    for key in ("t3", "t4"):
        table = doc.get_element_by_id(key)
        assert table.find("thead") is not None and table.find("tbody") is not None
        assert len(table.findall("thead/tr")) == 3
    assert len(doc.get_element_by_id("t2").findall("tbody")) == len(load_form(fmt).raw["t2"]["blocks"])
    nums = doc.xpath("//table//td[contains(@class, 'num')]")
    assert len(nums) == len([c for c in load_form(fmt).cells.values() if c.table in ("t2", "t3", "t4")])
    for td in nums:
        refs = td.get("headers", "").split()
        assert refs and set(refs) <= ids
    # 表三 「（三）不予公开 › 1.属于国家秘密」×「自然人」 is described by its row, its groups and its columns
    t3 = doc.get_element_by_id("t3")
    names = {th.get("id"): th.text_content() for th in t3.iter("th")}
    first_secret = t3.xpath(".//tr[th[contains(., '属于国家秘密')]]/td")[0]
    described = [names[i] for i in first_secret.get("headers").split()]
    assert described == ["申请人情况", "自然人", "三、本年度办理结果", "（三）不予公开", "1.属于国家秘密"]
    assert re.search(r"td\.num\s*\{[^}]*text-align:\s*right", source)
    assert len(doc.xpath("//h2")) == 6


def test_self_contained_and_no_red_header(seed_page):
    ctx, source = seed_page
    doc = lhtml.document_fromstring(source)
    assert not doc.xpath("//@src | //@href | //link | //script | //img | //iframe")
    assert (
        "url(" not in source and "@import" not in source and "http" not in source.replace("http://www.gl.gov.cn", "")
    )  # the only address is the agency's, in the staff's own preamble
    assert ctx["issuer_mark"] not in source and ctx["doc_number"] not in source and "抄送" not in source
    closing = doc.xpath("//div[@class='closing']/p/text()")
    assert closing == ["福州市鼓楼区审计局", "2021年1月8日"]
    assert doc.findtext(".//h1") == "鼓楼区审计局2020年政府信息公开工作年度报告"
    assert "本年度未收到政府信息公开申请。" in doc.text_content()
    assert [h.text_content() for h in doc.xpath("//h3")][:2] == ["（一）政府信息公开基本情况", "（二）政务公开落实情况"]
    assert not doc.xpath("//*[contains(@class, 'draft')]")


def test_draft_banner():
    _, source = page("2021", 0, draft=True)
    doc = lhtml.document_fromstring(source)
    banner = doc.xpath("//div[contains(@class, 'draft')]")
    assert banner and "草稿" in banner[0].text_content()
    assert doc.findtext(".//title").startswith("【草稿】")


def test_escaping_and_staff_text_literal():
    data = valid_data("2021", 1)
    data.org = "<测试&转义>"
    data.text["part6"] = "{{ 7*7 }}\n<script>alert(1)</script>"
    data.text["part1"] = "（一）<b>标题</b>\n正文 & 其他"
    _, source = page("2021", data=data)
    assert "&lt;测试&amp;转义&gt;" in source and "<测试&转义>" not in source
    assert "<script>" not in source and "&lt;script&gt;alert(1)&lt;/script&gt;" in source
    assert "<b>" not in source and "正文 &amp; 其他" in source
    doc = lhtml.document_fromstring(source)
    texts = [p.text_content() for p in doc.xpath("//section[h2[starts-with(., '六、')]]/p")]
    assert "{{ 7*7 }}" in texts and "49" not in texts
    assert doc.findtext(".//title") == "<测试&转义>2025年政府信息公开工作年度报告"


def _png_size(path):
    head = path.read_bytes()[:24]
    assert head[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    return struct.unpack(">II", head[16:24])


@pytest.mark.parametrize("fmt,draft", [("2019", False), ("2021", True)])
def test_screenshot_in_chromium(tmp_path, fmt, draft):
    """A real browser lays the page out (the PNG is kept in tmp_path for a look)."""
    assert shutil.which(CHROMIUM) or shutil.which("chromium"), (
        f"需要 Chromium 渲染网页截图：apt-get install {CHROMIUM_PACKAGE}"
    )
    if fmt == "2019":
        data = load(EXAMPLE_XLSX)
        ctx = build_context(data, load_form(fmt), draft=draft)
        source = render_html(ctx, fmt)
    else:
        _, source = page(fmt, 0, draft=draft)
    page_file = tmp_path / "报告.html"
    page_file.write_text(source, encoding="utf-8")
    png = tmp_path / "shot.png"
    cmd = [
        shutil.which(CHROMIUM) or shutil.which("chromium"),
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        f"--user-data-dir={tmp_path / 'profile'}",
        f"--screenshot={png}",
        "--window-size=1200,3000",
        page_file.as_uri(),
    ]
    run = subprocess.run(cmd, capture_output=True, text=True, timeout=180)
    assert png.exists(), f"Chromium 未生成截图（退出码 {run.returncode}）：{run.stderr[-2000:]}"
    assert _png_size(png) == (1200, 3000)
    # a blank 1200×3000 page compresses to a few KB; text and tables make it far larger
    assert png.stat().st_size > 60_000, png.stat().st_size
