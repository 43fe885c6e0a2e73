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
from .rules import REFUSING
from .rules.info import I_02
from .rules.text import P_01
from .xlsx import MAX_FILE_BYTES, MAX_RATIO, RATIO_FLOOR

REPORT_SUFFIXES = (".xlsx", ".xlsm", ".json")
MAX_ARCHIVE_BYTES = 200 * 1024 * 1024  # a .zip or .eml input
MAX_ARCHIVE_MEMBERS = 1000
MAX_ARCHIVE_TOTAL = 1024 * 1024 * 1024  # uncompressed, all members of one archive
MAX_NESTING = 3  # zip in eml in zip …

STATUSES = ("ok", "warnings", "errors", "duplicate", "summary_overlap", "wrong_year", "wrong_format",
            "wrong_structure", "unreadable")
STATUS_NAMES = {"ok": "通过", "warnings": "有警告", "errors": "有错误", "duplicate": "重复（未计入）",
                "summary_overlap": "汇总表，所含单位已在输入中（未计入）", "wrong_year": "年度不符（未计入）",
                "wrong_format": "格式不符（未计入）", "wrong_structure": "表格结构被改动（未计入）",
                "unreadable": "无法读取（未计入）"}
INCLUDED = ("ok", "warnings", "errors")
KEY_TOTALS = (("t3.new_received.total", "本年新收申请"), ("t3.total.total", "办理结果总计"),
              ("t3.carry_forward.total", "结转下年度"), ("t4.review.total", "行政复议"),
              (("t4.lit_direct.total", "t4.lit_after_review.total"), "行政诉讼"))
DEFAULT_SUMMARY_ORG = "汇总单位"  # the summary's 机关名称 when the office does not give its own
TO_FILL = (I_02.id, P_01.id)  # a summary has the units' numbers, not the office's own 基本信息 and text
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
        return ("汇总表只含各单位之和：生成本级的年度报告前，请在汇总表中填写本机关的内容——" + "；".join(todo)) if todo else ""

    @property
    def included(self) -> list[Unit]:
        return [u for u in self.units if u.included]

    @property
    def ok(self) -> bool:
        """Every expected unit included without errors (exit code 0)."""
        bad = {"errors", "wrong_year", "wrong_format", "wrong_structure", "unreadable"}
        return (self.summary is not None and not self.missing and not any(u.status in bad for u in self.units)
                and not any(u.uncovered for u in self.units))

    def to_json(self, summary_path: str | None = None) -> dict:
        return {"org": self.org, "year": self.year, "format": self.format,
                "units": [u.to_json() for u in self.units], "missing": self.missing, "unexpected": self.unexpected,
                "skipped": [s.to_json() for s in self.skipped], "blanks": self.blanks, "notes": self.notes,
                "duplicate_rule": DUPLICATE_RULE, "summary": summary_path,
                "summary_errors": self.summary_errors, "summary_todo": self.summary_todo}

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
    if u.status == "summary_overlap":
        note = (f"这是一份汇总表，它汇总的 {'、'.join(u.overlap[:5])}{' 等' if len(u.overlap) > 5 else ''}"
                f"（{len(u.overlap)} 个单位）也在本次输入中；为免重复计算，本汇总表未计入")
        if u.uncovered:
            note += (f"。注意：它还汇总了 {'、'.join(u.uncovered[:5])}{' 等' if len(u.uncovered) > 5 else ''}"
                     f"（{len(u.uncovered)} 个单位），这些单位的报表不在本次输入中，未计入汇总，请补齐")
        return note
    if u.status == "wrong_structure":
        return "工作簿的结构被改动，数字无法按原位置准确读取：" + "；".join(
            f.message for f in u.findings if f.rule in REFUSING)[:300]
    if u.status == "wrong_year":
        return f"报告年度为 {u.year}" if u.year is not None else "未填报告年度"
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
            skipped.append(Skipped(name, _not_a_report(lower)))

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
            skipped.append(Skipped(name, _not_a_report(lower)))

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


def _not_a_report(lower_name: str) -> str:
    if lower_name.endswith(".ods"):
        from .xlsx import ODS_MESSAGE

        return ODS_MESSAGE
    return "不是年报文件（只读取 .xlsx、.xlsm、.json、.zip、.eml）"


def _resolved(path) -> str:
    try:
        return str(Path(path).resolve())
    except OSError:  # pragma: no cover
        return str(path)


