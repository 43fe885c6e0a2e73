"""Every total of the form's sum hierarchy equals the sum of its parts: one evaluation for the sum rules of
表三 (T3-02, T3-03, T3-06: t3.py) and 表四 (T4-01…T4-03: t4.py), each of which names the kind of sum it checks.

The hierarchy is the form's (form.py); the arithmetic is sums.py's.
"""

from __future__ import annotations

from ..data import fmt_number
from ..form import defined_name as n
from ..sums import sum_parts
from .registry import RULES, Context, case, num, status_eq

VALUES = (("stated", "number"), ("computed", "number"), ("difference", "number"), ("blank", "list"))


def message(parts: str) -> str:
    """The message of a sum rule: what the parts are is the rule's own words."""
    return (
        "{what}为 {stated_shown}，但" + parts + "为 {computed_shown}{blank_note}，相差 {difference_shown}。"
        "请核对分项数字{advice}。"
    )


def cases(parts: str) -> dict:
    """A sum rule's other case: the total left blank while its parts are not — more than a missing zero (the
    blank is also in S-04's list). In a workbook a total is a formula: a blank one is WB-01, not this."""
    return {
        "blank_total": case(
            "{what}为空，但" + parts + "为 {computed_shown}{blank_note}。总计不能空着：请填写{advice}。",
            values=VALUES,
        )
    }


def rule_of(kind: str):
    return next(r for r in RULES.values() if r.sums == kind)


def totals(ctx: Context):
    """Each stated total against the sum of its parts, in the form's order (group subtotals only when stated)."""
    v = ctx.v
    for s in ctx.form.sums:
        if s.target not in v:
            continue  # a group subtotal the data does not state
        stated = v[s.target]
        computed, blanks = sum_parts(v, s.parts)
        blank_total = stated is None and ctx.data.kind != "workbook"
        if computed is None or stated == computed or (stated is None and not blank_total):
            continue
        target = ctx.form.cells.get(s.target)
        what = f"{target.label}（{ctx.where(s.target)}）" if target else f"分组小计 {s.target}"
        blank_note = f"（其中 {len(blanks)} 项空白，按 0 计）" if blanks else ""
        if blank_total:
            yield ctx.finding(
                rule_of(s.kind),
                "blank_total",
                [s.target, *s.parts],
                what=what,
                computed_shown=fmt_number(computed),
                blank_note=blank_note,
                advice="总计（分项之和）",
                stated=None,
                computed=num(computed),
                difference=None,
                blank=blanks,
            )
            continue
        yield ctx.finding(
            rule_of(s.kind),
            "",
            [s.target, *s.parts],
            what=what,
            stated_shown=fmt_number(stated),
            computed_shown=fmt_number(computed),
            difference_shown=fmt_number(stated - computed),
            blank_note=blank_note,
            advice="，并恢复总计公式" if ctx.data.kind == "workbook" else "或总计",
            stated=num(stated),
            computed=num(computed),
            difference=num(stated - computed),
            blank=blanks,
        )


def sheet(kind: str):
    """The 校验 rows of the printed sums of one kind: the total against SUM of its parts."""

    def rows(form, texts):
        for s in form.sums:
            if s.kind != kind or not s.printed:
                continue
            target = form.cells[s.target]
            parts = f"SUM({','.join(n(p) for p in s.parts)})"
            yield (
                rule_of(kind).id,
                f"{target.label}（{target.address}）= 分项之和",
                n(s.target),
                parts,
                f"{n(s.target)}-{parts}",
                status_eq([s.target, *s.parts], n(s.target), parts),
            )

    return rows
