"""Where the form's cells, fields and texts are in a workbook as it was saved — checked, never assumed.

Users unprotect sheets (there is no password), insert and delete rows and columns, type beside the
tables. Whatever xxgk reads must be exactly what a person sees, or the file is refused with a finding
that names the change:

- A table's numbers are read only where the form, the workbook's defined names (every data cell has one;
  Excel, WPS and LibreOffice move them with inserted rows and columns and break them on deletion) and the
  printed labels all agree. A sheet whose rows or columns were inserted, deleted or moved gets ONE WB-06
  finding describing the change (aligned row by row and column by column), and none of its numbers is read.
  A label edited in place is S-02, as before.
- 基本信息 fields are found by their labels in column A, wherever their rows are.
- A text part starts below its title (found in column A) and runs to the next title or the end of the
  sheet: every paragraph typed into inserted rows is read; none is cut off at the template's last row.
- Every other non-empty cell of the sheets read is accounted for: content the reader would not use
  (a note beside a table, text in a column the report never prints) is a WB-07 finding, not a silent loss.
"""

from __future__ import annotations

import difflib
import re
from collections import Counter
from dataclasses import dataclass, field

from .findings import Finding
from .form import INFO_SHEET, Form, col_index, col_letter, defined_name, span_of, split_address
from .rules.structure import S_02, WB_02, WB_06, WB_07

INFO_HEADER_ROWS = 2  # 基本信息: the sheet title and the column headings
_REF = re.compile(r"^=?(?:'((?:[^']|'')+)'|([^'!]+))!\$?([A-Z]{1,3})\$?([0-9]{1,7})$")
SHOWN = 5  # cells named in one message


def parse_ref(text: str) -> tuple[str, str] | None:
    """ "'三、…'!$D$5" → ("三、…", "D5"); None for #REF!, ranges and anything else."""
    m = _REF.match((text or "").strip())
    if not m:
        return None
    sheet = m.group(1).replace("''", "'") if m.group(1) is not None else m.group(2)
    return sheet, f"{m.group(3)}{m.group(4)}"


@dataclass
class TextArea:
    key: str
    sheet: str
    col: str  # the paragraph column
    title_row: int
    rows: range  # the paragraph rows, from below the title to the next title or the sheet's end


@dataclass
class Layout:
    problems: list[Finding] = field(default_factory=list)
    unread: set[str] = field(default_factory=set)  # table sheets not read: missing or structure changed
    info_rows: dict[str, int] = field(default_factory=dict)  # field key → row on 基本信息
    texts: dict[str, TextArea] = field(default_factory=dict)


def _text(value) -> str:
    return value.strip() if isinstance(value, str) else ""


def _filled(value) -> bool:
    return value is not None and not (isinstance(value, str) and not value.strip())


def _shown(value, limit: int = 20) -> str:
    text = str(value).strip().replace("\n", " ")
    return text if len(text) <= limit else text[:limit] + "…"


