"""The open workbook, through the small part of xlwings the ribbon uses.

Reading: one bulk read of values (and one of formulas) per sheet, into the same reader as files
(xxgk.read.read_sheets), so Excel and the command line see the same data. Writing: the 校验结果
sheet, the marks on failing cells and the 上一年度报告文件 field, with the protection of each touched
sheet and of the workbook structure restored afterwards.

The xlwings surface used here, and faked in tests/fake_excel.py:
  Book:  name, fullname, app, names (iterate: name, refers_to), sheets (iterate, [name], add(name=, after=)),
         api.ProtectStructure,
         api.Protect(Structure=), api.Unprotect()
  Sheet: name, range(address | (row, col), (row, col)), used_range.last_cell.row/.column, activate(),
         clear(), api.ProtectContents, api.Protect(...), api.Unprotect()
  Range: options(ndim=2).value, formula, value = rows, color = (r, g, b), font.bold, column_width, wrap_text,
         api.Locked, select()
"""

from __future__ import annotations

import datetime as dt
import re
from contextlib import contextmanager
from pathlib import Path

from ..build import INPUT_FILL, TOTAL_FILL
from ..data import ReportData
from ..errors import XxgkError
from ..findings import SEVERITY_NAMES, Report
from ..form import CHECK_SHEET, EXPLAIN_ROWS, EXPLAIN_TITLE, INFO_SHEET, RESULT_SHEET, Form, col_letter, load_form
from ..read import SHEETS_READ, Grid, read_sheets, require_meta

MARK_COLOURS = {"error": (255, 199, 206), "warning": (255, 235, 156)}  # Excel's "bad" and "neutral" fills
MAX_MARKS = 300  # cells marked at most: a blank workbook must not turn into thousands of COM calls
RESULT_HEADER = (
    "序号",
    "级别",
    "规则",
    "位置",
    "说明",
    "涉及单元格",
    "单元格编号",
    "情况说明（警告可在此写明原因，再次校验时保存）",
)
RESULT_WIDTHS = (6, 6, 9, 12, 80, 30, 30, 50)
MARKS_COL, IDS_COL, EXPLAIN_COL = "F", "G", "H"  # 涉及单元格 (the marks), 单元格编号, 情况说明
FIRST_RESULT_ROW = 4  # header in row 3
_REF = re.compile(r"^(.+)!([A-Z]{1,3}[0-9]{1,7})$")
_ADDRESS = re.compile(r"^[A-Z]{1,3}[0-9]{1,7}$")


def _rgb(fill) -> tuple[int, int, int]:
    value = fill.fgColor.rgb[-6:]
    return int(value[0:2], 16), int(value[2:4], 16), int(value[4:6], 16)


class LiveSource:
    """What xxgk.read.read_sheets needs to know of an open workbook besides its values."""

    def __init__(self, book):
        self.book = book
        self.path = book.fullname
        self.sheet_names = sheet_names(book)
        self.has_macros = Path(book.fullname).suffix.lower() in (".xlsm", ".xlsb", ".xls")
        self.ranges: dict[str, object] = {}  # sheet → its used range, from A1

    def defined_names(self) -> dict[str, str]:
        """The workbook's names as Excel holds them now (moved with inserted rows, #REF! when deleted)."""
        return {n.name: n.refers_to for n in self.book.names}

    def formulas(self, sheet: str) -> dict[str, str]:
        """Asked by the reader for the sheets holding table cells only: one Range.formula read each."""
        return _formulas(self.ranges[sheet].formula) if sheet in self.ranges else {}


def sheet_names(book) -> list[str]:
    return [s.name for s in book.sheets]


def is_saved(book) -> bool:
    """False for a workbook never saved (Excel calls it 工作簿1): it has no folder yet."""
    return Path(book.fullname).is_absolute()


def read_book(book) -> ReportData:
    """The calling workbook → ReportData, as `xxgk check` reads the file (unsaved edits included)."""
    source = LiveSource(book)
    require_meta(source)
    grids = {}
    for name in SHEETS_READ:
        if name not in source.sheet_names:
            continue
        sheet = book.sheets[name]
        last = sheet.used_range.last_cell
        whole = sheet.range((1, 1), (max(last.row, 1), max(last.column, 1)))
        grids[name] = Grid(whole.options(ndim=2).value)
        source.ranges[name] = whole
    data = read_sheets(source, grids)
    if not is_saved(book):
        data.source = ""
    return data


