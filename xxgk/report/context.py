"""ReportData → the one context dict that the Word, PDF and HTML outputs are rendered from.

The names below are a contract with the Word templates (templates/*格式/report.docx); the full list
with examples is generated into templates/变量清单.md (`python -m xxgk.report.context`).

- draft, format, year, org; issuer_mark, doc_number, title, signature, date, cc, printer, print_date
- preamble: list of paragraphs
- p1 … p6: {"heading", "narrative": [sentences generated from the numbers], "blocks": [{"kind": "h2"|"p", "text"}]}
- t2, t3, t4: nested dicts of display strings keyed like the cell ids (t3.denied.state_secret.total);
  t3 also holds the group subtotals (t3.denied.total …), which the national form does not print
- cells: the same display strings flat, {cell id: text}, plus info_fee.amount_yuan (2021)

Staff text goes into the context as data only; nothing here renders it as a template.
"""

from __future__ import annotations

import sys
from pathlib import Path

from ..data import ReportData
from ..form import Form, is_subhead, load_form
from ..resources import data_dir
from ..sums import sum_parts, with_totals
from .jinja import cn_date, num, render_snippet

TABLES = ("t2", "t3", "t4")
PART_TEXT = ("part1", "part2", "part3", "part4", "part5", "part6")
NARRATIVE = {2: "part2.j2", 3: "part3.j2", 4: "part4.j2", 6: "part6.j2"}
UNIT_CELL = "t2.procurement.amount"  # 2019: 采购总金额, its unit entered beside it
_STRIP = " \t\u3000"


# -- numbers ------------------------------------------------------------------------------------------------


def values_of(data: ReportData, form: Form) -> dict:
    """Every cell of the form (and the t3 group subtotals) → number or None.

    Totals are taken as stated (a workbook's are already recomputed by the reader; a JSON file's are
    checked by the checker); totals left out of a JSON file are computed, as are the subtotals.
    """
    return with_totals(form, data.cells, subtotals=True)


def nest(flat: dict, table: str) -> dict:
    """{'t3.denied.state_secret.total': x, …} → {'denied': {'state_secret': {'total': x}}, …} for one table."""
    out: dict = {}
    for cid, value in flat.items():
        head, *path = cid.split(".")
        if head != table:
            continue
        node = out
        for key in path[:-1]:
            node = node.setdefault(key, {})
            if not isinstance(node, dict):  # pragma: no cover - the forms are checked by a test
                raise ValueError(f"cell id {cid} clashes with a shorter id")
        if isinstance(node.get(path[-1]), dict):  # pragma: no cover
            raise ValueError(f"cell id {cid} clashes with a longer id")
        node[path[-1]] = value
    return out


def number_context(data: ReportData, form: Form, values: dict | None = None) -> dict:
    """The numeric context of the narrative snippets: numbers (int/Decimal) or None, never strings."""
    values = values if values is not None else values_of(data, form)
    org_cols = [f"t3.new_received.{c}" for c, _ in form.t3_columns if c not in ("natural_person", "total")]
    return {
        "format": form.format,
        "year": data.year,
        "t2": nest(values, "t2"),
        "t3": nest(values, "t3"),
        "t4": nest(values, "t4"),
        "info_fee": {"amount_yuan": values.get("info_fee.amount_yuan")},
        "procurement_unit": (data.units.get(UNIT_CELL) or "") if UNIT_CELL in form.cells else "",
        "derived": {
            "new_received_org": sum_parts(values, org_cols)[0],
            "litigation_total": sum_parts(values, ["t4.lit_direct.total", "t4.lit_after_review.total"])[0],
        },
    }


def display(cid: str, value, data: ReportData) -> str:
    text = num(value)
    if cid == UNIT_CELL and text and data.units.get(cid):
        text += data.units[cid]
    return text


# -- text -----------------------------------------------------------------------------------------------------


def blocks(paragraphs: list[str]) -> list[dict]:
    """Staff paragraphs → [{"kind": "h2"|"p", "text"}]; a short paragraph starting （一）…（十） is a 二级标题."""
    out = []
    for para in paragraphs:
        text = para.strip(_STRIP)
        if not text:
            continue
        out.append({"kind": "h2" if is_subhead(text) else "p", "text": text})
    return out


def printed(data: ReportData, form: Form, key: str) -> list[str]:
    """A part's paragraphs as printed: the template's sub-heads left with nothing under them are not (P-02)."""
    paragraphs = data.paragraphs(key)
    empty = set(form.text_block(key).empty_subheads(paragraphs))
    return [p for i, p in enumerate(paragraphs) if i not in empty]


def default_title(org: str, year) -> str:
    return f"{org}{year if year is not None else ''}年政府信息公开工作年度报告"


# -- the context ---------------------------------------------------------------------------------------------


