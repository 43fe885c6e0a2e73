"""Place the cells of a report's printed tables on the form, by their row and column labels.

Rows are recognised by their own label (the most specific label cell of the row), columns by the
header cells above them. Within a row, the value cells are paired with the header cells in order
when both counts agree (a merged cell may sit one column off its header, as in real pages), else
by the grid column they cover. Whatever cannot be placed is listed, never dropped or guessed.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..form import Form
from .document import Cell, Table
from .labels import FormLabels, core
from .values import is_value, parse


@dataclass
class Placement:
    values: dict[str, object] = field(default_factory=dict)  # cid → int | Decimal | None | printed str
    units: dict[str, str] = field(default_factory=dict)
    where: dict[str, str] = field(default_factory=dict)  # cid → "表N 第r行" (for messages)
    unplaced: list[str] = field(default_factory=list)
    conflicting: set[str] = field(default_factory=set)  # cells printed twice with different values: neither used

    def put(self, form: Form, cid: str, text: str, where: str, header_unit: str | None = None) -> None:
        cell = form.cells[cid]
        money = cell.type == "money"
        value, unit = parse(text, money=money)
        unit = unit or (header_unit if value is not None and not isinstance(value, str) else None)
        if money and unit and not cell.unit_choices and unit != "万元":
            value, unit = text.strip(), None  # 万元 column printed in 元: kept as printed, not converted
        if cid in self.conflicting:
            return
        if cid in self.values:
            if self.values[cid] != value:
                first = self.values[cid]
                self.unplaced.append(
                    f"{where}：{cell.label} 重复出现，值 {text.strip() or '空白'} 与{self.where[cid]}的 "
                    f"{'空白' if first is None else first} 不同，两处都不采用"
                )
                self.conflicting.add(cid)
                for known in (self.values, self.units, self.where):
                    known.pop(cid, None)
            return
        self.values[cid] = value
        if unit and cell.unit_choices:
            self.units[cid] = unit
        self.where[cid] = where


def _pair(values: list[tuple[int, Cell]], heads: list[tuple[int, str]]) -> list[tuple[str, Cell | None]]:
    """Value cells ↔ header keys: in order when the counts agree, else by the grid column."""
    if len(values) == len(heads):
        return [(key, cell) for (_, key), (_, cell) in zip(heads, values)]
    by_col = {}
    for col, cell in values:
        by_col.setdefault(col, cell)
    return [(key, by_col.get(col)) for col, key in heads]


def _leaf(table: Table, rows: range, col: int) -> str | None:
    """The lowest header text above in column `col`."""
    for r in reversed(rows):
        line = table.grid[r]
        if col < len(line) and line[col] is not None and line[col].text.strip():
            return line[col].text
    return None


class Matcher:
    def __init__(self, form: Form):
        self.form = form
        self.labels = FormLabels(form)
        self.out = Placement()
        self.t3_columns: list[tuple[int, str]] | None = None  # carried to a table continued on the next page
        self.t2_heads: list[tuple[int, str]] | None = None  # 表二's last header row, for its rows on the next page

    # -- table kinds ------------------------------------------------------------------------------
    def place(self, tables: list[Table]) -> Placement:
        for n, table in enumerate(tables, 1):
            texts = {core(c.text) for row in table.grid for c in row if c is not None}
            if "自然人" in texts:
                self.place_t3(table, n)
            elif texts & (set(self.labels.t4_rows) | self.labels.t4_groups):
                self.place_t4(table, n)
            elif texts & (set(self.labels.t2_captions) | {self.labels.t2_header_first}):
                self.place_t2(table, n)
            elif sum(core(self._own_label(table, r)[0]) in self.labels.t3_rows for r in range(len(table.grid))) >= 3:
                self.place_t3(table, n)  # 表三 continued on the next page, without its header
            elif (
                self.t2_heads
                and table.grid
                and table.row_cells(0)
                and self.labels.t2_row(table.row_cells(0)[0][1].text)
            ):
                self.place_t2(table, n)  # 表二 continued on the next page: its rows under the last header row
        return self.out

    @staticmethod
    def _own_label(table: Table, r: int, before: int | None = None) -> tuple[str, list[str]]:
        """(the row's most specific label, all its label texts) among its cells left of column `before`."""
        labels = [
            cell.text
            for c, cell in table.row_cells(r)
            if (before is None or c < before) and cell.text.strip() and not is_value(cell.text)
        ]
        return (labels[-1] if labels else ""), labels

    # -- 表三 -------------------------------------------------------------------------------------------
    def place_t3(self, table: Table, n: int) -> None:
        rows = self.labels.t3_rows
        first_data = next(
            (
                r
                for r in range(len(table.grid))
                if core(self._own_label(table, r)[0]) in rows
                and any(is_value(c.text) for _, c in table.row_cells(r)[1:])
            ),
            None,
        )
        header_rows = range(len(table.grid) if first_data is None else first_data)
        heads = []
        for col in range(table.width):
            key = self.labels.t3_columns.get(core(_leaf(table, header_rows, col)))
            if key and key not in {k for _, k in heads}:
                heads.append((col, key))
        if len(heads) == len(self.labels.t3_columns):
            self.t3_columns = heads
            if first_data is None:
                return  # the header alone; the rows follow in the next table
        elif self.t3_columns and not header_rows:
            # continued from the previous page without its header: the applicant columns are the
            # rightmost ones, in the order the header printed them (the label columns may differ)
            keys = [k for _, k in self.t3_columns]
            heads = [(table.width - len(keys) + i, k) for i, k in enumerate(keys)]
        else:
            self.out.unplaced.append(f"表格{n}（表三）：找不到完整的申请人列标题（自然人…总计），整张表未读取")
            return
        start = heads[0][0]
        for r, own, values in self._t3_lines(table, first_data, start):
            if not own and not any(cell.text.strip() for _, cell in values):
                continue
            key = rows.get(core(own))
            if key is None:
                if any(cell.text.strip() for _, cell in values):
                    self.out.unplaced.append(
                        f"表格{n}（表三）第 {r + 1} 行“{own or '无标签'}”不是国家格式表三的行，其中的数字未读取"
                    )
                continue
            for ckey, cell in _pair(values, heads):
                cid = f"t3.{key}.{ckey}"
                if cell is None:
                    continue
                self.out.put(self.form, cid, cell.text, f"表格{n} 第 {r + 1} 行")

    def _t3_lines(self, table: Table, first: int, start: int) -> list[tuple[int, str, list[tuple[int, Cell]]]]:
        """(grid row, own label, value cells) of 表三's rows from `first`. A row broken by a page break prints
        as two grid rows, the rest of its label in the second and the values in one of them only: the two are
        one row when neither label is a row of the form and the joined label is."""
        lines = []
        for r in range(first, len(table.grid)):
            own, _ = self._own_label(table, r, start)
            lines.append((r, own, [(c, cell) for c, cell in table.row_cells(r) if c >= start]))
        rows, out, i = self.labels.t3_rows, [], 0
        while i < len(lines):
            r, own, values = lines[i]
            if i + 1 < len(lines):
                _, rest, more = lines[i + 1]
                filled = any(cell.text.strip() for _, cell in values), any(cell.text.strip() for _, cell in more)
                if (
                    own
                    and rest
                    and not all(filled)
                    and core(own) not in rows
                    and core(rest) not in rows
                    and core(own + rest) in rows
                ):
                    out.append((r, own + rest, more if filled[1] else values))
                    i += 2
                    continue
            out.append((r, own, values))
            i += 1
        return out

    # -- 表四 -------------------------------------------------------------------------------------------
    def place_t4(self, table: Table, n: int) -> None:
        lab = self.labels
        data_row = next(
            (
                r
                for r in range(len(table.grid))
                if table.row_cells(r)
                and all(is_value(c.text) for _, c in table.row_cells(r) if core(c.text) not in lab.t4_rows)
                and any(c.text.strip() for _, c in table.row_cells(r))
            ),
            None,
        )
        if data_row is None or data_row == 0:
            self.out.unplaced.append(f"表格{n}（表四）：找不到数字行，未读取")
            return
        heads = []
        for col in range(table.width):
            texts = []
            for r in range(data_row):
                line = table.grid[r]
                if col < len(line) and line[col] is not None and (not texts or texts[-1] != line[col].text):
                    texts.append(line[col].text)
            row_key = next((lab.t4_rows[core(t)] for t in reversed(texts) if core(t) in lab.t4_rows), None)
            col_key = next((lab.t4_columns[core(t)] for t in reversed(texts) if core(t) in lab.t4_columns), None)
            if col_key is None:  # a header row broken by a page break: “结果” above it, “维持” on the next page
                pairs = [core(a + b) for a, b in zip(texts, texts[1:])]
                col_key = next((lab.t4_columns[t] for t in reversed(pairs) if t in lab.t4_columns), None)
            if row_key and col_key:
                cid = f"t4.{row_key}.{col_key}"
                if cid not in {k for _, k in heads}:
                    heads.append((col, cid))
        if not heads:
            self.out.unplaced.append(f"表格{n}（表四）：找不到列标题，未读取")
            return
        start = heads[0][0]
        values = [(c, cell) for c, cell in table.row_cells(data_row) if c >= start]
        for cid, cell in _pair(values, heads):
            if cell is not None:
                self.out.put(self.form, cid, cell.text, f"表格{n} 第 {data_row + 1} 行")
        for r in range(data_row + 1, len(table.grid)):
            if any(c.text.strip() for _, c in table.row_cells(r)):
                self.out.unplaced.append(f"表格{n}（表四）第 {r + 1} 行多出一行内容，未读取")

    # -- 表二 -------------------------------------------------------------------------------------------
    def place_t2(self, table: Table, n: int) -> None:
        lab = self.labels
        heads: list[tuple[int, str]] = self.t2_heads or []  # (grid column, header text) of the current header row
        for r in range(len(table.grid)):
            cells = table.row_cells(r)
            if not cells:
                continue
            first = core(cells[0][1].text)
            if first in lab.t2_captions:
                heads = self.t2_heads = []
                continue
            if first == lab.t2_header_first:
                heads = self.t2_heads = [(c, cell.text) for c, cell in cells[1:] if cell.text.strip()]
                continue
            found = lab.t2_row(cells[0][1].text)
            values = [(c, cell) for c, cell in cells[1:]]
            if found is None:
                if any(cell.text.strip() for _, cell in values):
                    self.out.unplaced.append(
                        f"表格{n}（表二）第 {r + 1} 行“{cells[0][1].text.strip()}”不是国家格式表二的行，未读取"
                    )
                continue
            block, rkey = found
            keyed = [(c, lab.t2_column(block, text)) for c, text in heads]
            if not heads or any(k is None for _, k in keyed):
                self.out.unplaced.append(
                    f"表格{n}（表二）第 {r + 1} 行“{cells[0][1].text.strip()}”上方的栏目标题与国家格式不符"
                    f"（{'、'.join(t for _, t in heads) or '无标题'}），未读取"
                )
                continue
            units = {k: _header_unit(text) for (_, text), (_, k) in zip(heads, keyed)}
            for ckey, cell in _pair(values, keyed):
                if cell is not None:
                    self.out.put(self.form, f"t2.{rkey}.{ckey}", cell.text, f"表格{n} 第 {r + 1} 行", units.get(ckey))


def _header_unit(text: str) -> str | None:
    """The unit a money header states: 本年收费金额（单位：万元） → 万元; 采购总金额(元) → 元."""
    t = "".join(text.split())
    if "万元" in t:
        return "万元"
    if "元" in t.replace("金额", ""):
        return "元"
    return None
