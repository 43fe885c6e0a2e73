"""Aggregation upward (`xxgk merge`): read and check many units' reports, sum the included ones into a
summary workbook of the same form.

Inputs are workbooks, JSON data files, folders, .zip archives and saved .eml e-mails. Archive members
and attachments are read in memory (never written to disk) with the workbook reader's safety checks.
Every unit is read and checked with the same core as `xxgk check`; a bad unit never stops the batch.

    result = merge(["收到的/"], org="某某县人民政府办公室", year=2025)
    result.write("汇总.xlsx")
"""
from __future__ import annotations

import csv
import email
import email.policy
import hashlib
import html
import io
import json
import os
import re
import zipfile
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Callable

from .data import ReportData
from .errors import XxgkError
from .findings import SEVERITY_NAMES, Finding, Report
from .form import SUMMARY_DETAIL_SHEET, Form, format_for_year, load_form
from .xlsx import MAX_FILE_BYTES, MAX_RATIO, RATIO_FLOOR

REPORT_SUFFIXES = (".xlsx", ".xlsm", ".json")
MAX_ARCHIVE_BYTES = 200 * 1024 * 1024  # a .zip or .eml input
MAX_ARCHIVE_MEMBERS = 1000
MAX_ARCHIVE_TOTAL = 1024 * 1024 * 1024  # uncompressed, all members of one archive
MAX_NESTING = 3  # zip in eml in zip …

STATUSES = ("ok", "warnings", "errors", "duplicate", "wrong_year", "wrong_format", "unreadable")
STATUS_NAMES = {"ok": "通过", "warnings": "有警告", "errors": "有错误", "duplicate": "重复（未计入）",
                "wrong_year": "年度不符（未计入）", "wrong_format": "格式不符（未计入）", "unreadable": "无法读取（未计入）"}
INCLUDED = ("ok", "warnings", "errors")
KEY_TOTALS = (("t3.new_received.total", "本年新收申请"), ("t3.total.total", "办理结果总计"),
              ("t3.carry_forward.total", "结转下年度"), ("t4.review.total", "行政复议"),
              (("t4.lit_direct.total", "t4.lit_after_review.total"), "行政诉讼"))
DUPLICATE_RULE = "同一机关同一年度有多份报表时只计一份：先取错误较少的，再取成文日期较晚的，再取文件名排序在前的"

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
    date: str = ""  # 成文日期
    findings: list[Finding] = field(default_factory=list)
    data: ReportData | None = None
    kept: str | None = None  # a duplicate: the file kept instead
    duplicate_rule: str = ""  # a duplicate: why that file was kept
    duplicates: list[str] = field(default_factory=list)  # the kept file: the files it replaced
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
        out = {"file": self.file, "sha256": self.sha256, "org": self.org, "year": self.year, "format": self.format,
               "status": self.status, "included": self.included, "errors": self.errors, "warnings": self.warnings}
        if self.error:
            out["error"] = self.error
        if self.kept:
            out["duplicate_of"] = self.kept
            out["rule"] = self.duplicate_rule
        if self.duplicates:
            out["kept"] = True
            out["replaces"] = self.duplicates
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
    def included(self) -> list[Unit]:
        return [u for u in self.units if u.included]

    @property
    def ok(self) -> bool:
        """Every expected unit included without errors (exit code 0)."""
        bad = {"errors", "wrong_year", "wrong_format", "unreadable"}
        return self.summary is not None and not self.missing and not any(u.status in bad for u in self.units)

    def to_json(self, summary_path: str | None = None) -> dict:
        return {"org": self.org, "year": self.year, "format": self.format,
                "units": [u.to_json() for u in self.units], "missing": self.missing, "unexpected": self.unexpected,
                "skipped": [s.to_json() for s in self.skipped], "blanks": self.blanks, "notes": self.notes,
                "duplicate_rule": DUPLICATE_RULE, "summary": summary_path,
                "summary_errors": self.summary_report.errors if self.summary_report else None}

    def detail_sheet(self):
        from .build import ExtraSheet

        header = ("文件", "SHA-256", "机关名称", "年度", "格式", "状态", "计入汇总", "错误", "警告",
                  *(label for _, label in KEY_TOTALS), "说明")
        rows = []
        for u in self.units:
            rows.append((u.file, u.sha256, u.org, u.year, u.format, STATUS_NAMES[u.status], "是" if u.included else "否",
                         u.errors, u.warnings, *(u.total(k) for k, _ in KEY_TOTALS), _unit_note(u)))
        for s in self.skipped:
            rows.append((s.file, "", "", None, "", "已跳过", "否", None, None, *(None for _ in KEY_TOTALS), s.reason))
        for name in self.missing:
            rows.append(("", "", name, None, "", "未报送", "否", None, None, *(None for _ in KEY_TOTALS), "名单中有、未收到可计入的报表"))
        widths = (40, 18, 28, 8, 8, 16, 10, 6, 6, 10, 10, 10, 10, 10, 60)
        return ExtraSheet(SUMMARY_DETAIL_SHEET, header, tuple(rows), widths)

    def workbook_bytes(self) -> bytes:
        from .build import build_bytes

        if self.summary is None:
            raise XxgkError("没有可计入汇总的报表，未生成汇总表")
        return build_bytes(load_form(self.summary.format), self.summary, extra=(self.detail_sheet(),))

    def write(self, path: str | Path, overwrite: bool = False) -> Path:
        from .fsutil import write_atomic

        path = Path(path)
        write_atomic(path, self.workbook_bytes(), overwrite=overwrite)
        return path


