"""ReportData: one report's numbers and text as plain data, and its JSON data file.

Blank stays blank (None), never silently 0. Whatever cannot be read as a number of the cell's type
is kept out of `cells` and recorded as a read problem (a finding), never coerced.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

from .errors import XxgkError, file_error
from .findings import Finding

Number = int | Decimal

MAX_JSON_BYTES = 64 * 1024 * 1024
MAX_PARAGRAPH = 32767  # Excel's limit of characters in one cell
TEXT_KEYS = ("preamble", "part1", "part2", "part3", "part4", "part5", "part6")
INFO_KEYS = (
    "title",
    "issuer_mark",
    "doc_number",
    "date",
    "address",
    "postcode",
    "phone",
    "email",
    "website",
    "cc",
    "printer",
    "print_date",
    "previous_file",
    "filled_by",
    "reviewed_by",
)


@dataclass
class ReportData:
    format: str
    year: int | None
    org: str = ""
    info: dict[str, str] = field(default_factory=dict)
    cells: dict[str, Number | None] = field(default_factory=dict)
    units: dict[str, str | None] = field(default_factory=dict)
    text: dict[str, str] = field(default_factory=dict)
    source: str = ""  # the file it was read from
    kind: str = "json"  # json | workbook (totals are formulas, recomputed) | published (xxgk import)
    bad_values: dict[str, tuple[object, str]] = field(default_factory=dict)  # id → (raw, why not a number)
    problems: list[Finding] = field(default_factory=list)  # structure findings made while reading
    missing: set[str] = field(default_factory=set)  # ids on a sheet that is missing: not read at all
    # a summary made by `xxgk merge`: the units it counted, [{"file", "sha256", "org"}] (its 汇总明细); else None
    summary_of: list[dict[str, str]] | None = None
    # the unit's 情况说明 of warnings: [{"rule", "cells": [ids], "text"}] (a warning of that rule whose cells include them)
    explanations: list[dict] = field(default_factory=list)

    def paragraphs(self, key: str) -> list[str]:
        return [p for p in self.text.get(key, "").split("\n") if p.strip()]

    def to_json(self) -> dict:
        out = {
            "format": self.format,
            "year": self.year,
            "org": self.org,
            "info": {k: self.info.get(k, "") for k in INFO_KEYS},
            # a cell whose printed text is not a number keeps that text ("—", "无"): S-04 names it
            "cells": {
                k: _json_raw(self.bad_values[k][0]) if k in self.bad_values else _json_number(v)
                for k, v in self.cells.items()
            },
            "units": dict(self.units),
            "text": {k: self.text.get(k, "") for k in TEXT_KEYS},
        }
        if self.summary_of is not None:
            out["summary_of"] = [dict(e) for e in self.summary_of]
        if self.explanations:
            out["explanations"] = [
                {"rule": e["rule"], "cells": list(e["cells"]), "text": e["text"]} for e in self.explanations
            ]
        return out

    def dump(self) -> str:
        return json.dumps(self.to_json(), ensure_ascii=False, indent=2) + "\n"


def _json_raw(raw):
    """A value that is not a number, as JSON can hold it (a text as it was; anything else as its text)."""
    return raw if isinstance(raw, (str, int, bool)) else str(raw)


def _json_number(v: Number | None):
    if isinstance(v, Decimal):
        return int(v) if v == v.to_integral_value() else float(v) if len(str(v)) < 17 else str(v)
    return v


# -- numbers ---------------------------------------------------------------------------------------

MAX_NUMBER = 10**15  # no count or amount of a report comes near; bounds the work on hostile numbers
TOO_LARGE = "超出范围的数值"


def to_number(value) -> tuple[Number | None, str | None]:
    """A cell value → (number, None), or (None, None) for blank, or (None, reason) when it is not a number.

    Only real numbers are numbers: bool, text ("3", "0件", "无", "—"), dates and NaN are refused.
    Floats are read by their shortest repr, so 0.1 stays Decimal('0.1'); integral floats become int.
    """
    if value is None or (isinstance(value, str) and value == ""):
        return None, None
    if isinstance(value, bool):
        return None, "布尔值"
    if isinstance(value, int):
        return (value, None) if abs(value) < MAX_NUMBER else (None, TOO_LARGE)
    if isinstance(value, float):
        if math.isnan(value) or math.isinf(value):
            return None, "非数字"
        if abs(value) >= MAX_NUMBER:
            return None, TOO_LARGE
        if value.is_integer():
            return int(value), None
        return Decimal(repr(value)), None
    if isinstance(value, Decimal):
        if not value.is_finite():
            return None, "非数字"
        if value and value.adjusted() >= 15:  # checked before int(): int(Decimal("1e999999999")) never ends
            return None, TOO_LARGE
        return (int(value), None) if value == value.to_integral_value() else (value, None)
    if isinstance(value, str):
        return None, "文本"
    if isinstance(value, (dt.date, dt.time)):  # datetime is a date
        return None, "日期或时间"
    return None, "非数字的值"


def parse_json_number(value) -> tuple[Number | None, str | None]:
    """JSON numbers (and numeric strings written by tools that fear float precision, e.g. "12.345678")."""
    if isinstance(value, str) and re.fullmatch(r"-?\d+(\.\d+)?", value.strip() or "x") and value == value.strip():
        try:
            return to_number(Decimal(value))
        except InvalidOperation:  # pragma: no cover
            pass
    if isinstance(value, float):
        return to_number(Decimal(repr(value)))
    return to_number(value)


def type_problem(value: Number, ctype: str) -> str | None:
    """Why a number does not fit the cell's type, or None."""
    if ctype == "count":
        if value != int(value):
            return "不是整数"
        if value < 0:
            return "是负数"
    elif ctype == "signed":
        if value != int(value):
            return "不是整数"
    elif ctype == "money":
        if value < 0:
            return "是负数"
        if isinstance(value, Decimal) and value.as_tuple().exponent < -6:
            return "超过6位小数"
    return None


