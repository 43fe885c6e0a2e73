"""Generate the two Word templates of the annual report: templates/2019格式/report.docx, templates/2021格式/report.docx.

The templates stand in for Word-authored ones: after they are committed, staff may open them in Word or WPS and
restyle them (every font, size, indent and spacing lives in a named Chinese style, see 编辑说明.md). Running
this script again OVERWRITES such edits, so run it only while the templates are still generated:

    .venv/bin/python templates/make_templates.py            # write both templates
    .venv/bin/python templates/make_templates.py --check    # exit 1 when a committed template differs

The package is written as raw OOXML (full control over every attribute: no theme fonts, East Asian fonts on
every style, schema order) and then re-opened with python-docx as a sanity check. The output is byte-for-byte
reproducible (fixed zip timestamps and core-property dates).

Layout: GB/T 9704-2012 (see ../shared/spec/document.md §0.3, §1) — A4, margins 37/35/28/26 mm, line grid of 22
lines (exact 28.95 pt) × 28 characters (3号 with −0.25 pt character spacing), red 发文机关标志 and separator line,
2号小标宋 title, 黑体/楷体 headings, "— n —" 4号宋体 page numbers (odd right, even left), 署名, 成文日期 右空四字,
版记 with thick/thin rules. The statutory tables are built from xxgk.form (labels and merges are never typed
twice): one placeholder per number cell, named by the cell id ({{ t3.denied.state_secret.total }}).
"""

from __future__ import annotations

import argparse
import io
import sys
import zipfile
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import escape

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from xxgk.form import FORMATS, Form, load_form, printed_grid  # noqa: E402

# ---------------------------------------------------------------------------------------------------------
# Layout constants (one place: agencies have local variants)
# ---------------------------------------------------------------------------------------------------------


def mm(v: float) -> int:
    """Millimetres → twips (1/20 pt)."""
    return round(v * 1440 / 25.4)


PAGE_W, PAGE_H = 11906, 16838  # A4
MARGIN_TOP, MARGIN_BOTTOM, MARGIN_LEFT, MARGIN_RIGHT = mm(37), mm(35), mm(28), mm(26)
HEADER_DIST, FOOTER_DIST = mm(15), mm(25)
TEXT_W = PAGE_W - MARGIN_LEFT - MARGIN_RIGHT  # 8845 twips = 156 mm
LINE = 579  # 28.95 pt: 225 mm / 22 lines
CHAR_SPACING = -5  # −0.25 pt: 28 characters of 3号 on a 156 mm line

LATIN = "Times New Roman"
FONT_BODY = "仿宋_GB2312"
FONT_TITLE = "方正小标宋简体"
FONT_H1 = "黑体"
FONT_H2 = "楷体"  # Windows has 楷体 (simkai.ttf); 楷体_GB2312 only where an agency installed it
FONT_SONG = "宋体"
FONT_TABLE = "宋体"

SZ_BODY = 32  # half-points: 3号 16 pt
SZ_TITLE = 44  # 2号 22 pt
SZ_MARK = 72  # 小初 36 pt
SZ_4HAO = 28  # 4号 14 pt (page numbers, 版记)
SZ_TABLE = 21  # 五号 10.5 pt
RED = "FF0000"

BODY_CHAR = 320  # twips per 3号 character
SMALL_CHAR = 280  # twips per 4号 character
CELL_MARGIN = 57  # 0.1 cm left and right inside table cells

# column widths (twips, each table exactly TEXT_W wide)
T2_WIDTHS = [3445, 1800, 1800, 1800]
T3_LABEL_WIDTHS = [560, 960, 1725]  # 三、本年度办理结果 | （三）不予公开 | 1.属于国家秘密
T3_NUMBER_WIDTH = 800
T4_WIDTH = 590

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
NS = f'xmlns:w="{W_NS}" xmlns:r="{R_NS}"'
XML_DECL = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'


def rfonts(east_asia: str, latin: str = LATIN) -> str:
    return f'<w:rFonts w:ascii="{latin}" w:hAnsi="{latin}" w:eastAsia="{east_asia}" w:cs="{latin}" w:hint="eastAsia"/>'


# ---------------------------------------------------------------------------------------------------------
# Styles: every style a user may restyle, named in Chinese (ASCII style ids keep Word, WPS and LibreOffice happy)
# ---------------------------------------------------------------------------------------------------------


@dataclass
class Style:
    id: str
    name: str
    kind: str = "paragraph"
    based_on: str | None = None
    next: str | None = None
    ppr: str = ""
    rpr: str = ""
    tblpr: str = ""
    default: bool = False
    primary: bool = True  # shown in the style gallery (qFormat)


BORDER = '<w:{side} w:val="single" w:sz="{sz}" w:space="0" w:color="{color}"/>'


