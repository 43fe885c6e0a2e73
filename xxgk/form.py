"""The national formats as data: load `workbook/forms/*.toml` into a Form that knows every cell.

A Form knows, for every number cell, its id (cells.md), type, label path, sheet and A1 address; the
printed labels with their positions and merges; and the sum hierarchy, from which the sum rules (the
registry checks each kind of sum), the workbook's formulas and the recomputation are all derived.
"""

from __future__ import annotations

import hashlib
import re
import sys
from dataclasses import dataclass, field
from functools import cache, cached_property, lru_cache

from .errors import XxgkError
from .resources import data_dir

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

FORMATS = ("2019", "2021")
TEMPLATE_VERSION = "1"

GUIDE_SHEET = "填报说明"
INFO_SHEET = "基本信息"
CHECK_SHEET = "校验"
META_SHEET = "_xxgk"
SUMMARY_DETAIL_SHEET = "汇总明细"  # added by `xxgk merge` after the standard sheets
RESULT_SHEET = "校验结果"  # written by the ribbon's 校验 button (xxgk.excel)
EXTRA_SHEETS = (SUMMARY_DETAIL_SHEET, RESULT_SHEET)  # sheets the reader knows and ignores

TABLE_NAMES = {"t2": "表二", "t3": "表三", "t4": "表四", "extra": "其他"}
# The 校验 sheet's table of the unit's 情况说明 (explanations of warnings), below the live checks.
EXPLAIN_TITLE = "情况说明：对“警告”的说明，一行一条——规则编号、原因；涉及的单元格编号可不填（填写时只说明涉及这些单元格的警告）。“错误”必须改正，不能以说明代替"
EXPLAIN_HEADER = ("规则编号", "情况说明", "涉及的单元格编号（可不填，多个用空格分开）")
EXPLAIN_ROWS = 50
TEXT_SHEET_NOTE = "每个单元格填写一个段落；小标题单独占一个单元格。空单元格在报告中忽略。"  # A1 of a text sheet


@dataclass(frozen=True)
class Cell:
    id: str
    table: str  # t2 | t3 | t4 | extra
    sheet: str
    address: str  # A1, without the sheet
    type: str  # count | signed | money
    label: str  # human label path, for messages: 表三「…」×「自然人」
    row_label: str  # the row alone: 表三「…」
    parts: tuple[str, ...] = ()  # a total cell: the cells its formula sums
    unit_address: str | None = None  # money with a free unit: the cell holding the unit
    unit_choices: tuple[str, ...] = ()

    @property
    def is_total(self) -> bool:
        return bool(self.parts)

    @property
    def ref(self) -> str:
        return f"{self.sheet}!{self.address}"

    @property
    def name(self) -> str:
        return defined_name(self.id)


@dataclass(frozen=True)
class SumRule:
    kind: str  # t3.row (每行总计), t3.total (（七）总计), t3.group (分组小计), t4.<row> (表四各总计)
    target: str
    parts: tuple[str, ...]
    printed: bool  # False for the group subtotals (T3-06), which the form never prints


@dataclass(frozen=True)
class Label:
    sheet: str
    address: str
    text: str
    role: str  # title | caption | header | rowhead | note
    merge: str | None = None  # e.g. "A2:C4" when the label spans cells


@dataclass(frozen=True)
class InfoField:
    key: str
    label: str
    kind: str
    hint: str
    address: str  # on INFO_SHEET


_SUBHEAD = re.compile(r"^[（(][一二三四五六七八九十]+[）)]")
SUBHEAD_MAX = 40  # a （一）… paragraph longer than this is body text that happens to start with a number


def is_subhead(text: str) -> bool:
    """A 二级标题: a short paragraph starting （一）…（十）, with no sentence before its end."""
    text = text.strip(" \t\u3000")
    return bool(_SUBHEAD.match(text)) and len(text) <= SUBHEAD_MAX and "。" not in text[:-1]


@dataclass(frozen=True)
class TextBlock:
    key: str
    sheet: str
    title: str
    rows: int
    prefill: tuple[str, ...]  # the template's suggested sub-heads

    def empty_subheads(self, paragraphs: list[str]) -> list[int]:
        """Indexes of the template's sub-heads left with nothing under them (the next paragraph is a
        sub-head too, or there is none): printed, they would be empty headings."""
        return [
            i
            for i, p in enumerate(paragraphs)
            if p.strip() in self.prefill and (i + 1 == len(paragraphs) or is_subhead(paragraphs[i + 1]))
        ]


