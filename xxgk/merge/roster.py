"""The roster: the units expected to report (应报单位名单), from a .xlsx or .csv list."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

from ..errors import XxgkError
from .model import normalise_name

ROSTER_HEADERS = ("机关名称", "单位名称", "单位", "名称", "机关")  # the header cell of the names' column, by preference
ROSTER_HEAD_ROWS = 10  # a title, a date, a note may stand above the header row


def read_roster(path: str | Path) -> list[str]:
    """Expected units: a .xlsx or .csv list. The header row is the first of its first rows holding 机关名称 /
    单位名称 / 单位 / 名称 (a title row above it is fine); the names are that column's cells below it. Without
    such a row the first column is the list. A roster whose "names" are numbers, dates or too short to be a
    unit's name is refused rather than guessed at."""
    path = Path(path)
    lower = path.name.lower()
    try:
        if lower.endswith(".csv"):
            raw = path.read_bytes()
            try:
                text = raw.decode("utf-8-sig")
            except UnicodeDecodeError:
                text = raw.decode("gb18030", errors="replace")
            rows = [list(r) for r in csv.reader(io.StringIO(text))]
        elif lower.endswith((".xlsx", ".xlsm")):
            rows = _xlsx_rows(path)
        else:
            raise XxgkError("单位名单应为 .xlsx 或 .csv 文件", file=str(path), kind="usage")
    except OSError as exc:
        from ..errors import file_error

        raise file_error(exc, path, "单位名单") from None
    rows = [[_roster_cell(v) for v in r] for r in rows]
    col, start = 0, 0
    found = [
        (ROSTER_HEADERS.index(normalise_name(v)), i, j)
        for i, r in enumerate(rows[:ROSTER_HEAD_ROWS])
        for j, v in enumerate(r)
        if normalise_name(v) in ROSTER_HEADERS
    ]
    if found:
        _, header_row, col = min(found, key=lambda f: (f[1], f[0]))  # the first header row; its best column
        start = header_row + 1
    names: list[str] = []
    for r in rows[start:]:
        name = r[col].strip() if col < len(r) else ""
        if normalise_name(name) and name not in names:
            names.append(name)
    if not names:
        raise XxgkError(
            "单位名单是空的（表头“机关名称”“单位名称”下面，或第一列中，没有名称）", file=str(path), kind="bad_data"
        )
    implausible = [n for n in names if not _plausible_name(n)]
    if implausible:
        where = f"“{rows[start - 1][col]}”列" if start else "第一列"
        raise XxgkError(
            f"单位名单的{where}中有不像单位名称的内容：{'、'.join(implausible[:5])}"
            f"{' 等' if len(implausible) > 5 else ''}（{len(implausible)} 个）。请让名称单独占一列、"
            f"表头写“单位名称”，删去序号、日期和合计等内容后再试",
            file=str(path),
            kind="bad_data",
        )
    return names


def _roster_cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # a 序号 read as 1.0 is shown as 1
    return str(value)


_NAME_CHARS = re.compile(r"[\u4e00-\u9fffA-Za-z]")


def _plausible_name(name: str) -> bool:
    """A unit's name has at least two letters or CJK characters (numbers, dates and 序号 have not)."""
    return len(_NAME_CHARS.findall(name)) >= 2


def _xlsx_rows(path: Path) -> list[list]:
    from ..xlsx import open_package

    pkg = open_package(path)  # the same safety checks as a report workbook
    try:
        import python_calamine

        wb = python_calamine.CalamineWorkbook.from_path(str(path))
        try:
            return wb.get_sheet_by_index(0).to_python()
        finally:
            wb.close()
    except XxgkError:
        raise
    except Exception as exc:
        raise XxgkError(f"无法读取单位名单（{exc}）", file=str(path), kind="unreadable") from None
    finally:
        pkg.close()
