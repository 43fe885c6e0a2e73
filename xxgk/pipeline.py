"""One way through for every caller — the command line, the ribbon and merge: load → find last year's → check.

A unit gets the same findings whichever way it arrives (a file on disk, a member of a .zip, an e-mail
attachment, the workbook open in Excel): last year's report named in its 基本信息 is looked up beside it
in the same container, through a `find` function that the caller supplies (files on disk by default).
"""

from __future__ import annotations

import posixpath
from collections.abc import Callable
from pathlib import Path

from .check import check
from .data import ReportData
from .errors import XxgkError
from .findings import Finding, Report
from .rules import REFUSING
from .rules.crossyear import X_01

Find = Callable[
    [str], "ReportData | None"
]  # a location → the report there, None when absent; XxgkError when unreadable


def load(file) -> ReportData:
    from .read import load as read_any

    return read_any(file)


def check_file(file, given_previous: ReportData | None = None) -> tuple[ReportData, Report]:
    """Read and check one file, with last year's report from --previous or from 基本信息 → (data, report)."""
    data = load(file)
    report = check_loaded(data, given_previous)
    report.file = str(file)
    return data, report


def check_loaded(data: ReportData, given_previous: ReportData | None = None, find: Find | None = None) -> Report:
    """Check data already read, across years when last year's report is given or named in 基本信息."""
    previous, note = (given_previous, None) if given_previous is not None else find_previous(data, find)
    # a published report (xxgk import) cannot be corrected by its reader: audit mode (rules.md)
    report = check(data, previous=previous, mode="audit" if data.kind == "published" else "generate")
    if note:
        report.findings.append(note)
    return report


def previous_location(data: ReportData) -> str | None:
    """Where the 上一年度报告文件 of 基本信息 is: beside the report's file, in the same folder of the same
    container ("收到.zip!甲局/2024.xlsx"); None when none is named or the report was never saved."""
    name = data.info.get("previous_file", "").strip()
    if not name:
        return None
    if Path(name).is_absolute():
        return name
    if not data.source:
        return None  # a workbook never saved (Excel's 工作簿1): no folder to look in
    if "!" in data.source:
        container, member = data.source.rsplit("!", 1)
        return (
            f"{container}!{posixpath.normpath(posixpath.join(posixpath.dirname(member), name.replace(chr(92), '/')))}"
        )
    return str(Path(data.source).resolve().parent / name)


def _from_disk(location: str) -> ReportData | None:
    return load(location) if "!" not in location else None


def find_previous(data: ReportData, find: Find | None = None) -> tuple[ReportData | None, Finding | None]:
    """Last year's report named in 基本信息, or a note (X-01, warning) why it could not be used."""
    location = previous_location(data)
    if location is None:
        return None, None
    try:
        previous = (find or _from_disk)(location)
        if previous is None:
            raise XxgkError("文件不存在", kind="not_found")
    except XxgkError as exc:
        return None, X_01.finding("unusable", reason=exc.message, previous_file=location)
    return previous, None


def require_previous_year(previous: ReportData, year: int | None) -> None:
    """Last year's report must be of the year before (xxgk new --previous, the ribbon's 上年报告)."""
    if previous.year is not None and year is not None and previous.year != year - 1:
        raise XxgkError(
            f"所选的上一年度文件是 {previous.year} 年度的报告，本报告是 {year} 年度：请选择 {year - 1} 年度的报告",
            file=previous.source or None,
            kind="wrong_year",
        )


def refusals(data: ReportData) -> list[Finding]:
    """The findings that make the data unusable: what was read is not exactly what the workbook shows."""
    return [p for p in data.problems if p.rule in REFUSING]


def require_usable(data: ReportData, what: str) -> None:
    """Refuse (exit 2) data that could not be read exactly: never export, report or carry over shifted values."""
    found = refusals(data)
    if found:
        raise XxgkError(
            f"工作簿的结构被改动，不能{what}（数字或文字无法按原位置准确读取）：\n  "
            + "\n  ".join(f"{f.rule}：{f.message}" for f in found[:5]),
            file=data.source or None,
            kind="structure_changed",
        )
