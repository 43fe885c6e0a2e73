"""Across years, against the same body's report of the year before: 上年结转 (X-01, also across the 2020 →
2021 format change, X-02), the 表二 stocks (T2-01; T2v19-01, T2v19-02), and parts 一/五 copied (X-03, X-04)."""

from __future__ import annotations

import difflib
import re

from ..data import fmt_number
from .registry import Context, case, num, rule

CARRY = "表三「{column}」列：二、上年结转 {now} 件，与上一年度报告的四、结转下年度继续办理 {before} 件不一致（{where}）。请以上年报告为准核对。"
DIFF = (("stated", "number"), ("computed", "number"), ("difference", "number"), ("previous_file", "text"))
X_01 = rule(
    "X-01",
    "上年结转 = 上一年度报告的结转下年度继续办理（上一年度不是 xxgk 工作簿时为警告，可能来自其他系统）；"
    "跨 2020 → 2021 格式变更照常核对",
    CARRY,
    audit="warning",
    values=DIFF,
    scope="previous",
    cases={
        "other_system": case(CARRY, severity="warning", values=DIFF),
        "wrong_year": case(
            "{where}是 {previous_year} 年度的报告，本报告是 {year} 年度，无法作跨年核对。请选择 {wanted} 年度的报告。",
            severity="warning",
            values=(("previous_year", "int"), ("previous_file", "text")),
        ),
        "other_org": case(
            "{where}的机关名称为“{previous_org}”，与本报告“{org}”不同，请确认选对了文件。",
            severity="warning",
            values=(("previous_org", "text"), ("previous_file", "text")),
        ),
        "org_spelling": case(
            "机关名称写法不同：{where}为“{previous_org}”，本报告为“{org}”，只差行政区划名称“{prefix}”，按同一机关核对。",
            severity="info",
            values=(("previous_org", "text"), ("previous_file", "text")),
        ),
        "unusable": case(
            "基本信息中的上一年度报告文件无法使用，未作跨年核对：{reason}（{previous_file}）。请改正文件名"
            "（在 Excel 中可点击“上年报告”按钮选择），或用 --previous 指定。",
            severity="warning",
            values=(("previous_file", "text"),),
        ),
    },
)
X_02 = rule(
    "X-02",
    "上一年度是另一种格式（2020 → 2021）：表二口径不同，不作跨年核对",
    "上一年度报告是 {previous_format} 格式，本报告是 {format} 格式：表二的统计口径不同，不作跨年核对（表三的上年结转照常核对）。",
    severity="info",
    values=(("previous_format", "text"),),
    scope="previous",
)
STOCK = "表二“{name}”{what} {stated_shown}（{where}），按上年推算应为 {how} = {expected}，相差 {diff}。如因清理、失效等原因调整，请在报告中说明。"
T2_01 = rule(
    "T2-01",
    "2021 格式表二跨年：现行有效件数 = 上年现行有效 + 本年制发 − 本年废止",
    STOCK,
    severity="warning",
    values=DIFF,
    formats=("2021",),
    scope="previous",
)
T2v19_01 = rule(
    "T2v19-01",
    "2019 格式表二跨年：上一年项目数量 = 上年的上一年项目数量 + 上年本年增/减",
    STOCK,
    severity="warning",
    values=DIFF,
    formats=("2019",),
    scope="previous",
)
T2v19_02 = rule(
    "T2v19-02",
    "2019 格式表二跨年：对外公开总数量 = 上年对外公开总数量 + 本年新公开数量",
    STOCK,
    severity="warning",
    values=DIFF,
    formats=("2019",),
    scope="previous",
)
SIMILAR = "{what}与上一年度报告的相似度为 {ratio}，超过 {limit}。国家格式要求“不得出现敷衍了事甚至年年雷同现象”，请结合本年度实际情况重新撰写。"
SIMILARITY = (("similarity", "float"), ("previous_file", "text"))
X_03 = rule(
    "X-03",
    "第五部分与上一年度相似度超过 50%",
    SIMILAR,
    severity="warning",
    values=SIMILARITY,
    scope="previous",
    params={"limit": 0.5, "what": "第五部分“存在的主要问题及改进情况”", "parts": ("part5",)},
)
X_04 = rule(
    "X-04",
    "第一部分和第五部分合计与上一年度相似度超过 50%",
    SIMILAR,
    severity="warning",
    values=SIMILARITY,
    scope="previous",
    params={"limit": 0.5, "what": "第一部分和第五部分", "parts": ("part1", "part5")},
)

_WORDS = {"issued": "制发", "repealed": "废止", "new_published": "新公开"}
_WHITESPACE = re.compile(r"\s+")


# A leading administrative area: 某某省, 某某市, 某某自治州, 某某县, 某某区 … one or more of them.
_AREA = re.compile(
    r"(?:[\u4e00-\u9fff]{1,10}?(?:省|自治区|特别行政区|市|自治州|州|盟|地区|自治县|县|自治旗|旗|新区|区))+"
)


def area_prefix(a: str, b: str) -> str:
    """When one name is the other with an administrative area before it ("某某市某某区人民政府" and
    "某某区人民政府"), that area; else ""."""
    a, b = re.sub(r"\s+", "", a), re.sub(r"\s+", "", b)
    longer, shorter = (a, b) if len(a) > len(b) else (b, a)
    if shorter and longer.endswith(shorter) and _AREA.fullmatch(longer[: -len(shorter)]):
        return longer[: -len(shorter)]
    return ""


