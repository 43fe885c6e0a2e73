"""What a merge is made of: the inputs (Source), what was skipped, each unit read (Unit) and the result."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from ..data import ReportData
from ..findings import Finding, Report
from ..rules import REFUSING
from ..rules.info import I_02
from ..rules.text import P_01

STATUSES = (
    "ok",
    "warnings",
    "errors",
    "imported",
    "duplicate",
    "summary_overlap",
    "wrong_year",
    "wrong_format",
    "wrong_structure",
    "unreadable",
)
STATUS_NAMES = {
    "ok": "通过",
    "warnings": "有警告",
    "errors": "有错误",
    "imported": "由已发布的报告导入",
    "duplicate": "重复（未计入）",
    "summary_overlap": "汇总表，所含单位已在输入中（未计入）",
    "wrong_year": "年度不符（未计入）",
    "wrong_format": "格式不符（未计入）",
    "wrong_structure": "表格结构被改动（未计入）",
    "unreadable": "无法读取（未计入）",
}
INCLUDED = ("ok", "warnings", "errors", "imported")
KEY_TOTALS = (
    ("t3.new_received.total", "本年新收申请"),
    ("t3.total.total", "办理结果总计"),
    ("t3.carry_forward.total", "结转下年度"),
    ("t4.review.total", "行政复议"),
    (("t4.lit_direct.total", "t4.lit_after_review.total"), "行政诉讼"),
)
DEFAULT_SUMMARY_ORG = "汇总单位"  # the summary's 机关名称 when the office does not give its own
TO_FILL = (I_02.id, P_01.id)  # a summary has the units' numbers, not the office's own 基本信息 and text
DUPLICATE_RULE = (
    "同一机关同一年度有多份报表时只计一份：先取报送的工作簿或数据文件（而不是由已发布的报告导入的），"
    "再取错误较少的，再取成文日期较晚的，再取文件名排序在前的"
)

Progress = Callable[[int, int, str], None]  # (done, total, file just finished)


@dataclass
class Source:
    """One report file to read: on disk (path) or in memory (blob); name is how it is shown."""

    name: str
    path: str | None = None
    blob: bytes | None = None


@dataclass
class Skipped:
    file: str
    reason: str

    def to_json(self) -> dict:
        return {"file": self.file, "reason": self.reason}


@dataclass
class Unit:
    file: str
    sha256: str = ""
    org: str = ""
    year: int | None = None
    format: str = ""
    status: str = "unreadable"
    errors: int = 0
    warnings: int = 0
    error: str = ""  # why it could not be read
    error_code: str = ""  # … as a stable code: a kind of errors.ERROR_KINDS, or "internal"
    date: str = ""  # 成文日期
    findings: list[Finding] = field(default_factory=list)
    data: ReportData | None = None
    kept: str | None = None  # a duplicate: the file kept instead
    duplicate_rule: str = ""  # a duplicate: why that file was kept
    duplicates: list[str] = field(default_factory=list)  # the kept file: the files it replaced
    overlap: list[str] = field(default_factory=list)  # a summary_overlap: its units that are among the inputs
    uncovered: list[str] = field(default_factory=list)  # … and those that are not (left out of the sum!)
    order: int = 0

    @property
    def included(self) -> bool:
        return self.status in INCLUDED

    @property
    def name(self) -> str:
        return self.org or self.file

    def total(self, key) -> int | Decimal | None:
        if self.data is None:
            return None
        keys = key if isinstance(key, tuple) else (key,)
        values = [self.data.cells.get(k) for k in keys]
        return None if all(v is None for v in values) else sum(v for v in values if v is not None)

    def to_json(self) -> dict:
        out = {
            "file": self.file,
            "sha256": self.sha256,
            "org": self.org,
            "year": self.year,
            "format": self.format,
            "status": self.status,
            "included": self.included,
            "errors": self.errors,
            "warnings": self.warnings,
        }
        if self.error:
            out["error"] = self.error
            out["error_code"] = self.error_code
        if self.kept:
            out["duplicate_of"] = self.kept
            out["rule"] = self.duplicate_rule
        if self.duplicates:
            out["kept"] = True
            out["replaces"] = self.duplicates
        if self.status == "summary_overlap":
            out["overlap"] = self.overlap
            out["uncovered"] = self.uncovered
        return out


@dataclass
class MergeResult:
    org: str
    year: int | None
    format: str | None
    units: list[Unit]
    skipped: list[Skipped]
    roster: list[str] | None = None
    missing: list[str] = field(default_factory=list)
    unexpected: list[str] = field(default_factory=list)  # included units not on the roster
    blanks: dict[str, list[str]] = field(default_factory=dict)  # input cell → units that left it blank
    notes: list[str] = field(default_factory=list)
    summary: ReportData | None = None
    summary_report: Report | None = None

    @property
    def summary_errors(self) -> int | None:
        """Errors in the summed numbers; what the office itself must still write (TO_FILL) is not one of them."""
        if self.summary_report is None:
            return None
        return sum(1 for f in self.summary_report.findings if f.severity == "error" and f.rule not in TO_FILL)

    @property
    def summary_todo(self) -> str:
        """What the office must fill in the summary before `xxgk report` writes a final report."""
        if self.summary_report is None:
            return ""
        todo = [f.message for f in self.summary_report.findings if f.rule in TO_FILL]
        return (
            "汇总表只含各单位之和：生成本级的年度报告前，请在汇总表中填写本机关的内容——"
            + "".join(f"（{i}）{message}" for i, message in enumerate(todo, start=1))
            if todo
            else ""
        )

    @property
    def included(self) -> list[Unit]:
        return [u for u in self.units if u.included]

    @property
    def ok(self) -> bool:
        """Every expected unit included without errors (exit code 0)."""
        bad = {"errors", "wrong_year", "wrong_format", "wrong_structure", "unreadable"}
        return (
            self.summary is not None
            and not self.missing
            and not any(u.status in bad or (u.status == "imported" and u.errors) for u in self.units)
            and not any(u.uncovered for u in self.units)
        )

    def to_json(self, summary_path: str | None = None) -> dict:
        return {
            "org": self.org,
            "year": self.year,
            "format": self.format,
            "units": [u.to_json() for u in self.units],
            "missing": self.missing,
            "unexpected": self.unexpected,
            "skipped": [s.to_json() for s in self.skipped],
            "blanks": self.blanks,
            "notes": self.notes,
            "duplicate_rule": DUPLICATE_RULE,
            "summary": summary_path,
            "summary_errors": self.summary_errors,
            "summary_todo": self.summary_todo,
        }

    def write(self, path: str | Path, overwrite: bool = False) -> Path:
        """The summary workbook (summary.py)."""
        from .summary import write_summary

        return write_summary(self, path, overwrite)


def normalise_name(name: str) -> str:
    """A 机关名称 as compared: without any whitespace."""
    return re.sub(r"\s+", "", name or "")


def explained(u: Unit) -> str:
    """The unit's own reasons for its warnings (情况说明), for the office above: "T2-01：…；N-06：…"."""
    return "；".join(f"{f.rule}：{f.explained}" for f in u.findings if f.explained)