def borders(tag: str, sides: dict[str, tuple[int, str] | None]) -> str:
    out = []
    for side in ("top", "left", "bottom", "right", "insideH", "insideV"):
        if side not in sides:
            continue
        spec = sides[side]
        out.append(f'<w:{side} w:val="nil"/>' if spec is None else BORDER.format(side=side, sz=spec[0], color=spec[1]))
    return f"<w:{tag}>{''.join(out)}</w:{tag}>"


def cell_margins(left: int, right: int, top: int = 0, bottom: int = 0) -> str:
    return (
        f'<w:tblCellMar><w:top w:w="{top}" w:type="dxa"/><w:left w:w="{left}" w:type="dxa"/>'
        f'<w:bottom w:w="{bottom}" w:type="dxa"/><w:right w:w="{right}" w:type="dxa"/></w:tblCellMar>'
    )


def body_indent(first_chars: int = 2) -> str:
    return f'<w:ind w:firstLine="{first_chars * BODY_CHAR}" w:firstLineChars="{first_chars * 100}"/>'


EXACT = f'<w:spacing w:before="0" w:after="0" w:line="{LINE}" w:lineRule="exact"/>'
SINGLE = '<w:spacing w:before="0" w:after="0" w:line="240" w:lineRule="auto"/>'
NO_GRID = '<w:snapToGrid w:val="0"/>'
# 署名 is centred over the date: a centre tab at the middle of a typical date (2021年1月8日 … 2021年12月31日)
# whose right end is 4 characters in from the right margin.
SIGNATURE_TAB = TEXT_W - 4 * BODY_CHAR - 960
BANJI_TAB = TEXT_W - SMALL_CHAR

