"""check(data, form, previous) → Report: every rule of the registry (xxgk/rules/) that applies.

It never raises for bad data: a bad cell is a finding. Every rule compares the stated values — in a
JSON data file the totals as written (those it leaves out computed), in a workbook the formula cells as
recomputed by the reader. The findings the reader made (data.problems) come first.
"""

from __future__ import annotations

from .data import ReportData
from .findings import Report
from .form import Form, load_form
from .rules import ACROSS_YEARS, MODES, WITHIN_YEAR, Context
from .sums import with_totals


def check(
    data: ReportData, form: Form | None = None, previous: ReportData | None = None, mode: str = "generate"
) -> Report:
    if mode not in MODES:
        raise ValueError(f"mode must be one of {MODES}, not {mode!r}")
    form = form or load_form(data.format)
    ctx = Context(data, form, mode, {**data.cells, **with_totals(form, data.cells)}, previous)
    findings = list(data.problems)
    for evaluate in WITHIN_YEAR + (ACROSS_YEARS if previous is not None else ()):
        findings.extend(evaluate(ctx))
    return Report(data.source, data.format, data.year, data.org, findings)
