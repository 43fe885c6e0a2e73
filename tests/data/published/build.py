"""Build the corpus files from the hand transcriptions in sources/*.txt (run: python tests/data/published/build.py).

Each source holds one real published report as transcribed by hand from its archived page (see
PROVENANCE.md): the paragraphs in order, and every table row as printed (label, then the cells as
printed: "" for a blank cell). This script writes
  <name>.html           the report as a portal page (the table layout of the national form, the row and
                        column labels as the report printed them; GBK when the source says so)
  <name>.expected.json  the hand-checked data file: the cells in the form's order, the text parts
Cells are mapped to cell ids here by the form's row and column order, which the transcription follows.
"""

from __future__ import annotations

import html
import json
import re
import sys
from decimal import Decimal
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[2]))

from xxgk.form import load_form  # noqa: E402
from xxgk.published.values import parse  # noqa: E402

T3_HEAD = """<tr><td colspan="3" rowspan="3">（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）</td><td colspan="7">申请人情况</td></tr>
<tr><td rowspan="2">自然人</td><td colspan="5">法人或其他组织</td><td rowspan="2">总计</td></tr>
<tr><td>商业企业</td><td>科研机构</td><td>社会公益组织</td><td>法律服务机构</td><td>其他</td></tr>"""
T4_HEAD = """<tr><td colspan="5">行政复议</td><td colspan="10">行政诉讼</td></tr>
<tr><td rowspan="2">结果维持</td><td rowspan="2">结果纠正</td><td rowspan="2">其他结果</td><td rowspan="2">尚未审结</td><td rowspan="2">总计</td><td colspan="5">未经复议直接起诉</td><td colspan="5">复议后起诉</td></tr>
<tr><td>结果维持</td><td>结果纠正</td><td>其他结果</td><td>尚未审结</td><td>总计</td><td>结果维持</td><td>结果纠正</td><td>其他结果</td><td>尚未审结</td><td>总计</td></tr>"""


STYLE = "plain"  # "trs": the markup the TRS editor of the pingtan.gov.cn portal writes (see PROVENANCE.md)
TRS_P = '<p style="text-indent: 2em;">'


def td(inner: str, attrs: str = "") -> str:
    """One table cell; in the portal's markup every cell holds styled paragraphs, one per printed line."""
    if STYLE == "trs":
        lines = inner.split(" ") if inner and not inner.replace(" ", "").isdigit() else [inner]
        inner = "".join(f"{TRS_P}{x or '&nbsp;'}</p>" for x in lines)
        attrs += ' style="padding: 0px 4px; border-color: windowtext; border-style: solid; border-width: 1px;" valign="center"'
    return f"<td{attrs}>{inner}</td>"


def cell(text: str) -> str:
    return td(html.escape(text) if text else "&nbsp;")


def _head(rows: str) -> str:
    """The fixed header rows, in the portal's markup when asked (商业企业 printed on two lines, as there)."""
    if STYLE != "trs":
        return rows
    rows = rows.replace("<td>商业企业</td>", "<td>商业 企业</td>").replace("<td>科研机构</td>", "<td>科研 机构</td>")
    return re.sub(r"<td([^>]*)>([^<]*)</td>", lambda m: td(m.group(2), m.group(1)), rows)


def t2_html(src: dict, form) -> str:
    rows = []
    for block in src["t2"]:
        rows.append("<tr>" + td(html.escape(block["caption"]), ' colspan="4"') + "</tr>")
        head = block["header"]
        span = 4 - len(head) + 1
        rows.append(
            "<tr>"
            + "".join(cell(h) for h in head[:-1])
            + (td(html.escape(head[-1]), f' colspan="{span}"') if span > 1 else cell(head[-1]))
            + "</tr>"
        )
        for label, *values in block["rows"]:
            tds = [cell(label)] + [cell(v) for v in values[:-1]]
            last = values[-1]
            tds.append(td(html.escape(last) or "&nbsp;", f' colspan="{span}"') if span > 1 else cell(last))
            rows.append("<tr>" + "".join(tds) + "</tr>")
    return '<table border="1" cellspacing="0">' + "\n".join(rows) + "</table>"