def similarity(a: str, b: str) -> float:
    """The metric of rules.md X-03: difflib's ratio without autojunk."""
    return difflib.SequenceMatcher(None, a, b, autojunk=False).ratio()


def across_years(ctx: Context):
    data, previous, form = ctx.data, ctx.previous, ctx.form
    if previous is None:
        return
    where = f"上一年度文件 {previous.source}" if previous.source else "上一年度报告"
    if previous.year is not None and data.year is not None and previous.year != data.year - 1:
        yield ctx.finding(
            X_01,
            "wrong_year",
            where=where,
            year=data.year,
            wanted=data.year - 1,
            previous_year=previous.year,
            previous_file=previous.source,
        )
        return
    if previous.org and data.org and previous.org != data.org:
        prefix = area_prefix(previous.org, data.org)
        yield ctx.finding(
            X_01,
            "org_spelling" if prefix else "other_org",
            where=where,
            org=data.org,
            previous_org=previous.org,
            previous_file=previous.source,
            prefix=prefix,
        )
    x01 = "" if previous.kind == "workbook" else "other_system"  # a JSON data file may come from another system
    for ckey, ctext in form.t3_columns:
        cid, pid = f"t3.carried_over.{ckey}", f"t3.carry_forward.{ckey}"
        now, before = ctx.v.get(cid), previous.cells.get(pid)
        if now is None or before is None or now == before:
            continue
        yield ctx.finding(
            X_01,
            x01,
            [cid],
            column=ctext,
            now=fmt_number(now),
            before=fmt_number(before),
            where=ctx.where(cid),
            stated=num(now),
            computed=num(before),
            difference=num(now - before),
            previous_file=previous.source,
        )
    if previous.format != form.format:
        yield ctx.finding(X_02, previous_format=previous.format, format=form.format)
    elif form.format == "2021":
        yield from _stock(
            ctx,
            T2_01,
            "现行有效件数",
            "in_force",
            "in_force",
            ["issued"],
            ["repealed"],
            (("regulations", "规章"), ("normative_docs", "行政规范性文件")),
        )
    else:
        yield from _stock(
            ctx,
            T2v19_02,
            "对外公开总数量",
            "total_published",
            "total_published",
            ["new_published"],
            [],
            (("regulations", "规章"), ("normative_docs", "规范性文件")),
        )
        yield from _stock(
            ctx,
            T2v19_01,
            "上一年项目数量",
            "prev_count",
            "prev_count",
            [],
            [],
            (
                ("licensing", "行政许可"),
                ("other_services", "其他对外管理服务事项"),
                ("penalty", "行政处罚"),
                ("coercion", "行政强制"),
                ("fees", "行政事业性收费"),
            ),
            previous_plus="delta",
        )
    for entry in (X_03, X_04):
        yield from _similar(ctx, entry)


def _stock(ctx, entry, what, col, prev_col, plus, minus, rows, previous_plus=None):
    """stock(N) = stock(N−1) [+ previous_plus(N−1)] + Σplus(N) − Σminus(N), row by row (rules.md E)."""
    v, previous = ctx.v, ctx.previous
    for row, name in rows:
        cid = f"t2.{row}.{col}"
        before = previous.cells.get(f"t2.{row}.{prev_col}")
        extra_before = previous.cells.get(f"t2.{row}.{previous_plus}") if previous_plus else 0
        stated = v.get(cid)
        if None in (stated, before, extra_before, *(v.get(f"t2.{row}.{c}") for c in plus + minus)):
            continue
        expected = (
            before + extra_before + sum(v[f"t2.{row}.{c}"] for c in plus) - sum(v[f"t2.{row}.{c}"] for c in minus)
        )
        if stated == expected:
            continue
        how = (
            f"上年 {fmt_number(before)}"
            + (f" + 上年本年增/减 {fmt_number(extra_before)}" if previous_plus else "")
            + "".join(f" + 本年{_WORDS[c]} {fmt_number(v[f't2.{row}.{c}'])}" for c in plus)
            + "".join(f" − 本年{_WORDS[c]} {fmt_number(v[f't2.{row}.{c}'])}" for c in minus)
        )
        yield ctx.finding(
            entry,
            "",
            [cid],
            name=name,
            what=what,
            stated_shown=fmt_number(stated),
            where=ctx.where(cid),
            how=how,
            expected=fmt_number(expected),
            diff=fmt_number(stated - expected),
            stated=num(stated),
            computed=num(expected),
            difference=num(stated - expected),
            previous_file=previous.source,
        )


def _similar(ctx, entry):
    """X-03 part 五, X-04 parts 一+五: difflib ratio of the whitespace-stripped texts above the limit."""
    keys, limit = entry.params["parts"], entry.params["limit"]
    now = _WHITESPACE.sub("", "".join(ctx.data.text.get(k, "") for k in keys))
    before = _WHITESPACE.sub("", "".join(ctx.previous.text.get(k, "") for k in keys))
    if not now or not before:
        return
    ratio = similarity(now, before)
    if ratio > limit:
        yield ctx.finding(
            entry,
            what=entry.params["what"],
            ratio=f"{ratio:.0%}",
            limit=f"{limit:.0%}",
            similarity=round(ratio, 3),
            previous_file=ctx.previous.source,
        )
