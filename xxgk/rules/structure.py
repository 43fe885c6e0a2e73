"""Structure: the report is the national form (S-02, S-03) and the workbook is read exactly or refused
(S-05, WB-01…WB-03, WB-05…WB-07; the reader, read.py and locate.py, makes those findings).

WB-04 (a paragraph too long for a cell) is a text rule: text.py.
"""

from __future__ import annotations

from ..form import load_form, other_format
from .registry import Context, case, rule

S_02 = rule(
    "S-02",
    "表格标签、行列与国家格式模板一致；没有未知的单元格编号",
    "含有年报格式中不存在的单元格编号：{ids_shown}（共 {count} 项）。编号见 cells.md，如 t3.new_received.total。",
    audit="warning",
    values=(("ids", "list"),),
    cases={
        "label": case(
            "“{sheet}”{address} 的标签应为“{expected}”，现为“{found_shown}”。请恢复模板标签（表格必须与国家格式一致）。",
            audit="warning",
            values=(("expected", "text"), ("found", "text")),
        ),
        "missing_cells": case(
            "报告中找不到 {count} 个表格单元格（{rows}）：表格的行或栏目与国家格式不符，或表格缺失。"
            "这些单元格没有读取，不作核对。",
            audit="warning",
            values=(("missing", "list"),),
        ),
        "unplaced": case("{text}", audit="warning", values=(("unplaced", "text"),)),
    },
)
S_03 = rule(
    "S-03",
    "按报告年度使用正确的年报格式",
    "{year} 年度的报告应使用 {expected} 格式（{source}），本文件是 {format} 格式。请用 xxgk new --year {year} "
    "新建对应格式的工作簿后重新填报。",
    values=(("year", "int"), ("format", "text"), ("expected", "text")),
    cases={
        "early": case(
            "报告年度 {year} 早于 2019 年，现行两种年报格式（2019 年度起）均不适用。请核对报告年度。",
            values=(("year", "int"), ("format", "text"), ("expected", "text")),
        ),
        "other_format_ids": case(
            "{format} 格式的报告含有另一种格式才有的项目：{ids_shown}（共 {count} 项）。"
            "请删除这些项目或改用正确的格式。",
            values=(("ids", "list"),),
        ),
    },
)
S_05 = rule(
    "S-05",
    "输入单元格填写数字，不填写公式（公式的结果只显示在提示中，不采信）",
    "{label}（{where}）填写的是公式 ={formula_shown}{result}。输入单元格应填写数字，不要填写公式（合计由模板中的公式计算）。",
    scope="read",
    values=(("formula", "text"), ("stated", "any")),
)
WB_01 = rule(
    "WB-01",
    "合计公式被改成常数或别的公式",
    "{label}（{where}）的合计公式{what}。合计必须由公式 {expected_formula} 计算，请恢复该公式（或用“xxgk new”新建工作簿重新填报）。",
    scope="read",
    values=(("stated", "any"), ("expected_formula", "text")),
)
WB_02 = rule(
    "WB-02",
    "工作表缺失或被改名；文字部分的标题或基本信息的项目找不到",
    scope="read",
    cases={
        "sheet": case(
            "缺少工作表“{sheet}”（被删除或改名）。{renamed}请恢复原工作表名称；该表的数据未读取。",
            values=(("sheet", "text"), ("sheets", "list")),
        ),
        "text_title": case(
            "工作表“{sheet}”A 列中文字部分的标题“{title}”{why}，该部分文字未读取。请恢复标题行（如插入或删除了列，请撤销）。",
            values=(("part", "text"), ("sheet", "text")),
        ),
        "info_row": case(
            "“{sheet}”中“{label}”一行{why}，该项未读取。请恢复模板中的这一行（A 列为项目名称，B 列填写内容）。",
            values=(("field", "text"),),
        ),
    },
)
WB_03 = rule(
    "WB-03",
    "工作簿由另一版本的模板生成",
    "工作簿由另一版本的 {format} 格式模板生成（模板版本 {version}），按当前模板读取。如有数字读取错位，请用“xxgk new”"
    "新建工作簿并用“xxgk fill”导入数据。",
    severity="warning",
    scope="read",
)
WB_05 = rule(
    "WB-05",
    "工作簿含宏：只读取数据，宏不会被运行",
    "工作簿含有宏（VBA 代码）。xxgk 只读取数据，不会运行任何宏；报送时请另存为不含宏的 .xlsx。",
    severity="info",
    scope="read",
    values=(("macros", "bool"),),
)
WB_06 = rule(
    "WB-06",
    "表格的行或列被插入、删除或移动（指出是哪一行、哪一列；该表的数字不读取，文件被拒绝）",
    "{table}（工作表“{sheet}”）的结构被改动：{changes_shown}。表格必须与国家格式一致，xxgk 不按错位的位置读取数字，"
    "本表的数字未读取。请撤销这些改动（删除插入的行或列、恢复删除的行或列），或用“xxgk new”新建工作簿后重新填写。",
    scope="read",
    values=(("sheet", "text"), ("changes", "list")),
)
WB_07 = rule(
    "WB-07",
    "有内容不在模板的填写位置（如表格旁的备注），不会被读取，也不会印入报告",
    "工作表“{sheet}”中有内容不在模板的填写位置，xxgk 不会读取（报告中也不会有）：{shown}{more}。请把数字填入表格的"
    "浅黄色单元格、把文字填入文字部分的单元格（每个单元格一段），然后删除这些内容。",
    scope="read",
    values=(("sheet", "text"), ("cells", "list")),
)

# What the reader could not read exactly: export, report, fill, new --previous and merge refuse such a file.
REFUSING = ("WB-02", "WB-06", "WB-07")
SOURCES = {"2019": "国办公开办函〔2019〕60号", "2021": "国办公开办函〔2021〕30号"}
SHOWN_IDS = 8


def ids_shown(ids: list[str]) -> str:
    return "、".join(ids[:SHOWN_IDS]) + (" 等" if len(ids) > SHOWN_IDS else "")


def ids_and_format(ctx: Context):
    """S-03: the format the year asks for, and no cell of the other format; S-02: no unknown cell id."""
    data, form = ctx.data, ctx.form
    if data.year is not None and data.year < 2019:
        yield ctx.finding(S_03, "early", year=data.year, format=form.format, expected=None)
    elif data.year is not None and not form.covers_year(data.year):
        right = "2019" if data.year <= 2020 else "2021"
        yield ctx.finding(S_03, year=data.year, format=form.format, expected=right, source=SOURCES[right])
    subtotals = {s.target for s in form.sums if not s.printed}
    other_ids = set(load_form(other_format(form.format)).cells)
    unknown = [c for c in data.cells if c not in form.cells and c not in subtotals]
    wrong_format = [c for c in unknown if c in other_ids]
    if wrong_format:
        yield ctx.finding(
            S_03,
            "other_format_ids",
            format=form.format,
            ids=wrong_format,
            ids_shown=ids_shown(wrong_format),
            count=len(wrong_format),
        )
    strange = [c for c in unknown if c not in other_ids]
    if strange:
        yield ctx.finding(S_02, ids=strange, ids_shown=ids_shown(strange), count=len(strange))