STYLES = [
    Style(
        "Normal",
        "Normal",
        default=True,
        next="Normal",
        ppr=f'<w:widowControl w:val="0"/><w:autoSpaceDE w:val="0"/><w:autoSpaceDN w:val="0"/>{EXACT}'
        '<w:jc w:val="both"/>',
        rpr=f'{rfonts(FONT_BODY)}<w:kern w:val="0"/><w:sz w:val="{SZ_BODY}"/><w:szCs w:val="{SZ_BODY}"/>',
    ),
    Style("DefaultParagraphFont", "Default Paragraph Font", kind="character", default=True, primary=False),
    Style(
        "TableNormal",
        "Normal Table",
        kind="table",
        default=True,
        primary=False,
        tblpr=f'<w:tblInd w:w="0" w:type="dxa"/>{cell_margins(108, 108)}',
    ),
    Style("NoList", "No List", kind="numbering", default=True, primary=False),
    Style(
        "GongwenZhengwen",
        "公文正文",
        based_on="Normal",
        next="GongwenZhengwen",
        ppr=body_indent(),
        rpr=f'{rfonts(FONT_BODY)}<w:spacing w:val="{CHAR_SPACING}"/><w:sz w:val="{SZ_BODY}"/>'
        f'<w:szCs w:val="{SZ_BODY}"/>',
    ),
    Style(
        "BiaoqianDuanluo",
        "表前段落",
        based_on="GongwenZhengwen",
        next="GongwenZhengwen",
        # the generated sentences just above a statutory table ("…见下表") stay on the table's page
        ppr="<w:keepNext/>",
        rpr=rfonts(FONT_BODY),
    ),
    Style(
        "FawenJiguanBiaozhi",
        "发文机关标志",
        based_on="Normal",
        next="FawenZihao",
        # top of the characters about 35 mm below the top of the 版心 (GB/T 9704 7.2.4)
        ppr=f'{NO_GRID}<w:spacing w:before="1870" w:after="0" w:line="900" w:lineRule="exact"/>'
        '<w:ind w:firstLine="0"/><w:jc w:val="center"/>',
        rpr=f'{rfonts(FONT_TITLE)}<w:color w:val="{RED}"/><w:sz w:val="{SZ_MARK}"/><w:szCs w:val="{SZ_MARK}"/>',
    ),
    Style(
        "FawenZihao",
        "发文字号",
        based_on="Normal",
        next="GongwenZhengwen",
        # two lines below the 标志; the red separator line 4 mm below (GB/T 9704 7.2.5, 7.2.7)
        ppr=f'<w:pBdr><w:bottom w:val="single" w:sz="12" w:space="5" w:color="{RED}"/></w:pBdr>'
        f'<w:spacing w:before="{2 * LINE}" w:after="0" w:line="{LINE}" w:lineRule="exact"/>'
        '<w:ind w:firstLine="0"/><w:jc w:val="center"/>',
        rpr=rfonts(FONT_BODY),
    ),
    Style(
        "GongwenBiaoti",
        "公文标题",
        based_on="Normal",
        next="GongwenZhengwen",
        ppr=f'{NO_GRID}<w:spacing w:before="0" w:after="0" w:line="700" w:lineRule="exact"/>'
        '<w:ind w:firstLine="0"/><w:jc w:val="center"/><w:outlineLvl w:val="0"/>',
        rpr=f'{rfonts(FONT_TITLE)}<w:sz w:val="{SZ_TITLE}"/><w:szCs w:val="{SZ_TITLE}"/>',
    ),
    Style(
        "YijiBiaoti",
        "一级标题",
        based_on="GongwenZhengwen",
        next="GongwenZhengwen",
        ppr='<w:keepNext/><w:outlineLvl w:val="0"/>',
        rpr=rfonts(FONT_H1),
    ),
    Style(
        "ErjiBiaoti",
        "二级标题",
        based_on="GongwenZhengwen",
        next="GongwenZhengwen",
        ppr='<w:keepNext/><w:outlineLvl w:val="1"/>',
        rpr=rfonts(FONT_H2),
    ),
    Style(
        "SanjiBiaoti",
        "三级标题",
        based_on="GongwenZhengwen",
        next="GongwenZhengwen",
        ppr='<w:outlineLvl w:val="2"/>',
        rpr=f"{rfonts(FONT_BODY)}<w:b/><w:bCs/>",
    ),
    Style(
        "FawenJiguanShuming",
        "发文机关署名",
        based_on="GongwenZhengwen",
        next="ChengwenRiqi",
        ppr=f'<w:keepNext/><w:tabs><w:tab w:val="center" w:pos="{SIGNATURE_TAB}"/></w:tabs>'
        '<w:ind w:firstLine="0" w:firstLineChars="0"/>',
        rpr=rfonts(FONT_BODY),
    ),
    Style(
        "ChengwenRiqi",
        "成文日期",
        based_on="GongwenZhengwen",
        next="GongwenZhengwen",
        ppr=f'<w:ind w:right="{4 * BODY_CHAR}" w:rightChars="400" w:firstLine="0" w:firstLineChars="0"/>'
        '<w:jc w:val="right"/>',
        rpr=rfonts(FONT_BODY),
    ),
    Style(
        "Banji",
        "版记",
        based_on="Normal",
        next="Banji",
        ppr=f'<w:tabs><w:tab w:val="right" w:pos="{BANJI_TAB}"/></w:tabs>'
        f'<w:spacing w:before="0" w:after="0" w:line="{LINE}" w:lineRule="exact"/>'
        f'<w:ind w:left="{SMALL_CHAR}" w:leftChars="100" w:right="{SMALL_CHAR}" w:rightChars="100"/>'
        '<w:jc w:val="left"/>',
        rpr=f'{rfonts(FONT_BODY)}<w:sz w:val="{SZ_4HAO}"/><w:szCs w:val="{SZ_4HAO}"/>',
    ),
    Style(
        "BanjiChaosong",
        "版记抄送",
        based_on="Banji",
        next="Banji",
        # wrapped lines start under the first name, after "抄送："
        ppr=f'<w:ind w:left="{4 * SMALL_CHAR}" w:leftChars="400" w:right="{SMALL_CHAR}" w:rightChars="100" '
        f'w:hanging="{3 * SMALL_CHAR}" w:hangingChars="300"/>',
        rpr=rfonts(FONT_BODY),
    ),
    Style(
        "BiaogeWenzi",
        "表格文字",
        based_on="Normal",
        next="BiaogeWenzi",
        ppr=f'{NO_GRID}<w:spacing w:before="30" w:after="30" w:line="240" w:lineRule="auto"/>'
        '<w:ind w:firstLine="0"/><w:jc w:val="left"/>',
        rpr=f'{rfonts(FONT_TABLE)}<w:sz w:val="{SZ_TABLE}"/><w:szCs w:val="{SZ_TABLE}"/>',
    ),
    Style(
        "BiaogeBiaotou",
        "表格表头",
        based_on="BiaogeWenzi",
        next="BiaogeWenzi",
        # which rows stay with the next one is set row by row (kept_rows), not here
        ppr='<w:jc w:val="center"/>',
        rpr=rfonts(FONT_TABLE),
    ),
    Style(
        "BiaogeShuzi",
        "表格数字",
        based_on="BiaogeWenzi",
        next="BiaogeShuzi",
        ppr='<w:jc w:val="right"/>',
        rpr=rfonts(FONT_TABLE),
    ),
    Style(
        "YemaDanye",
        "页码（单页）",
        based_on="Normal",
        next="YemaDanye",
        ppr=f'{NO_GRID}{SINGLE}<w:ind w:right="{SMALL_CHAR}" w:rightChars="100"/><w:jc w:val="right"/>',
        rpr=f'{rfonts(FONT_SONG, FONT_SONG)}<w:sz w:val="{SZ_4HAO}"/><w:szCs w:val="{SZ_4HAO}"/>',
    ),
    Style(
        "YemaShuangye",
        "页码（双页）",
        based_on="YemaDanye",
        next="YemaShuangye",
        ppr=f'<w:ind w:left="{SMALL_CHAR}" w:leftChars="100" w:right="0" w:rightChars="0"/><w:jc w:val="left"/>',
        rpr=rfonts(FONT_SONG, FONT_SONG),
    ),
    Style(
        "CaogaoBiaoji",
        "草稿标记",
        based_on="Normal",
        next="CaogaoBiaoji",
        ppr=f'{NO_GRID}{SINGLE}<w:jc w:val="center"/>',
        rpr=f'{rfonts(FONT_H1)}<w:b/><w:bCs/><w:color w:val="{RED}"/><w:sz w:val="{SZ_4HAO}"/>'
        f'<w:szCs w:val="{SZ_4HAO}"/>',
    ),
    Style(
        "MobanKongzhi",
        "模板控制行",
        based_on="Normal",
        next="MobanKongzhi",
        # the {%p … %} lines: grey and small in the template, removed from the report
        ppr=f'{NO_GRID}{SINGLE}<w:jc w:val="left"/>',
        rpr=f'{rfonts(FONT_BODY)}<w:color w:val="808080"/><w:sz w:val="20"/><w:szCs w:val="20"/>',
    ),
    Style(
        "GongwenBiaoge",
        "公文表格",
        kind="table",
        based_on="TableNormal",
        tblpr='<w:jc w:val="center"/><w:tblInd w:w="0" w:type="dxa"/>'
        + borders("tblBorders", {s: (4, "000000") for s in ("top", "left", "bottom", "right", "insideH", "insideV")})
        + cell_margins(CELL_MARGIN, CELL_MARGIN),
        rpr=f'{rfonts(FONT_TABLE)}<w:sz w:val="{SZ_TABLE}"/><w:szCs w:val="{SZ_TABLE}"/>',
    ),
    Style(
        "BanjiBiaoge",
        "版记表格",
        kind="table",
        based_on="TableNormal",
        # first and last rules 0.35 mm (sz 8 = 1 pt), rules in between 0.25 mm (sz 6 = 0.75 pt)
        tblpr='<w:jc w:val="center"/><w:tblInd w:w="0" w:type="dxa"/>'
        + borders(
            "tblBorders",
            {
                "top": (8, "000000"),
                "left": None,
                "bottom": (8, "000000"),
                "right": None,
                "insideH": (6, "000000"),
                "insideV": None,
            },
        )
        + cell_margins(0, 0),
        rpr=f'{rfonts(FONT_BODY)}<w:sz w:val="{SZ_4HAO}"/><w:szCs w:val="{SZ_4HAO}"/>',
    ),
]
STYLE_IDS = {s.name: s.id for s in STYLES}


