"""表三 (收到和处理政府信息公开申请情况): the column balance printed in the form (T3-01), the sums (T3-02,
T3-03, T3-06, evaluated with 表四's in totals.py) and the share of （六）其他处理 (T3-04)."""

from __future__ import annotations

from decimal import Decimal

from ..data import fmt_number
from ..form import defined_name as n
from ..sums import sum_parts
from . import totals
from .registry import Context, num, rule, status_eq

BALANCE_ROWS = ("new_received", "carried_over", "total", "carry_forward")


def _balance_sheet(form, texts):
    for ckey, ctext in form.t3_columns:
        ids = [f"t3.{r}.{ckey}" for r in BALANCE_ROWS]
        left, right = f"SUM({n(ids[0])},{n(ids[1])})", f"SUM({n(ids[2])},{n(ids[3])})"
        yield (
            T3_01.id,
            f"表三「{ctext}」列：一、本年新收 + 二、上年结转 = 三（七）总计 + 四、结转下年度继续办理",
            left,
            right,
            f"{left}-{right}",
            status_eq(ids, left, right),
        )


def _other_ids(form) -> list[str]:
    return [f"t3.{r['key']}.total" for r in form.t3_rows if r["key"] == "other" or r["key"].startswith("other.")]


def _other_sheet(form, texts):
    total, share = n("t3.total.total"), T3_04.params["share"]
    other = f"SUM({','.join(n(o) for o in _other_ids(form))})"
    yield (
        T3_04.id,
        f"（六）其他处理占（七）总计的比例不超过 {share:.0%}",
        other,
        total,
        f'IF({total}>0,TEXT({other}/{total},"0.0%"),"")',
        f'IF(AND(N({total})>0,{other}>{share}*N({total})),"警告","通过")',
    )


T3_01 = rule(
    "T3-01",
    "表三每列：一 + 二 = 三（七）总计 + 四",
    "表三「{column}」列不符合勾稽关系：一、本年新收 {a} + 二、上年结转 {b} = {left}，而（七）总计 {c} + "
    "四、结转下年度继续办理 {d} = {right}，相差 {diff}。请核对这四项（{sheet} {refs}）。",
    values=(("stated", "number"), ("computed", "number"), ("difference", "number"), ("blank", "list")),
    sheet=_balance_sheet,
)
T3_02 = rule(
    "T3-02",
    "表三（七）总计 = （一）至（六）之和",
    totals.message("（一）至（六）各项办理结果之和"),
    cases=totals.cases("（一）至（六）各项办理结果之和"),
    values=totals.VALUES,
    sums="t3.total",
    sheet=totals.sheet("t3.total"),
)
T3_03 = rule(
    "T3-03",
    "表三每行总计 = 各申请人类别之和",
    totals.message("该行自然人与法人或其他组织各类之和"),
    cases=totals.cases("该行自然人与法人或其他组织各类之和"),
    values=totals.VALUES,
    sums="t3.row",
    sheet=totals.sheet("t3.row"),
)
T3_04 = rule(
    "T3-04",
    "（六）其他处理占（七）总计超过 10%",
    "（六）其他处理 {other} 件，占（七）总计 {total_shown} 件的 {pct}%，超过 {limit}。原则上所有申请都应按法定方式处理，"
    "请核实这些申请能否归入（一）至（五）。",
    severity="warning",
    values=(("stated", "number"), ("total", "number"), ("share", "float")),
    params={"share": Decimal("0.10")},
    sheet=_other_sheet,
)
T3_06 = rule(
    "T3-06",
    "分组小计 = 子项之和",
    totals.message("其各子项之和"),
    cases=totals.cases("其各子项之和"),
    values=totals.VALUES,
    sums="t3.group",
)


def balance(ctx: Context):
    """T3-01, column by column: 一 + 二 = 三（七）总计 + 四."""
    for ckey, ctext in ctx.form.t3_columns:
        ids = [f"t3.{r}.{ckey}" for r in BALANCE_ROWS]
        vals = [ctx.v.get(i) for i in ids]
        if all(x is None for x in vals):
            continue
        left, right = sum(x or 0 for x in vals[:2]), sum(x or 0 for x in vals[2:])
        if left == right:
            continue
        a, b, c, d = (fmt_number(x) for x in vals)
        yield ctx.finding(
            T3_01,
            "",
            ids,
            column=ctext,
            a=a,
            b=b,
            c=c,
            d=d,
            left=fmt_number(left),
            right=fmt_number(right),
            diff=fmt_number(left - right),
            sheet=ctx.form.cells[ids[0]].sheet,
            refs="、".join(ctx.form.cells[i].address for i in ids),
            stated=num(right),
            computed=num(left),
            difference=num(left - right),
            blank=[i for i, x in zip(ids, vals) if x is None],
        )


def other_share(ctx: Context):
    """T3-04: （六）其他处理 above the share the registry gives."""
    total = ctx.v.get("t3.total.total")
    ids = _other_ids(ctx.form)
    other, _ = sum_parts(ctx.v, ids)
    if not total or not other or total <= 0:
        return
    share = Decimal(other) / Decimal(total)
    limit = T3_04.params["share"]
    if share > limit:
        yield ctx.finding(
            T3_04,
            "",
            [*ids, "t3.total.total"],
            other=fmt_number(other),
            total_shown=fmt_number(total),
            pct=(share * 100).quantize(Decimal("0.1")),
            limit=f"{limit:.0%}",
            stated=num(other),
            total=num(total),
            share=float(share),
        )