def _unit_note(u: Unit) -> str:
    if u.error:
        return u.error
    if u.kept:
        return f"与 {u.kept} 重复，保留后者（{u.duplicate_rule}）"
    if u.duplicates:
        return f"同一机关另有 {'、'.join(u.duplicates)}，保留本文件"
    if u.status == "wrong_year":
        return f"报告年度为 {u.year}"
    if u.status == "wrong_format":
        return f"{u.year} 年度不应使用 {u.format} 格式"
    return ""


# -- collecting the inputs ---------------------------------------------------------------------------

def collect(inputs, exclude=()) -> tuple[list[Source], list[Skipped], list[Unit]]:
    """Expand the inputs → (report sources, skipped files, unreadable containers)."""
    sources: list[Source] = []
    skipped: list[Skipped] = []
    broken: list[Unit] = []
    excluded = {_resolved(p) for p in exclude}

    def add_blob(name: str, blob: bytes, depth: int):
        base = name.rsplit("!", 1)[-1].replace("\\", "/").rsplit("/", 1)[-1]
        lower = base.lower()
        if base.startswith("~$"):
            skipped.append(Skipped(name, "Excel 临时锁定文件（~$ 开头）"))
        elif lower.endswith(REPORT_SUFFIXES):
            sources.append(Source(name, blob=blob))
        elif lower.endswith((".zip", ".eml")):
            if depth >= MAX_NESTING:
                broken.append(Unit(name, error=f"压缩包或邮件嵌套超过 {MAX_NESTING} 层，未读取"))
                return
            try:
                (_zip_members if lower.endswith(".zip") else _eml_attachments)(blob, name, add_blob, depth + 1, skipped)
            except XxgkError as exc:
                broken.append(Unit(name, sha256=hashlib.sha256(blob).hexdigest(), error=exc.message))
        else:
            skipped.append(Skipped(name, "不是年报文件（只读取 .xlsx、.xlsm、.json、.zip、.eml）"))

    def add_file(path: Path):
        if _resolved(path) in excluded:
            return
        name, lower = str(path), path.name.lower()
        if path.name.startswith("~$"):
            skipped.append(Skipped(name, "Excel 临时锁定文件（~$ 开头）"))
        elif lower.endswith(REPORT_SUFFIXES):
            sources.append(Source(name, path=name))
        elif lower.endswith((".zip", ".eml")):
            try:
                size = path.stat().st_size
                if size > MAX_ARCHIVE_BYTES:
                    raise XxgkError(f"文件过大（{size // 1048576} MB），未读取")
                blob = path.read_bytes()
            except OSError as exc:
                broken.append(Unit(name, error=f"无法读取文件（{exc.strerror}）"))
                return
            except XxgkError as exc:
                broken.append(Unit(name, error=exc.message))
                return
            add_blob(name, blob, 0)
        else:
            skipped.append(Skipped(name, "不是年报文件（只读取 .xlsx、.xlsm、.json、.zip、.eml）"))

    for item in inputs:
        path = Path(item)
        if path.is_dir():
            for child in sorted(p for p in path.rglob("*") if p.is_file()):
                add_file(child)
        elif path.exists():
            add_file(path)
        else:
            broken.append(Unit(str(item), error="文件不存在"))
    return sources, skipped, broken


