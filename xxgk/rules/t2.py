"""表二 (主动公开政府信息情况) within one year: T2-02 (2021 format), T2v19-03 (2019 format). Across years
(T2-01, T2v19-01, T2v19-02): crossyear.py."""

from __future__ import annotations

from ..form import defined_name as n
from .registry import Context, num, rule

ROWS = {
    "2021": (("regulations", "规章"), ("normative_docs", "行政规范性文件")),
    "2019": (("regulations", "规章"), ("normative_docs", "规范性文件")),
}
DIFF = (("stated", "number"), ("computed", "number"), ("difference", "number"))


def _t202_sheet(form, texts):
    if form.format != "2021":
        return
    for row, name in ROWS["2021"]:
        i, r, f = (n(f"t2.{row}.{c}") for c in ("issued", "repealed", "in_force"))
        yield (
            T2_02.id,
            f"表二“{name}”：现行有效件数 + 本年废止件数 ≥ 本年制发件数",
            f"SUM({f},{r})",
            i,
            f'IF(COUNT({i},{r},{f})<3,"",SUM({f},{r})-{i})',  # text in a cell: no #VALUE!
            f'IF(COUNT({i},{r},{f})<3,"未填",IF(SUM({f},{r})>={i},"通过","警告"))',
        )


def _t2v1903_sheet(form, texts):
    if form.format != "2019":
        return
    for row, name in ROWS["2019"]:
        new, total = n(f"t2.{row}.new_published"), n(f"t2.{row}.total_published")
        yield (
            T2v19_03.id,
            f"表二“{name}”：本年新公开数量 ≤ 对外公开总数量",
            new,
            total,
            f'IF(COUNT({new},{total})<2,"",{new}-{total})',  # text in a cell: no #VALUE!
            f'IF(COUNT({new},{total})<2,"未填",IF({new}<={total},"通过","警告"))',
        )


T2_02 = rule(
    "T2-02",
    "2021 格式表二：现行有效 + 本年废止 ≥ 本年制发",
    "表二“{name}”：现行有效 {in_force} 件 + 本年废止 {repealed} 件 = {left}，少于本年制发 {issued} 件。"
    "本年制发的文件应计入现行有效或已废止，请核对。",
    severity="warning",
    values=DIFF,
    formats=("2021",),
    sheet=_t202_sheet,
)
T2v19_03 = rule(
    "T2v19-03",
    "2019 格式表二：本年新公开数量 ≤ 对外公开总数量",
    "表二“{name}”：本年新公开数量 {new} 大于对外公开总数量 {total}。对外公开总数量应包含本年新公开的文件，请核对。",
    severity="warning",
    values=DIFF,
    formats=("2019",),
    sheet=_t2v1903_sheet,
)


def within_year(ctx: Context):
    v = ctx.v
    if ctx.form.format == "2021":
        for row, name in ROWS["2021"]:
            ids = [f"t2.{row}.{c}" for c in ("issued", "repealed", "in_force")]
            issued, repealed, in_force = (v.get(i) for i in ids)
            if None in (issued, repealed, in_force) or in_force + repealed >= issued:
                continue
            yield ctx.finding(
                T2_02,
                "",
                ids,
                name=name,
                in_force=in_force,
                repealed=repealed,
                left=in_force + repealed,
                issued=issued,
                stated=num(in_force + repealed),
                computed=num(issued),
                difference=num(in_force + repealed - issued),
            )
    else:
        for row, name in ROWS["2019"]:
            ids = [f"t2.{row}.new_published", f"t2.{row}.total_published"]
            new, total = (v.get(i) for i in ids)
            if None in (new, total) or new <= total:
                continue
            yield ctx.finding(
                T2v19_03,
                "",
                ids,
                name=name,
                new=new,
                total=total,
                stated=num(new),
                computed=num(total),
                difference=num(new - total),
            )