def _formulas(rows) -> dict[str, str]:
    """Range.formula (text per cell, "=..." for formulas) → {A1: formula without "="}."""
    if isinstance(rows, str):
        rows = ((rows,),)
    out = {}
    for r, row in enumerate(rows, start=1):
        for c, text in enumerate(row, start=1):
            if isinstance(text, str) and text.startswith("="):
                out[f"{col_letter(c)}{r}"] = text[1:]
    return out


# -- protection ------------------------------------------------------------------------------------


def protect_sheet(sheet) -> None:
    """The protection the templates carry (xxgk/build.py): contents locked, rows and columns may be resized."""
    sheet.api.Protect(
        DrawingObjects=True, Contents=True, Scenarios=True, AllowFormattingColumns=True, AllowFormattingRows=True
    )


@contextmanager
def unprotected(book, names, structure: bool = False):
    """Unprotect the named sheets (and the structure, to add a sheet); protect them again afterwards, also
    when something fails. Yields the list of sheets to protect at the end: a sheet added meanwhile joins it."""
    was_locked = bool(book.api.ProtectStructure) if structure else False
    if was_locked:
        book.api.Unprotect()
    present = sheet_names(book)
    sheets = [book.sheets[n] for n in dict.fromkeys(names) if n in present]
    locked = [s for s in sheets if s.api.ProtectContents]
    for sheet in locked:
        sheet.api.Unprotect()
    try:
        yield locked
    finally:
        for sheet in locked:
            protect_sheet(sheet)
        if was_locked:
            book.api.Protect(Structure=True, Windows=False)


# -- 校验结果 and marks -------------------------------------------------------------------------------


def template_fills(form: Form) -> dict[str, tuple[int, int, int]]:
    """ "sheet!A1" → the fill the template gives it: the cells a mark can be put on and taken off again."""
    fills = {c.ref: _rgb(TOTAL_FILL if c.is_total else INPUT_FILL) for c in form.cells.values()}
    fills.update({f"{INFO_SHEET}!{f.address}": _rgb(INPUT_FILL) for f in form.info})
    return fills


def _ranges(refs) -> list[tuple[str, str]]:
    """ "sheet!A1" refs → (sheet, "A1,B2,…") pieces short enough for one Range call (Excel's 255-character limit)."""
    by_sheet: dict[str, list[str]] = {}
    for ref in refs:
        sheet, address = ref.rsplit("!", 1)
        by_sheet.setdefault(sheet, []).append(address)
    out = []
    for sheet, addresses in by_sheet.items():
        piece: list[str] = []
        for address in addresses:
            if piece and len(",".join(piece + [address])) > 250:
                out.append((sheet, ",".join(piece)))
                piece = []
            piece.append(address)
        out.append((sheet, ",".join(piece)))
    return out


def _colour(book, refs, rgb) -> None:
    for sheet, addresses in _ranges(refs):
        book.sheets[sheet].range(addresses).color = rgb


def previous_marks(book) -> list[str]:
    """The cells the last 校验 marked: its 涉及单元格 column."""
    if RESULT_SHEET not in sheet_names(book):
        return []
    sheet = book.sheets[RESULT_SHEET]
    last = sheet.used_range.last_cell.row
    if last < FIRST_RESULT_ROW:
        return []
    values = sheet.range(f"{MARKS_COL}{FIRST_RESULT_ROW}:{MARKS_COL}{last}").options(ndim=2).value
    refs = []
    for row in values:
        on_sheet = None
        for token in str(row[0] or "").split():  # "表三!D5 D6 表四!B7": a sheet holds until the next
            match = _REF.match(token)
            if match:
                on_sheet = match.group(1)
                refs.append(token)
            elif on_sheet and _ADDRESS.match(token):
                refs.append(f"{on_sheet}!{token}")
    return refs


