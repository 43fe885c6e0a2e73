"""The Word templates and render_docx: GB/T 9704 page setup, styles with East Asian fonts, the statutory tables
(shape, labels, one value per cell in the right place), escaping, no leftover tags. python-docx reads the
rendered document back; no LibreOffice needed (the PDF checks are in test_report_pdf.py).
"""

from __future__ import annotations

import io
import re
import zipfile

import docx
import pytest
from docx.oxml.ns import qn
from docx.shared import Mm
from jinja2 import StrictUndefined
from jinja2.sandbox import SandboxedEnvironment

from xxgk.errors import XxgkError
from xxgk.form import FORMATS, col_index, load_form, split_address
from xxgk.report.docx import render_docx, template_path

USER_TEXT = "<测试&转义>"
USER_TAG = "{{ 7*7 }}"
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"

# A body paragraph of CJK characters only (no punctuation, no Latin): every full line holds exactly 28 characters.
LONG_CJK = "政府信息公开工作年度报告依据条例编制全文由总体情况主动公开政府信息情况收到和处理申请情况" * 3


def sample_context(fmt: str, draft: bool = False) -> dict:
    """A hand-made context following the contract: distinct values per cell, user text that must print literally."""
    form = load_form(fmt)
    tables: dict[str, dict] = {"t2": {}, "t3": {}, "t4": {}}
    for i, cell in enumerate(form.cells.values()):
        if cell.table not in tables:
            continue
        value = f"{i + 101}"
        if cell.type == "money":
            value = f"{i + 101}.25" + ("万元" if cell.id == "t2.procurement.amount" else "")
        node = tables[cell.table]
        *path, leaf = cell.id.split(".")[1:]
        for key in path:
            node = node.setdefault(key, {})
        node[leaf] = value
    year = 2020 if fmt == "2019" else 2025
    headings = form.parts

    def part(k: int, narrative: list[str], blocks: list[dict]) -> dict:
        return {"heading": headings[k - 1], "narrative": narrative, "blocks": blocks}

    return {
        "draft": draft,
        "format": fmt,
        "year": year,
        "org": "福州市鼓楼区审计局",
        "issuer_mark": "福州市鼓楼区审计局文件",
        "doc_number": f"鼓审发〔{year + 1}〕1号",
        "title": f"福州市鼓楼区审计局{year}年政府信息公开\n工作年度报告",
        "signature": "福州市鼓楼区审计局",
        "date": f"{year + 1}年1月8日",
        "cc": f"区数字办（信息公开办）{USER_TEXT}",
        "printer": "福州市鼓楼区审计局",
        "print_date": f"{year + 1}年1月8日",
        "preamble": [
            f"本报告依据《中华人民共和国政府信息公开条例》编制。用户文字{USER_TEXT}与{USER_TAG}原样显示。",
            LONG_CJK,
        ],
        "p1": part(
            1,
            [],
            [
                {"kind": "h2", "text": "（一）主动公开"},
                {"kind": "p", "text": LONG_CJK},
                {"kind": "h2", "text": "（二）依申请公开"},
                {"kind": "p", "text": LONG_CJK},
                {"kind": "h2", "text": "（三）政府信息管理"},
                {"kind": "p", "text": LONG_CJK},
            ],
        ),
        "p2": part(2, ["本年度主动公开政府信息情况见下表。"], []),
        "p3": part(3, ["本年度新收政府信息公开申请情况见下表。"], [{"kind": "p", "text": "表三补充说明。"}]),
        "p4": part(4, ["本年度行政复议、行政诉讼情况见下表。"], []),
        "p5": part(
            5,
            [],
            [
                {"kind": "h2", "text": "（一）存在的主要问题"},
                {"kind": "p", "text": LONG_CJK},
                {"kind": "h2", "text": "（二）改进情况"},
                {"kind": "p", "text": LONG_CJK},
            ],
        ),
        "p6": part(
            6,
            ["本年度未收取信息处理费。"] if fmt == "2021" else [],
            [{"kind": "p", "text": f"其他事项{USER_TEXT}{USER_TAG}。"}],
        ),
        **tables,
    }


def make_env() -> SandboxedEnvironment:
    return SandboxedEnvironment(undefined=StrictUndefined, autoescape=True)


