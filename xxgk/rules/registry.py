"""The registry's machinery: what a rule is, how a finding is made from it, and what rule functions see.

A rule is one entry (`rule(...)` in the module of its table or concern): id, title, severity in both modes,
the message template (Chinese, with named fields), the typed values its findings carry, its parameters,
where it applies, and — when the workbook shows it live — the builder of its 校验 sheet rows. Where rules.md
gives a rule different severities in different situations (X-01 against another system's data, V-03 for a
missing unit), the entry declares each situation as a named case with its own severity and template: the
severity of a finding comes from the registry only, never from the place that raises it.
"""

from __future__ import annotations

import sys
import types
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from ..data import Number, ReportData
from ..findings import SEVERITY_NAMES, Finding
from ..form import FORMATS, Form, col_index, col_letter, defined_name, split_address

MODES = ("generate", "audit")  # checking for publication, or auditing received / third-party data (rules.md)
SCOPES = {"read": "读取时", "report": "当年", "previous": "跨年", "text": "文字"}

# The types a value of a finding may have (checked when a finding is made): a number of the tables, a count,
# a share, text, a list of cell ids or names, a mapping of cell ids to numbers.
VALUE_TYPES = {
    "number": (int, float, type(None)),
    "int": (int,),
    "float": (float,),
    "text": (str, type(None)),
    "list": (list,),
    "map": (dict,),
    "bool": (bool,),
    "any": (object,),
}


@dataclass(frozen=True)
class Case:
    """One situation of a rule: its severity when generating and when auditing, its message, its values."""

    severity: str
    audit: str
    message: str
    values: tuple[tuple[str, str], ...] = ()  # (name, type of VALUE_TYPES), in the order of the JSON output


@dataclass
class Rule:
    id: str
    title: str
    cases: dict[str, Case]
    params: types.MappingProxyType = field(default_factory=lambda: types.MappingProxyType({}))
    formats: tuple[str, ...] = FORMATS
    scope: str = "report"  # read | report | previous | text
    sheet: Callable | None = None  # (form, builder) → the 校验 sheet's rows of this rule
    sums: str | None = None  # a sum rule: the kind of the form's sums it checks (form.SumRule.kind)
    module: str = ""

    def severity(self, mode: str = "generate", case: str = "") -> str:
        c = self.cases[case]
        return c.audit if mode == "audit" else c.severity

    @property
    def severities(self) -> str:
        """As the catalogue shows it: 错误, or 错误/警告 when the cases or the modes differ."""
        found = dict.fromkeys(s for c in self.cases.values() for s in (c.severity, c.audit))
        return "/".join(SEVERITY_NAMES[s] for s in found)

    def finding(
        self,
        case: str = "",
        *,
        cell_ids: Iterable[str] = (),
        addresses: Iterable[str] = (),
        mode: str = "generate",
        **fields,
    ) -> Finding:
        """A finding of this rule: the message rendered from the case's template with `fields`, the values
        taken (typed, in order) from the same fields. A field the template or the values name and the caller
        does not give is a bug of the caller, raised at once."""
        c = self.cases[case]
        values = {}
        for name, kind in c.values:
            value = fields[name]
            if not isinstance(value, VALUE_TYPES[kind]) or (kind not in ("bool", "any") and isinstance(value, bool)):
                raise TypeError(f"{self.id}{'/' + case if case else ''}: value {name}={value!r} is not {kind}")
            values[name] = value
        return Finding(
            self.id,
            c.audit if mode == "audit" else c.severity,
            c.message.format_map(fields),
            list(cell_ids),
            list(addresses),
            values,
            case,
        )


RULES: dict[str, Rule] = {}


def rule(
    id: str,
    title: str,
    message: str = "",
    *,
    severity: str = "error",
    audit: str | None = None,
    values: tuple = (),
    cases: dict[str, Case] | None = None,
    params: dict | None = None,
    formats: tuple[str, ...] = FORMATS,
    scope: str = "report",
    sheet: Callable | None = None,
    sums: str | None = None,
) -> Rule:
    """Register a rule. `message`/`severity`/`audit`/`values` make its main case (""); `cases` adds others."""
    if id in RULES:
        raise ValueError(f"rule {id} registered twice")
    all_cases = {}
    if message:
        all_cases[""] = Case(severity, audit or severity, message, tuple(values))
    all_cases.update(cases or {})
    module = sys._getframe(1).f_globals.get("__name__", "")
    entry = Rule(
        id, title, all_cases, types.MappingProxyType(dict(params or {})), tuple(formats), scope, sheet, sums, module
    )
    RULES[id] = entry
    return entry


def case(message: str, severity: str = "error", audit: str | None = None, values: tuple = ()) -> Case:
    return Case(severity, audit or severity, message, tuple(values))


@dataclass
class Context:
    """What a rule function sees: the data, its form, the values with the totals a JSON file leaves out
    computed (`v`), the mode, and last year's report when the check is across years."""

    data: ReportData
    form: Form
    mode: str
    v: dict[str, Number | None]
    previous: ReportData | None = None

    def where(self, cid: str) -> str:
        cell = self.form.cells.get(cid)
        return f"{cell.sheet} {cell.address}" if cell else cid

    def finding(self, entry: Rule, case: str = "", cells: Iterable[str] = (), **fields) -> Finding:
        cells = list(cells)
        addresses = [self.form.cells[c].ref for c in cells if c in self.form.cells]
        return entry.finding(case, cell_ids=cells, addresses=addresses, mode=self.mode, **fields)


def num(v):
    """A number as a finding's value (JSON): Decimal → int when whole, else float."""
    if isinstance(v, Decimal):
        return int(v) if v == v.to_integral_value() else float(v)
    return v


# -- the 校验 sheet: helpers for the rows' Excel formulas (each rule's `sheet` builder yields
#    (rule id, description, left, right, difference, status) with formulas without "=") ---------------------------


def sheet_ref(sheet: str, address: str) -> str:
    col, row = split_address(address)
    return f"'{sheet}'!${col}${row}"


def status_eq(ids, left: str, right: str) -> str:
    """通过 when left = right, 错误 when not, 未填 while every cell of `ids` is blank."""
    return f'IF(COUNT({",".join(defined_name(i) for i in ids)})=0,"未填",IF({left}={right},"通过","错误"))'


def row_ranges(cells) -> list[str]:
    """Quoted A1 ranges covering the cells, one per run of adjacent cells in a row."""
    by_row: dict[tuple[str, int], list[int]] = {}
    for c in cells:
        col, row = split_address(c.address)
        by_row.setdefault((c.sheet, row), []).append(col_index(col))
    out = []
    for (sheet, row), cols in by_row.items():
        cols.sort()
        start = prev = cols[0]
        for x in cols[1:] + [None]:
            if x is not None and x == prev + 1:
                prev = x
                continue
            a, b = col_letter(start), col_letter(prev)
            out.append(f"'{sheet}'!{a}{row}" + (f":{b}{row}" if b != a else ""))
            if x is not None:
                start = prev = x
    return out