def _refs_text(refs: list[str]) -> str:
    """["表三!D5", "表三!D6"] → "表三!D5 D6" (the sheet is named once; sheet names hold "、" but no space)."""
    out, current = [], None
    for ref in refs:
        sheet, address = ref.rsplit("!", 1)
        out.append(address if sheet == current else ref)
        current = sheet
    return " ".join(out)


def _safe_text(text) -> str:
    """Text written into a cell stays text, whatever it starts with (no formula injection)."""
    text = "" if text is None else str(text)
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text


def _link(ref: str, short: dict[str, str]) -> str:
    """A link to the cell, shown as "表三 D5" (the table sheets' names are long)."""
    sheet, address = ref.rsplit("!", 1)
    return f'=HYPERLINK("#\'{sheet}\'!{address}","{short.get(sheet, sheet)} {address}")'


def short_names(form: Form) -> dict[str, str]:
    return {form.parts[1]: "表二", form.parts[2]: "表三", form.parts[3]: "表四"}


def result_rows(report: Report, org: str, marked: dict[int, list[str]], short: dict[str, str]) -> list[list]:
    """The 校验结果 sheet's cells: a heading, the verdict, the header, then one row per finding."""
    stamp = dt.datetime.now().strftime("%Y-%m-%d %H:%M")
    verdict = report.verdict() + ("" if report.valid else "。错误必须改正；点击“位置”可转到该单元格。")
    rows = [
        [
            _safe_text(
                f"校验结果：{org or '（未填机关名称）'}，{report.year or '?'} 年度，{report.format} 格式（{stamp}）"
            ),
            *([None] * (len(RESULT_HEADER) - 1)),
        ],
        [_safe_text(verdict), *([None] * (len(RESULT_HEADER) - 1))],
        list(RESULT_HEADER),
    ]
    for i, f in enumerate(report.findings, start=1):
        rows.append(
            [
                i,
                SEVERITY_NAMES[f.severity],
                f.rule,
                _link(f.addresses[0], short) if f.addresses else "",
                _safe_text(f.message),
                _refs_text(marked.get(i, [])),
                " ".join(f.cells),
                _safe_text(f.explained),
            ]
        )
    return rows


def harvest_explanations(book) -> int:
    """The 情况说明 typed into 校验结果 beside warnings, kept in the 校验 sheet's table (which the reader reads
    and the workbook carries upward) before 校验结果 is written anew. → how many were kept."""
    if RESULT_SHEET not in sheet_names(book) or CHECK_SHEET not in sheet_names(book):
        return 0
    results = book.sheets[RESULT_SHEET]
    last = results.used_range.last_cell.row
    if last < FIRST_RESULT_ROW:
        return 0
    rows = results.range(f"A{FIRST_RESULT_ROW}:{EXPLAIN_COL}{last}").options(ndim=2).value
    typed = [
        {"rule": str(r[2]).strip(), "cells": str(r[6] or "").split(), "text": str(r[7]).strip()}
        for r in rows
        if len(r) > 7 and r[1] == SEVERITY_NAMES["warning"] and r[2] and r[7] and str(r[7]).strip()
    ]
    if not typed:
        return 0
    sheet = book.sheets[CHECK_SHEET]
    end = sheet.used_range.last_cell.row
    column_a = sheet.range(f"A1:A{end}").options(ndim=2).value
    title = next((i for i, (v,) in enumerate(column_a, start=1) if str(v or "").strip() == EXPLAIN_TITLE), None)
    if title is None:
        raise XxgkError(
            "本工作簿的“校验”工作表没有“情况说明”表（由旧版本生成），无法保存情况说明。请用“xxgk new”新建工作簿后填写",
            kind="excel",
        )
    first = title + 2
    end = max(end, first + EXPLAIN_ROWS - 1)  # the builder gives the table at least EXPLAIN_ROWS rows
    table = sheet.range(f"A{first}:C{end}").options(ndim=2).value
    kept = {}
    for rule, text, cells in table:
        if rule and text:
            kept[(str(rule).strip(), tuple(str(cells or "").split()))] = str(text).strip()
    for e in typed:
        kept[(e["rule"], tuple(e["cells"]))] = e["text"]
    if len(kept) > end - first + 1:
        raise XxgkError(
            f"情况说明有 {len(kept)} 条，超过“校验”工作表中情况说明表的行数，请删去不再需要的说明", kind="excel"
        )
    values = [[rule, _safe_text(text), " ".join(cells)] for (rule, cells), text in kept.items()]
    values += [[None, None, None]] * (end - first + 1 - len(values))
    sheet.range(f"A{first}").value = values
    return len(typed)