def flat_cells(ctx: dict, table: str) -> dict[str, str]:
    out = {}

    def walk(node, prefix):
        for k, v in node.items():
            if isinstance(v, dict):
                walk(v, f"{prefix}.{k}")
            else:
                out[f"{prefix}.{k}"] = v

    walk(ctx[table], table)
    return out


@pytest.fixture(scope="module", params=FORMATS)
def rendered(request):
    fmt = request.param
    ctx = sample_context(fmt)
    blob = render_docx(ctx, fmt, make_env())
    return fmt, ctx, blob, docx.Document(io.BytesIO(blob))


# -- page setup ----------------------------------------------------------------------------------------------


def test_page_setup(rendered):
    _, _, _, d = rendered
    assert len(d.sections) == 1
    s = d.sections[0]
    for got, want in (
        (s.page_width, 210),
        (s.page_height, 297),
        (s.top_margin, 37),
        (s.bottom_margin, 35),
        (s.left_margin, 28),
        (s.right_margin, 26),
    ):
        assert abs(got - Mm(want)) <= Mm(0.05), (got.mm, want)
    grid = s._sectPr.find(qn("w:docGrid"))
    assert grid.get(qn("w:type")) == "lines" and grid.get(qn("w:linePitch")) == "579"
    assert grid.get(qn("w:charSpace")) is None
    assert d.settings.odd_and_even_pages_header_footer


def _field_text(part_element) -> str:
    return "".join(t.text or "" for t in part_element.iter(qn("w:instrText")))


def test_odd_and_even_footers_with_page_numbers(rendered):
    _, _, _, d = rendered
    s = d.sections[0]
    odd, even = s.footer, s.even_page_footer
    assert not odd.is_linked_to_previous and not even.is_linked_to_previous
    for footer, align, style in ((odd, "right", "页码（单页）"), (even, "left", "页码（双页）")):
        p = footer.paragraphs[0]
        assert p.style.name == style
        assert "PAGE" in _field_text(footer._element)
        assert p.text.startswith("— ") and p.text.endswith(" —")
        jc = d.styles[style].element.find(qn("w:pPr")).find(qn("w:jc"))
        assert jc.get(qn("w:val")) == align


def test_draft_mark_only_in_drafts():
    for fmt in FORMATS:
        for draft in (False, True):
            ctx = sample_context(fmt, draft=draft)
            ctx["cc"] = ""
            d = docx.Document(io.BytesIO(render_docx(ctx, fmt, make_env())))
            s = d.sections[0]
            for header in (s.header, s.even_page_header):
                text = "".join(p.text for p in header.paragraphs)
                assert (text == "草稿（校验未通过）") if draft else (text == "")
                if draft:
                    color = d.styles[header.paragraphs[0].style.name].font.color.rgb
                    assert str(color) == "FF0000"
            banji = [c.text for row in d.tables[-1].rows for c in row.cells]
            assert banji == [f"{ctx['printer']}\t{ctx['print_date']}印发"]  # no 抄送 line without 抄送


# -- styles and fonts ----------------------------------------------------------------------------------------

EXPECTED_EAST_ASIA = {
    "公文正文": "仿宋_GB2312",
    "表前段落": "仿宋_GB2312",
    "一级标题": "黑体",
    "二级标题": "楷体",
    "公文标题": "方正小标宋简体",
    "发文机关标志": "方正小标宋简体",
    "发文字号": "仿宋_GB2312",
    "发文机关署名": "仿宋_GB2312",
    "成文日期": "仿宋_GB2312",
    "版记": "仿宋_GB2312",
    "版记抄送": "仿宋_GB2312",
    "表格文字": "宋体",
    "表格表头": "宋体",
    "表格数字": "宋体",
    "页码（单页）": "宋体",
    "页码（双页）": "宋体",
    "草稿标记": "黑体",
}