_DIGITS = str.maketrans("０１２３４５６７８９", "0123456789")
_CN_DATE = re.compile(r"^(\d{4})\s*[年\-/.]\s*(\d{1,2})\s*[月\-/.]\s*(\d{1,2})\s*日?$")
_YEAR = re.compile(r"^(\d{4})\s*(?:年度?)?$")


def parse_date(raw) -> str | None:
    """A date (date, datetime, '2026-01-08', '2026年1月8日', '2026/1/8', full-width digits) → '2026-01-08';
    None when it is no date of the calendar (2026-02-30). One parser for workbooks and JSON data files."""
    if isinstance(raw, dt.datetime):
        return raw.date().isoformat()
    if isinstance(raw, dt.date):
        return raw.isoformat()
    if isinstance(raw, str):
        m = _CN_DATE.match(raw.strip().translate(_DIGITS))
        if m:
            try:
                return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3))).isoformat()
            except ValueError:
                return None
    return None


def parse_year(raw) -> tuple[int | None, bool]:
    """报告年度 → (year, False); (None, False) when blank; (None, True) when it is no year.
    2025, 2025.0, "2025", "2025年", "２０２５年度" are all 2025."""
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None, False
    if isinstance(raw, str):
        m = _YEAR.match(raw.strip().translate(_DIGITS))
        raw = int(m.group(1)) if m else raw
    number, _ = to_number(raw)
    if isinstance(number, int) and 1900 < number < 3000:
        return number, False
    return None, True


def fmt_number(v) -> str:
    if v is None:
        return "空白"
    if isinstance(v, Decimal):
        return format(v.normalize(), "f")
    return str(v)


# -- the JSON data file ------------------------------------------------------------------------------


def load_json(path: str | Path) -> ReportData:
    """Read a JSON data file. Structure errors are usage errors (XxgkError); cell values are checked later."""
    path = Path(path)
    try:
        size = path.stat().st_size
        if size > MAX_JSON_BYTES:
            raise XxgkError(f"JSON 数据文件过大（{size // 1048576} MB，上限 64 MB）", file=str(path), kind="too_large")
        blob = path.read_bytes()
    except OSError as exc:
        raise file_error(exc, path, " JSON 数据文件") from None
    return load_json_bytes(blob, str(path))


def load_json_bytes(blob: bytes, name: str) -> ReportData:
    """A JSON data file held in memory, shown as `name`."""
    path = name
    if len(blob) > MAX_JSON_BYTES:
        raise XxgkError(f"JSON 数据文件过大（{len(blob) // 1048576} MB，上限 64 MB）", file=str(path), kind="too_large")
    try:
        raw = json.loads(blob.decode("utf-8-sig"), parse_float=Decimal)
    except UnicodeDecodeError:
        raise XxgkError("JSON 数据文件不是 UTF-8 编码，请用 UTF-8 保存", file=str(path), kind="bad_data") from None
    except json.JSONDecodeError as exc:
        raise XxgkError(
            f"不是有效的 JSON（第 {exc.lineno} 行第 {exc.colno} 列：{exc.msg}）", file=str(path), kind="bad_data"
        ) from None
    except (ValueError, RecursionError):  # an integer of thousands of digits; nesting thousands deep
        raise XxgkError(
            "不是有效的 JSON 数据文件（含有位数过多的数字或嵌套过深的结构）", file=str(path), kind="bad_data"
        ) from None
    return from_json(raw, source=str(path))


