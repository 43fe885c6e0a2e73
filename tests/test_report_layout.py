"""The report as a 公文, measured on LibreOffice's PDF: the 发文机关标志 on one line inside the 版心 (any name, and
联合行文), the 版记 at the foot of an even last page, tables that break between rows, no page left a fifth empty.

The seed report and three variants with long names and long texts are typeset by xxgk.report.layout.place_banji
in one LibreOffice run; the variants' text lengths are chosen so that the three ways of reaching an even
版记 page ("as is", "next page", "blank page") all occur. The XML-level parts (fitting arithmetic, the 联合行文
table, the candidates' sections) are tested without LibreOffice first.

To look at the pages: set XXGK_REPORT_PNG_DIR=/some/dir and the PNGs of every page are kept there.
"""

from __future__ import annotations

import io
import os
import re
from pathlib import Path

import docx
import pytest
from conftest import ROOT, seed_dict, valid_data
from docx.oxml.ns import qn
from test_report_pdf import TEXT_BOTTOM, TEXT_LEFT, TEXT_RIGHT, _ppm, lines_of, run

from xxgk.data import from_json
from xxgk.errors import XxgkError
from xxgk.form import load_form
from xxgk.report import layout
from xxgk.report.context import build_context
from xxgk.report.docx import render_docx
from xxgk.report.jinja import make_env

FONTS_CONF = ROOT / "templates" / "fonts.conf"
TEXT_TOP = 37.0
BODY_HEIGHT = TEXT_BOTTOM - TEXT_TOP  # 225 mm
FILLER = "政府信息公开工作年度报告依据条例编制全文由总体情况主动公开政府信息"  # 32 characters


# -- the variants ---------------------------------------------------------------------------------------------


def seed_variant(**info) -> dict:
    raw = seed_dict()
    raw["info"].update(info)
    return raw


def variants() -> dict[str, dict]:
    """The seed and three long-name, long-text reports (raw JSON data)."""
    long_name = seed_variant(
        issuer_mark="某某省某某市某某县人力资源和社会保障局文件", printer="某某省某某市某某县人力资源和社会保障局"
    )
    long_name["org"] = "某某省某某市某某县人力资源和社会保障局"
    long_name["text"]["part1"] += "\n" + long_name["text"]["part1"]
    long_name["text"]["part6"] += "\n" + FILLER * 33

    joint = valid_data("2021", seed=7).to_json()
    base = seed_dict()
    joint["info"] = {
        **base["info"],
        "issuer_mark": "某某省某某市某某县人力资源和社会保障局\n某某省某某市某某县财政局\n文件",
        "doc_number": "某人社发〔2026〕3号",
        "date": "2026-01-20",
        "print_date": "2026-01-20",
        "cc": "省人力资源和社会保障厅，市人力资源和社会保障局，市财政局，县人民政府办公室，县政务公开办公室",
        "printer": "某某省某某市某某县人力资源和社会保障局",
        "title": "",
    }
    joint["org"] = "某某省某某市某某县人力资源和社会保障局"
    joint["text"] = {
        **base["text"],
        "part5": base["text"]["part5"] + "\n" + FILLER * 20,
        "part6": "本年度未收取信息处理费。\n" + FILLER * 5,
    }

    thirty = seed_variant(issuer_mark="某某省某某市某某县某某某某某某人力资源和社会保障局文件")
    thirty["text"]["part1"] = "\n".join([thirty["text"]["part1"]] * 3)
    thirty["text"]["part5"] += "\n" + FILLER * 16
    return {"seed": seed_dict(), "long-name": long_name, "joint": joint, "thirty": thirty}


def render(raw: dict) -> tuple[dict, bytes]:
    data = from_json(raw)
    form = load_form(data.format)
    ctx = build_context(data, form)
    return ctx, render_docx(ctx, form.format, make_env())


def without_banji_lead(blob: bytes) -> bytes:
    """The document as if the template's empty paragraph before the 版记 had been deleted in Word."""
    pkg = layout.Package(blob)
    [banji] = layout._banji_tables(pkg)
    pkg.body.remove(banji.getprevious())
    return pkg.to_bytes()


EDITED = "seed, 版记 paragraph deleted"


