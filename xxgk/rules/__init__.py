"""The rule registry: one entry per rule id of rules.md and of our own workbook and text rules.

Where a rule is, the file name says: structure.py (the form, the workbook as read), info.py (基本信息),
values.py (numbers of the cells' types), t2.py / t3.py / t4.py (the tables; their sums are evaluated together in
totals.py), text.py (the staff's text), narrative.py (numbers in the text against the tables, read by
claims.py with the words of claims.toml), crossyear.py (against last year's report). Each entry holds the
rule's id, title, severity, message template, typed values, parameters and, where the workbook checks it
live, its 校验 sheet rows; the README's rule table, the 校验 sheet and 填报说明's list are generated from here.

    python -m xxgk.rules --list       the catalogue
"""

from __future__ import annotations

from . import crossyear, info, narrative, structure, t2, t3, t4, text, totals, values
from .registry import MODES, RULES, SCOPES, Case, Context, Rule, num

# The catalogue's order (README, 校验 sheet, 填报说明): module by module, each module's rules as it defines them.
CATALOGUE = (structure, info, values, t2, t3, t4, text, narrative, crossyear)
_rank = {module.__name__: i for i, module in enumerate(CATALOGUE)}
for _rule in sorted(RULES.values(), key=lambda r: _rank[r.module]):
    RULES[_rule.id] = RULES.pop(_rule.id)

# The order in which a check evaluates the rules, which is the order of its findings.
WITHIN_YEAR = (
    structure.ids_and_format,
    info.basics,
    values.cells,
    text.paragraphs,
    totals.totals,
    t3.balance,
    t3.other_share,
    t2.within_year,
    text.narrative_2021,
    narrative.claims,
)
ACROSS_YEARS = (crossyear.across_years,)
REFUSING = structure.REFUSING


def severity(rule_id: str, mode: str = "generate", case: str = "") -> str:
    return RULES[rule_id].severity(mode, case)


def title(rule_id: str) -> str:
    return RULES[rule_id].title


def where_it_runs(entry: Rule) -> str:
    """Python, in-sheet (the 校验 sheet of the workbook) or both."""
    return "Python 与校验表" if entry.sheet else "Python"


def catalogue() -> str:
    """The rule table of the README: id, severity, title (generated, never retyped)."""
    rows = ["| 规则 | 级别 | 内容 |", "|---|---|---|"]
    rows += [f"| {entry.id} | {entry.severities} | {entry.title} |" for entry in RULES.values()]
    return "\n".join(rows)


__all__ = [
    "ACROSS_YEARS",
    "MODES",
    "REFUSING",
    "RULES",
    "SCOPES",
    "WITHIN_YEAR",
    "Case",
    "Context",
    "Rule",
    "catalogue",
    "num",
    "severity",
    "title",
    "where_it_runs",
]