def ordered(report: Report) -> None:
    """The findings with errors first, then warnings, then notes (stable within each)."""
    rank = {"error": 0, "warning": 1, "info": 2}
    report.findings.sort(key=lambda f: rank.get(f.severity, 3))


def show_findings(book, report: Report, data: ReportData) -> None:
    """Write 校验结果, take the old marks off, mark the failing cells, select the first error."""
    form = load_form(data.format)
    ordered(report)
    fills = template_fills(form)
    old = [ref for ref in previous_marks(book) if ref in fills]
    marked: dict[int, list[str]] = {}
    budget = MAX_MARKS
    for i, f in enumerate(report.findings, start=1):
        if f.severity in MARK_COLOURS:
            refs = [r for r in f.addresses if r in fills][:budget]
            budget -= len(refs)
            if refs:
                marked[i] = refs
    touched = {ref.rsplit("!", 1)[0] for refs in [old, *marked.values()] for ref in refs}
    creating = RESULT_SHEET not in sheet_names(book)
    with unprotected(book, [*touched, RESULT_SHEET], structure=creating) as to_protect:
        if creating:
            after = book.sheets[CHECK_SHEET] if CHECK_SHEET in sheet_names(book) else list(book.sheets)[-1]
            to_protect.append(book.sheets.add(name=RESULT_SHEET, after=after))
        for fill in set(fills[ref] for ref in old):  # the template's fills back, a few ranges per colour
            _colour(book, [ref for ref in old if fills[ref] == fill], fill)
        for severity in ("warning", "error"):  # an error's red wins over a warning's yellow on the same cell
            for i, refs in marked.items():
                if report.findings[i - 1].severity == severity:
                    _colour(book, refs, MARK_COLOURS[severity])
        sheet = book.sheets[RESULT_SHEET]
        sheet.clear()
        rows = result_rows(report, data.org, marked, short_names(form))
        last = col_letter(len(RESULT_HEADER))
        sheet.range("A1").value = rows
        sheet.range("A1").font.bold = True
        sheet.range(f"A3:{last}3").font.bold = True
        for i, width in enumerate(RESULT_WIDTHS, start=1):
            sheet.range(f"{col_letter(i)}:{col_letter(i)}").column_width = width
        if report.findings:  # the user may type a warning's 情况说明 here; the next 校验 keeps it in the 校验 sheet
            reasons = sheet.range(f"{EXPLAIN_COL}{FIRST_RESULT_ROW}:{EXPLAIN_COL}{len(rows)}")
            reasons.api.Locked = False
            reasons.color = _rgb(INPUT_FILL)
        if report.findings:  # 说明, 涉及单元格 and 情况说明 wrap; Excel then fits the row heights
            sheet.range(f"E{FIRST_RESULT_ROW}:{last}{len(rows)}").wrap_text = True
    select_first(book, report)


def select_first(book, report: Report) -> None:
    """Go to the first error's cell (the first warning's when there is no error), else to 校验结果."""
    for f in report.findings:
        if f.severity in MARK_COLOURS and f.addresses:
            match = _REF.match(f.addresses[0])
            if match and match.group(1) in sheet_names(book):
                sheet = book.sheets[match.group(1)]
                sheet.activate()
                sheet.range(match.group(2)).select()
                return
    book.sheets[RESULT_SHEET].activate()


def set_info(book, form: Form, key: str, value: str) -> str:
    """Write one 基本信息 field (an unlocked input cell: no protection to lift) → its address."""
    field = next(f for f in form.info if f.key == key)
    book.sheets[INFO_SHEET].range(field.address).value = _safe_text(value)
    return f"{INFO_SHEET}!{field.address}"