def unit_note(u: Unit) -> str:
    """What the 汇总明细, the page and the terminal say of a unit besides its status."""
    if u.error:
        return u.error
    if u.kept:
        return f"与 {u.kept} 重复，保留后者（{u.duplicate_rule}）"
    if u.duplicates:
        return f"同一机关另有 {'、'.join(u.duplicates)}，保留本文件"
    if u.status == "summary_overlap":
        note = (
            f"这是一份汇总表，它汇总的 {'、'.join(u.overlap[:5])}{' 等' if len(u.overlap) > 5 else ''}"
            f"（{len(u.overlap)} 个单位）也在本次输入中；为免重复计算，本汇总表未计入"
        )
        if u.uncovered:
            note += (
                f"。注意：它还汇总了 {'、'.join(u.uncovered[:5])}{' 等' if len(u.uncovered) > 5 else ''}"
                f"（{len(u.uncovered)} 个单位），这些单位的报表不在本次输入中，未计入汇总，请补齐"
            )
        return note
    if u.status == "imported":
        missing = len(u.data.missing) if u.data is not None else 0
        return "由已发布的报告导入（按审核口径校验）" + (
            f"；{missing} 个表格单元格在报告中没有找到，按空白处理" if missing else ""
        )
    if u.status == "wrong_structure":
        return (
            "工作簿的结构被改动，数字无法按原位置准确读取："
            + "；".join(f.message for f in u.findings if f.rule in REFUSING)[:300]
        )
    if u.status == "wrong_year":
        return f"报告年度为 {u.year}" if u.year is not None else "未填报告年度"
    if u.status == "wrong_format":
        return f"{u.year} 年度不应使用 {u.format} 格式"
    return ""
