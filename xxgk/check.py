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
    explain(findings, data.explanations)
    return Report(data.source, data.format, data.year, data.org, findings)


def explain(findings, explanations) -> None:
    """The unit's 情况说明: a warning of the rule whose cells include the explanation's cells (none: any warning of
    the rule) is explained, shown with its reason and not counted as open. An error is never explained away."""
    for f in findings:
        if f.severity != "warning":
            continue
        for e in explanations:
            if e["rule"] == f.rule and set(e["cells"]) <= set(f.cells):
                f.explained = e["text"].strip()
                break