@pytest.fixture(scope="module")
def typeset(tmp_path_factory):
    """{name: (context, Typeset, pdf path)} for the seed and the variants (and the seed from an edited template),
    from one LibreOffice run."""
    out = tmp_path_factory.mktemp("layout")
    rendered = {name: render(raw) for name, raw in variants().items()}
    rendered[EDITED] = (rendered["seed"][0], without_banji_lead(rendered["seed"][1]))
    results = layout.place_banji([blob for _, blob in rendered.values()], fonts_conf=FONTS_CONF)
    done = {}
    keep = os.environ.get("XXGK_REPORT_PNG_DIR")
    for i, ((name, (ctx, _)), result) in enumerate(zip(rendered.items(), results)):
        path = out / f"report{i}.pdf"
        path.write_bytes(result.pdf)
        path.with_suffix(".docx").write_bytes(result.docx)
        if keep and name != EDITED:
            Path(keep).mkdir(parents=True, exist_ok=True)
            run("pdftoppm", "-r", "60", "-png", str(path), str(Path(keep) / f"layout-{name}"))
        done[name] = (ctx, result, path)
    return done


NAMES = list(variants())


@pytest.fixture(params=NAMES)
def report(request, typeset):
    return typeset[request.param]


# -- pixels ---------------------------------------------------------------------------------------------------


def bands(rows: list[int]) -> list[tuple[int, int]]:
    """Consecutive pixel rows grouped: [(first, last), …]."""
    out = []
    for y in rows:
        if out and y - out[-1][1] <= 1:
            out[-1] = (out[-1][0], y)
        else:
            out.append((y, y))
    return out


