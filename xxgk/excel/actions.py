"""One function per ribbon button (the tag in addin/customUI.xml → the function), each calling the same
core as the command line: pipeline.check_loaded (xxgk check), report.generate (xxgk report),
merge.merge (xxgk merge).
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass
from pathlib import Path

from .. import __version__
from ..addin import installed_addin
from ..errors import XxgkError
from ..findings import Report
from ..form import GUIDE_SHEET, INFO_SHEET, load_form
from ..pipeline import check_loaded, previous_location, require_previous_year, require_usable
from . import ui
from .book import harvest_explanations, is_saved, read_book, set_info, sheet_names, show_findings

SHOWN_ERRORS = 8  # findings listed in a message box; the rest are on the 校验结果 sheet
ROSTER_NAMES = ("应报单位名单.xlsx", "应报单位名单.csv")


@dataclass
class Call:
    """One button press: the Excel instance and the workbook it was pressed on (None when none is open)."""

    app: object
    book: object | None

    def workbook(self):
        if self.book is None:
            raise XxgkError("请先打开要处理的年报工作簿，再点击按钮", kind="excel")
        return self.book


def _checked(book):
    data = read_book(book)
    report = check_loaded(data)
    report.file = book.fullname
    return data, report


def check(call: Call) -> Report:
    """校验: 校验结果 sheet, marks, the first error selected, a message with the counts."""
    book = call.workbook()
    harvest_explanations(book)  # 情况说明 typed into 校验结果 are kept before it is written anew
    data, report = _checked(book)
    show_findings(book, report, data)
    if report.valid:
        text = (
            f"校验通过，有 {report.warnings} 个警告，请逐条核实（见“校验结果”工作表，已标为黄色）。"
            if report.warnings
            else "校验通过，没有发现问题。可以点击“生成报告”。"
        )
    else:
        text = (
            f"校验未通过：{report.errors} 个错误，{report.warnings} 个警告。\n\n已转到第一个问题所在的单元格；"
            f"有问题的单元格已标为红色（错误）或黄色（警告），全部问题见“校验结果”工作表。改正后请再次校验。"
        )
    if previous_location(data) is None:
        text += "\n\n未核对上年结转：点击“上年报告”可选择上一年度的年报工作簿或已发布的年报。"
    ui.alert(call.app, text, critical=not report.valid)
    return report


def _error_list(report: Report) -> str:
    errors = [f for f in report.findings if f.severity == "error"]
    lines = [f"{i}. {f.rule}：{f.message}" for i, f in enumerate(errors[:SHOWN_ERRORS], start=1)]
    if len(errors) > SHOWN_ERRORS:
        lines.append(f"……另有 {len(errors) - SHOWN_ERRORS} 个错误，见“校验结果”工作表")
    return "\n".join(lines)


def report(call: Call, pdf: bool = False):
    """生成报告 / 生成PDF: the report beside the workbook, then opened. Errors block it unless a draft is chosen."""
    from ..report.generate import default_docx, generate, plan
    from ..report.pdf import soffice_path

    book = call.workbook()
    if not is_saved(book):
        raise XxgkError("请先保存工作簿：报告保存在工作簿所在的文件夹", kind="excel")
    data, checked = _checked(book)
    if not checked.valid:
        show_findings(book, checked, data)
    require_usable(data, "生成报告")
    draft = False
    if not checked.valid:
        answer = ui.alert(
            call.app,
            f"校验发现 {checked.errors} 个错误，不能生成正式报告：\n\n{_error_list(checked)}\n\n"
            "是否生成标注“草稿（校验未通过）”的草稿？选择“否”则不生成，请按“校验结果”工作表改正。",
            buttons="yes_no",
            critical=True,
        )
        if answer != "yes":
            return None
        draft = True
    docx = default_docx(data)
    targets = [docx] + ([docx.with_suffix(".pdf")] if pdf else [])
    if not ui.may_overwrite(call.app, targets):
        return None
    via_office = pdf and soffice_path() is None and os.name == "nt"
    outputs = plan(data, docx, pdf and not via_office, False, overwrite=True)
    ui.status(call.app, "正在生成报告……")
    try:
        generate(data, checked, outputs, draft=draft)
        if via_office:
            outputs.pdf = docx.with_suffix(".pdf")
            ui.office_pdf(docx, outputs.pdf)
            outputs.written.append(outputs.pdf)
    finally:
        ui.status(call.app, None)
    shown = outputs.pdf if pdf else outputs.docx
    if draft or checked.warnings or outputs.notes:
        mark = (
            "草稿（校验未通过，不能用于发布）"
            if draft
            else f"报告（校验有 {checked.warnings} 个警告，请核实）"
            if checked.warnings
            else "报告"
        )
        ui.alert(
            call.app,
            f"已生成{mark}：\n"
            + "\n".join(str(p) for p in outputs.written)
            + "".join(f"\n\n注意：{note}" for note in outputs.notes),
            critical=draft,
        )
    ui.open_file(shown)
    return outputs


def pdf(call: Call):
    return report(call, pdf=True)


def previous(call: Call):
    """上年报告: pick last year's workbook (or, in a unit's first year, its published report), record it in 基本信息
    (relative when possible), check again."""
    from ..published import SUFFIXES
    from ..read import load

    book = call.workbook()
    data = read_book(book)
    folder = Path(book.fullname).parent if is_saved(book) else None
    want = f"{data.year - 1} 年度" if data.year else "上一年度"
    picked = ui.pick_file(
        call.app,
        f"选择{want}的年报工作簿（没有工作簿时可选已发布的年报）",
        "年报工作簿、JSON 数据文件或已发布的年报（网页、Word、PDF、文本）",
        (".xlsx", ".xlsm", ".json", *SUFFIXES),
        folder,
    )
    if not picked:
        return None
    require_previous_year(load(picked), data.year)
    value = picked
    if folder is not None:
        try:
            value = os.path.relpath(picked, folder)
        except ValueError:  # another drive
            pass
    set_info(book, load_form(data.format), "previous_file", value)
    return check(call)


def merge(call: Call):
    """汇总下级报表: pick a folder, check and sum it into <folder>_汇总表.xlsx beside it, open the summary."""
    from ..fsutil import write_atomic
    from ..merge import DEFAULT_SUMMARY_ORG, render_html
    from ..merge import merge as merge_units

    picked = ui.pick_folder(call.app, "选择存放下级单位年报的文件夹（可含子文件夹、.zip 和 .eml）")
    if not picked:
        return None
    folder = Path(picked)
    base = folder.name or "汇总"
    out = folder.parent / f"{base}_汇总表.xlsx"
    page = folder.parent / f"{base}_汇总情况.html"
    if not ui.may_overwrite(call.app, [out, page]):
        return None
    roster = next((folder / n for n in ROSTER_NAMES if (folder / n).is_file()), None)
    org = _own_org(call.book) or DEFAULT_SUMMARY_ORG
    last_update = [0.0]

    def progress(done: int, total: int, name: str) -> None:
        now = time.monotonic()
        if now - last_update[0] > 0.25 or done == total:
            last_update[0] = now
            ui.status(call.app, f"正在读取并校验 {done}/{total}：{name[-40:]}")

    try:
        result = merge_units(
            [str(folder)],
            org,
            roster=roster,
            progress=progress,
            exclude=[p for p in (out, page, roster) if p is not None],
        )
        written = str(result.write(out, overwrite=True)) if result.summary is not None else None
        write_atomic(page, render_html(result, written).encode("utf-8"))
    finally:
        ui.status(call.app, None)
    not_counted = [u for u in result.units if not u.included]
    with_errors = [u for u in result.units if u.status == "errors"]
    lines = [
        f"共 {len(result.units)} 份报表，计入 {len(result.included)} 份"
        + (f"（{len(with_errors)} 份有错误，请核实）" if with_errors else "")
        + (f"，未计入 {len(not_counted)} 份" if not_counted else "")
        + "。"
    ]
    if roster is not None:
        lines.append(
            f"按{roster.name}，未报送 {len(result.missing)} 个单位"
            + (f"：{'、'.join(result.missing[:10])}" if result.missing else "")
            + "。"
        )
    if org == DEFAULT_SUMMARY_ORG:
        lines.append(f"汇总表的机关名称暂写为“{DEFAULT_SUMMARY_ORG}”，请在其“基本信息”中改为本机关名称。")
    lines.append(f"汇总表：{written}" if written else "没有可计入的报表，未生成汇总表。")
    if result.summary_todo:
        lines.append(result.summary_todo)
    lines.append(f"汇总情况（各单位的状态和问题）：{page}")
    ui.alert(call.app, "\n".join(lines), critical=not result.ok)
    if written:
        call.app.books.open(written)
    if not result.ok:
        ui.open_file(page)
    return result


def _own_org(book) -> str:
    """The 机关名称 of the open workbook when it is one of ours (the office's own report), else ""."""
    if book is None:
        return ""
    try:
        return read_book(book).org
    except XxgkError:
        return ""


def guide(call: Call):
    """使用说明: what each button does; the workbook's own 填报说明 sheet is brought to the front."""
    if call.book is not None and GUIDE_SHEET in sheet_names(call.book):
        call.book.sheets[GUIDE_SHEET].activate()
    found = installed_addin()
    addin = f"加载项 {found[1] or '版本未知'}（{found[0]}）" if found else "加载项未用 xxgk addin install 安装"
    ui.alert(call.app, HELP_TEXT.format(version=__version__, addin=addin, info=INFO_SHEET))


HELP_TEXT = """“信息公开年报”加载项使用说明

版本：xxgk {version}；{addin}。

填报：在年报工作簿的黄色单元格中填写数字和文字（蓝色为公式，不能修改）；“{info}”中填写机关信息。

校验：按国家格式和勾稽关系检查当前工作簿。问题写入“校验结果”工作表（点击“位置”可转到单元格），有问题的单元格标为红色（错误）或黄色（警告）。

生成报告：校验通过后，在工作簿所在文件夹生成红头 Word 报告并打开；有错误时可选择生成草稿。
生成PDF：同时生成用于网站发布的 PDF。

上年报告：选择上一年度的年报工作簿（没有工作簿时可选已发布的年报网页、Word 或 PDF），校验时核对上年结转和文字是否照搬。

汇总下级报表：选择存放下级单位年报的文件夹（可含子文件夹、.zip 和 .eml 邮件），逐份校验后相加，在该文件夹旁生成同一格式的汇总表和汇总情况页面。文件夹中如有“应报单位名单.xlsx”（或 .csv），会列出未报送的单位。

报送上级时请发送 .xlsx 工作簿本身；加载项只安装在本机，不随工作簿发送。
没有 Excel 时，同样的功能可用命令行：xxgk check / report / merge。"""

ACTIONS = {"check": check, "report": report, "pdf": pdf, "previous": previous, "merge": merge, "help": guide}
