"""`xxgk compare`: a published report against the workbook (or JSON) the unit submitted.

What differs: every table cell whose published value is not the submitted one (and the cells the published
report does not show at all), each text part with its similarity (rules.md X-03's metric), and the rules
the submitted data passed but the published numbers break. A folder of published reports is paired with a
folder of submitted files by 机关名称 and year.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from .data import ReportData, fmt_number
from .errors import XxgkError
from .form import load_form
from .pipeline import check_loaded
from .rules.crossyear import similarity

TEXT_PARTS = ("preamble", "part1", "part2", "part3", "part4", "part5", "part6")
PART_NAMES = {"preamble": "引言", **{f"part{k}": f"第{'一二三四五六'[k - 1]}部分" for k in range(1, 7)}}
_SPACE = re.compile(r"\s+")


@dataclass
class CellDiff:
    cell: str
    label: str
    published: object  # a number, None (blank), or the printed text ("—")
    submitted: object


@dataclass
class Comparison:
    published: ReportData
    submitted: ReportData
    cells: list[CellDiff] = field(default_factory=list)
    unread: list[str] = field(default_factory=list)  # table cells the published report does not show
    texts: dict[str, float] = field(default_factory=dict)  # part → similarity 0…1 (parts present on either side)
    broken: list = field(default_factory=list)  # findings (errors) of rules the submitted data passed

    @property
    def same(self) -> bool:
        return not self.cells and not self.unread and not self.broken and all(v == 1 for v in self.texts.values())

    def to_json(self) -> dict:
        return {
            "published": self.published.source,
            "submitted": self.submitted.source,
            "org": self.submitted.org,
            "year": self.submitted.year,
            "same": self.same,
            "cells": [
                {"cell": d.cell, "label": d.label, "published": _plain(d.published), "submitted": _plain(d.submitted)}
                for d in self.cells
            ],
            "unread": self.unread,
            "texts": {k: round(v, 4) for k, v in self.texts.items()},
            "broken_rules": [f.to_json() for f in self.broken],
        }


def _plain(v):
    return v if v is None or isinstance(v, (int, str)) else fmt_number(v)


def _value(data: ReportData, cid: str):
    return data.bad_values[cid][0] if cid in data.bad_values else data.cells.get(cid)


def _text(data: ReportData, key: str) -> str:
    return _SPACE.sub("", unicodedata.normalize("NFKC", data.text.get(key) or ""))


def compare(published: ReportData, submitted: ReportData) -> Comparison:
    if published.format != submitted.format:
        raise XxgkError(
            f"两份报告的格式不同（已发布：{published.format} 格式，报送：{submitted.format} 格式），无法逐格比较",
            file=published.source or None,
            kind="wrong_format",
        )
    if published.year and submitted.year and published.year != submitted.year:
        raise XxgkError(
            f"两份报告的年度不同（已发布：{published.year} 年度，报送：{submitted.year} 年度）",
            file=published.source or None,
            kind="wrong_year",
        )
    form = load_form(submitted.format)
    out = Comparison(published, submitted)
    for cell in form.cells.values():
        if cell.table == "extra":
            continue
        if cell.id in published.missing:
            out.unread.append(cell.id)
            continue
        a, b = _value(published, cell.id), _value(submitted, cell.id)
        if a != b:
            out.cells.append(CellDiff(cell.id, cell.row_label, a, b))
    for key in TEXT_PARTS:
        a, b = _text(published, key), _text(submitted, key)
        if a or b:
            out.texts[key] = 1.0 if a == b else similarity(a, b)
    # the rules: errors in the published numbers of rules that the submitted data passed (the same mode for both,
    # audit, so that only the numbers differ; the import's own notes about unread cells are not rules)
    published_report = check_loaded(published)
    submitted_report = check_loaded(_as_published(submitted))
    failed_before = {f.rule for f in submitted_report.findings if f.severity == "error"}
    out.broken = [f for f in published_report.findings if f.severity == "error" and f.rule not in failed_before]
    return out


def _as_published(data: ReportData) -> ReportData:
    """The submitted data checked as the published report is (audit mode), without changing the caller's copy."""
    from copy import copy

    twin = copy(data)
    twin.kind = "published"
    return twin