def _zip_name(info: zipfile.ZipInfo) -> str:
    """A member's name. Without the UTF-8 flag zipfile decodes it as cp437; the bytes are really UTF-8 (Info-ZIP
    on Linux and macOS, macOS's Archive Utility) or GBK/GB18030 (Windows archivers in China): UTF-8 first,
    as it almost never decodes text that is not UTF-8, then GB18030."""
    return info.filename if info.flag_bits & 0x800 else decode_name(info.filename.encode("cp437"))


def decode_name(raw: bytes) -> str:
    """A file name given as raw 8-bit bytes (a zip member, an e-mail attachment): UTF-8, else GB18030."""
    for encoding in ("utf-8", "gb18030"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            pass
    return raw.decode("gb18030", errors="replace")


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
        filename = _attachment_name(part)
        if not filename:
            continue
        found = True
        filename = filename.replace("\\", "/").rsplit("/", 1)[-1]
        payload = part.get_payload(decode=True) or b""
        add(f"{name}!{filename}", payload, depth)
    if not found:
        skipped.append(Skipped(name, "邮件中没有附件"))


_RAW_NAME = re.compile(rb'(?:file)?name\s*=\s*(?:"([^"]*)"|([^;\s]+))', re.I)


def _attachment_name(part) -> str | None:
    """An attachment's file name: RFC 2231 and RFC 2047 names as the email package decodes them; a name sent as
    raw 8-bit bytes (UTF-8 or GBK, against the RFCs but common) from the header's own bytes."""
    name = part.get_filename()
    if name is not None and "\ufffd" not in name:
        return name
    for key, value in part.raw_items():
        if key.lower() in ("content-disposition", "content-type"):
            m = _RAW_NAME.search(str(value).encode("ascii", "surrogateescape"))
            if m:
                return decode_name(m.group(1) if m.group(1) is not None else m.group(2))
    return name


# -- reading one unit (in a worker process) ----------------------------------------------------------

def read_unit(src: Source) -> Unit:
    """Read and check one report as `xxgk check` does (last year's report is looked up afterwards, by
    `merge`, among all the inputs: see _check_across_years). Never raises."""
    from .pipeline import check_loaded
    from .read import load_bytes

    unit = Unit(src.name)
    try:
        blob = src.blob if src.blob is not None else Path(src.path).read_bytes()
    except OSError as exc:
        unit.error = f"无法读取文件（{exc.strerror}）"
        return unit
    unit.sha256 = hashlib.sha256(blob).hexdigest()
    try:
        data = load_bytes(blob, src.name)
        report = check_loaded(data, find=lambda location: None)
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
    _set_report(unit, report)
    return unit


def _set_report(unit: Unit, report: Report) -> None:
    if unit.data is not None and unit.data.summary_of is not None:  # a lower level's summary: only its numbers count
        report.findings = [f for f in report.findings if f.rule not in TO_FILL]
    unit.findings = report.findings
    unit.errors, unit.warnings = report.errors, report.warnings
    unit.status = ("wrong_structure" if any(f.rule in REFUSING for f in report.findings) else
                   "errors" if report.errors else "warnings" if report.warnings else "ok")


def _check_across_years(units: list[Unit]) -> None:
    """Check again, with last year's report, the units whose 基本信息 names one: looked up beside the unit in
    the same folder of the same container (a unit's findings never depend on whether it came as a file, in a
    .zip or in an e-mail), among the inputs already read, else on disk."""
    from .pipeline import check_loaded, load, previous_location

    by_location = {}
    for u in units:
        by_location[u.file if "!" in u.file else _resolved(u.file)] = u

    def find(location: str):
        unit = by_location.get(location if "!" in location else _resolved(location))
        if unit is not None:
            if unit.data is None:
                raise XxgkError(unit.error or "无法读取")
            return unit.data
        return None if "!" in location else load(location)

    for u in units:
        if u.data is not None and u.status != "wrong_structure" and previous_location(u.data):
            _set_report(u, check_loaded(u.data, find=find))


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

    from . import check, pipeline, read  # noqa: F401 - imported once here, inherited by forked workers
    from .rules import claims  # noqa: F401
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
    _check_across_years(units)

    readable = [u for u in units if u.data is not None]
    if year is None:
        years = Counter(u.year for u in readable if u.year is not None)
        year = max(years, key=lambda y: (years[y], y)) if years else None
    fmt = format_for_year(year) if year is not None and year >= 2019 else None
    result = MergeResult(org, year, fmt, units, skipped, roster=roster)
    for u in readable:
        if not u.included:
            continue
        if u.year != year:
            u.status = "wrong_year"
        elif u.format != fmt:
            u.status = "wrong_format"
    _mark_summary_overlaps([u for u in units if u.included])
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


def _mark_summary_overlaps(units: list[Unit]) -> None:
    """A summary workbook (it lists its units in 汇总明细) whose units are also among the inputs is not counted:
    an earlier summary left in the folder, or a 片区 summary beside its own units. A unit matches by the
    SHA-256 of its file or by its 机关名称. A summary none of whose units is among the inputs counts as one
    unit (that is how the next level merges)."""
    for s in units:
        entries = s.data.summary_of if s.data is not None else None
        if not entries:
            continue
        others = [u for u in units if u is not s]
        shas = {u.sha256 for u in others}
        orgs = {normalise_name(u.org) for u in others if u.org}
        overlap = [e for e in entries if e["sha256"] in shas or normalise_name(e["org"]) in orgs]
        if overlap:
            s.status = "summary_overlap"
            s.overlap = [e["org"] or e["file"] for e in overlap]
            s.uncovered = [e["org"] or e["file"] for e in entries if e not in overlap]


def _mark_duplicates(units: list[Unit]) -> None:
    groups: dict[tuple, list[Unit]] = {}
    for u in units:
        if normalise_name(u.org):  # a summary and a unit report of the same office are not duplicates
            groups.setdefault((normalise_name(u.org), bool(u.data.summary_of)), []).append(u)
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
    from .sums import recompute_totals

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
            raise XxgkError("单位名单应为 .xlsx 或 .csv 文件", file=str(path))
    except OSError as exc:
        from .errors import file_error

        raise file_error(exc, path, "单位名单") from None
    rows = [[_roster_cell(v) for v in r] for r in rows]
    col, start = 0, 0
    found = [(ROSTER_HEADERS.index(normalise_name(v)), i, j) for i, r in enumerate(rows[:ROSTER_HEAD_ROWS])
             for j, v in enumerate(r) if normalise_name(v) in ROSTER_HEADERS]
    if found:
        _, header_row, col = min(found, key=lambda f: (f[1], f[0]))  # the first header row; its best column
        start = header_row + 1
    names: list[str] = []
    for r in rows[start:]:
        name = r[col].strip() if col < len(r) else ""
        if normalise_name(name) and name not in names:
            names.append(name)
    if not names:
        raise XxgkError("单位名单是空的（表头“机关名称”“单位名称”下面，或第一列中，没有名称）", file=str(path))
    implausible = [n for n in names if not _plausible_name(n)]
    if implausible:
        where = f"“{rows[start - 1][col]}”列" if start else "第一列"
        raise XxgkError(f"单位名单的{where}中有不像单位名称的内容：{'、'.join(implausible[:5])}"
                        f"{' 等' if len(implausible) > 5 else ''}（{len(implausible)} 个）。请让名称单独占一列、"
                        f"表头写“单位名称”，删去序号、日期和合计等内容后再试", file=str(path))
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
    notes = result.notes + ([result.summary_todo] if result.summary_todo else [])
    if notes:
        parts.append("<h2>说明</h2><ul>" + "".join(f"<li>{e(n)}</li>" for n in notes) + "</ul>")
    style = ("body{font-family:sans-serif;margin:2em}table{border-collapse:collapse}th,td{border:1px solid #999;"
             "padding:4px 8px;vertical-align:top}th{background:#eee;cursor:pointer}tr.errors,tr.unreadable,"
             "tr.wrong_year,tr.wrong_format{background:#fde}tr.warnings{background:#ffe}tr.duplicate{color:#777}")
    return (f'<!DOCTYPE html>\n<html lang="zh-CN">\n<head><meta charset="utf-8"><title>{e(title)}</title>'
            f"<style>{style}</style></head>\n<body>\n" + "\n".join(parts)
            + f"\n<script>{_SORT_JS}</script>\n</body>\n</html>\n")


def render_text(result: MergeResult) -> str:
    marks = {"ok": "✓", "warnings": "✓", "errors": "✗", "duplicate": "=", "summary_overlap": "=", "wrong_year": "✗",
             "wrong_format": "✗", "wrong_structure": "✗", "unreadable": "✗"}
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
    if result.summary_todo:
        lines.append(result.summary_todo)
    return "\n".join(lines) + "\n"


def to_json_text(result: MergeResult, summary_path: str | None) -> str:
    return json.dumps(result.to_json(summary_path), ensure_ascii=False, indent=2, default=str) + "\n"
