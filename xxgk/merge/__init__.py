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

import importlib

# What `from xxgk.merge import …` gives, and the module holding it: loaded on first use, so that the command line
# (which names DEFAULT_SUMMARY_ORG in its help) does not load the whole package for every command.
_EXPORTS = {
    "merge": "core",
    "collect": "inputs",
    "decode_name": "inputs",
    "DEFAULT_SUMMARY_ORG": "model",
    "STATUS_NAMES": "model",
    "STATUSES": "model",
    "MergeResult": "model",
    "Skipped": "model",
    "Source": "model",
    "Unit": "model",
    "normalise_name": "model",
    "render_html": "page",
    "render_text": "page",
    "to_json_text": "page",
    "read_roster": "roster",
    "read_unit": "units",
}
__all__ = sorted(_EXPORTS)


def __getattr__(name: str):
    if name not in _EXPORTS:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f".{_EXPORTS[name]}", __name__), name)