@dataclass
class Form:
    format: str
    name: str
    source: str
    first_year: int
    last_year: int | None
    parts: list[str]
    info: list[InfoField]
    texts: list[TextBlock]
    cells: dict[str, Cell]
    sums: list[SumRule]
    labels: list[Label]
    sheets: list[str]  # the visible sheets, in order
    hash: str
    raw: dict = field(repr=False)

    # -- lookups ---------------------------------------------------------------------------------
    def cell(self, cid: str) -> Cell:
        return self.cells[cid]

    def input_cells(self) -> list[Cell]:
        return [c for c in self.cells.values() if not c.is_total]

    def total_cells(self) -> list[Cell]:
        return [c for c in self.cells.values() if c.is_total]

    def sheet_of(self, table: str) -> str:
        return {"t2": self.parts[1], "t3": self.parts[2], "t4": self.parts[3]}[table]

    @property
    def t3_rows(self) -> list[dict]:
        return self.raw["t3"]["rows"]

    @property
    def t3_columns(self) -> list[list[str]]:
        return self.raw["t3"]["columns"]

    @cached_property
    def expected_formulas(self) -> dict[str, str]:
        """Every total cell's formula, normalised for comparison with what a workbook holds."""
        return {c.id: normalise_formula(formula_of(self, c)) for c in self.total_cells()}

    def covers_year(self, year: int) -> bool:
        return year >= self.first_year and (self.last_year is None or year <= self.last_year)

    def text_block(self, key: str) -> TextBlock:
        return next(t for t in self.texts if t.key == key)

    def info_field(self, key: str) -> InfoField:
        return next(f for f in self.info if f.key == key)


def col_letter(n: int) -> str:
    """1 → A, 27 → AA (kept here so that reading a workbook never imports openpyxl)."""
    out = ""
    while n:
        n, r = divmod(n - 1, 26)
        out = chr(65 + r) + out
    return out


@lru_cache(maxsize=8192)
def split_address(address: str) -> tuple[str, int]:
    """'AB12' → ('AB', 12)."""
    i = next(i for i, ch in enumerate(address) if ch.isdigit())
    return address[:i], int(address[i:])


@lru_cache(maxsize=1024)
def col_index(letters: str) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n


def defined_name(cid: str) -> str:
    """The workbook's defined name of a cell id: dots become underscores (t3.total.total → t3_total_total)."""
    return cid.replace(".", "_")


def format_for_year(year: int) -> str:
    """The national format that applies to a report year (rules.md S-03)."""
    if year < 2019:
        raise XxgkError(f"报告年度 {year} 早于 2019 年，现行两种年报格式均不适用", kind="wrong_year")
    return "2019" if year <= 2020 else "2021"


@cache
def load_form(fmt: str) -> Form:
    if fmt not in FORMATS:
        raise XxgkError(
            f"未知的年报格式“{fmt}”，只支持 2019（2019–2020年度）和 2021（2021年度起）", kind="wrong_format"
        )
    folder = data_dir("workbook") / "forms"
    common_bytes = (folder / "common.toml").read_bytes()
    form_bytes = (folder / f"{fmt}.toml").read_bytes()
    common = tomllib.loads(common_bytes.decode("utf-8"))
    spec = tomllib.loads(form_bytes.decode("utf-8"))
    digest = hashlib.sha256(common_bytes + b"\0" + form_bytes + TEMPLATE_VERSION.encode()).hexdigest()[:16]
    return _Builder(fmt, common, spec, digest).build()