def t3_html(src: dict, form) -> str:
    """表三 as the national form lays it out (group cells from the form), with the row labels as printed."""
    rows, fr = [_head(T3_HEAD)], form.raw["t3"]["rows"]
    for i, (label, *values) in enumerate(src["t3"]):
        group = fr[i].get("group", [])
        label = fr[i]["label"] if label == "~" else label  # "~": printed exactly as the form's label
        tds = ""
        for depth, g in enumerate(group):
            if i == 0 or fr[i - 1].get("group", [])[: depth + 1] != group[: depth + 1]:
                n = sum(1 for r in fr[i:] if r.get("group", [])[: depth + 1] == group[: depth + 1])
                j = i
                n = 0
                while j < len(fr) and fr[j].get("group", [])[: depth + 1] == group[: depth + 1]:
                    n, j = n + 1, j + 1
                tds += td(html.escape(g), f' rowspan="{n}"')
        label_td = td(html.escape(label), f' colspan="{3 - len(group)}"') if len(group) < 2 else cell(label)
        rows.append("<tr>" + tds + label_td + "".join(cell(v) for v in values) + "</tr>")
    return '<table border="1" cellspacing="0">' + "\n".join(rows) + "</table>"


def t4_html(src: dict) -> str:
    return (
        '<table border="1" cellspacing="0">'
        + _head(T4_HEAD)
        + "<tr>"
        + "".join(cell(v) for v in src["t4"])
        + "</tr></table>"
    )


def expand(cells: list[str]) -> list[str]:
    """'0*5' stands for five cells reading 0 (the transcription's shorthand for runs of zeros)."""
    out = []
    for c in cells:
        m = re.fullmatch(r"(\d+)\*(\d+)", c)
        out += [m.group(1)] * int(m.group(2)) if m else [c]
    return out


def load_source(path: Path) -> dict:
    """sources/<name>.txt: 'key: value' lines, '---', then P paragraph / H part heading (the next part; H5: the
    heading of part 5 whatever it prints) / HX a heading of a section the form has not (no text part) / T2 T3 T4
    (the table goes here) / TX a table the form has not (kept in the page, not in the data) / C 表二 caption /
    R a table row, cells split at '|' (an empty cell is a blank cell)."""
    head, body = path.read_text("utf-8").split("\n---\n", 1)
    src = dict((line + " ").split(": ", 1) for line in head.strip().splitlines())
    src = {k: v.strip() for k, v in src.items()}
    src["year"] = int(src["year"])
    src["paragraphs"], src["headings"], src["t2"], src["t3"], src["t4"] = [], [], [], [], []
    src["extra_headings"], src["tx"] = [], []
    table = None
    for line in body.splitlines():
        if not line.strip():
            continue
        tag, _, rest = line.partition(" ")
        if tag in ("P", "H", "HX") or re.fullmatch(r"H[1-6]", tag):
            src["paragraphs"].append(rest)
            if tag == "HX":
                src["extra_headings"].append(rest)
            elif tag != "P":
                while tag != "H" and len(src["headings"]) < int(tag[1]) - 1:
                    src["headings"].append(None)
                src["headings"].append(rest)
        elif tag in ("T2", "T3", "T4"):
            table = tag.lower()
            src["paragraphs"].append("@" + table)
        elif tag == "TX":
            table = f"tx{len(src['tx'])}"
            src["tx"].append([])
            src["paragraphs"].append("@" + table)
        elif tag == "C":
            src["t2"].append({"caption": rest, "header": None, "rows": []})
        elif tag == "R":
            cells = expand(rest.split("|"))
            if table == "t2" and src["t2"][-1]["header"] is None:
                src["t2"][-1]["header"] = cells
            elif table == "t2":
                src["t2"][-1]["rows"].append(cells)
            elif table == "t3":
                src["t3"].append(cells)
            elif table.startswith("tx"):
                src["tx"][-1].append(cells)
            else:
                src["t4"] = cells
    while len(src["headings"]) < 6:
        src["headings"].append(None)
    return src