def _style_east_asia(d, style_id: str) -> str | None:
    """The East Asian font a style resolves to (its basedOn chain, then docDefaults)."""
    styles = d.styles.element
    by_id = {s.get(qn("w:styleId")): s for s in styles.findall(qn("w:style"))}
    sid = style_id
    while sid:
        s = by_id[sid]
        rf = s.find(f"{W}rPr/{W}rFonts")
        if rf is not None and rf.get(qn("w:eastAsia")):
            return rf.get(qn("w:eastAsia"))
        based = s.find(qn("w:basedOn"))
        sid = based.get(qn("w:val")) if based is not None else None
    rf = styles.find(f"{W}docDefaults/{W}rPrDefault/{W}rPr/{W}rFonts")
    return rf.get(qn("w:eastAsia")) if rf is not None else None


def _used_style_ids(blob: bytes) -> set[str]:
    used = set()
    with zipfile.ZipFile(io.BytesIO(blob)) as z:
        for name in z.namelist():
            if re.fullmatch(r"word/(document|header\d*|footer\d*)\.xml", name):
                used |= set(re.findall(r'<w:(?:pStyle|rStyle|tblStyle) w:val="([^"]+)"', z.read(name).decode()))
    return used


def test_every_used_style_has_its_east_asian_font(rendered):
    _, _, blob, d = rendered
    names = {s.style_id: s.name for s in d.styles}
    used = _used_style_ids(blob)
    assert {names[u] for u in used} >= set(EXPECTED_EAST_ASIA)
    for sid in used:
        font = _style_east_asia(d, sid)
        assert font, f"style {names[sid]} has no East Asian font"
        if names[sid] in EXPECTED_EAST_ASIA:
            assert font == EXPECTED_EAST_ASIA[names[sid]], names[sid]
    # every style that names fonts names all four slots, East Asian included, with no theme font
    for s in d.styles.element.findall(qn("w:style")):
        for rf in s.iter(qn("w:rFonts")):
            assert rf.get(qn("w:eastAsia")) and rf.get(qn("w:ascii")), s.get(qn("w:styleId"))
    lang = d.styles.element.find(f"{W}docDefaults/{W}rPrDefault/{W}rPr/{W}lang")
    assert lang.get(qn("w:eastAsia")) == "zh-CN"


def test_no_theme_fonts_anywhere(rendered):
    _, _, blob, _ = rendered
    with zipfile.ZipFile(io.BytesIO(blob)) as z:
        for name in z.namelist():
            if name.endswith(".xml"):
                xml = z.read(name).decode("utf-8")
                assert not re.search(r"w:(ascii|hAnsi|eastAsia|cs)Theme=|w:cstheme=", xml), name


def test_body_style_metrics(rendered):
    """3号 body, exact 28.95 pt lines, −0.25 pt character spacing, first line indented two characters."""
    _, _, _, d = rendered
    body = d.styles["公文正文"]
    assert body.font.size.pt == 16
    normal_ppr = d.styles["Normal"].element.find(qn("w:pPr"))
    spacing = normal_ppr.find(qn("w:spacing"))
    assert spacing.get(qn("w:line")) == "579" and spacing.get(qn("w:lineRule")) == "exact"
    assert body.element.find(f"{W}rPr/{W}spacing").get(qn("w:val")) == "-5"
    assert body.paragraph_format.first_line_indent.pt == 32
    assert d.styles["公文标题"].font.size.pt == 22
    assert str(d.styles["发文机关标志"].font.color.rgb) == "FF0000"
    bottom = d.styles["发文字号"].element.find(f"{W}pPr/{W}pBdr/{W}bottom")
    assert bottom.get(qn("w:color")) == "FF0000"  # the red separator line


# -- content ---------------------------------------------------------------------------------------------------


def _table_texts(d) -> str:
    return "\n".join(c.text for t in d.tables for row in t.rows for c in row.cells)


def _all_text(d) -> str:
    parts = [p.text for p in d.paragraphs] + [_table_texts(d)]
    s = d.sections[0]
    for hf in (s.header, s.even_page_header, s.footer, s.even_page_footer):
        parts += [p.text for p in hf.paragraphs]
    parts.append(d.core_properties.title)
    return "\n".join(parts)