def style_xml(s: Style) -> str:
    attrs = f'w:type="{s.kind}" w:styleId="{s.id}"' + (' w:default="1"' if s.default else "")
    parts = [f'<w:name w:val="{s.name}"/>']
    if s.based_on:
        parts.append(f'<w:basedOn w:val="{s.based_on}"/>')
    if s.next:
        parts.append(f'<w:next w:val="{s.next}"/>')
    if s.primary:
        parts.append("<w:qFormat/>")
    else:
        parts.append('<w:uiPriority w:val="99"/><w:semiHidden/><w:unhideWhenUsed/>')
    if s.ppr:
        parts.append(f"<w:pPr>{s.ppr}</w:pPr>")
    if s.rpr:
        parts.append(f"<w:rPr>{s.rpr}</w:rPr>")
    if s.tblpr:
        parts.append(f"<w:tblPr>{s.tblpr}</w:tblPr>")
    return f"<w:style {attrs}>{''.join(parts)}</w:style>"


def styles_xml() -> str:
    defaults = (
        "<w:docDefaults><w:rPrDefault><w:rPr>"
        f'{rfonts(FONT_BODY)}<w:kern w:val="0"/><w:sz w:val="{SZ_BODY}"/><w:szCs w:val="{SZ_BODY}"/>'
        '<w:lang w:val="en-US" w:eastAsia="zh-CN" w:bidi="ar-SA"/>'
        "</w:rPr></w:rPrDefault><w:pPrDefault><w:pPr>"
        '<w:spacing w:after="0" w:line="240" w:lineRule="auto"/>'
        "</w:pPr></w:pPrDefault></w:docDefaults>"
    )
    return f"{XML_DECL}<w:styles {NS}>{defaults}{''.join(style_xml(s) for s in STYLES)}</w:styles>"


# ---------------------------------------------------------------------------------------------------------
# Paragraphs and runs
# ---------------------------------------------------------------------------------------------------------


def run(text: str, rpr: str = "") -> str:
    rp = f"<w:rPr>{rpr}</w:rPr>" if rpr else ""
    return f'<w:r>{rp}<w:t xml:space="preserve">{escape(text)}</w:t></w:r>'


def para(style: str, content: str = "", ppr_extra: str = "") -> str:
    """A paragraph of a named style; `content` is runs XML, or plain text (turned into one run)."""
    if content and not content.startswith("<w:"):
        content = run(content)
    return f'<w:p><w:pPr><w:pStyle w:val="{STYLE_IDS[style]}"/>{ppr_extra}</w:pPr>{content}</w:p>'