def build(path: Path) -> None:
    global STYLE
    src = load_source(path)
    STYLE = src.get("style", "plain")
    form = load_form(src["format"])
    tables = {"t2": t2_html(src, form), "t3": t3_html(src, form), "t4": t4_html(src)}
    for i, rows in enumerate(src["tx"]):
        tables[f"tx{i}"] = (
            '<table border="1" cellspacing="0">'
            + "\n".join("<tr>" + "".join(cell(c) for c in row) + "</tr>" for row in rows)
            + "</table>"
        )
    body, parts = [], {}
    current = "preamble"
    for p in src["paragraphs"]:
        if p.startswith("@"):  # a table goes here
            body.append(tables[p[1:]])
            continue
        heading = next((k for k in range(1, 7) if p == src["headings"][k - 1]), None)
        if heading or p in src["extra_headings"]:
            current = f"part{heading}" if heading else current
            body.append(
                f"{TRS_P}{html.escape(p)}</p>" if STYLE == "trs" else f"<p><strong>{html.escape(p)}</strong></p>"
            )
            continue
        body.append(f"{TRS_P}{html.escape(p)}</p>" if STYLE == "trs" else f"<p>{html.escape(p)}</p>")
        if p not in (src.get("title"), src.get("signature"), src.get("date_text")) and p != src["org"]:
            parts.setdefault(current, []).append(p)
    charset = src.get("charset", "utf-8")
    page = (
        f'<!DOCTYPE html>\n<html><head><meta http-equiv="Content-Type" content="text/html; charset={charset}">'
        f"<title>{html.escape(src['title'])}</title></head><body>\n"
        '<div class="nav"><a href="#">首页</a> &gt; <a href="#">政府信息公开</a> &gt; 政府信息公开年报</div>\n'
        + (
            '<div class="article_content"><div class=TRS_Editor><br/><p style="text-indent: 2em;">&nbsp;</p>\n'
            if STYLE == "trs"
            else '<div class="article">\n'
        )
        + "\n".join(body)
        + ("\n</div></div>\n" if STYLE == "trs" else "\n</div>\n")
        + '<div class="footer">主办单位：（网站页脚）</div></body></html>\n'
    )
    name = path.stem
    if src.get("html") != "verbatim":  # else the page is the portal's own markup, kept as saved (PROVENANCE.md)
        (HERE / f"{name}.html").write_bytes(page.encode("gb18030" if charset.lower() in ("gbk", "gb2312") else "utf-8"))
    cells, units = {}, {}
    t2_ids = [c.id for c in form.cells.values() if c.table == "t2"]
    t2_values = [v for block in src["t2"] for _, *vals in block["rows"] for v in vals]
    t3_ids = [c.id for c in form.cells.values() if c.table == "t3"]
    t3_values = [v for _, *vals in src["t3"] for v in vals]
    t4_ids = [c.id for c in form.cells.values() if c.table == "t4"]
    for ids, values in ((t2_ids, t2_values), (t3_ids, t3_values), (t4_ids, src["t4"])):
        assert len(ids) == len(values), (name, len(ids), len(values))
        for cid, text in zip(ids, values):
            value, unit = parse(text, money=form.cells[cid].type == "money")
            cells[cid] = (
                float(value)
                if isinstance(value, Decimal) and len(str(value)) < 17
                else (str(value) if isinstance(value, Decimal) else value)
            )
            if unit and form.cells[cid].unit_choices:
                units[cid] = unit
    expected = {
        "format": src["format"],
        "year": src["year"],
        "org": src["org"],
        "info": {"title": src["title"], "date": src["date"]},
        "cells": cells,
        "units": units,
        "text": {k: "\n".join(v) for k, v in parts.items()},
    }
    (HERE / f"{name}.expected.json").write_text(json.dumps(expected, ensure_ascii=False, indent=1) + "\n", "utf-8")