def build_context(data: ReportData, form: Form, draft: bool = False, snippets: str | Path | None = None) -> dict:
    """The context of the report document (see the module docstring and templates/变量清单.md)."""
    info = data.info
    values = values_of(data, form)
    numbers = number_context(data, form, values)
    shown = {cid: display(cid, v, data) for cid, v in values.items()}
    ctx = {
        "draft": bool(draft),
        "format": form.format,
        "year": data.year,
        "org": data.org,
        "issuer_mark": info.get("issuer_mark", ""),
        "doc_number": info.get("doc_number", ""),
        "title": info.get("title") or default_title(data.org, data.year),
        "signature": data.org,
        "date": cn_date(info.get("date", "")),
        "cc": info.get("cc", ""),
        "printer": info.get("printer", ""),
        "print_date": cn_date(info.get("print_date", "")),
        "preamble": [b["text"] for b in blocks(data.paragraphs("preamble"))],
    }
    for i, key in enumerate(PART_TEXT, 1):
        narrative = render_snippet(NARRATIVE[i], numbers, snippets) if i in NARRATIVE else []
        ctx[f"p{i}"] = {
            "heading": form.parts[i - 1],
            "narrative": narrative,
            "blocks": blocks(printed(data, form, key)),
        }
    for table in TABLES:
        ctx[table] = nest(shown, table)
    ctx["cells"] = shown
    return ctx


# -- templates/变量清单.md -----------------------------------------------------------------------------------

_BASIC = [
    ("draft", "是否草稿（true/false）；草稿在文档上显示“草稿”字样", "false"),
    ("format", '年报格式："2019" 或 "2021"', "2019"),
    ("year", "报告年度（整数）", "2020"),
    ("org", "机关名称", "福州市鼓楼区审计局"),
    (
        "issuer_mark",
        "发文机关标志（红头）。联合行文时每行一个机关、最后一行“文件”（用换行分隔）：生成时排成上下排列、"
        "“文件”居右的红头；长名称自动缩放成一行",
        "福州市鼓楼区审计局文件",
    ),
    ("doc_number", "发文字号", "鼓审发〔2021〕1号"),
    (
        "title",
        "报告标题：基本信息中填写的标题，未填时为“机关名称+年度+年政府信息公开工作年度报告”",
        "鼓楼区审计局2020年政府信息公开工作年度报告",
    ),
    ("signature", "署名（= 机关名称）", "福州市鼓楼区审计局"),
    ("date", "成文日期，已写成中文格式", "2021年1月8日"),
    ("cc", "版记：抄送", "区数字办（信息公开办）"),
    ("printer", "版记：印发机关", "福州市鼓楼区审计局"),
    ("print_date", "版记：印发日期，已写成中文格式", "2021年1月8日"),
    (
        "preamble",
        "引言段落的列表（可能为空）：{%p for 段 in preamble %} … {{ 段 }} … {%p endfor %}",
        '["本报告依据……"]',
    ),
]