def _resolved(path) -> str:
    try:
        return str(Path(path).resolve())
    except OSError:  # pragma: no cover
        return str(path)


def _zip_name(info: zipfile.ZipInfo) -> str:
    """A member's name; names from Windows archivers without the UTF-8 flag are usually GBK."""
    name = info.filename
    if not info.flag_bits & 0x800:
        try:
            name = name.encode("cp437").decode("gbk")
        except (UnicodeEncodeError, UnicodeDecodeError):
            pass
    return name


def _zip_members(blob: bytes, name: str, add, depth: int, skipped: list[Skipped]) -> None:
    """Each member of a .zip input, read in memory within limits (count, size, ratio); never extracted."""
    try:
        zf = zipfile.ZipFile(io.BytesIO(blob))
    except zipfile.BadZipFile:
        raise XxgkError("压缩包已损坏或不是 zip 文件") from None
    with zf:
        infos = [i for i in zf.infolist() if not i.is_dir()]
        if len(infos) > MAX_ARCHIVE_MEMBERS:
            raise XxgkError(f"压缩包内文件过多（{len(infos)} 个，上限 {MAX_ARCHIVE_MEMBERS}），未读取")
        if sum(i.file_size for i in infos) > MAX_ARCHIVE_TOTAL:
            raise XxgkError("压缩包解压后体积异常巨大，疑似“压缩炸弹”，未读取")
        for info in sorted(infos, key=_zip_name):
            member = f"{name}!{_zip_name(info)}"
            if member.rsplit("!", 1)[-1].startswith("__MACOSX/"):
                continue
            if info.flag_bits & 0x1:
                skipped.append(Skipped(member, "压缩包内文件已加密，无法读取"))
                continue
            if info.file_size > MAX_FILE_BYTES or (
                    info.file_size > RATIO_FLOOR and info.file_size > MAX_RATIO * max(info.compress_size, 1)):
                skipped.append(Skipped(member, "压缩包内文件过大或压缩比异常，疑似“压缩炸弹”，未读取"))
                continue
            lower = member.lower()
            if not lower.endswith((*REPORT_SUFFIXES, ".zip", ".eml")):
                add(member, b"", depth)  # skipped by name, never inflated
                continue
            try:
                with zf.open(info) as fh:
                    data = fh.read(info.file_size + 1)
            except (zipfile.BadZipFile, NotImplementedError, RuntimeError, OSError, EOFError) as exc:
                skipped.append(Skipped(member, f"压缩包内文件无法解压（{exc}）"))
                continue
            if len(data) > info.file_size:
                skipped.append(Skipped(member, "压缩包内文件超过其声明的大小，疑似“压缩炸弹”，未读取"))
                continue
            add(member, data, depth)


