"""Aggregation upward (`xxgk merge`): read and check many units' reports, sum the included ones into a
summary workbook of the same form.

Inputs are workbooks, JSON data files, folders, .zip archives and saved .eml e-mails (inputs.py). Every unit is
read and checked with the same pipeline as `xxgk check` (units.py); a bad unit never stops the batch. Which units
are counted, and their sum (core.py); the roster of expected units (roster.py); the summary workbook with its
汇总明细 (summary.py); what the user is told: text, JSON and the HTML page (page.py).

    result = merge(["收到的/"], org="某某县人民政府办公室", year=2025)
    result.write("汇总.xlsx")
"""

from __future__ import annotations

from .core import merge
from .inputs import collect, decode_name
from .model import DEFAULT_SUMMARY_ORG, STATUS_NAMES, STATUSES, MergeResult, Skipped, Source, Unit, normalise_name
from .page import render_html, render_text, to_json_text
from .roster import read_roster
from .units import read_unit

__all__ = [
    "DEFAULT_SUMMARY_ORG",
    "STATUSES",
    "STATUS_NAMES",
    "MergeResult",
    "Skipped",
    "Source",
    "Unit",
    "collect",
    "decode_name",
    "merge",
    "normalise_name",
    "read_roster",
    "read_unit",
    "render_html",
    "render_text",
    "to_json_text",
]