def variable_list() -> str:
    """The text of templates/变量清单.md, generated from the forms (run `python -m xxgk.report.context`)."""
    f19, f21 = load_form("2019"), load_form("2021")
    lines = [
        "# 报告模板变量清单",
        "",
        "本文件由程序生成（`python -m xxgk.report.context`），请勿手工修改；测试会在它过期时失败。",
        "",
        "Word 模板（`templates/2019格式/report.docx`、`templates/2021格式/report.docx`）和 HTML 模板"
        "（`templates/report.html.j2`）使用同一组变量。变量名区分大小写，必须在英文（半角）输入状态下输入，"
        "如 `{{ org }}`、`{{ t3.new_received.total }}`。写错的变量名在生成报告时报错，不会静默留空。",
        "",
        "## 基本信息",
        "",
        "| 变量 | 含义 | 示例（鼓楼区审计局 2020 年报） |",
        "|---|---|---|",
    ]
    lines += [f"| `{k}` | {d} | {e} |" for k, d, e in _BASIC]
    lines += [
        "",
        "## 六个部分：`p1` … `p6`",
        "",
        "| 变量 | 含义 |",
        "|---|---|",
        "| `p1.heading` … `p6.heading` | 部分标题（国家格式模板的写法），如 `p3.heading` = “三、收到和处理政府信息公开申请情况” |",
        "| `p2.narrative`、`p3.narrative`、`p4.narrative`、`p6.narrative` | 由表格数字自动生成的说明段落（文本列表）："
        "第二、三、四部分总有；第六部分只在 2021 格式中有信息处理费的说明；`p1.narrative`、`p5.narrative` 为空列表 |",
        '| `pN.blocks` | 工作簿中该部分文字的段落列表，每段为 `{kind, text}`：`kind` 为 `"h2"`（以（一）…（十）开头的短段落，'
        '即二级标题）或 `"p"`（正文段落） |',
        "",
        "Word 模板中的写法示例：",
        "",
        "```",
        "{{ p3.heading }}",
        "{%p for 句 in p3.narrative %}",
        "{{ 句 }}",
        "{%p endfor %}",
        "{%p for b in p3.blocks %}",
        '{%p if b.kind == "h2" %}',
        "{{ b.text }}            ← 这一段用“二级标题”样式",
        "{%p else %}",
        "{{ b.text }}            ← 这一段用“公文正文”样式",
        "{%p endif %}",
        "{%p endfor %}",
        "```",
        "",
        "## 统计表：`t2`、`t3`、`t4`",
        "",
        "每个单元格一个变量，名称就是单元格编号（见 cells.md），如 `{{ t3.new_received.natural_person }}`。"
        "值是已排好的文字：整数如 `3`；金额按填写的数字原样显示（如 `12.5`、`0.000123`），2019 格式的采购总金额带上填写的单位"
        '（如 `12.5万元`）；空白单元格为空文字。`cells` 是同样内容的平铺字典：`cells["t3.total.total"]`。',
        "",
    ]
    both = [c for c in f19.cells if c in f21.cells]
    only19 = [c for c in f19.cells if c not in f21.cells]
    only21 = [c for c in f21.cells if c not in f19.cells]

    def table(title, ids, form):
        rows = [f"### {title}", "", "| 变量 | 单元格 |", "|---|---|"]
        for cid in ids:
            cell = form.cells[cid]
            where = cell.label + ("（合计）" if cell.is_total else "")
            rows.append(f"| `{cid}` | {where} |")
        return rows + [""]

    lines += table("表二（2019 格式）", [c for c in f19.cells if c.startswith("t2.")], f19)
    lines += table("表二（2021 格式）", [c for c in f21.cells if c.startswith("t2.")], f21)
    lines += table("表三（两种格式共有）", [c for c in both if c.startswith("t3.")], f21)
    lines += table("表三（仅 2019 格式：（六）其他处理为一行）", [c for c in only19 if c.startswith("t3.")], f19)
    lines += table("表三（仅 2021 格式：（六）其他处理分三项）", [c for c in only21 if c.startswith("t3.")], f21)
    lines += table("表四（两种格式相同）", [c for c in both if c.startswith("t4.")], f21)
    lines += [
        "### 表三分组小计（国家格式不印，可用于说明文字）",
        "",
        "| 变量 | 含义 |",
        "|---|---|",
    ]
    groups: dict[str, str] = {}
    for form in (f19, f21):
        for row in form.t3_rows:
            if "." in row["key"]:
                groups.setdefault(row["key"].split(".")[0], row["group"][-1])
    for g, label in groups.items():
        only = "（2021 格式）" if g == "other" else ""
        lines.append(f"| `t3.{g}.<列>`，如 `t3.{g}.total` | {label}各子项之和{only} |")
    lines += [
        "| `t3.other.<列>`（2019 格式） | （六）其他处理（本身就是一行） |",
        "",
        "`<列>`：" + "、".join(f"`{k}`（{t}）" for k, t in f21.t3_columns) + "。",
        "",
        "### 其他数字",
        "",
        "| 变量 | 含义 |",
        "|---|---|",
        '| `cells["info_fee.amount_yuan"]` | 2021 格式：本年收取信息处理费（元） |',
        "",
        "## 过滤器",
        "",
        "| 写法 | 结果 |",
        "|---|---|",
        '| `{{ "2021-01-08"\\|cn_date }}` | 2021年1月8日（月、日不补零） |',
        "| `{{ x\\|num }}` | 数字原样显示（整数、金额不带多余的小数和科学计数法）；空白为空文字（叙述片段中为“（空白）”） |",
        "| `{{ x\\|pct(总数) }}` | 百分比，保留一位小数，四舍五入：`{{ 1\\|pct(3) }}` → 33.3% |",
        "",
        "## 叙述片段 `templates/narrative/part2.j2`、`part3.j2`、`part4.j2`、`part6.j2`",
        "",
        "第二、三、四、六部分自动生成的说明文字由这些片段生成，改措辞只需改片段文件，不需要改程序。",
        "",
        "- 写法：Jinja2（沙箱环境）。**空一行 = 新的段落**；同一段落内的换行在生成时去掉（中文不加空格），"
        "所以长句可以分几行写。`{% if %}`、`{% for %}` 所在的行不会留下空行。",
        "- 片段只能用**数字**（不是上面的显示文字），所以可以比较和计算：`{% if t3.total.total %}`、"
        "`{{ t3.granted.total|pct(t3.total.total) }}`。空白单元格为 `none`，`num` 显示为“（空白）”；"
        "判断“为零”请写 `== 0`（空白不等于 0）。",
        "- 可用变量：`format`、`year`、`t2`、`t3`、`t4`（数字，结构同上，含表三分组小计）、"
        "`info_fee.amount_yuan`（2021 格式信息处理费，元）、`procurement_unit`（2019 格式采购总金额的单位，可能为空）、"
        "`derived.new_received_org`（本年新收申请中法人或其他组织的件数）、"
        "`derived.litigation_total`（行政诉讼总数 = 未经复议直接起诉 + 复议后起诉）。",
        "- 工作簿里的文字从不当作模板处理：其中的 `{{ }}` 原样印出。",
        "",
    ]
    return "\n".join(lines)


def variable_list_path() -> Path:
    return data_dir("templates") / "变量清单.md"


def main(argv=None) -> int:  # pragma: no cover - exercised by the staleness test through variable_list()
    path = variable_list_path()
    path.write_text(variable_list(), encoding="utf-8")
    print(path)
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