def control(tag: str) -> str:
    """A docxtpl {%p … %} line: alone in its paragraph, removed when rendering."""
    return para("模板控制行", tag)


POINT = para("模板控制行", "", '<w:spacing w:before="0" w:after="0" w:line="20" w:lineRule="exact"/>')


def empty(n: int = 1) -> str:
    return para("公文正文") * n


def paragraphs(loop_var: str, seq: str, style: str = "公文正文") -> str:
    return (
        control(f"{{%p for {loop_var} in {seq} %}}") + para(style, f"{{{{ {loop_var} }}}}") + control("{%p endfor %}")
    )


def blocks(part: str) -> str:
    return (
        control(f"{{%p for b in {part}.blocks %}}")
        + control('{%p if b.kind == "h2" %}')
        + para("二级标题", "{{ b.text }}")
        + control("{%p else %}")
        + para("公文正文", "{{ b.text }}")
        + control("{%p endif %}")
        + control("{%p endfor %}")
    )


def page_field_runs() -> str:
    return (
        run("— ") + '<w:r><w:fldChar w:fldCharType="begin"/></w:r>'
        '<w:r><w:instrText xml:space="preserve"> PAGE </w:instrText></w:r>'
        '<w:r><w:fldChar w:fldCharType="separate"/></w:r>'
        + run("1")
        + '<w:r><w:fldChar w:fldCharType="end"/></w:r>'
        + run(" —")
    )


# ---------------------------------------------------------------------------------------------------------
# The statutory tables, from the form
# ---------------------------------------------------------------------------------------------------------


@dataclass
class TCell:
    row: int  # 0-based within the table
    col: int
    rows: int
    cols: int
    text: str
    role: str  # note | header | caption | rowhead | value


def table_cells(form: Form, table: str) -> tuple[int, int, list[TCell]]:
    """The printed table `table` (t2/t3/t4) as (rows, cols, cells), from the form's printed grid.

    Number cells become `{{ <cell id> }}` (the context's nested dicts are keyed exactly like the dotted ids).
    """
    n_cols, grid = printed_grid(form, table)
    first_row = grid[0].row
    last_row = max(g.row + g.rowspan - 1 for g in grid)
    out = []
    covered = set()
    for g in grid:
        for rr in range(g.row, g.row + g.rowspan):
            for cc in range(g.col, g.col + g.colspan):
                assert (rr, cc) not in covered, f"{table}: overlapping cells at {rr},{cc}"
                covered.add((rr, cc))
        text = f"{{{{ {g.cell_id} }}}}" if g.cell_id else g.text
        out.append(TCell(g.row - first_row, g.col - 1, g.rowspan, g.colspan, text, g.role))
    n_rows = last_row - first_row + 1
    assert len(covered) == n_rows * n_cols, f"{table}: the table has holes"
    return n_rows, n_cols, out


def header_rows(table: str, cells: list[TCell]) -> int:
    """Rows repeated on every page: everything above the first number row (表三, 表四); none for 表二's blocks."""
    if table == "t2":
        return 0
    return min(c.row for c in cells if c.role == "value")


def kept_rows(table: str, cells: list[TCell], n_rows: int) -> set[int]:
    """Rows kept on the page of the row below them ("与下段同页" on each of their paragraphs).

    表三, 表四: the header rows, so that a page never ends with a header and the paragraph above the table
    (表前段落, itself kept with the table) travels with the header and the first row of numbers; and the last
    row but one, so that the repeated header never stands above a single row. 表二: every row of a 第二十条
    block but its last, so that the table breaks only between blocks (a block has its own caption and header
    row, which Word cannot repeat). Every row also has "cantSplit": rows never break.
    """
    if table != "t2":
        return set(range(header_rows(table, cells))) | {n_rows - 2}
    captions = {c.row for c in cells if c.role == "caption"}
    return {r for r in range(n_rows - 1) if r + 1 not in captions}


def widths_of(table: str, n_cols: int) -> list[int]:
    if table == "t2":
        w = list(T2_WIDTHS)
    elif table == "t3":
        w = T3_LABEL_WIDTHS + [T3_NUMBER_WIDTH] * (n_cols - 3)
    else:
        w = [T4_WIDTH] * n_cols
    w[-1] += TEXT_W - sum(w)
    assert len(w) == n_cols and sum(w) == TEXT_W
    return w


ROLE_STYLE = {
    "note": "表格文字",
    "header": "表格表头",
    "caption": "表格表头",
    "rowhead": "表格文字",
    "value": "表格数字",
}


