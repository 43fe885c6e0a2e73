"""Build the protected workbook from a Form (and optionally fill it with ReportData).

One writer for every workbook the product makes: the blank templates, `xxgk new`, `xxgk fill` and
(later) the aggregated summary. The output is deterministic: the same form and data give the same bytes.
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from openpyxl import Workbook
from openpyxl.formatting.rule import FormulaRule
from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.workbook.protection import WorkbookProtection
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.protection import SheetProtection

from . import __version__
from .data import ReportData
from .form import (
    CHECK_SHEET,
    EXPLAIN_HEADER,
    EXPLAIN_ROWS,
    EXPLAIN_TITLE,
    GUIDE_SHEET,
    INFO_SHEET,
    META_SHEET,
    TEMPLATE_VERSION,
    TEXT_SHEET_NOTE,
    Form,
    col_letter,
    formula_of,
    split_address,
    text_layout,
)
from .fsutil import reproducible_zip, write_atomic
from .rules import RULES
from .rules.registry import sheet_ref
from .rules.text import N_06

FIXED_TIME = dt.datetime(2021, 1, 1)  # docProps and zip entry times: builds are byte-for-byte repeatable


@dataclass(frozen=True)
class ExtraSheet:
    """A plain table sheet written after the standard ones (e.g. 汇总明细 of a summary workbook).

    Locked like every other sheet; the reader ignores the sheets listed in form.EXTRA_SHEETS."""

    title: str
    header: tuple[str, ...]
    rows: tuple[tuple, ...]
    widths: tuple[int, ...] = ()


BODY = Font(name="宋体", size=11)
BOLD = Font(name="宋体", size=11, bold=True)
TITLE = Font(name="黑体", size=14)
SMALL = Font(name="宋体", size=9, color="595959")
INPUT_FILL = PatternFill("solid", fgColor="FFF2CC")
TOTAL_FILL = PatternFill("solid", fgColor="DDEBF7")
HEAD_FILL = PatternFill("solid", fgColor="F2F2F2")
RED_FILL = PatternFill("solid", fgColor="FFC7CE", bgColor="FFC7CE")
AMBER_FILL = PatternFill("solid", fgColor="FFEB9C", bgColor="FFEB9C")
GREEN_FILL = PatternFill("solid", fgColor="C6EFCE", bgColor="C6EFCE")
THIN = Side(style="thin", color="000000")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
LEFT = Alignment(horizontal="left", vertical="center", wrap_text=True)
TOP_LEFT = Alignment(horizontal="left", vertical="top", wrap_text=True)
RIGHT = Alignment(horizontal="right", vertical="center")
UNLOCKED = Protection(locked=False)
CHECK_TEXT_WIDTH = 80  # 校验!B, in character widths
# N-06 counts characters without these; Excel spells them as string literals or CHAR(n).
_BLANKS = tuple(f"CHAR({ord(ch)})" if ord(ch) < 32 else f'"{ch}"' for ch in N_06.params["not_counted"])

VALIDATION = {
    "count": dict(
        type="whole",
        operator="greaterThanOrEqual",
        formula1="0",
        prompt="填写件数（不小于 0 的整数），没有的填 0，不要留空。",
        error="此处只能填写不小于 0 的整数（件数）。没有的请填 0；不要输入文字、单位或小数。",
    ),
    "signed": dict(
        type="whole",
        operator="between",
        formula1="-1000000000",
        formula2="1000000000",
        prompt="填写本年增加（正数）或减少（负数）的项目数，没有变化填 0。",
        error="此处只能填写整数，减少时填负数，如 -2。",
    ),
    "money": dict(
        type="decimal",
        operator="greaterThanOrEqual",
        formula1="0",
        prompt="填写金额（不小于 0，最多 6 位小数），没有的填 0。",
        error="此处只能填写不小于 0 的金额数字，不要输入文字或单位。",
    ),
}


class _WorkbookBuilder:
    def __init__(self, form: Form, data: ReportData | None, extra: tuple[ExtraSheet, ...] = ()):
        self.form = form
        self.extra = tuple(extra)
        self.data = data or ReportData(format=form.format, year=None)
        sizes = {k: len(self.data.paragraphs(k)) + 5 for k in self.data.text if self.data.paragraphs(k)}
        self.texts = text_layout(form, sizes)
        self.wb = Workbook()
        self.ws = {}
        self.validations: dict[tuple[str, str], DataValidation] = {}

    # -- helpers -----------------------------------------------------------------------------------
    def sheet(self, name: str):
        if name not in self.ws:
            ws = self.wb.create_sheet(name)
            ws.sheet_view.showGridLines = name in (GUIDE_SHEET, META_SHEET)
            self.ws[name] = ws
        return self.ws[name]

    def validate(self, ws, key: str, address: str, **spec):
        dv = self.validations.get((ws.title, key))
        if dv is None:
            spec = dict(VALIDATION.get(key, {}), **spec)
            prompt, error = spec.pop("prompt", None), spec.pop("error", None)
            dv = DataValidation(
                allow_blank=True,
                showErrorMessage=True,
                showInputMessage=bool(prompt),
                errorTitle="输入有误",
                error=error,
                promptTitle="填写提示",
                prompt=prompt,
                errorStyle="stop",
                **spec,
            )
            ws.add_data_validation(dv)
            self.validations[(ws.title, key)] = dv
        dv.add(address)

    def put(self, ws, address, value, font=BODY, align=LEFT, fill=None, border=None, fmt=None, locked=True):
        c = ws[address]
        c.value = value
        if not locked and isinstance(value, str) and value.startswith("="):
            c.data_type = "s"  # user text is never a formula (openpyxl would take "=…" for one)
        c.font, c.alignment = font, align
        if fill:
            c.fill = fill
        if border:
            c.border = border
        if fmt:
            c.number_format = fmt
        if not locked:
            c.protection = UNLOCKED
        return c

    def box(self, ws, cell_range: str):
        if ":" not in cell_range:
            cell_range = f"{cell_range}:{cell_range}"
        for row in ws[cell_range]:
            for c in row:
                c.border = BOX

    # -- the workbook ------------------------------------------------------------------------------
    def build(self) -> bytes:
        form = self.form
        self.wb.remove(self.wb.active)
        for name in form.sheets:
            self.sheet(name)
        self.guide()
        self.info()
        for label in form.labels:
            self.label(label)
        self.cells()
        self.table_setup()
        self.text_blocks()
        self.checks()
        self.meta()
        for sheet in self.extra:
            self.extra_sheet(sheet)
        for ws in self.ws.values():
            ws.protection = SheetProtection(
                sheet=True, formatRows=False, formatColumns=False, selectLockedCells=False, selectUnlockedCells=False
            )
        self.wb.security = WorkbookProtection(lockStructure=True)
        self.wb.active = self.wb.sheetnames.index(INFO_SHEET)
        self.wb.properties.creator = "xxgk"
        self.wb.properties.title = f"政府信息公开工作年度报告（{form.format}格式）"
        self.wb.properties.created = FIXED_TIME
        buf = io.BytesIO()
        self.wb.save(buf)
        return reproducible_zip(buf.getvalue())

    def extra_sheet(self, spec: ExtraSheet):
        if spec.title in self.ws:
            raise ValueError(f"sheet {spec.title!r} exists")
        ws = self.sheet(spec.title)
        for i, width in enumerate(spec.widths, 1):
            ws.column_dimensions[col_letter(i)].width = width
        for i, text in enumerate(spec.header, 1):
            self.put(ws, f"{col_letter(i)}1", text, font=BOLD, align=CENTER, fill=HEAD_FILL, border=BOX)
        # Plain cells (no per-cell styles): a summary of thousands of units is written in a fraction of a second.
        for r, row in enumerate(spec.rows, 2):
            for i, value in enumerate(row, 1):
                c = ws.cell(row=r, column=i, value=float(value) if isinstance(value, Decimal) else value)
                if isinstance(value, str):
                    c.data_type = "s"  # a file or unit name is never a formula
        ws.freeze_panes = "A2"

    def label(self, label):
        ws = self.ws[label.sheet]
        if label.merge:
            ws.merge_cells(label.merge)
        if label.role == "merge":
            return
        font = TITLE if label.role == "title" else BOLD if label.role in ("header", "caption") else BODY
        align = CENTER if label.role in ("header", "note", "title") else LEFT
        fill = HEAD_FILL if label.role in ("header", "caption") else None
        self.put(ws, label.address, label.text, font=font, align=align, fill=fill)
        if label.role != "title":
            self.box(ws, label.merge or label.address)

    def cells(self):
        form, values = self.form, self.data.cells
        for cell in form.cells.values():
            ws = self.ws[cell.sheet]
            if cell.is_total:
                self.put(
                    ws, cell.address, formula_of(form, cell), align=RIGHT, fill=TOTAL_FILL, border=BOX, fmt="General"
                )
            else:
                value = values.get(cell.id)
                if isinstance(value, Decimal):
                    value = float(value) if value == Decimal(repr(float(value))) else str(value)
                self.put(ws, cell.address, value, align=RIGHT, fill=INPUT_FILL, border=BOX, fmt="General", locked=False)
                self.validate(ws, cell.type, cell.address)
            if cell.unit_address:
                self.put(
                    ws,
                    cell.unit_address,
                    self.data.units.get(cell.id),
                    align=CENTER,
                    fill=INPUT_FILL,
                    border=BOX,
                    locked=False,
                )
                self.validate(
                    ws,
                    "unit",
                    cell.unit_address,
                    type="list",
                    formula1='"' + ",".join(cell.unit_choices) + '"',
                    prompt="选择金额单位：元 或 万元。",
                    error="请从列表中选择：元 或 万元。",
                )
            self.wb.defined_names[cell.name] = DefinedName(cell.name, attr_text=sheet_ref(cell.sheet, cell.address))

    def table_setup(self):
        form = self.form
        t2, t3, t4 = (self.ws[form.sheet_of(t)] for t in ("t2", "t3", "t4"))
        t2.column_dimensions["A"].width = 24
        for col in "BCD":
            t2.column_dimensions[col].width = 16
        t2.column_dimensions["E"].width = 8
        t3.column_dimensions["A"].width = 6
        t3.column_dimensions["B"].width = 12
        t3.column_dimensions["C"].width = 30
        for i in range(4, 11):
            t3.column_dimensions[col_letter(i)].width = 9
        for i in range(1, 16):
            t4.column_dimensions[col_letter(i)].width = 8
        t3.freeze_panes = "D5"
        t3.print_title_rows = "2:4"
        t4.print_title_rows = "2:4"
        for ws, landscape in ((t2, False), (t3, False), (t4, True)):
            ws.row_dimensions[1].height = 30
            self.page(ws, landscape)
        # T3-01 live: the four rows of a column turn red when 一+二 ≠ 三（七）+四.
        rows = {r["key"]: 5 + i for i, r in enumerate(form.t3_rows)}
        n, c, t, f = (rows[k] for k in ("new_received", "carried_over", "total", "carry_forward"))
        last = col_letter(3 + len(form.t3_columns))
        formula = f"AND(COUNT(D${n},D${c},D${t},D${f})>0,SUM(D${n},D${c})<>SUM(D${t},D${f}))"
        t3.conditional_formatting.add(
            f"D{n}:{last}{c} D{t}:{last}{f}", FormulaRule(formula=[formula], fill=RED_FILL, stopIfTrue=False)
        )
        for ws in (t2, t3, t4):
            for row in range(2, ws.max_row + 1):
                if ws.row_dimensions[row].height is None:
                    ws.row_dimensions[row].height = 22 if ws is not t3 else 20
        t3.row_dimensions[4].height = 32  # 社会公益组织 / 法律服务机构 wrap to two lines
        for r in form.t3_rows:  # a label wider than its column wraps: give it the lines it needs
            width = 15 if len(r.get("group", [])) == 2 else 21
            lines = -(-len(r["label"]) // width)
            if lines > 1:
                t3.row_dimensions[rows[r["key"]]].height = 16 * lines

    def page(self, ws, landscape=False):
        ws.page_setup.paperSize = ws.PAPERSIZE_A4
        ws.page_setup.orientation = "landscape" if landscape else "portrait"
        ws.page_setup.fitToWidth = 1
        ws.page_setup.fitToHeight = 0
        ws.sheet_properties.pageSetUpPr.fitToPage = True
        ws.page_margins.left = ws.page_margins.right = 0.6
        ws.page_margins.top = ws.page_margins.bottom = 0.8
        ws.print_options.horizontalCentered = True

    # -- 填报说明 and 基本信息 ------------------------------------------------------------------------
    def guide(self):
        form = self.form
        ws = self.ws[GUIDE_SHEET]
        ws.column_dimensions["A"].width = 110
        years = f"{form.first_year}–{form.last_year}" if form.last_year else f"{form.first_year} 年起"
        lines = [
            (f"政府信息公开工作年度报告 填报工作簿（{form.format} 格式）", TITLE),
            (f"适用：{years} 年度的报告；格式依据：{form.source}《{form.name}》。", BODY),
            ("", BODY),
            ("怎样填写", BOLD),
            (
                "1. 先填“基本信息”，再依次填“一、总体情况”至“六、其他需要报告的事项”。只有浅黄色单元格可以填写，其余单元格已锁定。",
                BODY,
            ),
            ("2. 表格中每个数据单元格都要填数字，没有发生的填 0，不要留空，不要填“无”“—”“/”或带“件”“元”等单位。", BODY),
            ("3. 浅蓝色单元格是合计，由公式自动计算，不要改写。", BODY),
            (
                "4. 文字部分每个单元格填写一个段落；小标题（如“（一）主动公开”）单独占一个单元格。预填的小标题可以改写或删除。",
                BODY,
            ),
            ("5. “校验”工作表随填写自动检查勾稽关系，出现“错误”的项目必须改正，“警告”的项目请核实。", BODY),
            ("", BODY),
            ("统计口径（摘自国家格式）", BOLD),
            ("· 统计期限为报告年度 1 月 1 日至 12 月 31 日。", BODY),
            ("· 表三每一列：第一项加第二项之和，等于第三项加第四项之和（一 + 二 = 三（七）总计 + 四）。", BODY),
            ("· 表三“（二）部分公开”：区分处理的，只计这一情形，不计其他情形；每件申请只计入一种办理结果。", BODY),
            (
                "· 表四：行政复议机关作为共同被告的行政诉讼案件，只计算原行为主体的案件数量，不计算行政复议机关的案件数量。",
                BODY,
            ),
        ]
        if form.format == "2021":
            lines += [
                (
                    "· 表二：行政许可、行政处罚、行政强制数量包括已公开和依法未公开的全部处理决定；各项数据核定时间点为报告年度的 12 月 31 日。",
                    BODY,
                ),
                (
                    "· 表二“本年收费金额”单位为万元；第六部分须报告收取信息处理费的情况（在“六、其他需要报告的事项”填写金额，未收取填 0）。",
                    BODY,
                ),
                ("· 总体情况篇幅原则上不超过一千字。", BODY),
            ]
        else:
            lines += [
                ("· 表二“本年增/减”减少时填负数；“采购总金额”请在右侧选择单位（元或万元）。", BODY),
                ("· 表三“（六）其他处理”原则上应很少，占比偏高时请核实能否按法定方式处理。", BODY),
            ]
        lines += [
            ("", BODY),
            ("不用 Excel 也能校验和生成报告", BOLD),
            (
                "在命令行运行：xxgk check 本工作簿.xlsx（校验）；xxgk export 本工作簿.xlsx -o 数据.json（导出数据）。",
                BODY,
            ),
            (
                "工作表和工作簿结构已保护（无密码），以免误改标签和公式；报送时请保存为 .xlsx，不要另存为含宏的格式。",
                BODY,
            ),
        ]
        lines += [
            ("", BODY),
            ("校验规则（“校验”工作表、xxgk check 和“校验”按钮按这些规则检查；“错误”必须改正，“警告”请核实）", BOLD),
        ]
        lines += [
            (f"{entry.id}（{entry.severities}）{entry.title}", BODY)
            for entry in RULES.values()
            if form.format in entry.formats
        ]
        for i, (text, font) in enumerate(lines, 1):
            self.put(ws, f"A{i}", text, font=font)

    def info(self):
        ws = self.ws[INFO_SHEET]
        ws.column_dimensions["A"].width = 16
        ws.column_dimensions["B"].width = 48
        ws.column_dimensions["C"].width = 60
        self.put(ws, "A1", "基本信息", font=TITLE)
        for col, text in zip("ABC", ("项目", "内容", "说明")):
            self.put(ws, f"{col}2", text, font=BOLD, align=CENTER, fill=HEAD_FILL, border=BOX)
        for field in self.form.info:
            _, row = split_address(field.address)
            if field.key == "org":
                value = self.data.org or None
            elif field.key == "year":
                value = self.data.year
            else:
                value = self.data.info.get(field.key) or None
            fmt = "@"
            if field.kind == "date" and value:
                try:
                    value, fmt = dt.date.fromisoformat(value), "yyyy-mm-dd"
                except ValueError:
                    pass
            elif field.kind == "date":
                fmt = "yyyy-mm-dd"
            elif field.kind == "year":
                fmt = "0"
            self.put(ws, f"A{row}", field.label, font=BOLD, border=BOX)
            self.put(ws, field.address, value, fill=INPUT_FILL, border=BOX, fmt=fmt, locked=False)
            self.put(ws, f"C{row}", field.hint, font=SMALL, border=BOX)
            ws.row_dimensions[row].height = 22
            if field.kind == "year":
                self.validate(
                    ws,
                    "year",
                    field.address,
                    type="whole",
                    operator="between",
                    formula1="2019",
                    formula2="2100",
                    prompt="四位年份，如 2025。",
                    error="请填写 2019 年以后的四位年份，如 2025。",
                )
            elif field.kind == "date":
                self.validate(
                    ws,
                    "date",
                    field.address,
                    type="date",
                    operator="between",
                    formula1="36526",
                    formula2="73051",
                    prompt="日期，如 2026-01-08。",
                    error="请填写日期，如 2026-01-08。",
                )
            elif field.kind == "postcode":
                self.validate(
                    ws,
                    "postcode",
                    field.address,
                    type="textLength",
                    operator="equal",
                    formula1="6",
                    prompt="6 位邮政编码。",
                    error="邮政编码应为 6 位数字。",
                )
        self.page(ws)

    # -- text blocks -------------------------------------------------------------------------------
    def text_blocks(self):
        form = self.form
        text_sheets = {t.sheet for t in form.texts} - {form.sheet_of(t) for t in ("t2", "t3", "t4")}
        for name in text_sheets:
            ws = self.ws[name]
            ws.column_dimensions["A"].width = 6
            ws.column_dimensions["B"].width = 96
            ws.column_dimensions["C"].width = 12
            self.put(ws, "A1", TEXT_SHEET_NOTE, font=SMALL)
            ws.merge_cells("A1:C1")
            self.page(ws)
        for cell in form.cells.values():
            if cell.table == "extra":
                ws = self.ws[cell.sheet]
                ws.row_dimensions[split_address(cell.address)[1]].height = 24
        for block in form.texts:
            place = self.texts[block.key]
            ws = self.ws[block.sheet]
            paragraphs = self.data.paragraphs(block.key) if self.data.text.get(block.key) else list(block.prefill)
            title_end = place.merge_to or "B"
            self.put(ws, f"A{place.title_row}", block.title, font=BOLD, fill=HEAD_FILL)
            ws.merge_cells(f"A{place.title_row}:{title_end}{place.title_row}")
            ws.row_dimensions[place.title_row].height = 24
            if not place.merge_to:  # a text sheet: number the paragraphs and count the characters
                self.put(
                    ws,
                    f"C{place.title_row}",
                    f"=SUM(C{place.first_row}:C{place.last_row})",
                    font=BOLD,
                    align=CENTER,
                    fill=HEAD_FILL,
                    fmt='"共"0"字"',
                )
            for i in range(place.rows):
                row = place.first_row + i
                value = paragraphs[i] if i < len(paragraphs) else None
                if place.merge_to:
                    self.put(ws, f"A{row}", value, align=TOP_LEFT, fill=INPUT_FILL, fmt="@", locked=False)
                    ws.merge_cells(f"A{row}:{place.merge_to}{row}")
                    ws.row_dimensions[row].height = 45
                else:
                    self.put(ws, f"A{row}", i + 1, font=SMALL, align=CENTER)
                    self.put(ws, f"B{row}", value, align=TOP_LEFT, fill=INPUT_FILL, fmt="@", locked=False)
                    ref = f"B{row}"
                    self.put(
                        ws,
                        f"C{row}",
                        "=LEN(" + "SUBSTITUTE(" * len(_BLANKS) + ref + "".join(f',{b},"")' for b in _BLANKS) + ")",
                        font=SMALL,
                        align=CENTER,
                    )

    # -- 校验: live checks that work in Excel, WPS and LibreOffice without Python ------------------------
    def checks(self):
        ws = self.ws[CHECK_SHEET]
        for col, width in zip("ABCDEF", (10, CHECK_TEXT_WIDTH, 12, 12, 10, 10)):
            ws.column_dimensions[col].width = width
        self.put(ws, "A1", "校验（随填写自动更新；“错误”必须改正，“警告”请核实）", font=TITLE)
        ws.merge_cells("A1:F1")
        self.put(ws, "A2", "错误", font=BOLD, align=CENTER)
        self.put(ws, "C2", "警告", font=BOLD, align=CENTER)
        self.put(ws, "E2", "未填", font=BOLD, align=CENTER)
        for col, text in zip("ABCDEF", ("规则", "检查内容", "填报值", "应为", "差额", "结果")):
            self.put(ws, f"{col}4", text, font=BOLD, align=CENTER, fill=HEAD_FILL, border=BOX)
        rows = list(self.check_rows())
        first = 5
        for i, (rule, text, left, right, diff, status) in enumerate(rows):
            r = first + i
            self.put(ws, f"A{r}", rule, align=CENTER, border=BOX)
            self.put(ws, f"B{r}", text, border=BOX)
            ws.row_dimensions[r].height = 16 * -(-len(text) * 2 // (CHECK_TEXT_WIDTH - 4))  # CJK: 2 columns each
            for col, formula in zip("CDE", (left, right, diff)):
                self.put(ws, f"{col}{r}", f"={formula}" if formula else None, align=RIGHT, border=BOX)
            self.put(ws, f"F{r}", f"={status}", font=BOLD, align=CENTER, border=BOX)
        last = first + len(rows) - 1
        status_range = f"F{first}:F{last}"
        self.put(ws, "B2", f'=COUNTIF({status_range},"错误")', font=BOLD, align=CENTER)
        self.put(ws, "D2", f'=COUNTIF({status_range},"警告")', font=BOLD, align=CENTER)
        self.put(ws, "F2", f'=COUNTIF({status_range},"未填")', font=BOLD, align=CENTER)
        for text, fill in (("错误", RED_FILL), ("警告", AMBER_FILL), ("通过", GREEN_FILL)):
            ws.conditional_formatting.add(status_range, FormulaRule(formula=[f'F{first}="{text}"'], fill=fill))
        ws.conditional_formatting.add("B2", FormulaRule(formula=["B2>0"], fill=RED_FILL))
        ws.conditional_formatting.add("D2", FormulaRule(formula=["D2>0"], fill=AMBER_FILL))
        ws.freeze_panes = "A5"
        self.explanations(ws, last + 2)
        self.page(ws)

    def explanations(self, ws, row: int):
        """The unit's 情况说明 of warnings: an input table (rule id, reason, cell ids) the reader reads back."""
        self.put(ws, f"A{row}", EXPLAIN_TITLE, font=BOLD, fill=HEAD_FILL)
        ws.merge_cells(f"A{row}:F{row}")
        ws.row_dimensions[row].height = 32
        for col, text in zip("ABC", EXPLAIN_HEADER):
            self.put(ws, f"{col}{row + 1}", text, font=BOLD, align=CENTER, fill=HEAD_FILL, border=BOX)
        ws.merge_cells(f"C{row + 1}:F{row + 1}")
        given = self.data.explanations
        for i in range(max(EXPLAIN_ROWS, len(given) + 10)):
            r = row + 2 + i
            e = given[i] if i < len(given) else {"rule": None, "text": None, "cells": []}
            self.put(ws, f"A{r}", e["rule"], align=CENTER, fill=INPUT_FILL, border=BOX, fmt="@", locked=False)
            self.put(ws, f"B{r}", e["text"], align=TOP_LEFT, fill=INPUT_FILL, border=BOX, fmt="@", locked=False)
            self.put(ws, f"C{r}", " ".join(e["cells"]) or None, fill=INPUT_FILL, border=BOX, fmt="@", locked=False)
            ws.merge_cells(f"C{r}:F{r}")

    def check_rows(self):
        """(rule, description, left, right, difference, status) formulas: the rows of every rule of the registry
        that the workbook checks live, in the registry's order."""
        for entry in RULES.values():
            if entry.sheet and self.form.format in entry.formats:
                yield from entry.sheet(self.form, self.texts)

    def meta(self):
        ws = self.sheet(META_SHEET)
        rows = [
            ("format", self.form.format),
            ("template_version", TEMPLATE_VERSION),
            ("form_hash", self.form.hash),
            ("generator", f"xxgk {__version__}"),
        ]
        rows += [(f"text.{k}", f"{p.col}{p.first_row}:{p.col}{p.last_row}") for k, p in self.texts.items()]
        for i, (key, value) in enumerate(rows, 1):
            ws[f"A{i}"], ws[f"B{i}"] = key, value
        ws.sheet_state = "hidden"


def build_bytes(form: Form, data: ReportData | None = None, extra: tuple[ExtraSheet, ...] = ()) -> bytes:
    """The workbook's bytes; `extra` sheets are written after the standard ones, protected like them."""
    return _WorkbookBuilder(form, data, extra).build()


def write_workbook(
    form: Form,
    path: str | Path,
    data: ReportData | None = None,
    overwrite: bool = True,
    extra: tuple[ExtraSheet, ...] = (),
) -> Path:
    path = Path(path)
    write_atomic(path, build_bytes(form, data, extra), overwrite=overwrite)
    return path


def blank_workbook_path(fmt: str) -> Path:
    from .resources import data_dir

    return data_dir("workbook") / f"政府信息公开工作年度报告（{fmt}格式）.xlsx"