class _Builder:
    """Lays the form out on sheets: computes every label's and cell's position once."""

    def __init__(self, fmt: str, common: dict, spec: dict, digest: str):
        self.fmt, self.common, self.spec, self.digest = fmt, common, spec, digest
        self.parts = list(common["parts"])
        self.cells: dict[str, Cell] = {}
        self.labels: list[Label] = []
        self.sums: list[SumRule] = []

    def label(self, sheet, address, text, role, merge=None):
        self.labels.append(Label(sheet, address, text, role, merge))

    def add_cell(self, cell: Cell):
        if cell.id in self.cells:
            raise ValueError(f"duplicate cell id {cell.id}")
        self.cells[cell.id] = cell

    def build(self) -> Form:
        self.layout_t2()
        self.layout_t3()
        self.layout_t4()
        self.layout_extra()
        info = [
            InfoField(f["key"], f["label"], f["kind"], f.get("hint", ""), f"B{3 + i}")
            for i, f in enumerate(self.common["info"])
        ]
        texts = [
            TextBlock(t["key"], t["sheet"], t["title"], t["rows"], tuple(t.get("prefill", ())))
            for t in self.common["texts"]
        ]
        sheets = [GUIDE_SHEET, INFO_SHEET, *self.parts, CHECK_SHEET]
        names = [defined_name(c) for c in self.cells]
        assert len(set(names)) == len(names), "defined names must be unique"
        return Form(
            format=self.fmt,
            name=self.spec["name"],
            source=self.spec["source"],
            first_year=self.spec["first_year"],
            last_year=self.spec.get("last_year"),
            parts=self.parts,
            info=info,
            texts=texts,
            cells=self.cells,
            sums=self.sums,
            labels=self.labels,
            sheets=sheets,
            hash=self.digest,
            raw=self.spec,
        )

    # -- 表二 ----------------------------------------------------------------------------------------
    def layout_t2(self):
        t2 = self.spec["t2"]
        sheet, width = self.parts[1], t2["width"]
        last = col_letter(width)
        self.label(sheet, "A1", sheet, "title", f"A1:{last}1")
        row = 3
        for block in t2["blocks"]:
            self.label(sheet, f"A{row}", block["caption"], "caption", f"A{row}:{last}{row}")
            row += 1
            header = block["header"]
            for i, text in enumerate(header):
                col = col_letter(i + 1)
                merge = f"{col}{row}:{last}{row}" if i == len(header) - 1 and i + 1 < width else None
                self.label(sheet, f"{col}{row}", text, "header", merge)
            units = block.get("units", {})
            if units:
                self.label(sheet, f"{col_letter(width + 1)}{row}", "单位", "header")
            row += 1
            for key, text in block["rows"]:
                self.label(sheet, f"A{row}", text, "rowhead")
                for i, (ckey, ctype) in enumerate(zip(block["columns"], block["types"])):
                    col = col_letter(i + 2)
                    choices = tuple(units.get(ckey, ()))
                    self.add_cell(
                        Cell(
                            id=f"t2.{key}.{ckey}",
                            table="t2",
                            sheet=sheet,
                            address=f"{col}{row}",
                            type=ctype,
                            label=f"表二{block['caption']}「{text}」×「{header[i + 1]}」",
                            row_label=f"表二{block['caption']}「{text}」",
                            unit_address=f"{col_letter(width + 1)}{row}" if choices else None,
                            unit_choices=choices,
                        )
                    )
                    if i == len(block["columns"]) - 1 and i + 2 < width:
                        self.labels.append(Label(sheet, f"{col}{row}", "", "merge", f"{col}{row}:{last}{row}"))
                row += 1

    # -- 表三 ----------------------------------------------------------------------------------------
    def layout_t3(self):
        t3 = self.spec["t3"]
        sheet = self.parts[2]
        columns = t3["columns"]
        first_col = 4  # A–C hold the row labels
        last = col_letter(first_col + len(columns) - 1)
        total_key = t3["total_column"]
        org_cols = [k for k, _ in columns if k != total_key]
        self.label(sheet, "A1", sheet, "title", f"A1:{last}1")
        self.label(sheet, "A2", t3["note"], "note", "A2:C4")
        self.label(sheet, "D2", t3["applicants"], "header", f"D2:{last}2")
        self.label(sheet, "D3", columns[0][1], "header", "D3:D4")
        self.label(sheet, "E3", t3["org_group"], "header", f"E3:{col_letter(first_col + len(columns) - 2)}3")
        for i, (_, text) in enumerate(columns[1:-1]):
            self.label(sheet, f"{col_letter(first_col + 1 + i)}4", text, "header")
        self.label(sheet, f"{last}3", columns[-1][1], "header", f"{last}3:{last}4")

        rows = t3["rows"]
        first_row = 5
        # Row labels: a merged cell per run of equal group prefixes.
        for depth in (0, 1):
            i = 0
            while i < len(rows):
                group = rows[i].get("group", [])
                if len(group) <= depth:
                    i += 1
                    continue
                j = i
                while j + 1 < len(rows) and rows[j + 1].get("group", [])[: depth + 1] == group[: depth + 1]:
                    j += 1
                col = "AB"[depth]
                self.label(
                    sheet,
                    f"{col}{first_row + i}",
                    group[depth],
                    "rowhead",
                    f"{col}{first_row + i}:{col}{first_row + j}" if j > i else None,
                )
                i = j + 1
        for i, row in enumerate(rows):
            r = first_row + i
            depth = len(row.get("group", []))
            col = "ABC"[depth]
            self.label(sheet, f"{col}{r}", row["label"], "rowhead", f"{col}{r}:C{r}" if col != "C" else None)

        def row_label_of(row):
            return "表三「" + "".join(g for g in row.get("group", [])[1:]) + row["label"] + "」"

        keys = [row["key"] for row in rows]
        total_row = t3["total_row"]
        result_rows = keys[keys.index(t3["first_result_row"]) : keys.index(total_row)]
        for i, row in enumerate(rows):
            for j, (ckey, ctext) in enumerate(columns):
                cid = f"t3.{row['key']}.{ckey}"
                if ckey == total_key:
                    parts = tuple(f"t3.{row['key']}.{c}" for c in org_cols)
                elif row["key"] == total_row:
                    parts = tuple(f"t3.{r}.{ckey}" for r in result_rows)
                else:
                    parts = ()
                self.add_cell(
                    Cell(
                        cid,
                        "t3",
                        sheet,
                        f"{col_letter(first_col + j)}{first_row + i}",
                        "count",
                        f"{row_label_of(row)}×「{ctext}」",
                        row_label_of(row),
                        parts=parts,
                    )
                )
        # The sum hierarchy, declared once in the form: the total column, the total row, the groups.
        for key in keys:
            self.sums.append(SumRule("t3.row", f"t3.{key}.{total_key}", tuple(f"t3.{key}.{c}" for c in org_cols), True))
        for ckey, _ in columns:
            self.sums.append(
                SumRule("t3.total", f"t3.{total_row}.{ckey}", tuple(f"t3.{r}.{ckey}" for r in result_rows), True)
            )
        groups = dict.fromkeys(k.split(".")[0] for k in keys if "." in k)
        for g in groups:
            members = [k for k in keys if k.startswith(g + ".")]
            for ckey, _ in columns:
                self.sums.append(SumRule("t3.group", f"t3.{g}.{ckey}", tuple(f"t3.{m}.{ckey}" for m in members), False))

    # -- 表四 ----------------------------------------------------------------------------------------
    def layout_t4(self):
        t4 = self.spec["t4"]
        sheet = self.parts[3]
        columns = t4["columns"]
        n = len(columns)
        total_key = t4["total_column"]
        rows = t4["rows"]
        last = col_letter(n * len(rows))
        self.label(sheet, "A1", sheet, "title", f"A1:{last}1")
        i = 0
        while i < len(rows):  # row 2: the top headers (a row's own label, or its group)
            top = rows[i].get("group") or rows[i]["label"]
            j = i
            while j + 1 < len(rows) and rows[j + 1].get("group") == rows[i].get("group") and rows[i].get("group"):
                j += 1
            self.label(
                sheet,
                f"{col_letter(i * n + 1)}2",
                top,
                "header",
                f"{col_letter(i * n + 1)}2:{col_letter((j + 1) * n)}2",
            )
            i = j + 1
        for b, row in enumerate(rows):
            c0 = b * n + 1
            grouped = bool(row.get("group"))
            if grouped:
                self.label(
                    sheet, f"{col_letter(c0)}3", row["label"], "header", f"{col_letter(c0)}3:{col_letter(c0 + n - 1)}3"
                )
            for j, (ckey, ctext) in enumerate(columns):
                col = col_letter(c0 + j)
                if grouped:
                    self.label(sheet, f"{col}4", ctext, "header")
                else:
                    self.label(sheet, f"{col}3", ctext, "header", f"{col}3:{col}4")
                parts = tuple(f"t4.{row['key']}.{c}" for c, _ in columns if c != total_key) if ckey == total_key else ()
                path = f"{row['group']}·{row['label']}" if grouped else row["label"]
                self.add_cell(
                    Cell(
                        f"t4.{row['key']}.{ckey}",
                        "t4",
                        sheet,
                        f"{col}5",
                        "count",
                        f"表四「{path}」×「{ctext}」",
                        f"表四「{path}」",
                        parts=parts,
                    )
                )
            self.sums.append(
                SumRule(
                    f"t4.{row['key']}",
                    f"t4.{row['key']}.{total_key}",
                    tuple(f"t4.{row['key']}.{c}" for c, _ in columns if c != total_key),
                    True,
                )
            )

    # -- number cells outside the tables -------------------------------------------------------------
    def layout_extra(self):
        for i, extra in enumerate(self.spec.get("extra_cells", [])):
            row = 3 + i
            self.label(extra["sheet"], f"A{row}", extra["label"], "rowhead", f"A{row}:B{row}")
            self.add_cell(
                Cell(extra["id"], "extra", extra["sheet"], f"C{row}", extra["type"], extra["label"], extra["label"])
            )


