"""The summary workbook: the same form, each input cell the sum of the units counted, and a 汇总明细 sheet
listing every file read (which the next level reads to recognise an earlier summary among its inputs)."""

from __future__ import annotations

from pathlib import Path

from ..errors import XxgkError
from ..form import SUMMARY_DETAIL_SHEET, load_form
from .model import KEY_TOTALS, STATUS_NAMES, MergeResult, explained, unit_note

DETAIL_HEADER = (
    "文件",
    "SHA-256",
    "机关名称",
    "年度",
    "格式",
    "状态",
    "计入汇总",
    "错误",
    "警告",
    *(label for _, label in KEY_TOTALS),
    "说明",
    "已说明的警告（单位的情况说明）",
)
DETAIL_WIDTHS = (40, 18, 28, 8, 8, 16, 10, 6, 6, 10, 10, 10, 10, 10, 60, 60)


def detail_sheet(result: MergeResult):
    """汇总明细: every file read, its status and whether it was counted; skipped files; units not reported."""
    from ..build import ExtraSheet

    none = tuple(None for _ in KEY_TOTALS)
    rows = [
        (
            u.file,
            u.sha256,
            u.org,
            u.year,
            u.format,
            STATUS_NAMES[u.status],
            "是" if u.included else "否",
            u.errors,
            u.warnings,
            *(u.total(k) for k, _ in KEY_TOTALS),
            unit_note(u),
            explained(u),
        )
        for u in result.units
    ]
    rows += [(s.file, "", "", None, "", "已跳过", "否", None, None, *none, s.reason, "") for s in result.skipped]
    rows += [
        ("", "", name, None, "", "未报送", "否", None, None, *none, "名单中有、未收到可计入的报表", "")
        for name in result.missing
    ]
    return ExtraSheet(SUMMARY_DETAIL_SHEET, DETAIL_HEADER, tuple(rows), DETAIL_WIDTHS)


def summary_bytes(result: MergeResult) -> bytes:
    from ..build import build_bytes

    if result.summary is None:
        raise XxgkError("没有可计入汇总的报表，未生成汇总表", kind="no_input")
    return build_bytes(load_form(result.summary.format), result.summary, extra=(detail_sheet(result),))


def write_summary(result: MergeResult, path: str | Path, overwrite: bool = False) -> Path:
    from ..fsutil import write_atomic

    path = Path(path)
    write_atomic(path, summary_bytes(result), overwrite=overwrite)
    return path