# Which layout engine prints which report (DERIVED below): each engine and input kind is covered.
DERIVED = {
    "pingtan-czj-2023": ("lo.pdf", "docx"),
    "pingtan-czj-2025": ("chromium.pdf",),
    "pingtan-xzsp-2023": ("lo.pdf", "docx", "layout.txt"),
    "pingtan-czj-2024": ("lo.pdf", "docx"),
    "pingtan-gwh-2024": ("chromium.pdf", "layout.txt"),
    "pingtan-gaj-2024": ("docx", "chromium.pdf"),
    "pingtan-jtj-2025": ("lo.pdf", "layout.txt"),
    "pingtan-xzsp-2021": ("docx", "chromium.pdf"),
    "pingtan-gaj-2022": ("lo.pdf",),
    "pingtan-gwh-2022": ("docx", "chromium.pdf", "layout.txt"),
    "pingtan-gwh-2025": ("lo.pdf", "docx"),
    "shanghai-gov-2019": ("docx", "chromium.pdf", "lo.pdf", "layout.txt"),
    "pingtan-jtj-2024": ("docx",),
    "pingtan-xzsp-2024": ("chromium.pdf",),
    "pingtan-czj-2021": ("lo.pdf",),
    "pingtan-htp-2020": ("docx", "chromium.pdf", "layout.txt", "lo.pdf"),
    "pingtan-jsp-2019": ("docx", "chromium.pdf", "lo.pdf"),
    "pingtan-spp-2021": ("lo.pdf", "docx", "layout.txt"),
    "pingtan-jsp-2023": ("docx", "lo.pdf"),
    "pingtan-spp-2024": ("docx",),
}


def derive(name: str, kinds: tuple[str, ...]) -> None:
    """Print <name>.html with LibreOffice (PDF, DOCX) and Chromium (PDF); .layout.txt is `pdftotext -layout` of
    the PDF made first. Run by hand (`build.py --derive`): the outputs are committed, not rebuilt in tests."""
    import shutil
    import subprocess
    import tempfile

    page = HERE / f"{name}.html"
    with tempfile.TemporaryDirectory() as tmp:
        for kind in kinds:
            out = HERE / f"{name}.{kind}"
            if kind in ("lo.pdf", "docx"):
                target = "pdf:writer_web_pdf_Export" if kind == "lo.pdf" else "docx:MS Word 2007 XML"
                subprocess.run(
                    [
                        "soffice",
                        f"-env:UserInstallation=file://{tmp}/lo",
                        "--headless",
                        "--infilter=HTML (StarWriter)",
                        "--convert-to",
                        target,
                        "--outdir",
                        tmp,
                        str(page),
                    ],
                    check=True,
                    capture_output=True,
                    timeout=300,
                )
                shutil.move(f"{tmp}/{name}.{kind.split('.')[-1]}", out)
            elif kind == "chromium.pdf":
                subprocess.run(
                    [
                        "chromium",
                        "--headless",
                        "--no-sandbox",
                        "--disable-gpu",
                        "--no-first-run",
                        "--disable-background-networking",
                        "--disable-component-update",
                        "--disable-sync",
                        f"--user-data-dir={tmp}/chromium",
                        "--no-pdf-header-footer",
                        f"--print-to-pdf={out}",
                        page.as_uri(),
                    ],
                    check=True,
                    capture_output=True,
                    timeout=300,
                )
            else:
                pdf = next(HERE / f"{name}.{k}" for k in kinds if k.endswith("pdf"))
                subprocess.run(["pdftotext", "-layout", str(pdf), str(out)], check=True, timeout=60)
            print("derived", out.name)


if __name__ == "__main__":
    for p in sorted((HERE / "sources").glob("*.txt")):
        build(p)
        print("built", p.stem)
    if "--derive" in sys.argv:
        for name, kinds in DERIVED.items():
            if not sys.argv[2:] or name in sys.argv[2:]:
                derive(name, kinds)
