"""The staff's text: paragraphs a cell can hold (WB-04), parts a final report needs (P-01), template sub-heads
left empty (P-02), and what the 2021 format asks of parts 一 and 六 (N-06, N-05). Numbers stated in the text
against the tables: narrative.py."""

from __future__ import annotations

import re

from ..data import MAX_PARAGRAPH
from ..form import defined_name as n
from .registry import Context, rule


def _fee_sheet(form, texts):
    if form.format != "2021":
        return
    fee, part6 = n("info_fee.amount_yuan"), texts["part6"]
    part6_ref = f"'{part6.sheet}'!{part6.col}{part6.first_row}:{part6.col}{part6.last_row}"
    yield (
        N_05.id,
        "第六部分报告信息处理费收取情况（“六”表中填写金额，未收取填 0）",
        fee,
        None,
        None,
        f'IF(OR(ISNUMBER({fee}),COUNTIF({part6_ref},"*{N_05.params["word"]}*")>0),"通过","错误")',
    )


def _length_sheet(form, texts):
    if form.format != "2021":
        return
    part1, limit = texts["part1"], N_06.params["limit"]
    count = f"'{part1.sheet}'!C{part1.title_row}"
    yield (
        N_06.id,
        "总体情况篇幅原则上不超过一千字（不计空白）",
        count,
        str(limit),
        f"{count}-{limit}",
        f'IF({count}>{limit},"警告","通过")',
    )


WB_04 = rule(
    "WB-04",
    "文字段落超过 32767 个字符（Excel 单元格上限）",
    "文本“{part}”第 {paragraph} 段有 {length} 个字符，超过单元格上限 {limit}。请分成多个段落。",
    values=(("part", "text"), ("paragraph", "int"), ("length", "int")),
    params={"limit": MAX_PARAGRAPH},
    scope="text",
)
P_01 = rule(
    "P-01",
    "第一、五、六部分没有内容（只有模板预填的小标题也算没有；第六部分没有需要报告的事项时写“无”）",
    "“{sheet}”还没有填写内容（模板预填的小标题不算）{what}。正式报告的这一部分不能空着。",
    audit="warning",
    values=(("part", "text"),),
    params={"parts": ("part1", "part5", "part6")},
    scope="text",
)
P_02 = rule(
    "P-02",
    "模板预填的小标题下面没有内容（这些小标题不印入报告）",
    "“{sheet}”中的小标题 {empty_shown} 下面没有内容，报告中不印这些小标题。请在小标题下填写内容，或删除不用的小标题。",
    severity="warning",
    values=(("part", "text"), ("empty", "list")),
    scope="text",
)
N_05 = rule(
    "N-05",
    "2021 格式：第六部分报告信息处理费（填金额，或在文字中说明）",
    "2021 格式要求在第六部分报告收取信息处理费的情况。请在“{sheet}”{address} 填写本年收取的信息处理费（元，未收取填 0），"
    "或在第六部分文字中说明。",
    audit="warning",
    formats=("2021",),
    scope="text",
    sheet=_fee_sheet,
    params={"word": "处理费"},
)  # 信息处理费, 信息公开处理费, 政府信息公开信息处理费 … all say it
N_06 = rule(
    "N-06",
    "2021 格式：总体情况超过一千字（不计空白）",
    "第一部分“总体情况”有 {count} 字（不计空白），超过一千字。2021 格式要求篇幅原则上不超过一千字，请精简。",
    severity="warning",
    values=(("stated", "int"), ("limit", "int")),
    formats=("2021",),
    scope="text",
    sheet=_length_sheet,
    params={"limit": 1000, "not_counted": " \u3000\t\r\n"},
)  # the workbook's live count leaves out the same


def paragraphs(ctx: Context):
    data, form = ctx.data, ctx.form
    limit = WB_04.params["limit"]
    for key, text in data.text.items():
        for i, para in enumerate(text.split("\n"), 1):
            if len(para) > limit:
                yield ctx.finding(WB_04, part=key, paragraph=i, length=len(para), limit=limit)
    fee_sentence = form.format == "2021" and ctx.v.get("info_fee.amount_yuan") is not None
    for block in form.texts:
        paras = data.paragraphs(block.key)
        empty = [paras[i] for i in block.empty_subheads(paras)]
        if (
            block.key in P_01.params["parts"]
            and len(empty) == len(paras)
            and not (block.key == "part6" and fee_sentence)
        ):
            what = "；没有需要报告的事项请写“无”" if block.key == "part6" else ""
            yield ctx.finding(P_01, sheet=block.sheet, what=what, part=block.key)
        elif empty:
            yield ctx.finding(P_02, sheet=block.sheet, empty_shown="、".join(empty), part=block.key, empty=empty)


def narrative_2021(ctx: Context):
    if ctx.form.format != "2021":
        return
    data = ctx.data
    if ctx.v.get("info_fee.amount_yuan") is None and N_05.params["word"] not in data.text.get("part6", ""):
        cell = ctx.form.cells["info_fee.amount_yuan"]
        yield ctx.finding(N_05, "", ["info_fee.amount_yuan"], sheet=cell.sheet, address=cell.address)
    count = len(re.sub(f"[{N_06.params['not_counted']}]", "", data.text.get("part1", "")))
    if count > N_06.params["limit"]:
        yield ctx.finding(N_06, count=count, stated=count, limit=N_06.params["limit"])