def _eml_attachments(blob: bytes, name: str, add, depth: int, skipped: list[Skipped]) -> None:
    """The attachments of a saved e-mail (.eml), decoded in memory; RFC 2231 / encoded-word file names."""
    msg = email.message_from_bytes(blob, policy=email.policy.default)
    found = False
    for part in msg.walk():
        if part.is_multipart():
            continue
        filename = part.get_filename()
        if not filename:
            continue
        found = True
        filename = filename.replace("\\", "/").rsplit("/", 1)[-1]
        payload = part.get_payload(decode=True) or b""
        add(f"{name}!{filename}", payload, depth)
    if not found:
        skipped.append(Skipped(name, "邮件中没有附件"))


# -- reading one unit (in a worker process) ----------------------------------------------------------

def read_unit(src: Source) -> Unit:
    """Read and check one report as `xxgk check` does. Never raises."""
    from .check import check
    from .prefill import check_file
    from .read import load_bytes

    unit = Unit(src.name)
    try:
        blob = src.blob if src.blob is not None else Path(src.path).read_bytes()
    except OSError as exc:
        unit.error = f"无法读取文件（{exc.strerror}）"
        return unit
    unit.sha256 = hashlib.sha256(blob).hexdigest()
    try:
        if src.path is not None:
            data, report = check_file(src.path)
        else:
            data = load_bytes(blob, src.name)
            report = check(data)
    except XxgkError as exc:
        unit.error = exc.message
        return unit
    except MemoryError:
        unit.error = "内存不足，文件可能过大或已损坏"
        return unit
    except Exception as exc:  # a bad unit never stops the batch
        unit.error = f"内部错误：{exc.__class__.__name__}: {exc}"
        return unit
    unit.data = data
    unit.org, unit.year, unit.format = data.org.strip(), data.year, data.format
    unit.date = data.info.get("date", "") or ""
    unit.findings = report.findings
    unit.errors, unit.warnings = report.errors, report.warnings
    unit.status = "errors" if report.errors else "warnings" if report.warnings else "ok"
    return unit


