"""Values: every data cell holds a number of its type (S-04, V-01…V-03), plausibly (V-04, V-05)."""

from __future__ import annotations

from ..data import TOO_LARGE, fmt_number, type_problem
from ..form import defined_name as n
from .registry import Context, case, num, row_ranges, rule, sheet_ref

TYPE_TEXT = {"count": "不小于 0 的整数", "signed": "整数（减少时填负数）", "money": "不小于 0 的金额，最多 6 位小数"}
TABLE_NAMES = {"t2": "表二", "t3": "表三", "t4": "表四"}


def _blanks_sheet(form, texts):
    """S-04 in the 校验 sheet, table by table: blank cells, and text where a number belongs."""
    for table, name in TABLE_NAMES.items():
        ranges = row_ranges([c for c in form.input_cells() if c.table == table])
        blank = "+".join(f"COUNTBLANK({r})" for r in ranges)
        text = "+".join(f"(COUNTA({r})-COUNT({r}))" for r in ranges)
        yield (S_04.id, f"{name}：空白的数据单元格（没有的应填 0）", blank, "0", None, f'IF({blank}=0,"通过","错误")')
        yield (S_04.id, f"{name}：填写了文字而不是数字的单元格", text, "0", None, f'IF({text}=0,"通过","错误")')


def _counts_sheet(form, texts):
    """V-01 in the 校验 sheet, table by table: negative or fractional counts."""
    for table, name in TABLE_NAMES.items():
        counts = [c for c in form.input_cells() if c.table == table and c.type == "count"]
        if counts:
            bad = "+".join(
                f'COUNTIF({r},"<0")+SUMPRODUCT(ISNUMBER({r})*(MOD(N(+{r}),1)<>0))' for r in row_ranges(counts)
            )
            yield (
                V_01.id,
                f"{name}：件数为负数或小数的单元格",
                f"IFERROR({bad},0)",
                "0",
                None,
                f'IF(IFERROR({bad},0)=0,"通过","错误")',
            )


def _unit_sheet(form, texts):
    """V-03 (2019): 采购总金额 not 0 has its unit."""
    amount = form.cells["t2.procurement.amount"]
    unit = sheet_ref(amount.sheet, amount.unit_address)
    yield (
        V_03.id,
        "表二“采购总金额”不为 0 时注明单位（元或万元）",
        n(amount.id),
        None,
        None,
        f'IF(AND(N({n(amount.id)})<>0,{unit}=""),"警告","通过")',
    )


S_04 = rule(
    "S-04",
    "每个数据单元格都填数字（没有的填 0），不填文字",
    "{label}（{where}）填写的是{reason} {shown}，不是数字：{hint}。",
    audit="warning",
    values=(("stated", "any"),),
    sheet=_blanks_sheet,
    cases={
        "too_large": case(
            "{label}（{where}）填写的数值 {shown} 过大（超过 10 的 15 次方），不可能是件数或金额，请核对后改正。",
            audit="warning",
            values=(("stated", "any"),),
        ),
        "subtotal": case(
            "分组小计 {cid} 的值 {shown} 不是数字，请改为数字或删除该项。", audit="warning", values=(("stated", "any"),)
        ),
        "blank": case(
            "{row_label}有 {count} 个空白单元格（{sheet} {refs}）。没有发生的请填 0，不要留空。",
            audit="warning",
            values=(("blank", "list"),),
        ),
    },
)
TYPE_MESSAGE = "{label}（{where}）为 {shown}，{problem}。此处应填{type_text}。"
V_01 = rule("V-01", "件数为不小于 0 的整数", TYPE_MESSAGE, values=(("stated", "number"),), sheet=_counts_sheet)
V_02 = rule(
    "V-02", "2019 格式“本年增/减”为整数（可为负）", TYPE_MESSAGE, values=(("stated", "number"),), formats=("2019",)
)
V_03 = rule(
    "V-03",
    "金额不小于 0、最多 6 位小数；2019 格式采购总金额不为 0 时须注明单位（警告）",
    TYPE_MESSAGE,
    values=(("stated", "number"),),
    sheet=lambda form, texts: _unit_sheet(form, texts) if form.format == "2019" else (),
    cases={
        "unit_invalid": case(
            "{label} 的单位“{unit}”无效，应为 {choices}（{sheet} {unit_address}）。", values=(("unit", "text"),)
        ),
        "unit_missing": case(
            "{label}（{where}）为 {shown}，但未注明单位。请在 {sheet} {unit_address} 选择 {choices}。",
            severity="warning",
            values=(("stated", "number"),),
        ),
    },
)
V_04 = rule(
    "V-04",
    "2021 格式：规章数一般为 0（无规章制定权的机关）",
    "表二“规章”一行不为 0。只有国务院部门和省、设区的市级人民政府等有规章制定权，县级、乡镇人民政府和多数部门应填 0；"
    "请确认本机关确有规章。",
    severity="warning",
    values=(("stated", "map"),),
    formats=("2021",),
)
V_05 = rule(
    "V-05",
    "表三、表四的件数超过 100000（多半是多输了位数或填了金额）",
    "{label}（{where}）为 {shown} 件，超过 {threshold_shown} 件，多半是误填（多输了位数或填了金额），请核对。",
    severity="warning",
    values=(("stated", "number"), ("threshold", "int")),
    params={"threshold": 100_000},
)
TYPE_RULES = {"count": V_01, "signed": V_02, "money": V_03}