# -- a folder of pairs ---------------------------------------------------------------------------------------


def _key(data: ReportData) -> tuple[str, int | None]:
    return _SPACE.sub("", unicodedata.normalize("NFKC", data.org or "")), data.year


def pair_folders(
    published_dir: Path, submitted_dir: Path, load
) -> tuple[list[tuple[ReportData, ReportData]], list[str]]:
    """Pair each published report with the submitted file of the same 机关名称 and year → (pairs, notes)."""
    from .published import is_published

    def read_all(folder: Path, published: bool):
        out, notes = {}, []
        for path in sorted(p for p in folder.iterdir() if p.is_file() and not p.name.startswith((".", "~$"))):
            if not (is_published(path) if published else path.suffix.lower() in (".xlsx", ".json")):
                continue
            try:
                data = load(path)
            except XxgkError as exc:
                notes.append(f"{path.name}：无法读取，未比较：{exc.message}")
                continue
            if _key(data) in out:
                notes.append(f"{path.name}：与 {Path(out[_key(data)].source).name} 的机关名称和年度相同，未比较")
                continue
            out[_key(data)] = data
        return out, notes

    published, notes = read_all(published_dir, True)
    submitted, more = read_all(submitted_dir, False)
    notes += more
    pairs = [(published[k], submitted[k]) for k in published if k in submitted]
    notes += [
        f"{Path(d.source).name}（{d.org or '未找到机关名称'}，{d.year or '?'} 年度）：找不到对应的报送文件"
        for k, d in published.items()
        if k not in submitted
    ]
    notes += [
        f"{Path(d.source).name}（{d.org}，{d.year} 年度）：找不到对应的已发布报告"
        for k, d in submitted.items()
        if k not in published
    ]
    return pairs, notes


def render(c: Comparison, limit: int = 30) -> str:
    head = f"{c.submitted.org or '（未填机关名称）'}，{c.submitted.year or '?'} 年度：{Path(c.published.source).name} ↔ {Path(c.submitted.source).name}"
    if c.same:
        return f"{head}\n  ✓ 表格和文字与报送的一致\n"
    lines = [head]
    if c.cells:
        lines.append(f"  表格：{len(c.cells)} 个单元格不同")
        for d in c.cells[:limit]:
            lines.append(f"    {d.cell}（{d.label}）：已发布 {_shown(d.published)}，报送 {_shown(d.submitted)}")
        if len(c.cells) > limit:
            lines.append(f"    …另有 {len(c.cells) - limit} 个")
    else:
        lines.append("  表格：读到的单元格与报送的一致")
    if c.unread:
        lines.append(
            f"  已发布的报告中找不到 {len(c.unread)} 个单元格，未比较：{'、'.join(c.unread[:8])}{' 等' if len(c.unread) > 8 else ''}"
        )
    for key, ratio in c.texts.items():
        if ratio < 1:
            lines.append(
                f"  文字 {PART_NAMES[key]}：相似度 {ratio:.0%}"
                + (
                    "（已发布的没有这部分）"
                    if not _text(c.published, key)
                    else "（报送的没有这部分）"
                    if not _text(c.submitted, key)
                    else ""
                )
            )
    if c.broken:
        lines.append(f"  报送的数字通过、已发布的数字未通过的校验：{len(c.broken)} 项")
        lines += [f"    {f.rule}：{f.message}" for f in c.broken[:limit]]
    return "\n".join(lines) + "\n"


def _shown(v) -> str:
    return "空白" if v is None else f"“{v}”" if isinstance(v, str) else fmt_number(v)
