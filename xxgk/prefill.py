"""Last year's report: prefill a new year's from it (what must carry over, nothing to be written afresh),
and find it for the cross-year checks of `xxgk check`, `report` and `merge`."""
from __future__ import annotations

import os
from pathlib import Path

from .data import ReportData
from .errors import XxgkError
from .form import load_form

# Organisation details that stay from year to year (the 文号, dates and every text are new each year).
CARRIED_INFO = ("issuer_mark", "address", "postcode", "phone", "email", "website", "cc", "printer")


def prefill(previous: ReportData, year: int, org: str, fmt: str, output: Path) -> ReportData:
    if previous.year is not None and previous.year != year - 1:
        raise XxgkError(f"上一年度文件是 {previous.year} 年度的报告，新报告是 {year} 年度：请选择 {year - 1} 年度的报告",
                        file=previous.source or None)
    form = load_form(fmt)
    data = ReportData(format=fmt, year=year, org=org)
    data.info = {k: previous.info[k] for k in CARRIED_INFO if previous.info.get(k)}
    # 二、上年结转 = last year's 四、结转下年度继续办理, applicant by applicant (总计 is a formula).
    for ckey, _ in form.t3_columns:
        cell = form.cells[f"t3.carried_over.{ckey}"]
        if not cell.is_total:
            data.cells[cell.id] = previous.cells.get(f"t3.carry_forward.{ckey}")
    # 2019 → 2020: 上一年项目数量 = last year's 上一年项目数量 + 本年增/减 (rules.md T2v19-01).
    if fmt == previous.format == "2019":
        for cid in form.cells:
            if cid.endswith(".prev_count"):
                row = cid.rsplit(".", 1)[0]
                before, delta = previous.cells.get(cid), previous.cells.get(f"{row}.delta")
                if before is not None and delta is not None:
                    data.cells[cid] = before + delta
    if previous.source:
        src = Path(previous.source).resolve()
        try:
            data.info["previous_file"] = os.path.relpath(src, output.resolve().parent)
        except ValueError:  # another drive on Windows
            data.info["previous_file"] = str(src)
    return data


def previous_file(data: ReportData) -> Path | None:
    """The previous year's file named in 基本信息, resolved against the folder of the report's file."""
    name = data.info.get("previous_file", "").strip()
    if not name:
        return None
    path = Path(name)
    if not path.is_absolute():
        if not data.source:
            return None  # a workbook never saved (Excel's 工作簿1): no folder to look in
        path = Path(data.source).resolve().parent / path
    return path


def check_file(file: str, given_previous=None):
    """Read and check one file, with last year's report from --previous or from 基本信息 → (data, report)."""
    from .read import load

    data = load(file)
    report = check_with_previous(data, given_previous)
    report.file = file
    return data, report


def check_with_previous(data: ReportData, given_previous=None):
    """Check data already read (a file, or a workbook open in Excel), across years when last year's is known."""
    from .check import check

    previous, note = given_previous, None
    if previous is None:
        previous, note = previous_from_info(data)
    report = check(data, previous=previous, mode="audit" if data.kind == "published" else "generate")
    if note:
        report.findings.append(note)
    return report


def previous_from_info(data: ReportData):
    """Last year's report as named in 基本信息 (上一年度报告文件), or a note why it could not be used."""
    from .findings import Finding
    from .read import load

    path = previous_file(data)
    if path is None:
        return None, None
    try:
        return load(path), None
    except XxgkError as exc:
        return None, Finding("X-01", "warning", f"基本信息中的上一年度报告文件无法使用，未作跨年核对：{exc.message}"
                                                f"（{path}）。请改正文件名（在 Excel 中可点击“上年报告”按钮选择），或用 --previous 指定。",
                             values={"previous_file": str(path)})