def from_json(raw, source: str = "") -> ReportData:
    def bad(msg):
        return XxgkError(msg, file=source or None, kind="bad_data")

    if not isinstance(raw, dict):
        raise bad("JSON 数据文件的顶层应为对象 {…}")
    unknown = set(raw) - {"format", "year", "org", "info", "cells", "units", "text", "summary_of", "explanations"}
    if unknown:
        raise bad(f"JSON 数据文件含未知的键：{'、'.join(sorted(unknown))}")
    fmt = raw.get("format")
    if fmt not in ("2019", "2021"):
        raise bad(f'“format”应为 "2019" 或 "2021"，实际为 {json.dumps(fmt, ensure_ascii=False)}')
    year = raw.get("year")
    if isinstance(year, Decimal) and year.is_finite() and year.adjusted() < 6 and year == int(year):
        year = int(year)
    if year is not None and (not isinstance(year, int) or isinstance(year, bool)):
        raise bad(f"“year”应为年份整数，实际为 {json.dumps(str(year), ensure_ascii=False)}")
    org = raw.get("org", "")
    if not isinstance(org, str):
        raise bad("“org”应为文本")

    def text_dict(key, allowed, shape):
        value = raw.get(key, {}) or {}
        if not isinstance(value, dict) or not all(isinstance(v, str) for v in value.values()):
            raise bad(f"“{key}”应为 {shape} 对象")
        unknown_keys = set(value) - set(allowed)
        if unknown_keys:
            raise bad(f"“{key}”含未知的键：{'、'.join(sorted(unknown_keys))}（可用：{'、'.join(allowed)}）")
        return value

    info = text_dict("info", INFO_KEYS, "{键: 文本}")
    text = text_dict("text", TEXT_KEYS, "{部分: 文本}（段落之间用换行分隔）")
    units = raw.get("units", {}) or {}
    if not isinstance(units, dict) or not all(v is None or isinstance(v, str) for v in units.values()):
        raise bad("“units”应为 {单元格编号: 单位} 对象，单位为文本或 null")
    cells_raw = raw.get("cells", {}) or {}
    if not isinstance(cells_raw, dict):
        raise bad("“cells”应为 {单元格编号: 数字或 null} 对象")

    data = ReportData(
        format=fmt,
        year=year,
        org=org,
        info=dict(info),
        units=dict(units),
        text={k: v.replace("\r\n", "\n") for k, v in text.items()},
        source=source,
        kind="json",
    )
    summary_of = raw.get("summary_of")
    if summary_of is not None:
        keys = ("file", "sha256", "org")
        if not isinstance(summary_of, list) or not all(
            isinstance(e, dict) and set(e) == set(keys) and all(isinstance(e[k], str) for k in keys) for e in summary_of
        ):
            raise bad('“summary_of”应为 [{"file": 文本, "sha256": 文本, "org": 文本}, …]（汇总表计入的单位）')
        data.summary_of = summary_of
    explanations = raw.get("explanations") or []
    if not isinstance(explanations, list) or not all(
        isinstance(e, dict)
        and set(e) == {"rule", "cells", "text"}
        and isinstance(e["rule"], str)
        and isinstance(e["text"], str)
        and isinstance(e["cells"], list)
        and all(isinstance(c, str) for c in e["cells"])
        for e in explanations
    ):
        raise bad('“explanations”应为 [{"rule": 规则编号, "cells": [单元格编号…], "text": 情况说明}, …]')
    data.explanations = [dict(e) for e in explanations if e["text"].strip()]
    for cid, value in cells_raw.items():
        number, reason = parse_json_number(value)
        data.cells[cid] = number
        if reason:
            data.bad_values[cid] = (value, reason)
    from .form import load_form
    from .rules.info import I_01

    for f in load_form(fmt).info:  # dates as a workbook's are read: the same parser, the same finding
        if f.kind == "date" and info.get(f.key, "").strip():
            value = parse_date(info[f.key])
            data.info[f.key] = value or ""
            if value is None:
                data.problems.append(
                    I_01.finding(
                        "date_bad",
                        label=f.label,
                        where=f"info.{f.key}",
                        shown=info[f.key][:40],
                        field=f.key,
                        stated=info[f.key][:200],
                    )
                )
    return data


def save_json(data: ReportData, path: str | Path, overwrite: bool = True) -> None:
    from .fsutil import write_atomic

    write_atomic(Path(path), data.dump().encode("utf-8"), overwrite=overwrite)