@dataclass(frozen=True)
class TextPlace:
    """Where a text block sits: a title row, then one paragraph cell per row in `col`."""

    key: str
    sheet: str
    title_row: int
    first_row: int
    rows: int
    col: str
    merge_to: str | None  # on table sheets a paragraph cell spans the table's width

    @property
    def last_row(self) -> int:
        return self.first_row + self.rows - 1

    @property
    def range(self) -> str:
        return f"{self.col}{self.first_row}:{self.col}{self.last_row}"


def text_layout(form: Form, sizes: dict[str, int] | None = None) -> dict[str, TextPlace]:
    """Place the text blocks: below the table on table sheets, one after another on text sheets.

    `sizes` gives the paragraph rows a filled workbook needs; a block never gets fewer than the
    form's default. Number cells never move, whatever the text.
    """
    sizes = sizes or {}
    next_row: dict[str, int] = {}
    for sheet in form.parts:
        on_sheet = [split_address(c.address)[1] for c in form.cells.values() if c.sheet == sheet]
        on_sheet += [split_address(lab.address)[1] for lab in form.labels if lab.sheet == sheet]
        next_row[sheet] = (max(on_sheet) + 2) if on_sheet else 3
    widths = {form.parts[1]: 4, form.parts[2]: 10, form.parts[3]: 15}
    out = {}
    for block in form.texts:
        rows = max(block.rows, sizes.get(block.key, 0))
        title_row = next_row[block.sheet]
        width = widths.get(block.sheet)
        out[block.key] = TextPlace(
            block.key,
            block.sheet,
            title_row,
            title_row + 1,
            rows,
            "A" if width else "B",
            col_letter(width) if width else None,
        )
        next_row[block.sheet] = title_row + rows + 2
    return out


