"""Read one of our workbooks (or a JSON data file) into ReportData through the form.

python-calamine reads the values (fast; no cached formula values needed); our own defused XML scan
tells which total cells still hold their formula. The sheet's own totals are never trusted: intact
formulas are recomputed from their parts, a formula replaced by a constant is a finding (WB-01) and
the constant is what the report then states. openpyxl is the fallback when calamine cannot read.
"""

from __future__ import annotations

import re
from pathlib import Path

from .data import ReportData, load_json, load_json_bytes, parse_date, parse_year, to_number
from .errors import XxgkError
from .findings import Finding
from .form import (
    CHECK_SHEET,
    EXPLAIN_TITLE,
    EXTRA_SHEETS,
    FORMATS,
    INFO_SHEET,
    META_SHEET,
    SUMMARY_DETAIL_SHEET,
    TEMPLATE_VERSION,
    Form,
    col_index,
    formula_of,
    load_form,
    normalise_formula,
    split_address,
)
from .locate import TextArea, locate
from .rules.info import I_01
from .rules.structure import S_05, WB_01, WB_02, WB_03, WB_05
from .sums import recompute_totals
from .xlsx import Package, open_package


def load(path: str | Path) -> ReportData:
    """A workbook, a JSON data file or a published report (.html, .docx, .pdf … via xxgk import) → ReportData."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix == ".json":
        return load_json(path)
    if suffix not in WORKBOOK_SUFFIXES:  # the readers of published reports are loaded only when needed
        from .published import import_file, is_published

        if is_published(path):
            return import_file(path).data
    return read_workbook(path)


def load_bytes(blob: bytes, name: str) -> ReportData:
    """A workbook, JSON data file or published report held in memory (a zip member, an e-mail attachment), shown as
    `name`. Nothing is written to disk; the workbook goes through the same safety checks as a file."""
    suffix = Path(name).suffix.lower()
    if suffix == ".json":
        return load_json_bytes(blob, name)
    if suffix not in WORKBOOK_SUFFIXES:
        from .published import import_bytes, is_published

        if is_published(name):
            return import_bytes(blob, name).data
    return read_workbook(name, blob)


WORKBOOK_SUFFIXES = (".xlsx", ".xlsm")


class Grid:
    """The values of one sheet (rows of cell values, "" or None for blank), addressed by A1."""

    def __init__(self, rows: list[list]):
        self.rows = rows

    def get(self, address: str):
        col, row = split_address(address)
        r, c = row - 1, col_index(col) - 1
        if r < len(self.rows) and c < len(self.rows[r]):
            value = self.rows[r][c]
            return None if value == "" else value
        return None


def _grids(pkg: Package, sheets: list[str]) -> dict[str, Grid]:
    """Read the named sheets that exist: calamine first, openpyxl when calamine fails."""
    present = [s for s in sheets if s in pkg.sheet_parts]
    try:
        import python_calamine

        wb = (
            python_calamine.CalamineWorkbook.from_path(str(pkg.path))
            if pkg.blob is None
            else python_calamine.CalamineWorkbook.from_filelike(pkg.source())
        )
        try:
            return {s: Grid(wb.get_sheet_by_name(s).to_python(skip_empty_area=False)) for s in present}
        finally:
            wb.close()
    except Exception as first:  # calamine's errors have no common base class worth naming
        try:
            import openpyxl

            wb = openpyxl.load_workbook(pkg.source(), read_only=True, data_only=True)
            try:
                return {s: Grid([list(r) for r in wb[s].iter_rows(values_only=True)]) for s in present}
            finally:
                wb.close()
        except Exception:
            raise XxgkError(
                f"无法读取工作簿内容（{first}）。请用 Excel 或 WPS 打开后另存为 .xlsx 再试",
                file=str(pkg.path),
                kind="unreadable",
            ) from None


def read_meta(source, grid: Grid) -> dict[str, str]:
    meta = {}
    for row in grid.rows[:200]:
        if len(row) >= 2 and isinstance(row[0], str) and row[0]:
            meta[row[0]] = "" if row[1] is None else str(row[1])
    if meta.get("format") not in ("2019", "2021"):
        raise XxgkError(
            "元数据工作表 _xxgk 已损坏（缺少年报格式），无法识别。请用“xxgk new”新建工作簿后重新填报",
            file=str(source.path),
            kind="not_ours",
        )
    return meta


def read_workbook(path: str | Path, blob: bytes | None = None) -> ReportData:
    """Read a workbook file, or (with `blob`) a workbook in memory that `path` only names."""
    pkg = open_package(path, blob)
    try:
        require_meta(pkg)
        # One read for all sheets: the part sheets are the same in both formats.
        return read_sheets(pkg, _grids(pkg, SHEETS_READ))
    finally:
        pkg.close()


SHEETS_READ = (META_SHEET, INFO_SHEET, *load_form(FORMATS[0]).parts, CHECK_SHEET, SUMMARY_DETAIL_SHEET)  # read_sheets


def require_meta(source) -> None:
    """Told before any sheet is read: a workbook without our metadata sheet is not one of ours."""
    if META_SHEET not in source.sheet_names:
        raise XxgkError(
            "不是 xxgk 年报工作簿（缺少隐藏的元数据工作表 _xxgk）。请用“xxgk new”新建工作簿填报，"
            "或用“xxgk fill”把数据导入工作簿",
            file=str(source.path),
            kind="not_ours",
        )


def read_sheets(source, grids: dict[str, Grid]) -> ReportData:
    """The reader shared by files and live Excel (xxgk.excel): `grids` holds the values of SHEETS_READ;
    `source` gives `path`, `has_macros`, `sheet_names` and `formulas(sheet)` ({A1: formula text without "="})."""
    meta = read_meta(source, grids[META_SHEET])
    return _Reader(source, load_form(meta["format"]), meta).read(grids)


class _Reader:
    def __init__(self, source, form: Form, meta: dict[str, str]):
        self.source, self.form, self.meta = source, form, meta
        self.problems: list[Finding] = []

    def problem(self, entry, case="", cells=(), addresses=(), **fields):
        self.problems.append(entry.finding(case, cell_ids=cells, addresses=addresses, **fields))

    def read(self, grids: dict[str, Grid]) -> ReportData:
        form, source = self.form, self.source
        data = ReportData(format=form.format, year=None, source=str(source.path), kind="workbook")
        if self.meta.get("form_hash") != form.hash or self.meta.get("template_version") != TEMPLATE_VERSION:
            self.problem(WB_03, format=form.format, version=self.meta.get("template_version", "?"))
        if source.has_macros:
            self.problem(WB_05, macros=True)
        wanted = [INFO_SHEET, *dict.fromkeys(form.parts)]
        missing = [s for s in wanted if s not in source.sheet_names]
        strange = [s for s in source.sheet_names if s not in form.sheets and s not in (META_SHEET, *EXTRA_SHEETS)]
        renamed = (
            f"工作簿中另有模板之外的工作表“{'”“'.join(_shown(s) for s in strange[:5])}”，可能就是它被改了名。"
            if strange
            else ""
        )
        for sheet in missing:
            self.problem(WB_02, "sheet", sheet=sheet, renamed=renamed, sheets=list(source.sheet_names))
        layout = locate(form, grids, source.defined_names(), source.sheet_names)
        self.problems += layout.problems
        self.read_cells(data, grids, layout.unread)
        self.read_info(data, grids.get(INFO_SHEET), layout.info_rows)
        self.read_text(data, grids, layout.texts)
        if SUMMARY_DETAIL_SHEET in grids:
            data.summary_of = summary_units(grids[SUMMARY_DETAIL_SHEET])
        if CHECK_SHEET in grids:
            data.explanations = explanations(grids[CHECK_SHEET])
        data.problems = self.problems
        return data

    def read_cells(self, data: ReportData, grids, unread: set[str]):
        form = self.form
        formulas = {s: self.source.formulas(s) for s in {c.sheet for c in form.cells.values()} - unread if s in grids}
        keep = set()
        for cell in form.cells.values():
            if cell.sheet in unread:
                data.cells[cell.id] = None
                data.missing.add(cell.id)
                continue
            raw = grids[cell.sheet].get(cell.address)
            sheet_formulas = formulas[cell.sheet]
            if cell.is_total:
                expected = form.expected_formulas[cell.id]
                if cell.address in sheet_formulas:
                    text = sheet_formulas[cell.address]
                    if text is None or normalise_formula(text) == expected:
                        continue  # intact: recomputed below
                    what = f"被改成了公式 ={_shown(text)}"
                else:
                    what = f"被改成了常数（{_shown(raw)}）" if raw is not None else "被清空"
                number, _ = to_number(raw)
                data.cells[cell.id] = number
                keep.add(cell.id)
                self.problem(
                    WB_01,
                    "",
                    [cell.id],
                    [cell.ref],
                    label=cell.label,
                    where=f"{cell.sheet} {cell.address}",
                    what=what,
                    stated=raw if isinstance(raw, (int, float, str)) else None,
                    expected_formula=formula_of(form, cell),
                )
                continue
            number, reason = to_number(raw)
            data.cells[cell.id] = number
            if cell.address in sheet_formulas:  # a formula typed into an input cell: its result is shown, not trusted
                text = sheet_formulas[cell.address]
                result = f"，显示的结果为 {_shown(raw)}" if raw is not None else "，没有计算结果（显示为空白）"
                self.problem(
                    S_05,
                    "",
                    [cell.id],
                    [cell.ref],
                    label=cell.label,
                    where=f"{cell.sheet} {cell.address}",
                    formula_shown=_shown(text or "…"),
                    result=result,
                    formula=text,
                    stated=raw if isinstance(raw, (int, float, str)) else None,
                )
            if reason:
                data.bad_values[cell.id] = (raw if isinstance(raw, (int, float, str, bool)) else str(raw), reason)
            if cell.unit_address:
                unit = grids[cell.sheet].get(cell.unit_address)
                data.units[cell.id] = str(unit).strip() if unit is not None else None
        recompute_totals(form, data.cells, keep)

    def read_info(self, data: ReportData, grid, rows: dict[str, int]):
        if grid is None:
            return
        for field in self.form.info:
            if field.key not in rows:
                continue  # a WB-02 finding says why
            address = f"B{rows[field.key]}"
            raw = grid.get(address)
            where = f"{INFO_SHEET} {address}"
            if field.key == "year":
                data.year, bad = parse_year(raw)
                if bad:
                    self.problem(
                        I_01,
                        "year_bad",
                        addresses=[f"{INFO_SHEET}!{address}"],
                        where=where,
                        shown=_shown(raw),
                        field="year",
                        stated=str(raw),
                    )
            elif field.key == "org":
                data.org = "" if raw is None else str(raw).strip()
            elif field.kind == "date":
                value = parse_date(raw)
                if value is None and raw is not None:
                    self.problem(
                        I_01,
                        "date_bad",
                        addresses=[f"{INFO_SHEET}!{address}"],
                        label=field.label,
                        where=where,
                        shown=_shown(raw),
                        field=field.key,
                        stated=str(raw),
                    )
                data.info[field.key] = value or ""
            else:
                if isinstance(raw, float) and raw.is_integer():
                    raw = int(raw)
                data.info[field.key] = "" if raw is None else str(raw).strip()

    def read_text(self, data: ReportData, grids, areas: dict[str, TextArea]):
        for block in self.form.texts:
            area = areas.get(block.key)
            if area is None:
                continue  # a WB-02 finding says why
            grid = grids[area.sheet]
            paragraphs = []
            for row in area.rows:
                raw = grid.get(f"{area.col}{row}")
                if raw is None:
                    continue
                if isinstance(raw, float) and raw.is_integer():
                    raw = int(raw)
                text = str(raw).replace("\r\n", "\n").strip()
                if text:
                    paragraphs.append(text)
            # The suggested sub-heads of a blank workbook, left untouched, are no text of the report.
            data.text[block.key] = "" if paragraphs == list(block.prefill) else "\n".join(paragraphs)


def explanations(grid: Grid) -> list[dict]:
    """The unit's 情况说明 from the 校验 sheet's table (below its title, wherever rows were inserted)."""
    rows = grid.rows
    start = next((i for i, row in enumerate(rows) if row and str(row[0] or "").strip() == EXPLAIN_TITLE), None)
    if start is None:
        return []  # a workbook made before the table existed
    out = []
    for row in rows[start + 2 :]:
        rule, text, cells = (str(row[i]).strip() if i < len(row) and row[i] is not None else "" for i in range(3))
        if rule and text:
            out.append({"rule": rule, "cells": re.split(r"[\s,，、;；]+", cells) if cells else [], "text": text})
    return out


def summary_units(grid: Grid) -> list[dict[str, str]]:
    """The units a summary counted, from its 汇总明细 sheet (written by `xxgk merge`): file, sha256, org."""
    rows = grid.rows
    head = [str(v).strip() if v is not None else "" for v in (rows[0] if rows else [])]
    try:
        cols = {
            key: head.index(title)
            for key, title in (("file", "文件"), ("sha256", "SHA-256"), ("org", "机关名称"), ("included", "计入汇总"))
        }
    except ValueError:
        raise XxgkError(
            f"汇总表的“{SUMMARY_DETAIL_SHEET}”工作表缺少表头（文件、SHA-256、机关名称、计入汇总），"
            f"无法确认它汇总了哪些单位",
            kind="unreadable",
        ) from None

    def cell(row, key):
        value = row[cols[key]] if cols[key] < len(row) else None
        return "" if value is None else str(value).strip()

    return [{k: cell(row, k) for k in ("file", "sha256", "org")} for row in rows[1:] if cell(row, "included") == "是"]


def _shown(raw, limit: int = 40) -> str:
    """A cell's value for a message: a hostile cell may hold 32767 characters (or, outside Excel, millions)."""
    text = str(raw)
    return text if len(text) <= limit else text[:limit] + f"…（共 {len(text)} 个字符）"
