"""Last year's report: prefill a new year's from it (what must carry over, nothing to be written afresh)."""

from __future__ import annotations

import os
from pathlib import Path

from .data import ReportData
from .form import load_form
from .rules.crossyear import area_prefix

# Organisation details that stay from year to year (the 文号, dates and every text are new each year).
CARRIED_INFO = ("issuer_mark", "address", "postcode", "phone", "email", "website", "cc", "printer")


def prefill(previous: ReportData, year: int, org: str, fmt: str, output: Path) -> tuple[ReportData, list[str]]:
    """→ (the new year's data, warnings to show). Refuses last year's data when it could not be read exactly."""
    from .pipeline import require_previous_year, require_usable

    require_usable(previous, "用作上一年度报告预填")
    require_previous_year(previous, year)
    notes = []
    form = load_form(fmt)
    data = ReportData(format=fmt, year=year, org=org)
    data.info = {k: previous.info[k] for k in CARRIED_INFO if previous.info.get(k)}
    if previous.org.strip() and previous.org.strip() != org and not area_prefix(previous.org, org):
        notes.append(
            f"注意：上一年度文件的机关名称是“{previous.org.strip()}”，与新报告的“{org}”不同。已复制它的发文机关标志、"
            f"联系方式、抄送和印发机关，请在“基本信息”中逐项核对（如选错了文件，请重新新建）。"
        )
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
    return data, notes