def table_xml(form: Form, table: str) -> str:
    n_rows, n_cols, cells = table_cells(form, table)
    widths = widths_of(table, n_cols)
    heads = header_rows(table, cells)
    kept = kept_rows(table, cells, n_rows)
    owner = {}
    for c in cells:
        for rr in range(c.row, c.row + c.rows):
            owner[(rr, c.col)] = c
    rows_xml = []
    for r in range(n_rows):
        trpr = "<w:cantSplit/>" + ("<w:tblHeader/>" if r < heads else "")
        tcs = []
        col = 0
        while col < n_cols:
            c = owner.get((r, col))
            if c is None:  # inside a horizontal span of the cell on the left
                col += 1
                continue
            width = sum(widths[c.col : c.col + c.cols])
            tcpr = f'<w:tcW w:w="{width}" w:type="dxa"/>'
            if c.cols > 1:
                tcpr += f'<w:gridSpan w:val="{c.cols}"/>'
            if c.rows > 1:
                tcpr += '<w:vMerge w:val="restart"/>' if r == c.row else "<w:vMerge/>"
            tcpr += '<w:vAlign w:val="center"/>'
            text = c.text if r == c.row else ""
            keep = "<w:keepNext/>" if r in kept else ""
            tcs.append(f"<w:tc><w:tcPr>{tcpr}</w:tcPr>{para(ROLE_STYLE[c.role], text, keep)}</w:tc>")
            col += c.cols
        rows_xml.append(f"<w:tr><w:trPr>{trpr}</w:trPr>{''.join(tcs)}</w:tr>")
    grid = "".join(f'<w:gridCol w:w="{w}"/>' for w in widths)
    tblpr = (
        f'<w:tblStyle w:val="{STYLE_IDS["公文表格"]}"/><w:tblW w:w="{TEXT_W}" w:type="dxa"/>'
        '<w:jc w:val="center"/><w:tblLayout w:type="fixed"/>'
        '<w:tblLook w:val="0000" w:firstRow="0" w:lastRow="0" w:firstColumn="0" w:lastColumn="0" '
        'w:noHBand="1" w:noVBand="1"/>'
    )
    return f"<w:tbl><w:tblPr>{tblpr}</w:tblPr><w:tblGrid>{grid}</w:tblGrid>{''.join(rows_xml)}</w:tbl>"


def banji_xml() -> str:
    """版记: 抄送 (only when there is one) and 印发机关 … 印发日期印发, between thick rules.

    A floating table whose bottom edge sits on the bottom margin (GB/T 9704 7.4: the last rule coincides with
    the bottom edge of the 版心) of the page where it falls in the text, between two paragraphs one point high
    (LibreOffice anchors it to the one before; Word needs a paragraph after a table): both place it there
    however long the text above is, and keep body text at least one line above it.
    It is anchored horizontally to the page at the left margin: LibreOffice 7.4 lays out a floating table
    anchored to the margin as wide as the text area inline, and one anchored to the page as a floating frame.
    Which page it goes on (an even page, GB/T 9704 7.4) is decided after measuring: xxgk.report.layout.
    """

    def row(content: str, keep: bool = True) -> str:
        trpr = "<w:trPr><w:cantSplit/></w:trPr>" if keep else ""
        return f'<w:tr>{trpr}<w:tc><w:tcPr><w:tcW w:w="{TEXT_W}" w:type="dxa"/></w:tcPr>{content}</w:tc></w:tr>'

    printed = run("{{ printer }}") + "<w:r><w:tab/></w:r>" + run("{{ print_date }}印发")
    tblpr = (
        f'<w:tblStyle w:val="{STYLE_IDS["版记表格"]}"/>'
        f'<w:tblpPr w:leftFromText="0" w:rightFromText="0" w:topFromText="{LINE}" w:bottomFromText="0" '
        f'w:vertAnchor="margin" w:horzAnchor="page" w:tblpX="{MARGIN_LEFT}" w:tblpYSpec="bottom"/>'
        f'<w:tblOverlap w:val="never"/><w:tblW w:w="{TEXT_W}" w:type="dxa"/><w:tblLayout w:type="fixed"/>'
        '<w:tblLook w:val="0000" w:firstRow="0" w:lastRow="0" w:firstColumn="0" w:lastColumn="0" '
        'w:noHBand="1" w:noVBand="1"/>'
    )
    return (
        f'<w:tbl><w:tblPr>{tblpr}</w:tblPr><w:tblGrid><w:gridCol w:w="{TEXT_W}"/></w:tblGrid>'
        + row(control("{%tr if cc %}"), keep=False)
        + row(para("版记抄送", "抄送：{{ cc }}"))
        + row(control("{%tr endif %}"), keep=False)
        + row(para("版记", printed))
        + "</w:tbl>"
    )


# ---------------------------------------------------------------------------------------------------------
# The document
# ---------------------------------------------------------------------------------------------------------


