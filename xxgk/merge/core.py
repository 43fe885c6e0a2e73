"""The merge itself: which units are counted (year, format, earlier summaries, duplicates) and their sum."""

from __future__ import annotations

from collections import Counter
from decimal import Decimal
from pathlib import Path

from ..data import ReportData
from ..errors import XxgkError
from ..form import Form, format_for_year, load_form
from .inputs import collect
from .model import MergeResult, Progress, Skipped, Unit, normalise_name
from .roster import read_roster
from .units import check_across_years, read_all


def merge(
    inputs,
    org: str,
    year: int | None = None,
    roster: list[str] | str | Path | None = None,
    jobs: int | None = None,
    progress: Progress | None = None,
    exclude=(),
) -> MergeResult:
    """Read, check, classify and sum the units. Raises XxgkError only for usage errors (no inputs, bad roster)."""
    org = (org or "").strip()
    if not org:
        raise XxgkError("汇总单位名称（--org）不能为空", kind="usage")
    if roster is not None and not isinstance(roster, list):
        roster = read_roster(roster)
    sources, skipped, broken = collect(inputs, exclude)
    if not sources and not broken:
        raise XxgkError(
            "没有找到可汇总的年报文件（.xlsx、.xlsm、.json，或含有它们的文件夹、.zip、.eml）", kind="no_input"
        )
    units = read_all(sources, jobs, progress) + broken
    # a .docx or .pdf that is no annual report (a cover letter, a notice) is skipped, as other files are
    skipped += [Skipped(u.file, u.error) for u in units if u.error_code == "not_a_report"]
    units = [u for u in units if u.error_code != "not_a_report"]
    for i, name in enumerate(sorted(range(len(units)), key=lambda k: units[k].file)):
        units[name].order = i
    units.sort(key=lambda u: u.order)
    check_across_years(units)

    readable = [u for u in units if u.data is not None]
    if year is None:
        years = Counter(u.year for u in readable if u.year is not None)
        year = max(years, key=lambda y: (years[y], y)) if years else None
    fmt = format_for_year(year) if year is not None and year >= 2019 else None
    result = MergeResult(org, year, fmt, units, skipped, roster=roster)
    for u in readable:
        if not u.included:
            continue
        if u.year != year:
            u.status = "wrong_year"
        elif u.format != fmt:
            u.status = "wrong_format"
    _mark_summary_overlaps([u for u in units if u.included])
    _mark_duplicates([u for u in units if u.included])
    if fmt is not None and result.included:
        form = load_form(fmt)
        result.summary = _sum(form, result, year)
        from ..check import check

        result.summary_report = check(result.summary, form)
    if roster is not None:
        have = {normalise_name(u.org) for u in result.included}
        names = {normalise_name(n) for n in roster}
        result.missing = [n for n in roster if normalise_name(n) not in have]
        result.unexpected = [u.org or u.file for u in result.included if normalise_name(u.org) not in names]
    return result


def _mark_summary_overlaps(units: list[Unit]) -> None:
    """A summary workbook (it lists its units in 汇总明细) whose units are also among the inputs is not counted:
    an earlier summary left in the folder, or a 片区 summary beside its own units. A unit matches by the
    SHA-256 of its file or by its 机关名称. A summary none of whose units is among the inputs counts as one
    unit (that is how the next level merges)."""
    for s in units:
        entries = s.data.summary_of if s.data is not None else None
        if not entries:
            continue
        others = [u for u in units if u is not s]
        shas = {u.sha256 for u in others}
        orgs = {normalise_name(u.org) for u in others if u.org}
        overlap = [e for e in entries if e["sha256"] in shas or normalise_name(e["org"]) in orgs]
        if overlap:
            s.status = "summary_overlap"
            s.overlap = [e["org"] or e["file"] for e in overlap]
            s.uncovered = [e["org"] or e["file"] for e in entries if e not in overlap]


def _mark_duplicates(units: list[Unit]) -> None:
    groups: dict[tuple, list[Unit]] = {}
    for u in units:
        if normalise_name(u.org):  # a summary and a unit report of the same office are not duplicates
            groups.setdefault((normalise_name(u.org), bool(u.data.summary_of)), []).append(u)
    for group in groups.values():
        if len(group) < 2:
            continue
        ranked = sorted(group, key=lambda u: u.order)
        ranked.sort(key=lambda u: u.date, reverse=True)  # stable: later 成文日期 first, then path order
        ranked.sort(key=lambda u: u.errors)
        ranked.sort(key=lambda u: u.status == "imported")  # a submitted workbook before a published report
        kept = ranked[0]
        for u in ranked[1:]:
            u.duplicate_rule = (
                "报送的工作簿或数据文件优先"
                if (u.status == "imported") != (kept.status == "imported")
                else "错误较少"
                if u.errors != kept.errors
                else "成文日期较晚"
                if u.date != kept.date
                else "文件名排序在前"
            )
            u.status, u.kept = "duplicate", kept.file
            kept.duplicates.append(u.file)


def _sum(form: Form, result: MergeResult, year: int) -> ReportData:
    from ..sums import recompute_totals

    units = result.included
    cells: dict = {}
    out_units: dict[str, str | None] = {}
    for cell in form.input_cells():
        values = [(u, u.data.cells.get(cell.id)) for u in units]
        blank = [u.name for u, v in values if v is None]
        if blank:
            result.blanks[cell.id] = blank
        filled = [(u, v) for u, v in values if v is not None]
        if cell.unit_choices:
            filled, out_units[cell.id] = _convert_units(cell, filled, result.notes)
        cells[cell.id] = sum(v for _, v in filled) if filled else None
    recompute_totals(form, cells)
    return ReportData(
        format=form.format,
        year=year,
        org=result.org,
        cells=cells,
        units=out_units,
        text={},
        info={},
        kind="json",
        source="（汇总）",
    )


def _convert_units(cell, filled, notes: list[str]):
    """Amounts with a free unit (2019 采购总金额): one unit kept as is; mixed units converted to 万元."""
    stated = {u.data.units.get(cell.id) for u, v in filled if v != 0}
    known = stated - {None}
    if len(known) == 1 and None not in stated:
        return filled, known.pop()
    if not known:
        units_given = {u.data.units.get(cell.id) for u, _ in filled} - {None}
        return filled, (units_given.pop() if len(units_given) == 1 else None)
    target = "万元"
    out = []
    for u, v in filled:
        unit = u.data.units.get(cell.id)
        if v != 0 and unit == "元":
            v = Decimal(v) / Decimal(10000)
        elif v != 0 and unit is None:
            notes.append(f"{u.name}：{cell.label} 未注明单位，按万元计入")
        out.append((u, v))
    notes.append(f"{cell.label}：各单位单位不一，已统一换算为万元（元 ÷ 10000）")
    return out, target