def test_document_order_and_text(rendered):
    fmt, ctx, _, d = rendered
    paras = [(p.style.name, p.text) for p in d.paragraphs if p.text]
    assert paras[0] == ("发文机关标志", ctx["issuer_mark"])
    assert paras[1] == ("发文字号", ctx["doc_number"])
    assert paras[2] == ("公文标题", ctx["title"])  # python-docx reads <w:br/> back as "\n"
    assert d.core_properties.title == ctx["title"].replace("\n", "")
    headings = [t for s, t in paras if s == "一级标题"]
    assert headings == [ctx[f"p{k}"]["heading"] for k in range(1, 7)]
    assert [t for s, t in paras if s == "二级标题"] == [
        b["text"] for k in range(1, 7) for b in ctx[f"p{k}"]["blocks"] if b["kind"] == "h2"
    ]
    body = [t for s, t in paras if s in ("公文正文", "表前段落")]
    expected = list(ctx["preamble"])
    for k in range(1, 7):
        expected += ctx[f"p{k}"]["narrative"] + [b["text"] for b in ctx[f"p{k}"]["blocks"] if b["kind"] == "p"]
    assert body == expected
    assert ("发文机关署名", ctx["signature"]) in [(s, t.strip()) for s, t in paras]
    assert ("成文日期", ctx["date"]) in paras
    # the tables sit in parts 二, 三, 四, after the narrative and before the blocks
    body_el = d.element.body
    order = []
    for el in body_el:
        if el.tag == qn("w:tbl"):
            order.append("TABLE")
        elif el.tag == qn("w:p"):
            text = "".join(t.text or "" for t in el.iter(qn("w:t")))
            if text:
                order.append(text)
    for k in (2, 3, 4):
        i = order.index(ctx[f"p{k}"]["narrative"][-1])
        assert order[i + 1] == "TABLE"
        assert order[i + 2] in ([b["text"] for b in ctx[f"p{k}"]["blocks"]][:1] or [ctx[f"p{k + 1}"]["heading"]])


def test_banji(rendered):
    _, ctx, _, d = rendered
    banji = d.tables[-1]
    texts = [c.text for row in banji.rows for c in row.cells]
    assert texts == [f"抄送：{ctx['cc']}", f"{ctx['printer']}\t{ctx['print_date']}印发"]
    tbl_style = d.styles[banji.style.name]
    b = tbl_style.element.find(f"{W}tblPr/{W}tblBorders")
    assert b.find(qn("w:top")).get(qn("w:sz")) == "8" and b.find(qn("w:bottom")).get(qn("w:sz")) == "8"
    assert b.find(qn("w:insideH")).get(qn("w:sz")) == "6"


def test_user_text_is_literal_and_no_tags_are_left(rendered):
    _, _, blob, d = rendered
    text = _all_text(d)
    assert USER_TEXT in text and USER_TAG in text  # (test_document_order_and_text compares whole paragraphs)
    rest = text.replace(USER_TAG, "")
    for bad in ("{{", "}}", "{%", "%}", "｛", "｝", "％"):
        assert bad not in rest, bad
    with zipfile.ZipFile(io.BytesIO(blob)) as z:
        xml = "".join(z.read(n).decode() for n in z.namelist() if n.endswith(".xml"))
    assert "&lt;测试&amp;转义&gt;" in xml
    assert not re.search(r"\{%|%\}", xml)


def test_output_is_reproducible():
    ctx = sample_context("2021")
    assert render_docx(ctx, "2021", make_env()) == render_docx(ctx, "2021", make_env())


# -- the statutory tables -----------------------------------------------------------------------------------


def expected_grid(form, table: str):
    """{(row, col): (text, rowspan, colspan)} for the top-left of every printed cell, from the form's sheet layout.

    Labels give texts and merges; number cells hold the value of their cell id; columns right of the last number
    column (the 2019 workbook's unit column) are not printed.
    """
    sheet = form.sheet_of(table)
    cells = {c.address: c for c in form.cells.values() if c.table == table}
    last_col = max(col_index(split_address(a)[0]) for a in cells)
    out = {}
    for lab in form.labels:
        if lab.sheet != sheet or lab.role == "title":
            continue
        letters, r = split_address(lab.address)
        c = col_index(letters)
        if c > last_col:
            continue
        rs = cs = 1
        if lab.merge:
            (c0, r0), (c1, r1) = (split_address(x) for x in lab.merge.split(":"))
            rs, cs = r1 - r0 + 1, col_index(c1) - col_index(c0) + 1
        key = (r, c)
        text = out.get(key, (None,))[0] if lab.role == "merge" else lab.text
        out[key] = (text, rs, cs)
    for address, cell in cells.items():
        letters, r = split_address(address)
        key = (r, col_index(letters))
        _, rs, cs = out.get(key, (None, 1, 1))
        out[key] = (cell.id, rs, cs)
    top = min(r for r, _ in out)
    return {(r - top, c - 1): v for (r, c), v in out.items()}