def document_xml(form: Form) -> str:
    body = [
        para("发文机关标志", "{{ issuer_mark }}"),
        para("发文字号", "{{ doc_number }}"),
        empty(2),  # the title sits two lines below the red line
        para("公文标题", "{{ title }}"),
        empty(1),
        paragraphs("para", "preamble"),
    ]
    for k in range(1, 7):
        part = f"p{k}"
        body.append(para("一级标题", f"{{{{ {part}.heading }}}}"))
        body.append(paragraphs("para", f"{part}.narrative", "表前段落" if k in (2, 3, 4) else "公文正文"))
        if k in (2, 3, 4):
            body.append(table_xml(form, f"t{k}"))
        body.append(blocks(part))
    body += [
        empty(2),  # room for the seal, which covers 署名 and 成文日期
        para("发文机关署名", "<w:r><w:tab/></w:r>" + run("{{ signature }}")),
        para("成文日期", "{{ date }}"),
        # The 版记 between two paragraphs one point high (see banji_xml); xxgk.report.layout relies on them.
        POINT,
        banji_xml(),
        POINT,
        sect_pr(),
    ]
    return f"{XML_DECL}<w:document {NS}><w:body>{''.join(body)}</w:body></w:document>"


def sect_pr() -> str:
    return (
        "<w:sectPr>"
        '<w:headerReference w:type="default" r:id="rIdHeaderOdd"/>'
        '<w:headerReference w:type="even" r:id="rIdHeaderEven"/>'
        '<w:footerReference w:type="default" r:id="rIdFooterOdd"/>'
        '<w:footerReference w:type="even" r:id="rIdFooterEven"/>'
        f'<w:pgSz w:w="{PAGE_W}" w:h="{PAGE_H}"/>'
        f'<w:pgMar w:top="{MARGIN_TOP}" w:right="{MARGIN_RIGHT}" w:bottom="{MARGIN_BOTTOM}" '
        f'w:left="{MARGIN_LEFT}" w:header="{HEADER_DIST}" w:footer="{FOOTER_DIST}" w:gutter="0"/>'
        '<w:pgNumType w:fmt="decimal" w:start="1"/>'
        '<w:cols w:space="425"/>'
        f'<w:docGrid w:type="lines" w:linePitch="{LINE}"/>'
        "</w:sectPr>"
    )


def header_xml() -> str:
    """页眉: empty, except the red draft mark while the data fails the checks."""
    p = para("草稿标记", "{% if draft %}草稿（校验未通过）{% endif %}")
    return f"{XML_DECL}<w:hdr {NS}>{p}</w:hdr>"


def footer_xml(style: str) -> str:
    return f"{XML_DECL}<w:ftr {NS}>{para(style, page_field_runs())}</w:ftr>"


def settings_xml() -> str:
    return (
        f"{XML_DECL}<w:settings {NS}>"
        '<w:zoom w:percent="100"/>'
        '<w:defaultTabStop w:val="420"/>'
        "<w:evenAndOddHeaders/>"
        '<w:characterSpacingControl w:val="doNotCompress"/>'
        '<w:compat><w:compatSetting w:name="compatibilityMode" w:uri="http://schemas.microsoft.com/office/word" '
        'w:val="15"/></w:compat>'
        '<w:themeFontLang w:val="en-US" w:eastAsia="zh-CN"/>'
        '<w:decimalSymbol w:val="."/><w:listSeparator w:val=","/>'
        "</w:settings>"
    )


FONT_TABLE_ENTRIES = [
    # name, altName, panose, charset, family, pitch — Word substitutes a missing font guided by these
    (LATIN, None, "02020603050405020304", "00", "roman", "variable"),
    (FONT_BODY, "仿宋", "02010609030101010101", "86", "modern", "fixed"),
    (FONT_H2, "KaiTi", "02010609060101010101", "86", "modern", "fixed"),
    (FONT_H1, "SimHei", "02010609060101010101", "86", "modern", "fixed"),
    (FONT_SONG, "SimSun", "02010600030101010101", "86", "auto", "variable"),
    (FONT_TITLE, "方正小标宋_GBK", "02000000000000000000", "86", "auto", "variable"),
]


def font_table_xml() -> str:
    fonts = []
    for name, alt, panose, charset, family, pitch in FONT_TABLE_ENTRIES:
        alt_xml = f'<w:altName w:val="{alt}"/>' if alt else ""
        fonts.append(
            f'<w:font w:name="{name}">{alt_xml}<w:panose1 w:val="{panose}"/><w:charset w:val="{charset}"/>'
            f'<w:family w:val="{family}"/><w:pitch w:val="{pitch}"/></w:font>'
        )
    return f"{XML_DECL}<w:fonts {NS}>{''.join(fonts)}</w:fonts>"