def _read_all(sources: list[Source], jobs: int | None, progress: Progress | None) -> list[Unit]:
    total = len(sources)
    jobs = os.cpu_count() or 1 if jobs is None else jobs
    jobs = max(1, min(jobs, total))
    out: list[Unit | None] = [None] * total
    if jobs == 1:
        for i, src in enumerate(sources):
            out[i] = read_unit(src)
            if progress:
                progress(i + 1, total, src.name)
        return out  # type: ignore[return-value]
    from concurrent.futures import ProcessPoolExecutor, as_completed

    from . import check, claims, prefill, read  # noqa: F401 - imported once here, inherited by forked workers
    import python_calamine  # noqa: F401

    # Batches, not single units: one task per unit spends more time in inter-process traffic than reading.
    size = max(1, min(BATCH, total // (jobs * 4) or 1))
    batches = [list(range(i, min(i + size, total))) for i in range(0, total, size)]
    done = 0
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        futures = {pool.submit(read_units, [sources[i] for i in batch]): batch for batch in batches}
        for future in as_completed(futures):
            batch = futures[future]
            try:
                units = future.result()
            except Exception as exc:  # a worker died (BrokenProcessPool …): that batch only
                units = [Unit(sources[i].name, error=f"读取进程异常退出（{exc.__class__.__name__}）") for i in batch]
            for i, unit in zip(batch, units):
                out[i] = unit
            done += len(batch)
            if progress:
                progress(done, total, sources[batch[-1]].name)
    return out  # type: ignore[return-value]


BATCH = 32


def read_units(sources: list[Source]) -> list[Unit]:
    return [read_unit(src) for src in sources]


# -- merging ------------------------------------------------------------------------------------------

def normalise_name(name: str) -> str:
    return re.sub(r"\s+", "", name or "")


def merge(inputs, org: str, year: int | None = None, roster: list[str] | str | Path | None = None,
          jobs: int | None = None, progress: Progress | None = None, exclude=()) -> MergeResult:
    """Read, check, classify and sum the units. Raises XxgkError only for usage errors (no inputs, bad roster)."""
    org = (org or "").strip()
    if not org:
        raise XxgkError("汇总单位名称（--org）不能为空")
    if roster is not None and not isinstance(roster, list):
        roster = read_roster(roster)
    sources, skipped, broken = collect(inputs, exclude)
    if not sources and not broken:
        raise XxgkError("没有找到可汇总的年报文件（.xlsx、.xlsm、.json，或含有它们的文件夹、.zip、.eml）")
    units = _read_all(sources, jobs, progress) + broken
    for i, name in enumerate(sorted(range(len(units)), key=lambda k: units[k].file)):
        units[name].order = i
    units.sort(key=lambda u: u.order)

    readable = [u for u in units if u.data is not None]
    if year is None:
        years = Counter(u.year for u in readable if u.year is not None)
        year = max(years, key=lambda y: (years[y], y)) if years else None
    fmt = format_for_year(year) if year is not None and year >= 2019 else None
    result = MergeResult(org, year, fmt, units, skipped, roster=roster)
    for u in readable:
        if u.year != year:
            u.status = "wrong_year"
        elif u.format != fmt:
            u.status = "wrong_format"
    _mark_duplicates([u for u in units if u.included])
    if fmt is not None and result.included:
        form = load_form(fmt)
        result.summary = _sum(form, result, year)
        from .check import check

        result.summary_report = check(result.summary, form)
    if roster is not None:
        have = {normalise_name(u.org) for u in result.included}
        names = {normalise_name(n) for n in roster}
        result.missing = [n for n in roster if normalise_name(n) not in have]
        result.unexpected = [u.org or u.file for u in result.included if normalise_name(u.org) not in names]
    return result


def _mark_duplicates(units: list[Unit]) -> None:
    groups: dict[str, list[Unit]] = {}
    for u in units:
        if normalise_name(u.org):
            groups.setdefault(normalise_name(u.org), []).append(u)
    for group in groups.values():
        if len(group) < 2:
            continue
        ranked = sorted(group, key=lambda u: u.order)
        ranked.sort(key=lambda u: u.date, reverse=True)  # stable: later 成文日期 first, then path order
        ranked.sort(key=lambda u: u.errors)
        kept = ranked[0]
        for u in ranked[1:]:
            u.status, u.kept = "duplicate", kept.file
            u.duplicate_rule = ("错误较少" if u.errors != kept.errors else
                                "成文日期较晚" if u.date != kept.date else "文件名排序在前")
            kept.duplicates.append(u.file)


def _sum(form: Form, result: MergeResult, year: int) -> ReportData:
    from .check import recompute_totals

    units = result.included
    cells: dict = {}
    out_units: dict[str, str | None] = {}
    for cell in form.input_cells():
        values = [(u, u.data.cells.get(cell.id)) for u in units]
        blank = [u.name for u, v in values if v is None]
        if blank:
            result.blanks[cell.id] = blank
        filled = [(u, v) for u, v in values if v is not None]
        if cell.unit_choices:
            filled, out_units[cell.id] = _convert_units(cell, filled, result.notes)
        cells[cell.id] = sum(v for _, v in filled) if filled else None
    recompute_totals(form, cells)
    return ReportData(format=form.format, year=year, org=result.org, cells=cells, units=out_units,
                      text={}, info={}, kind="json", source="（汇总）")


def _convert_units(cell, filled, notes: list[str]):
    """Amounts with a free unit (2019 采购总金额): one unit kept as is; mixed units converted to 万元."""
    stated = {u.data.units.get(cell.id) for u, v in filled if v != 0}
    known = stated - {None}
    if len(known) == 1 and None not in stated:
        return filled, known.pop()
    if not known:
        units_given = {u.data.units.get(cell.id) for u, _ in filled} - {None}
        return filled, (units_given.pop() if len(units_given) == 1 else None)
    target = "万元"
    out = []
    for u, v in filled:
        unit = u.data.units.get(cell.id)
        if v != 0 and unit == "元":
            v = Decimal(v) / Decimal(10000)
        elif v != 0 and unit is None:
            notes.append(f"{u.name}：{cell.label} 未注明单位，按万元计入")
        out.append((u, v))
    notes.append(f"{cell.label}：各单位单位不一，已统一换算为万元（元 ÷ 10000）")
    return out, target


# -- the roster ---------------------------------------------------------------------------------------

ROSTER_HEADERS = ("机关名称", "单位名称")


def read_roster(path: str | Path) -> list[str]:
    """Expected units: a .xlsx or .csv list — the column headed 机关名称/单位名称, else the first column."""
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
            raise XxgkError("单位名单应为 .xlsx 或 .csv 文件", file=str(path))
    except OSError as exc:
        from .errors import file_error

        raise file_error(exc, path, "单位名单") from None
    rows = [["" if v is None else str(v) for v in r] for r in rows if r]
    col, start = 0, 0
    if rows:
        head = [normalise_name(v) for v in rows[0]]
        for h in ROSTER_HEADERS:
            if h in head:
                col, start = head.index(h), 1
                break
        else:
            if head and head[0] in ("名称", "单位", "机关", "名单"):
                start = 1
    names = []
    for r in rows[start:]:
        if col < len(r) and normalise_name(r[col]) and r[col].strip() not in names:
            names.append(r[col].strip())
    if not names:
        raise XxgkError("单位名单是空的（第一列或“机关名称”“单位名称”列中没有名称）", file=str(path))
    return names


def _xlsx_rows(path: Path) -> list[list]:
    from .xlsx import open_package

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
        raise XxgkError(f"无法读取单位名单（{exc}）", file=str(path)) from None
    finally:
        pkg.close()


# -- the HTML page -------------------------------------------------------------------------------------

_SORT_JS = """
document.querySelectorAll('table.sortable th').forEach(function (th, col) {
  th.addEventListener('click', function () {
    var tbody = th.closest('table').tBodies[0], rows = Array.from(tbody.rows);
    var asc = th.getAttribute('aria-sort') !== 'ascending';
    th.closest('tr').querySelectorAll('th').forEach(function (h) { h.removeAttribute('aria-sort'); });
    th.setAttribute('aria-sort', asc ? 'ascending' : 'descending');
    rows.sort(function (a, b) {
      var x = a.cells[col].dataset.v || a.cells[col].textContent, y = b.cells[col].dataset.v || b.cells[col].textContent;
      var nx = parseFloat(x), ny = parseFloat(y);
      var c = (!isNaN(nx) && !isNaN(ny)) ? nx - ny : x.localeCompare(y, 'zh-CN');
      return asc ? c : -c;
    });
    rows.forEach(function (r) { tbody.appendChild(r); });
  });
});
"""


def render_html(result: MergeResult, summary_path: str | None = None) -> str:
    e = html.escape
    title = f"{result.org} {result.year or ''} 年度政府信息公开工作年度报告汇总情况"
    head = ("文件", "机关名称", "年度", "格式", "状态", "计入汇总", "错误", "警告", "SHA-256", "问题")
    rows = []
    for u in result.units:
        if u.findings:
            items = "".join(f"<li>{e(SEVERITY_NAMES[f.severity])} {e(f.rule)}：{e(f.message)}</li>" for f in u.findings)
            details = f"<details><summary>{len(u.findings)} 条</summary><ul>{items}</ul></details>"
        else:
            details = e(_unit_note(u))
        if u.findings and _unit_note(u):
            details = e(_unit_note(u)) + details
        rows.append(
            f'<tr class="{e(u.status)}"><td>{e(u.file)}</td><td>{e(u.org)}</td><td>{e(str(u.year or ""))}</td>'
            f"<td>{e(u.format)}</td><td data-v=\"{STATUSES.index(u.status)}\">{e(STATUS_NAMES[u.status])}</td>"
            f"<td>{'是' if u.included else '否'}</td><td>{u.errors}</td><td>{u.warnings}</td>"
            f"<td><code>{e(u.sha256[:12])}</code></td><td>{details}</td></tr>")
    parts = [f"<h1>{e(title)}</h1>",
             f"<p>共 {len(result.units)} 份报表，计入汇总 {len(result.included)} 份"
             + (f"；汇总表：{e(summary_path)}" if summary_path else "") + "。点击表头排序。</p>",
             '<table class="sortable"><thead><tr>' + "".join(f'<th scope="col">{e(h)}</th>' for h in head)
             + "</tr></thead><tbody>" + "".join(rows) + "</tbody></table>"]
    if result.roster is not None:
        parts.append(f"<h2>未报送（{len(result.missing)}）</h2><ul>"
                     + "".join(f"<li>{e(n)}</li>" for n in result.missing) + "</ul>")
    if result.skipped:
        parts.append(f"<h2>已跳过的文件（{len(result.skipped)}）</h2><ul>"
                     + "".join(f"<li>{e(s.file)}：{e(s.reason)}</li>" for s in result.skipped) + "</ul>")
    if result.blanks:
        form = load_form(result.format) if result.format else None
        items = "".join(f"<li>{e(form.cells[c].label if form else c)}（{e(c)}）：{e('、'.join(n))}</li>"
                        for c, n in result.blanks.items())
        parts.append(f"<details><summary>空白单元格（{len(result.blanks)} 项，未按 0 计）</summary><ul>{items}</ul></details>")
    if result.notes:
        parts.append("<h2>说明</h2><ul>" + "".join(f"<li>{e(n)}</li>" for n in result.notes) + "</ul>")
    style = ("body{font-family:sans-serif;margin:2em}table{border-collapse:collapse}th,td{border:1px solid #999;"
             "padding:4px 8px;vertical-align:top}th{background:#eee;cursor:pointer}tr.errors,tr.unreadable,"
             "tr.wrong_year,tr.wrong_format{background:#fde}tr.warnings{background:#ffe}tr.duplicate{color:#777}")
    return (f'<!DOCTYPE html>\n<html lang="zh-CN">\n<head><meta charset="utf-8"><title>{e(title)}</title>'
            f"<style>{style}</style></head>\n<body>\n" + "\n".join(parts)
            + f"\n<script>{_SORT_JS}</script>\n</body>\n</html>\n")


def render_text(result: MergeResult) -> str:
    marks = {"ok": "✓", "warnings": "✓", "errors": "✗", "duplicate": "=", "wrong_year": "✗", "wrong_format": "✗",
             "unreadable": "✗"}
    lines = [f"{result.org}：{result.year or '?'} 年度汇总，{len(result.units)} 份报表，计入 {len(result.included)} 份"]
    for u in result.units:
        counts = f"（{u.errors} 个错误，{u.warnings} 个警告）" if u.data is not None else ""
        note = _unit_note(u)
        lines.append(f"  {marks[u.status]} {u.file}：{u.org or '—'}，{STATUS_NAMES[u.status]}{counts}"
                     + (f"：{note}" if note else ""))
    if result.roster is not None:
        lines.append(f"未报送 {len(result.missing)} 个单位" + (f"：{'、'.join(result.missing)}" if result.missing else ""))
    for s in result.skipped:
        lines.append(f"  已跳过 {s.file}：{s.reason}")
    if result.blanks:
        lines.append(f"有 {len(result.blanks)} 个单元格在部分单位空白（未按 0 计），例如：")
        for cid, names in list(result.blanks.items())[:5]:
            lines.append(f"  {cid}：{'、'.join(names[:5])}{' 等' if len(names) > 5 else ''}")
    lines += result.notes
    return "\n".join(lines) + "\n"


def to_json_text(result: MergeResult, summary_path: str | None) -> str:
    return json.dumps(result.to_json(summary_path), ensure_ascii=False, indent=2, default=str) + "\n"