def red_extent(path: Path, tmp: Path, dpi: int = 150, top_mm: int = 60, height_mm: int = 100):
    """Page 1's red pixels between `top_mm` and `top_mm` + `height_mm` from the page top:
    [(top mm, bottom mm, left mm, right mm)] per band of rows."""
    px = 25.4 / dpi
    run(
        "pdftoppm",
        "-r",
        str(dpi),
        "-f",
        "1",
        "-l",
        "1",
        "-y",
        str(round(top_mm / px)),
        "-H",
        str(round(height_mm / px)),
        str(path),
        str(tmp / "p"),
    )
    w, h, body = _ppm(next(tmp.glob("p*.ppm")))
    rows = {}
    for y in range(h):
        row = body[y * w * 3 : (y + 1) * w * 3]
        xs = [x // 3 for x in range(0, w * 3, 3) if row[x] > 200 and row[x + 1] < 80 and row[x + 2] < 80]
        if xs:
            rows[y] = (min(xs), max(xs))
    return [
        (
            top_mm + a * px,
            top_mm + (b + 1) * px,
            min(rows[y][0] for y in range(a, b + 1)) * px,
            (max(rows[y][1] for y in range(a, b + 1)) + 1) * px,
        )
        for a, b in bands(sorted(rows))
    ]


DARK = bytes(1 if v < 100 else 0 for v in range(256))


def full_width_rules(path: Path, page: int, tmp: Path) -> list[tuple[float, float]]:
    """Dark horizontal rules at least 150 mm long on a page: [(top mm, bottom mm)]."""
    tmp.mkdir(parents=True, exist_ok=True)
    dpi = 100
    run("pdftoppm", "-gray", "-r", str(dpi), "-f", str(page), "-l", str(page), str(path), str(tmp / f"g{page}"))
    data = next(tmp.glob(f"g{page}*.pgm")).read_bytes()
    magic, size, _maxval, body = data.split(b"\n", 3)
    assert magic == b"P5"
    w, h = map(int, size.split())
    px = 25.4 / dpi
    rows = [y for y in range(h) if body[y * w : (y + 1) * w].translate(DARK).count(1) * px >= 150]
    return [(a * px, (b + 1) * px) for a, b in bands(rows)]


# -- text geometry --------------------------------------------------------------------------------------------


def squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


def page_of(pages, text: str, last: bool = False) -> int:
    """1-based page of the first (or last) line containing `text`."""
    hits = [n for n, page in enumerate(pages, 1) for ln in page if text in squeeze(ln["text"])]
    assert hits, text
    return hits[-1] if last else hits[0]


def date_page(pages, ctx) -> int:
    """The page of the 成文日期: the line that is the date and nothing else (the 版记 has it too, with 印发)."""
    return max(n for n, page in enumerate(pages, 1) for ln in page if squeeze(ln["text"]) == squeeze(ctx["date"]))


def body_lines(page) -> list[dict]:
    return [ln for ln in page if ln["y0"] >= TEXT_TOP - 1 and ln["y1"] <= TEXT_BOTTOM + 1]


DIGITS = re.compile(r"^[\d.]+$")


# -- XML: no LibreOffice ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("chars", range(1, 41))
def test_fit_puts_any_name_on_one_line(chars):
    size, scale = layout.fit(chars, 72, 8845)
    assert 2 <= size <= 72 and layout.MIN_SCALE <= scale <= 100
    assert chars * size * 10 * scale / 100 <= 8845 * layout.FILL  # the line's width in twips
    if chars <= 12:
        assert (size, scale) == (72, 100)  # 小初 as the style says: 12 characters fit 156 mm
    if size < 72:
        assert scale == layout.MIN_SCALE  # narrower first, smaller only below 50 %


def test_fit_prefers_scaling_to_a_smaller_size():
    assert layout.fit(21, 72, 8845) == (72, 57)  # 某某省某某市某某县人力资源和社会保障局文件
    assert layout.fit(30, 72, 8845)[1] == 50 and layout.fit(30, 72, 8845)[0] < 72
    assert layout.em_width("ABC局") == 2.5


@pytest.mark.parametrize(
    "lines, names, suffix",
    [
        (["甲局", "乙局", "文件"], ["甲局", "乙局"], "文件"),
        (["甲局", "乙局文件"], ["甲局", "乙局"], "文件"),
        (["甲局文件", "乙局文件"], ["甲局", "乙局"], "文件"),
        (["甲局", "乙局"], ["甲局", "乙局"], ""),
    ],
)
def test_split_joint(lines, names, suffix):
    assert layout.split_joint(lines) == (names, suffix)


def _mark_runs(blob: bytes):
    d = docx.Document(io.BytesIO(blob))
    return d, [p for p in d.paragraphs if p.style.name == "发文机关标志"]


def test_long_name_is_scaled_in_the_docx():
    ctx, blob = render(seed_variant(issuer_mark="某某省某某市某某县人力资源和社会保障局文件"))
    _, [mark] = _mark_runs(blob)
    rpr = mark.runs[0]._element.find(qn("w:rPr"))
    assert rpr.find(qn("w:w")).get(qn("w:val")) == "57" and rpr.find(qn("w:sz")).get(qn("w:val")) == "72"
    assert mark.text == ctx["issuer_mark"]
    _, blob = render(seed_variant(issuer_mark="福州市鼓楼区审计局文件"))
    _, [mark] = _mark_runs(blob)
    assert mark.runs[0]._element.find(qn("w:rPr")) is None  # fits as the style says: untouched


def test_thirty_characters_get_a_smaller_size_and_keep_their_top():
    _, blob = render(seed_variant(issuer_mark="某某省某某市某某县某某某某某某人力资源和社会保障局文件"))
    _, [mark] = _mark_runs(blob)
    rpr = mark.runs[0]._element.find(qn("w:rPr"))
    size = int(rpr.find(qn("w:sz")).get(qn("w:val")))
    assert rpr.find(qn("w:w")).get(qn("w:val")) == "50" and size < 72
    before = int(mark._element.find(f"{qn('w:pPr')}/{qn('w:spacing')}").get(qn("w:before")))
    assert before == 1870 - round(layout.INK_TOP * (72 - size) * 10)


def test_joint_header_is_a_table_of_names_and_wenjian():
    _, blob = render(seed_variant(issuer_mark="中共某某县委办公室\n某某县人民政府办公室\n文件"))
    d = docx.Document(io.BytesIO(blob))
    first = d.tables[0]
    names, suffix = first.rows[0].cells
    assert [p.text for p in names.paragraphs] == ["中共某某县委办公室", "某某县人民政府办公室"]
    assert [p.text for p in suffix.paragraphs] == ["文件"]
    for p in names.paragraphs:
        jc = p._element.find(f"{qn('w:pPr')}/{qn('w:jc')}")
        assert p.style.name == "发文机关标志" and jc.get(qn("w:val")) == "distribute"
    for cell in (names, suffix):
        assert cell._element.find(f"{qn('w:tcPr')}/{qn('w:vAlign')}").get(qn("w:val")) == "center"
    # an empty paragraph of the mark's style above it holds the 35 mm to the 版心's top
    body = list(d.element.body)
    assert body.index(first._element) == 1 and body[0].tag == qn("w:p") and not list(body[0].iter(qn("w:t")))
    widths = [int(g.get(qn("w:w"))) for g in first._element.iter(qn("w:gridCol"))]
    assert sum(widths) <= 8845


def test_candidates_move_the_banji_with_a_section_break():
    _, blob = render(seed_dict())
    kinds = layout._candidates(blob)
    assert [k for k, _ in kinds] == ["as is", "next page", "blank page"]
    as_is, nxt, blank = (docx.Document(io.BytesIO(b)) for _, b in kinds)
    assert len(as_is.sections) == 1 and len(nxt.sections) == 2 and len(blank.sections) == 2
    for d in (nxt, blank):
        first, last = d.sections
        assert first._sectPr.find(qn("w:pgNumType")).get(qn("w:start")) == "1"
        assert last._sectPr.find(qn("w:pgNumType")).get(qn("w:start")) is None  # numbers go on
        date = first._sectPr.getparent().getparent()
        assert date.tag == qn("w:p") and "".join(t.text for t in date.iter(qn("w:t"))) == "2021年1月8日"
    assert "PAGE" in "".join(t.text for t in nxt.sections[1].footer._element.iter(qn("w:instrText")))
    for footer in (blank.sections[1].footer, blank.sections[1].even_page_footer):
        assert not footer.is_linked_to_previous and not list(footer._element.iter(qn("w:t")))
    breaks = [br for br in blank.element.body.iter(qn("w:br")) if br.get(qn("w:type")) == "page"]
    assert len(breaks) == 1
    assert docx.Document(io.BytesIO(blob)).element.body.find(qn("w:sectPr")) is not None


def test_a_document_without_banji_has_one_candidate():
    _, blob = render(seed_dict())
    pkg = layout.Package(blob)
    for tbl in pkg.body.findall(qn("w:tbl")):
        if tbl.find(f"{qn('w:tblPr')}/{qn('w:tblStyle')}").get(qn("w:val")) == pkg.style_id("版记表格"):
            pkg.body.remove(tbl)
    assert [k for k, _ in layout._candidates(pkg.to_bytes())] == ["as is"]


def test_pdf_pages_reads_libreoffice_pdfs_only():
    assert layout.pdf_pages(b"%PDF-1.6\n1 0 obj\n<</Type/Pages\n/Kids[ 2 0 R ]\n/Count 12>>\nendobj") == 12
    with pytest.raises(XxgkError, match="页数"):
        layout.pdf_pages(b"%PDF-1.6 nothing here")


# -- rendered: the 发文机关标志 -------------------------------------------------------------------------------------


def test_header_on_one_line_inside_the_text_block(report, tmp_path):
    ctx, _, path = report
    page = lines_of(path)[0]
    number = next(ln for ln in page if "〔" in ln["text"])  # 发文字号
    header = [ln for ln in page if ln["y1"] <= number["y0"]]
    names = ctx["issuer_mark"].split("\n")
    for ln in header:
        assert TEXT_LEFT - 0.5 <= ln["x0"] and ln["x1"] <= TEXT_RIGHT + 0.5, ln
    red = red_extent(path, tmp_path)
    mark, rule = red[0], red[-1]
    assert abs(mark[0] - 72) <= 1.0, mark  # the top edge 35 mm below the 版心's top
    assert TEXT_LEFT - 0.5 <= mark[2] and mark[3] <= TEXT_RIGHT + 0.5, mark
    assert abs(rule[3] - rule[2] - 156) <= 1.5 and rule[1] - rule[0] < 1.5  # the red separator line
    if len(names) == 1:
        assert [squeeze(ln["text"]) for ln in header] == [names[0]]
        assert len(red) == 2  # one band of red characters, then the line
        return
    bodies, suffix = layout.split_joint(names)
    texts = [squeeze(ln["text"]) for ln in header]
    assert sorted(t for t in texts if t != suffix) == sorted(bodies), texts
    stack = [ln for ln in header if squeeze(ln["text"]) in bodies]
    assert len({round(ln["y0"]) for ln in stack}) == len(bodies)  # one name per line
    wj = next(ln for ln in header if squeeze(ln["text"]) == suffix)
    assert wj["x0"] > max(ln["x1"] for ln in stack)  # "文件" to the right of the names,
    middle = (min(ln["y0"] for ln in stack) + max(ln["y1"] for ln in stack)) / 2
    assert abs((wj["y0"] + wj["y1"]) / 2 - middle) <= 1.5  # centred on them vertically
    lefts, rights = {round(ln["x0"], 0) for ln in stack}, {round(ln["x1"], 0) for ln in stack}
    assert len(lefts) == 1 and len(rights) == 1  # spread to one width


# -- rendered: the 版记 -----------------------------------------------------------------------------------------


def test_banji_at_the_foot_of_an_even_last_page(report, tmp_path):
    ctx, result, path = report
    pages = lines_of(path)
    assert result.pages == len(pages) and len(pages) % 2 == 0, (result.layout, len(pages))
    assert not result.note
    last = pages[-1]
    printed = next(ln for ln in last if "印发" in ln["text"])
    assert printed["y1"] <= TEXT_BOTTOM
    assert page_of(pages, "印发", last=True) == len(pages)
    rules = full_width_rules(path, len(pages), tmp_path)
    banji_rules = [r for r in rules if r[0] > printed["y0"] - 40]
    assert len(banji_rules) >= 2, rules  # first and last rule (and one between 抄送 and 印发)
    assert abs(banji_rules[-1][1] - TEXT_BOTTOM) <= 1.0, banji_rules  # the last rule on the 版心's bottom edge
    assert banji_rules[-1][0] > printed["y1"] > banji_rules[-2][1]
    if ctx["cc"]:
        cc = next(ln for ln in last if ln["text"].startswith("抄送"))
        assert banji_rules[0][1] <= cc["y0"]


def test_blank_page_and_banji_page_have_no_number(report):
    ctx, result, path = report
    pages = lines_of(path)
    dated = date_page(pages, ctx)
    numbers = {n: [ln["text"] for ln in page if ln["y0"] > TEXT_BOTTOM] for n, page in enumerate(pages, 1)}
    if result.layout == "blank page":
        assert dated == len(pages) - 2 and not body_lines(pages[-2])
        assert numbers[len(pages) - 1] == numbers[len(pages)] == []
    else:
        assert dated in (len(pages), len(pages) - 1)
        assert numbers[len(pages)] == [f"—{len(pages)}—"]
    assert all(numbers[n] == [f"—{n}—"] for n in range(1, dated + 1))


def test_the_three_ways_to_an_even_page_all_occur(typeset):
    assert {typeset[name][1].layout for name in NAMES} == {"as is", "next page", "blank page"}, {
        name: (r.layout, r.pages) for name, (_, r, _) in typeset.items()
    }


def test_an_edited_template_gets_a_note_instead(typeset):
    """Without the empty paragraph before the 版记 the document is left as it is, and the user is told."""
    _, result, _ = typeset[EDITED]
    assert result.layout == "as is" and result.pages == 9
    assert "第 9 页是单页" in result.note and "插入分页符" in result.note


# -- rendered: pages and tables ---------------------------------------------------------------------------------


def table_starts(pages, ctx) -> list[tuple[str, int, float, int, float]]:
    """For parts 二, 三, 四: (heading, its page, its top, page of the first row of numbers, that row's bottom)."""
    out = []
    for k in (2, 3, 4):
        heading = ctx[f"p{k}"]["heading"]
        hp = page_of(pages, heading)
        top = next(ln["y0"] for ln in pages[hp - 1] if heading in squeeze(ln["text"]))
        for n in range(hp, len(pages) + 1):
            rows = [ln for ln in pages[n - 1] if DIGITS.match(squeeze(ln["text"])) and (n > hp or ln["y0"] > top)]
            if rows:
                first = min(rows, key=lambda ln: ln["y0"])
                out.append((heading, hp, top, n, first["y1"]))
                break
    return out


def test_heading_kept_with_the_table_header_and_first_row(report):
    ctx, _, path = report
    pages = lines_of(path)
    for heading, hp, _, rp, _ in table_starts(pages, ctx):
        assert hp == rp, (heading, hp, rp)


def test_long_tables_break_between_rows_with_the_header_repeated(report):
    ctx, _, path = report
    pages = lines_of(path)
    start = page_of(pages, ctx["p3"]["heading"])
    end = page_of(pages, ctx["p4"]["heading"])
    for n in range(start + 1, end + 1):
        lines = body_lines(pages[n - 1])
        numbers = [ln for ln in lines if DIGITS.match(squeeze(ln["text"]))]
        if n == end:  # the page of part 四: 表三's rows, if any, come before its heading
            heading = next(ln["y0"] for ln in lines if ctx["p4"]["heading"] in squeeze(ln["text"]))
            numbers = [ln for ln in numbers if ln["y1"] < heading]
        if numbers:  # 表三 goes on here: its header rows come first
            top = min(ln["y0"] for ln in lines)
            head = [ln for ln in lines if "申请人情况" in squeeze(ln["text"])]
            assert head and head[0]["y0"] - top < 15, (n, [ln["text"] for ln in lines[:5]])
            assert len({round(ln["y0"]) for ln in numbers}) >= 2, n  # never a header above a single row


# pdftotext gives glyph boxes; the layout works with line boxes: a body line's box starts 2.4 mm above its glyphs'
# box and ends 0.5 mm below it. Table rows are measured by their borders (full-width rules in the page image).
LINE_ABOVE_GLYPHS, LINE_BELOW_GLYPHS = 2.4, 0.5


def first_unit_bottom(path: Path, page: int, lines: list[dict], top: float, tmp: Path) -> float:
    """Bottom of what must go with a part's heading: 表三/表四's first row of numbers, 表二's first block."""
    below = [ln for ln in lines if ln["y0"] > top]
    numbers = [ln for ln in below if DIGITS.match(squeeze(ln["text"]))]
    captions = sorted(ln["y0"] for ln in below if squeeze(ln["text"]).startswith("第二十条"))
    last = (
        max(ln["y1"] for ln in numbers if ln["y1"] < captions[1])
        if len(captions) > 1
        else min(ln["y1"] for ln in numbers)
    )
    return min(b for a, b in full_width_rules(path, page, tmp) if a >= last - 0.5)


def test_no_page_left_a_fifth_empty(report, tmp_path):
    """Up to the page of the 成文日期 (after it comes the 版记's page), every page is at least 80 % full, unless it
    ends a part whose heading, text, table header and first row of numbers (表二: first block) do not fit in what
    is left."""
    ctx, _, path = report
    pages = lines_of(path)
    starts = {hp: (heading, top, rp) for heading, hp, top, rp, _ in table_starts(pages, ctx)}
    for n in range(1, date_page(pages, ctx)):
        lines = body_lines(pages[n - 1])
        free = TEXT_BOTTOM - max(ln["y1"] + LINE_BELOW_GLYPHS for ln in lines)
        if free > 0.2 * BODY_HEIGHT - 2:  # a table's last border lies a little below its text: measure it
            rules = [b for _, b in full_width_rules(path, n, tmp_path / str(n)) if b <= TEXT_BOTTOM + 1]
            free = min([free] + [TEXT_BOTTOM - b for b in rules])
        if free <= 0.2 * BODY_HEIGHT:
            continue
        assert n + 1 in starts, f"page {n}: {free:.0f} mm empty"
        heading, top, rp = starts[n + 1]
        assert rp == n + 1 and abs(top - LINE_ABOVE_GLYPHS - TEXT_TOP) < 1, (n, heading)  # the next page opens with it
        needed = first_unit_bottom(path, n + 1, body_lines(pages[n]), top, tmp_path) - (top - LINE_ABOVE_GLYPHS)
        assert needed > free, (n, heading, needed, free)  # which did not fit here