def _stated(raw):
    return raw if isinstance(raw, (int, float, str)) else str(raw)


def cells(ctx: Context):
    """S-04 (not numbers, blanks), V-01…V-03 (the cell's type), V-05, V-04 — in this order, cell by cell."""
    form, data, v = ctx.form, ctx.data, ctx.v
    subtotals = {s.target for s in form.sums if not s.printed}
    for cid, (raw, reason) in data.bad_values.items():
        if cid in subtotals:
            yield ctx.finding(S_04, "subtotal", [cid], cid=cid, shown=repr(raw), stated=_stated(raw))
            continue
        if cid not in form.cells:
            continue
        cell = form.cells[cid]
        if reason == TOO_LARGE:
            yield ctx.finding(
                S_04,
                "too_large",
                [cid],
                label=cell.label,
                where=ctx.where(cid),
                shown=str(raw)[:60],
                stated=_stated(raw),
            )
            continue
        shown = repr(raw)[:60] if not isinstance(raw, str) else f"“{raw[:40]}{'…' if len(raw) > 40 else ''}”"
        hint = "没有的请填 0，数字不要带单位或空格" if reason == "文本" else "请改为数字"
        yield ctx.finding(
            S_04,
            "",
            [cid],
            label=cell.label,
            where=ctx.where(cid),
            reason=reason,
            shown=shown,
            hint=hint,
            stated=_stated(raw),
        )
    rows: dict[tuple[str, str], list[str]] = {}  # blanks, grouped by table row
    for cell in form.cells.values():
        if cell.id in data.bad_values or cell.id in data.missing or cell.table == "extra":
            continue
        if cell.is_total and (data.kind == "workbook" or cell.id not in data.cells):
            continue  # a formula, or a total the data file leaves to be computed: its parts are reported
        if v.get(cell.id) is None:
            rows.setdefault((cell.table, cell.id.rsplit(".", 1)[0]), []).append(cell.id)
    for ids in rows.values():
        first = form.cells[ids[0]]
        yield ctx.finding(
            S_04,
            "blank",
            ids,
            row_label=first.row_label,
            count=len(ids),
            sheet=first.sheet,
            refs="、".join(form.cells[i].address for i in ids),
            blank=ids,
        )
    for cell in form.cells.values():
        value = v.get(cell.id)
        if value is None:
            continue
        problem = type_problem(value, cell.type)
        if problem:
            yield ctx.finding(
                TYPE_RULES[cell.type],
                "",
                [cell.id],
                label=cell.label,
                where=ctx.where(cell.id),
                shown=fmt_number(value),
                problem=problem,
                type_text=TYPE_TEXT[cell.type],
                stated=num(value),
            )
        if cell.unit_choices:
            unit = data.units.get(cell.id)
            place = dict(
                label=cell.label,
                sheet=cell.sheet,
                unit_address=cell.unit_address,
                choices=" 或 ".join(cell.unit_choices),
            )
            if unit and unit not in cell.unit_choices:
                yield ctx.finding(V_03, "unit_invalid", [cell.id], unit=unit, **place)
            elif not unit and value != 0:
                yield ctx.finding(
                    V_03,
                    "unit_missing",
                    [cell.id],
                    where=ctx.where(cell.id),
                    shown=fmt_number(value),
                    stated=num(value),
                    **place,
                )
    limit = V_05.params["threshold"]
    for cell in form.input_cells():
        if cell.table in ("t3", "t4") and (v.get(cell.id) or 0) > limit:
            yield ctx.finding(
                V_05,
                "",
                [cell.id],
                label=cell.label,
                where=ctx.where(cell.id),
                shown=fmt_number(v[cell.id]),
                threshold_shown=f"{limit:,}",
                stated=num(v[cell.id]),
                threshold=limit,
            )
    if form.format in V_04.formats:
        regs = [c for c in form.cells if c.startswith("t2.regulations.") and (v.get(c) or 0) != 0]
        if regs:
            yield ctx.finding(V_04, "", regs, stated={c: num(v[c]) for c in regs})
