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


def cell(text: str) -> str:
    return f"<td>{html.escape(text) if text else '&nbsp;'}</td>"


def t2_html(src: dict, form) -> str:
    rows = []
    for block in src["t2"]:
        rows.append(f'<tr><td colspan="4">{html.escape(block["caption"])}</td></tr>')
        head = block["header"]
        span = 4 - len(head) + 1
        rows.append(
            "<tr>"
            + "".join(cell(h) for h in head[:-1])
            + (f'<td colspan="{span}">{html.escape(head[-1])}</td>' if span > 1 else cell(head[-1]))
            + "</tr>"
        )
        for label, *values in block["rows"]:
            tds = [cell(label)] + [cell(v) for v in values[:-1]]
            last = values[-1]
            tds.append(f'<td colspan="{span}">{html.escape(last) or "&nbsp;"}</td>' if span > 1 else cell(last))
            rows.append("<tr>" + "".join(tds) + "</tr>")
    return '<table border="1" cellspacing="0">' + "\n".join(rows) + "</table>"


def t3_html(src: dict, form) -> str:
    """表三 as the national form lays it out (group cells from the form), with the row labels as printed."""
    rows, fr = [T3_HEAD], form.raw["t3"]["rows"]
    for i, (label, *values) in enumerate(src["t3"]):
        group = fr[i].get("group", [])
        tds = ""
        for depth, g in enumerate(group):
            if i == 0 or fr[i - 1].get("group", [])[: depth + 1] != group[: depth + 1]:
                n = sum(1 for r in fr[i:] if r.get("group", [])[: depth + 1] == group[: depth + 1])
                j = i
                n = 0
                while j < len(fr) and fr[j].get("group", [])[: depth + 1] == group[: depth + 1]:
                    n, j = n + 1, j + 1
                tds += f'<td rowspan="{n}">{html.escape(g)}</td>'
        label_td = f'<td colspan="{3 - len(group)}">{html.escape(label)}</td>' if len(group) < 2 else cell(label)
        rows.append("<tr>" + tds + label_td + "".join(cell(v) for v in values) + "</tr>")
    return '<table border="1" cellspacing="0">' + "\n".join(rows) + "</table>"


def t4_html(src: dict) -> str:
    return (
        '<table border="1" cellspacing="0">' + T4_HEAD + "<tr>" + "".join(cell(v) for v in src["t4"]) + "</tr></table>"
    )


def load_source(path: Path) -> dict:
    """sources/<name>.txt: 'key: value' lines, '---', then P paragraph / H part heading / T2 T3 T4 (the table
    goes here) / C 表二 caption / R a table row, cells split at '|' (an empty cell is a blank cell)."""
    head, body = path.read_text("utf-8").split("\n---\n", 1)
    src = dict((line + " ").split(": ", 1) for line in head.strip().splitlines())
    src = {k: v.strip() for k, v in src.items()}
    src["year"] = int(src["year"])
    src["paragraphs"], src["headings"], src["t2"], src["t3"], src["t4"] = [], [], [], [], []
    table = None
    for line in body.splitlines():
        if not line.strip():
            continue
        tag, _, rest = line.partition(" ")
        if tag in ("P", "H"):
            src["paragraphs"].append(rest)
            if tag == "H":
                src["headings"].append(rest)
        elif tag in ("T2", "T3", "T4"):
            table = tag.lower()
            src["paragraphs"].append("@" + table)
        elif tag == "C":
            src["t2"].append({"caption": rest, "header": None, "rows": []})
        elif tag == "R":
            cells = rest.split("|")
            if table == "t2" and src["t2"][-1]["header"] is None:
                src["t2"][-1]["header"] = cells
            elif table == "t2":
                src["t2"][-1]["rows"].append(cells)
            elif table == "t3":
                src["t3"].append(cells)
            else:
                src["t4"] = cells
    while len(src["headings"]) < 6:
        src["headings"].append(None)
    return src


def build(path: Path) -> None:
    src = load_source(path)
    form = load_form(src["format"])
    tables = {"t2": t2_html(src, form), "t3": t3_html(src, form), "t4": t4_html(src)}
    body, parts = [], {}
    current = "preamble"
    for p in src["paragraphs"]:
        if p.startswith("@"):  # a table goes here
            body.append(tables[p[1:]])
            continue
        heading = next((k for k in range(1, 7) if p == src["headings"][k - 1]), None)
        if heading:
            current = f"part{heading}"
            body.append(f"<p><strong>{html.escape(p)}</strong></p>")
            continue
        body.append(f"<p>{html.escape(p)}</p>")
        if p not in (src.get("title"), src.get("signature"), src.get("date_text")) and p != src["org"]:
            parts.setdefault(current, []).append(p)
    charset = src.get("charset", "utf-8")
    page = (
        f'<!DOCTYPE html>\n<html><head><meta http-equiv="Content-Type" content="text/html; charset={charset}">'
        f"<title>{html.escape(src['title'])}</title></head><body>\n"
        '<div class="nav"><a href="#">首页</a> &gt; <a href="#">政府信息公开</a> &gt; 政府信息公开年报</div>\n'
        '<div class="article">\n' + "\n".join(body) + "\n</div>\n"
        '<div class="footer">主办单位：（网站页脚）</div></body></html>\n'
    )
    name = path.stem
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


if __name__ == "__main__":
    for p in sorted((HERE / "sources").glob("*.txt")):
        build(p)
        print("built", p.stem)
