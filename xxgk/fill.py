"""Write a JSON data file into (a copy of) a workbook: validate the data, then overlay it."""

from __future__ import annotations

import copy
import re

from .data import MAX_PARAGRAPH, ReportData, fmt_number
from .errors import XxgkError
from .form import Form, load_form
from .sums import sum_parts


def merge_into(base: ReportData, incoming: ReportData) -> tuple[ReportData, Form]:
    """`base` (read from a workbook) overlaid with what `incoming` states. Refuses what cannot be written."""
    src = incoming.source or None
    if incoming.format != base.format:
        raise XxgkError(
            f"数据是 {incoming.format} 格式，工作簿是 {base.format} 格式，不能混用。"
            f"请用“xxgk new --year {incoming.year or 'YYYY'}”新建对应格式的工作簿",
            file=src,
            kind="wrong_format",
        )
    form = load_form(base.format)
    unknown = [c for c in incoming.cells if c not in form.cells]
    if unknown:
        raise XxgkError(
            f"数据含 {len(unknown)} 个本格式没有的单元格编号：{'、'.join(unknown[:10])}"
            f"{' 等' if len(unknown) > 10 else ''}。编号见 cells.md",
            file=src,
            kind="bad_data",
        )
    if incoming.bad_values:
        shown = "、".join(f"{k} = {v!r}" for k, (v, _) in list(incoming.bad_values.items())[:10])
        raise XxgkError(f"以下单元格的值不是数字：{shown}。没有的请填 0，空白请用 null", file=src, kind="bad_data")
    wrong = []
    for cid, stated in incoming.cells.items():
        cell = form.cells[cid]
        if not cell.is_total or stated is None:
            continue
        computed, _ = sum_parts(incoming.cells, cell.parts)  # parts that are totals are stated too
        if computed is not None and all(p in incoming.cells for p in cell.parts) and computed != stated:
            wrong.append(f"{cid} = {fmt_number(stated)}（分项之和为 {fmt_number(computed)}）")
        elif not all(p in incoming.cells for p in cell.parts):
            wrong.append(f"{cid}（数据中缺少它的分项，合计无法核对）")
    if wrong:
        raise XxgkError(
            "合计单元格由工作簿公式计算，数据中的合计必须等于分项之和：" + "；".join(wrong[:10]),
            file=src,
            kind="bad_data",
        )
    _refuse_unwritable_text(incoming)
    merged = copy.deepcopy(base)
    merged.problems, merged.bad_values = [], {}
    if incoming.year is not None:
        merged.year = incoming.year
    if incoming.org:
        merged.org = incoming.org
    merged.info.update({k: v for k, v in incoming.info.items() if v})
    merged.units.update({k: v for k, v in incoming.units.items() if v})
    merged.text.update({k: v for k, v in incoming.text.items() if v})
    given = {(e["rule"], tuple(e["cells"])): e for e in merged.explanations + incoming.explanations}
    merged.explanations = list(given.values())  # the data's 情况说明 replace the workbook's of the same warning
    for cid, value in incoming.cells.items():
        if not form.cells[cid].is_total:
            merged.cells[cid] = value
    _refuse_unwritable_text(merged)  # what the workbook itself held and the data does not replace
    return merged, form


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")  # characters no worksheet cell may hold


def _refuse_unwritable_text(data: ReportData) -> None:
    """Refuse text that a worksheet cell cannot hold (openpyxl would truncate or raise), naming the file."""
    for key, text in data.text.items():
        for i, para in enumerate(text.split("\n"), 1):
            if len(para) > MAX_PARAGRAPH:
                raise XxgkError(
                    f"文字“{key}”第 {i} 段有 {len(para)} 个字符，超过 Excel 单元格上限 {MAX_PARAGRAPH}，请分段",
                    file=data.source or None,
                    kind="too_large",
                )
    fields = [
        ("org", data.org),
        *((f"info.{k}", v) for k, v in data.info.items()),
        *((f"units.{k}", v) for k, v in data.units.items()),
    ]
    long = [
        f"{name}（{len(value)} 个字符）"
        for name, value in fields
        if isinstance(value, str) and len(value) > MAX_PARAGRAPH
    ]
    if long:
        raise XxgkError(
            f"以下内容超过 Excel 单元格上限 {MAX_PARAGRAPH} 个字符：{'、'.join(long[:10])}",
            file=data.source or None,
            kind="too_large",
        )
    fields += [(f"text.{k}", v) for k, v in data.text.items()]
    bad = [
        f"{name}（U+{ord(m.group()):04X}）"
        for name, value in fields
        if isinstance(value, str) and (m := _CONTROL.search(value))
    ]
    if bad:
        raise XxgkError(
            f"以下内容含有不可见的控制字符，Excel 单元格不能保存，请删除后再试：{'、'.join(bad[:10])}",
            file=data.source or None,
            kind="bad_data",
        )
