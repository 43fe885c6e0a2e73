"""The sum hierarchy of a form, evaluated: one arithmetic for reading, filling, checking, reporting and merging.

The hierarchy itself is declared by the form (form.py: every total cell knows its parts; the group
subtotals of 表三 are SumRules that are never printed). Blank parts are left out of a sum and named;
a sum of parts that are all blank is blank (None), never 0. This module imports nothing above form.py.
"""

from __future__ import annotations

from .data import Number
from .form import Form


def sum_parts(values: dict[str, Number | None], parts) -> tuple[Number | None, list[str]]:
    """Σ of the parts that are filled, and the ids of those left blank. All blank → None."""
    blanks = [p for p in parts if values.get(p) is None]
    filled = [values[p] for p in parts if values.get(p) is not None]
    return (sum(filled) if filled else None), blanks


def recompute_totals(form: Form, values: dict[str, Number | None], keep=frozenset()) -> None:
    """Give every total cell the value its formula computes (in place), except the ids in `keep`.

    Totals may sum totals (（七）总计 × 总计), so cells are computed on demand, memoised.
    """
    done: set[str] = set(keep)

    def value(cid: str):
        cell = form.cells[cid]
        if cell.is_total and cid not in done:
            for part in cell.parts:
                value(part)
            values[cid] = sum_parts(values, cell.parts)[0]
            done.add(cid)
        return values.get(cid)

    for cell in form.total_cells():
        value(cell.id)


def with_totals(form: Form, cells: dict[str, Number | None], subtotals: bool = False) -> dict[str, Number | None]:
    """Every cell of the form → its value: totals that `cells` states are kept as stated, totals it leaves
    out are computed from their parts (a JSON data file may omit them). With `subtotals`, the 表三 group
    subtotals that the form never prints are added too (as stated, else computed)."""
    values = {cid: cells.get(cid) for cid in form.cells}
    recompute_totals(form, values, keep={cid for cid in form.cells if cid in cells})
    if subtotals:
        for rule in form.sums:
            if not rule.printed:
                stated = cells.get(rule.target)
                values[rule.target] = stated if stated is not None else sum_parts(values, rule.parts)[0]
    return values