def core_xml(form: Form) -> str:
    # docxtpl renders these strings too: the PDF's Title comes from the data (|safe: python-docx escapes it).
    title = '{{ title|replace("\\n", "")|safe }}'
    return (
        f"{XML_DECL}<cp:coreProperties "
        'xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" '
        'xmlns:dcmitype="http://purl.org/dc/dcmitype/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
        f"<dc:title>{escape(title)}</dc:title>"
        f"<dc:subject>政府信息公开工作年度报告（{escape(form.source)}格式）</dc:subject>"
        "<dc:creator></dc:creator><dc:language>zh-CN</dc:language>"
        "<cp:lastModifiedBy></cp:lastModifiedBy><cp:revision>1</cp:revision>"
        '<dcterms:created xsi:type="dcterms:W3CDTF">2025-01-01T00:00:00Z</dcterms:created>'
        '<dcterms:modified xsi:type="dcterms:W3CDTF">2025-01-01T00:00:00Z</dcterms:modified>'
        "</cp:coreProperties>"
    )


APP_XML = (
    f'{XML_DECL}<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties" '
    'xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">'
    "<Application>xxgk templates/make_templates.py</Application><DocSecurity>0</DocSecurity></Properties>"
)

CONTENT_TYPES = (
    f'{XML_DECL}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/word/document.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
    '<Override PartName="/word/styles.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml"/>'
    '<Override PartName="/word/settings.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.settings+xml"/>'
    '<Override PartName="/word/fontTable.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.fontTable+xml"/>'
    + "".join(
        f'<Override PartName="/word/{n}.xml" '
        f'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.{k}+xml"/>'
        for n, k in (("header1", "header"), ("header2", "header"), ("footer1", "footer"), ("footer2", "footer"))
    )
    + '<Override PartName="/docProps/core.xml" '
    'ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>'
    '<Override PartName="/docProps/app.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.extended-properties+xml"/>'
    "</Types>"
)

OFFICE_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
PKG_RELS = (
    f'{XML_DECL}<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    f'<Relationship Id="rId1" Type="{OFFICE_REL}officeDocument" Target="word/document.xml"/>'
    '<Relationship Id="rId2" '
    'Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" '
    'Target="docProps/core.xml"/>'
    f'<Relationship Id="rId3" Type="{OFFICE_REL}extended-properties" Target="docProps/app.xml"/>'
    "</Relationships>"
)

REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
DOC_RELS = (
    f'{XML_DECL}<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    f'<Relationship Id="rIdStyles" Type="{REL}styles" Target="styles.xml"/>'
    f'<Relationship Id="rIdSettings" Type="{REL}settings" Target="settings.xml"/>'
    f'<Relationship Id="rIdFonts" Type="{REL}fontTable" Target="fontTable.xml"/>'
    f'<Relationship Id="rIdHeaderOdd" Type="{REL}header" Target="header1.xml"/>'
    f'<Relationship Id="rIdHeaderEven" Type="{REL}header" Target="header2.xml"/>'
    f'<Relationship Id="rIdFooterOdd" Type="{REL}footer" Target="footer1.xml"/>'
    f'<Relationship Id="rIdFooterEven" Type="{REL}footer" Target="footer2.xml"/>'
    "</Relationships>"
)


def build(fmt: str) -> bytes:
    form = load_form(fmt)
    parts = [
        ("[Content_Types].xml", CONTENT_TYPES),
        ("_rels/.rels", PKG_RELS),
        ("docProps/core.xml", core_xml(form)),
        ("docProps/app.xml", APP_XML),
        ("word/document.xml", document_xml(form)),
        ("word/_rels/document.xml.rels", DOC_RELS),
        ("word/styles.xml", styles_xml()),
        ("word/settings.xml", settings_xml()),
        ("word/fontTable.xml", font_table_xml()),
        ("word/header1.xml", header_xml()),
        ("word/header2.xml", header_xml()),
        ("word/footer1.xml", footer_xml("页码（单页）")),
        ("word/footer2.xml", footer_xml("页码（双页）")),
    ]
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, text in parts:
            info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            z.writestr(info, text.encode("utf-8"))
    blob = buf.getvalue()
    _sanity_check(blob)
    return blob


def _sanity_check(blob: bytes) -> None:
    """Re-open with python-docx: the package, the styles and the section must be readable."""
    import docx
    from docx.shared import Mm

    d = docx.Document(io.BytesIO(blob))
    sec = d.sections[0]
    assert abs(sec.page_width - Mm(210)) < Mm(0.5) and abs(sec.left_margin - Mm(28)) < Mm(0.1)
    for p in d.paragraphs:
        assert p.style is not None and p.style.name in STYLE_IDS, p.style
    assert d.settings.odd_and_even_pages_header_footer


def template_path(fmt: str) -> Path:
    return HERE / f"{fmt}格式" / "report.docx"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--check", action="store_true", help="only report whether the committed templates are current")
    args = ap.parse_args(argv)
    stale = []
    for fmt in FORMATS:
        blob, path = build(fmt), template_path(fmt)
        if args.check:
            if not path.is_file() or path.read_bytes() != blob:
                stale.append(str(path))
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(blob)
        print(f"wrote {path}")
    if stale:
        print("stale (edited in Word, or the generator changed):", *stale, sep="\n  ")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
