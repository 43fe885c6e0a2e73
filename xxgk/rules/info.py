"""基本信息: who reports, for which year (I-01), and the 公文's own elements a final report needs (I-02)."""

from __future__ import annotations

from ..form import INFO_SHEET
from .registry import Context, case, rule

I_01 = rule(
    "I-01",
    "机关名称、报告年度未填；日期不是日期（“2025年”可以）",
    audit="warning",
    cases={
        "org": case(
            "基本信息缺少“机关名称”，请在“基本信息”表 {address} 填写机关全称。",
            audit="warning",
            values=(("field", "text"),),
        ),
        "year": case(
            "基本信息缺少“报告年度”，请在“基本信息”表 {address} 填写，如 2025。",
            audit="warning",
            values=(("field", "text"),),
        ),
        "year_bad": case(
            "“报告年度”（{where}）应为四位年份，如 2025，现为“{shown}”。",
            audit="warning",
            values=(("field", "text"), ("stated", "text")),
        ),
        "date_bad": case(
            "“{label}”（{where}）不是日期：“{shown}”。请填写如 2026-01-08 的日期。",
            audit="warning",
            values=(("field", "text"), ("stated", "text")),
        ),
    },
)
I_02 = rule(
    "I-02",
    "正式报告的基本信息不全：发文机关标志、发文字号、成文日期、印发机关、印发日期",
    "正式报告还缺少基本信息：{labels}（“{sheet}”表）。报告的红头、文号、落款和版记要用到它们；填写后再生成正式报告"
    "（草稿可先用 --draft 生成）。",
    audit="warning",
    values=(("fields", "list"),),
    params={"required": ("issuer_mark", "doc_number", "date", "printer", "print_date")},
)


def basics(ctx: Context):
    data, form = ctx.data, ctx.form
    if not data.org.strip():
        yield ctx.finding(I_01, "org", field="org", address=form.info_field("org").address)
    year_read = any(p.rule == I_01.id and p.values.get("field") == "year" for p in data.problems)
    if data.year is None and not year_read:  # a year the reader could not read is said once, by the reader
        yield ctx.finding(I_01, "year", field="year", address=form.info_field("year").address)
    bad_dates = {p.values.get("field") for p in data.problems if p.rule == I_01.id}
    missing = [
        form.info_field(k) for k in I_02.params["required"] if not data.info.get(k, "").strip() and k not in bad_dates
    ]
    if missing:
        yield ctx.finding(
            I_02, fields=[f.key for f in missing], labels="、".join(f.label for f in missing), sheet=INFO_SHEET
        )