class _Locator:
    def __init__(self, form: Form, grids: dict, names: dict[str, str] | None, sheet_names: list[str]):
        self.form, self.grids, self.sheet_names = form, grids, sheet_names
        self.layout = Layout()
        # our names → (sheet, A1), None when broken; None altogether when the workbook has none of them
        ours = {defined_name(c): c for c in form.cells}
        found = {k: v for k, v in (names or {}).items() if k in ours}
        self.names = {ours[k]: parse_ref(v) for k, v in found.items()} if found else None
        self.allowed: dict[str, set[tuple[int, int]]] = {}  # sheet → (row, col) of cells accounted for

    def problem(self, entry, case="", addresses=(), **fields):
        self.layout.problems.append(entry.finding(case, addresses=addresses, **fields))

    def allow(self, sheet: str, row: int, col: int):
        self.allowed.setdefault(sheet, set()).add((row, col))

    # -- the tables -----------------------------------------------------------------------------------
    def tables(self):
        form = self.form
        sheets = dict.fromkeys([c.sheet for c in form.cells.values()] + [lab.sheet for lab in form.labels])
        for sheet in sheets:
            if sheet not in self.grids:
                self.layout.unread.add(sheet)
                continue
            self.table(sheet)

    def table(self, sheet: str):
        form, grid = self.form, self.grids[sheet]
        labels = [lab for lab in form.labels if lab.sheet == sheet and lab.text]
        cells = [c for c in form.cells.values() if c.sheet == sheet]
        label_texts = Counter(lab.text for lab in labels)

        def pos(address):
            col, row = split_address(address)
            return row, col_index(col)

        expected_cells = {c.id: pos(c.address) for c in cells}
        # where the names say the cells are now (None: no names at all; a cell → None: the name is broken)
        actual_cells = None
        if self.names is not None:
            actual_cells = {}
            for c in cells:
                ref = self.names.get(c.id)
                actual_cells[c.id] = pos(ref[1]) if ref and ref[0] == sheet else None
        last_row = max(
            [pos(lab.address)[0] + span_of(lab.merge)[0] - 1 for lab in labels]
            + [r for r, _ in expected_cells.values()]
        )
        last_col = max(
            [pos(lab.address)[1] + span_of(lab.merge)[1] - 1 for lab in labels]
            + [c for _, c in expected_cells.values()]
            + [col_index(split_address(c.unit_address)[0]) for c in cells if c.unit_address]
        )

        def fingerprints(axis: int, size: int, actual: bool):
            """One key per row (axis 0) or column (axis 1): the label texts on it, in order, and which
            expected row/column the named cells on it come from."""
            keys = [[] for _ in range(size + 1)]
            if actual:
                rows = grid.rows
                for r, row in enumerate(rows[: size if axis == 0 else len(rows)], start=1):
                    for c, value in enumerate(row[: size if axis == 1 else len(row)], start=1):
                        if _text(value) in label_texts:
                            keys[r if axis == 0 else c].append(_text(value))
            else:
                for lab in sorted(labels, key=lambda lab: pos(lab.address)[1 - axis]):
                    keys[pos(lab.address)[axis]].append(lab.text)
            markers: dict[int, Counter] = {}
            if actual_cells is not None:
                for cid, where in (actual_cells if actual else expected_cells).items():
                    if where is not None and where[axis] <= size:
                        markers.setdefault(where[axis], Counter())[expected_cells[cid][axis]] += 1
            out = []
            for i in range(1, size + 1):
                mark = markers.get(i)
                out.append((tuple(keys[i]), mark.most_common(1)[0][0] if mark else 0))
            return out

        named = [w for w in (actual_cells or {}).values() if w is not None]
        changes = []
        for axis, last, size in ((0, last_row, len(grid.rows)), (1, last_col, max(map(len, grid.rows), default=0))):
            expected = fingerprints(axis, last, False)
            # a grid holds no trailing blank rows or columns: what lies beyond it is blank, not deleted
            actual = fingerprints(axis, max([size, last] + [w[axis] for w in named]), True)
            changes += self.describe(axis, expected, actual, labels)
        moved = [cid for cid in expected_cells if actual_cells is not None and actual_cells[cid] != expected_cells[cid]]
        if moved and not changes:
            broken = [cid for cid in moved if actual_cells[cid] is None]
            shifted = [cid for cid in moved if actual_cells[cid] is not None]
            if shifted:
                changes.append(
                    "单元格被移动："
                    + "、".join(
                        f"{form.cells[c].label} 应在 {form.cells[c].address}，现在 "
                        f"{col_letter(actual_cells[c][1])}{actual_cells[c][0]}"
                        for c in shifted[:3]
                    )
                    + (f" 等 {len(shifted)} 个" if len(shifted) > 3 else "")
                )
            if broken:
                changes.append(
                    "名称 "
                    + "、".join(defined_name(c) for c in broken[:3])
                    + (f" 等 {len(broken)} 个" if len(broken) > 3 else "")
                    + " 已失效（单元格被删除或名称被删改）"
                )
        if changes:
            self.layout.unread.add(sheet)
            table = self.table_name(sheet)
            self.problem(
                WB_06,
                addresses=[f"{sheet}!A1"],
                table=table,
                sheet=sheet,
                changes_shown="；".join(changes),
                changes=changes,
            )
            return
        # the structure holds: labels edited in place are S-02; the region's cells are accounted for
        for lab in labels:
            found = grid.get(lab.address)
            if _text(found) != lab.text:
                shown = found if found is None or isinstance(found, str) else str(found)
                self.problem(
                    S_02,
                    "label",
                    addresses=[f"{lab.sheet}!{lab.address}"],
                    sheet=lab.sheet,
                    address=lab.address,
                    expected=lab.text,
                    found_shown=_shown(found or "", 40),
                    found=shown,
                )
        for lab in labels:
            self.allow(sheet, *pos(lab.address))
        for c in cells:
            self.allow(sheet, *pos(c.address))
            if c.unit_address:
                self.allow(sheet, *pos(c.unit_address))

    def table_name(self, sheet: str) -> str:
        names = {self.form.sheet_of(t): n for t, n in (("t2", "表二"), ("t3", "表三"), ("t4", "表四"))}
        return names.get(sheet, f"“{sheet}”的表格")

    @staticmethod
    def describe(axis: int, expected, actual, labels) -> list[str]:
        """The rows (axis 0) or columns (axis 1) inserted, deleted or replaced, in the words a user knows."""

        def name(i: int) -> str:
            return str(i) if axis == 0 else col_letter(i)

        unit = "行" if axis == 0 else "列"

        def what(i: int) -> str:  # the first label on an expected row/column
            texts = expected[i - 1][0]
            return f"（“{_shown(texts[0])}”）" if texts else ""

        out = []
        matcher = difflib.SequenceMatcher(None, expected, actual, autojunk=False)
        for tag, i1, i2, j1, j2 in matcher.get_opcodes():
            if tag == "equal" or i1 == len(expected):  # rows added after the table are no change of it
                continue
            if (
                tag == "replace"
                and i2 - i1 == j2 - j1
                and all(e[1] == a[1] for e, a in zip(expected[i1:i2], actual[j1:j2]))
            ):
                continue  # the same cells in place; labels edited there are S-02
            if tag == "insert":
                out.append(f"第 {_span(name, j1 + 1, j2)} {unit}是插入的{unit}")
            elif tag == "delete" or all(a == ((), 0) for a in actual[j1:j2]):  # what stands there now is blank
                out.append("原第 " + "、".join(f"{name(i)} {unit}{what(i)}" for i in range(i1 + 1, i2 + 1)) + "被删除")
            else:
                out.append(
                    f"第 {_span(name, j1 + 1, j2)} {unit}与模板的第 {_span(name, i1 + 1, i2)} {unit}"
                    f"{what(i1 + 1)}不同（插入、删除或移动了{unit}）"
                    if j2 > j1
                    else f"原第 {_span(name, i1 + 1, i2)} {unit}{what(i1 + 1)}被删除"
                )
        return out

    # -- 基本信息 ----------------------------------------------------------------------------------------
    def info(self):
        grid = self.grids.get(INFO_SHEET)
        if grid is None:
            return
        rows: dict[str, list[int]] = {}
        for r, row in enumerate(grid.rows, start=1):
            if r > INFO_HEADER_ROWS and row:
                rows.setdefault(_text(row[0]), []).append(r)
        for r in range(1, INFO_HEADER_ROWS + 1):
            for c in (1, 2, 3):
                self.allow(INFO_SHEET, r, c)
        for f in self.form.info:
            found = rows.get(f.label, [])
            if len(found) != 1:
                why = "找不到" if not found else f"有 {len(found)} 行（第 {'、'.join(map(str, found))} 行）"
                self.problem(
                    WB_02,
                    "info_row",
                    addresses=[f"{INFO_SHEET}!A{split_address(f.address)[1]}"],
                    sheet=INFO_SHEET,
                    label=f.label,
                    why=why,
                    field=f.key,
                )
                continue
            self.layout.info_rows[f.key] = found[0]
            for c in (1, 2, 3):  # the label, the value, the hint column (说明 — notes there are no content)
                self.allow(INFO_SHEET, found[0], c)

    # -- the text parts -------------------------------------------------------------------------------
    def texts(self):
        form = self.form
        table_sheets = {form.sheet_of(t) for t in ("t2", "t3", "t4")}
        by_sheet: dict[str, list] = {}
        for block in form.texts:
            by_sheet.setdefault(block.sheet, []).append(block)
        for sheet, blocks in by_sheet.items():
            grid = self.grids.get(sheet)
            if grid is None:
                continue
            text_sheet = sheet not in table_sheets
            column_a = [_text(row[0]) if row else "" for row in grid.rows]
            titles = []
            for block in blocks:
                found = [r for r, text in enumerate(column_a, start=1) if text == block.title]
                if len(found) != 1:
                    why = "找不到" if not found else f"出现了 {len(found)} 次"
                    self.problem(
                        WB_02,
                        "text_title",
                        addresses=[f"{sheet}!A1"],
                        sheet=sheet,
                        title=block.title,
                        why=why,
                        part=block.key,
                    )
                    continue
                titles.append((found[0], block))
            titles.sort(key=lambda t: t[0])
            if text_sheet:
                self.allow(sheet, 1, 1)  # the sheet's note (TEXT_SHEET_NOTE)
            for i, (row, block) in enumerate(titles):
                end = titles[i + 1][0] if i + 1 < len(titles) else max(len(grid.rows), row) + 1
                col = "B" if text_sheet else "A"
                self.layout.texts[block.key] = TextArea(block.key, sheet, col, row, range(row + 1, end))
                self.allow(sheet, row, 1)
                if text_sheet:
                    self.allow(sheet, row, 3)  # the character count
                for r in range(row + 1, end):
                    self.allow(sheet, r, col_index(col))
                    if text_sheet:  # the paragraph number and the character count, where they are numbers
                        for c in (1, 3):
                            value = grid.get(f"{col_letter(c)}{r}")
                            if not isinstance(value, str):
                                self.allow(sheet, r, c)

    # -- everything else --------------------------------------------------------------------------------
    def stray(self):
        """Non-empty cells the reader does not use, on every sheet it reads (changed tables excepted)."""
        for sheet in [INFO_SHEET, *dict.fromkeys(self.form.parts)]:
            grid = self.grids.get(sheet)
            if grid is None or sheet in self.layout.unread:
                continue
            allowed = self.allowed.get(sheet, set())
            stray = [
                (r, c, v)
                for r, row in enumerate(grid.rows, start=1)
                for c, v in enumerate(row, start=1)
                if _filled(v) and (r, c) not in allowed
            ]
            if not stray:
                continue
            shown = "；".join(f"{col_letter(c)}{r}“{_shown(v)}”" for r, c, v in stray[:SHOWN])
            more = f" 等 {len(stray)} 个单元格" if len(stray) > SHOWN else ""
            self.problem(
                WB_07,
                addresses=[f"{sheet}!{col_letter(c)}{r}" for r, c, _ in stray[:SHOWN]],
                sheet=sheet,
                shown=shown,
                more=more,
                cells=[f"{col_letter(c)}{r}" for r, c, _ in stray],
            )


def _span(name, a: int, b: int) -> str:
    return name(a) if a == b else f"{name(a)}–{name(b)}"


def locate(form: Form, grids: dict, names: dict[str, str] | None, sheet_names: list[str]) -> Layout:
    """Check the workbook's structure against the form and find its fields and texts (see the module doc).

    `grids` holds the read sheets' values (read.Grid); `names` the workbook's defined names
    ({name: reference text}, None when the source cannot tell)."""
    locator = _Locator(form, grids, names, sheet_names)
    locator.tables()
    locator.info()
    locator.texts()
    locator.stray()
    return locator.layout