def other_format(fmt: str) -> str:
    return "2021" if fmt == "2019" else "2019"


def formula_of(form: Form, cell: Cell) -> str:
    """The Excel formula of a total cell: SUM over a contiguous range when the parts are one, else SUM(a,b,…)."""
    addrs = [split_address(form.cells[p].address) for p in cell.parts]
    cols = {c for c, _ in addrs}
    rows = [r for _, r in addrs]
    idx = [col_index(c) for c, _ in addrs]
    if len(cols) == 1 and rows == list(range(rows[0], rows[0] + len(rows))):
        return f"=SUM({addrs[0][0]}{rows[0]}:{addrs[0][0]}{rows[-1]})"
    if len(set(rows)) == 1 and idx == list(range(idx[0], idx[0] + len(idx))):
        return f"=SUM({addrs[0][0]}{rows[0]}:{addrs[-1][0]}{rows[0]})"
    return "=SUM(" + ",".join(f"{c}{r}" for c, r in addrs) + ")"


@dataclass(frozen=True)
class GridCell:
    """One printed cell of a statutory table, at its sheet position (row, col with 1 = A)."""

    row: int
    col: int
    rowspan: int
    colspan: int
    text: str  # the label ("" for a number cell)
    role: str  # caption | header | rowhead | note | value
    cell_id: str | None = None  # a number cell's id


def span_of(merge: str | None) -> tuple[int, int]:
    """'A2:C4' → (rows, cols) = (3, 3); no merge → (1, 1)."""
    if not merge:
        return 1, 1
    (ca, ra), (cb, rb) = (split_address(x) for x in merge.split(":"))
    return rb - ra + 1, col_index(cb) - col_index(ca) + 1


def printed_grid(form: Form, table: str) -> tuple[int, list[GridCell]]:
    """The statutory table `table` (t2/t3/t4) as the format prints it: (width, cells).

    Labels give texts and merges (an empty "merge" label gives a number cell's span); the sheet title and
    the workbook's own columns right of the last number column (the 2019 unit column) are not printed.
    The Word template, the HTML page and every other rendering of a table start from here.
    """
    sheet = form.sheet_of(table)
    numbers = {c.address: c for c in form.cells.values() if c.table == table}
    width = max(col_index(split_address(a)[0]) for a in numbers)
    spans = {lab.address: span_of(lab.merge) for lab in form.labels if lab.sheet == sheet and lab.role == "merge"}
    out = []
    for label in form.labels:
        letters, row = split_address(label.address)
        if label.sheet != sheet or label.role in ("title", "merge") or col_index(letters) > width:
            continue
        out.append(GridCell(row, col_index(letters), *span_of(label.merge), label.text, label.role))
    for address, cell in numbers.items():
        letters, row = split_address(address)
        out.append(GridCell(row, col_index(letters), *spans.get(address, (1, 1)), "", "value", cell.id))
    return width, sorted(out, key=lambda g: (g.row, g.col))


def normalise_formula(text: str | None) -> str:
    return (text or "").replace("$", "").replace(" ", "").lstrip("=").upper()