def actual_grid(tbl):
    """{(row, col): (text, rowspan, colspan)} of a docx table, from w:gridSpan and w:vMerge of every w:tc."""
    grid, open_merge = {}, {}
    for r, tr in enumerate(tbl._tbl.tr_lst):
        col = 0
        for tc in tr.tc_lst:
            span = tc.grid_span
            vmerge = tc.vMerge  # "restart", "continue" or None
            text = "\n".join(p.text for p in docx.table._Cell(tc, tbl).paragraphs)
            if vmerge == "continue":
                start = open_merge[col]
                t, rs, cs = grid[start]
                assert cs == span and text == ""
                grid[start] = (t, rs + 1, cs)
            else:
                grid[(r, col)] = (text, 1, span)
                if vmerge == "restart":
                    open_merge[col] = (r, col)
            col += span
    return grid


@pytest.mark.parametrize("table", ["t2", "t3", "t4"])
def test_table_shape_labels_and_values(rendered, table):
    fmt, ctx, _, d = rendered
    form = load_form(fmt)
    tbl = d.tables[int(table[1]) - 2]
    expected = expected_grid(form, table)
    actual = actual_grid(tbl)
    assert set(actual) == set(expected)
    values = flat_cells(ctx, table)
    for key, (text, rs, cs) in expected.items():
        got_text, got_rs, got_cs = actual[key]
        assert (got_rs, got_cs) == (rs, cs), (key, text)
        assert got_text == values.get(text, text), (key, text)
    assert set(values) == {c.id for c in form.cells.values() if c.table == table}
    # values are right-aligned (style 表格数字) and every row has the same grid width
    n_cols = len(tbl._tbl.tblGrid.gridCol_lst)
    for tr in tbl._tbl.tr_lst:
        assert sum(tc.grid_span for tc in tr.tc_lst) == n_cols
    for tc in tbl._tbl.iter(qn("w:tc")):
        cell = docx.table._Cell(tc, tbl)
        if cell.text in values.values():
            assert cell.paragraphs[0].style.name == "表格数字"
            assert d.styles["表格数字"].paragraph_format.alignment == 2  # RIGHT
    width = sum(gc.w for gc in tbl._tbl.tblGrid.gridCol_lst)
    assert abs(width - Mm(156)) < Mm(0.2)


@pytest.mark.parametrize("table,header_rows", [("t3", 3), ("t4", 3)])
def test_header_rows_repeat(rendered, table, header_rows):
    _, _, _, d = rendered
    tbl = d.tables[int(table[1]) - 2]
    flags = [tr.find(f"{W}trPr/{W}tblHeader") is not None for tr in tbl._tbl.tr_lst]
    assert flags == [True] * header_rows + [False] * (len(flags) - header_rows)


def test_table_text_style_is_small(rendered):
    _, _, _, d = rendered
    assert d.styles["表格文字"].font.size.pt <= 10.5
    snap = d.styles["表格文字"].element.find(f"{W}pPr/{W}snapToGrid")
    assert snap is not None and snap.get(qn("w:val")) == "0"  # table rows do not take 28.95 pt each


# -- errors ------------------------------------------------------------------------------------------------------


def test_missing_variable_is_a_chinese_error():
    ctx = sample_context("2021")
    del ctx["doc_number"]
    with pytest.raises(XxgkError, match="没有的变量.*doc_number"):
        render_docx(ctx, "2021", make_env())


def test_unknown_format():
    with pytest.raises(XxgkError, match="未知的年报格式"):
        render_docx({}, "2030", make_env())


def test_templates_exist_per_format():
    for fmt in FORMATS:
        assert template_path(fmt).name == "report.docx"
        assert template_path(fmt).parent.name == f"{fmt}格式"
