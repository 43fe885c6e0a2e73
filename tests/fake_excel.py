"""A fake of the small xlwings surface xxgk.excel uses (listed in xxgk/excel/book.py), loaded from a real
workbook file, behaving as Excel does where it matters:

- numbers come back as floats, blanks as None, formulas through .formula as "=..." text;
- a protected sheet refuses writes to locked cells and any change of fill; a workbook with a protected
  structure refuses new sheets; so forgetting to unprotect, or to protect again, shows up in tests;
- message boxes, the status bar, file dialogs and opened workbooks are recorded, and the user's answers
  are scripted.
"""

from __future__ import annotations

import re
from pathlib import Path

import openpyxl
from openpyxl.utils import column_index_from_string, get_column_letter

_CELL = re.compile(r"^\$?([A-Z]{1,3})\$?(\d+)$")
_COLS = re.compile(r"^([A-Z]{1,3}):([A-Z]{1,3})$")


class ProtectedError(Exception):
    """What Excel raises (a COM error) when a protected sheet or structure is changed."""


def _cell(text: str) -> tuple[int, int]:
    m = _CELL.match(text)
    assert m, f"not a cell address: {text}"
    return int(m.group(2)), column_index_from_string(m.group(1))


class _Api:
    """sheet.api / book.api: protection only."""

    def __init__(self, owner, kind: str):
        self.owner, self.kind = owner, kind

    @property
    def ProtectContents(self):  # noqa: N802 - Excel's name
        return self.owner.protected

    @property
    def ProtectStructure(self):  # noqa: N802
        return self.owner.structure_protected

    def Protect(self, **kwargs):  # noqa: N802
        if self.kind == "book":
            self.owner.structure_protected = bool(kwargs.get("Structure"))
        else:
            self.owner.protected = True
            self.owner.protect_options = kwargs

    def Unprotect(self, *args):  # noqa: N802
        if self.kind == "book":
            self.owner.structure_protected = False
        else:
            self.owner.protected = False


class _Font:
    def __init__(self, rng):
        self.rng = rng

    @property
    def bold(self):
        return all(c in self.rng.sheet.bold for c in self.rng.cells())

    @bold.setter
    def bold(self, value):
        self.rng.sheet.check_format()
        for c in self.rng.cells():
            (self.rng.sheet.bold.add if value else self.rng.sheet.bold.discard)(c)


class _RangeApi:
    """range.api: Excel's Range.Locked, which a protected sheet refuses to change."""

    def __init__(self, rng):
        self.rng = rng

    @property
    def Locked(self):  # noqa: N802 - Excel's name
        return not any(c in self.rng.sheet.unlocked for c in self.rng.cells())

    @Locked.setter
    def Locked(self, value):  # noqa: N802
        self.rng.sheet.check_format()
        for c in self.rng.cells():
            (self.rng.sheet.unlocked.discard if value else self.rng.sheet.unlocked.add)(c)


class FakeRange:
    def __init__(self, sheet, areas: list[tuple[int, int, int, int]]):
        self.sheet, self.areas = sheet, areas  # (row1, col1, row2, col2), inclusive

    @property
    def api(self):
        return _RangeApi(self)

    def cells(self):
        for r1, c1, r2, c2 in self.areas:
            for r in range(r1, r2 + 1):
                for c in range(c1, c2 + 1):
                    yield r, c

    def options(self, ndim=None):
        return self

    @property
    def row(self):
        return self.areas[0][0]

    @property
    def column(self):
        return self.areas[0][1]

    @property
    def last_cell(self):
        r1, c1, r2, c2 = self.areas[-1]
        return FakeRange(self.sheet, [(r2, c2, r2, c2)])

    @property
    def value(self):
        self.sheet.book.reads += 1
        r1, c1, r2, c2 = self.areas[0]
        return [[self.sheet.values.get((r, c)) for c in range(c1, c2 + 1)] for r in range(r1, r2 + 1)]

    @value.setter
    def value(self, rows):
        r1, c1 = self.areas[0][:2]
        if not isinstance(rows, list):
            rows = [[rows]]
        for i, row in enumerate(rows):
            for j, v in enumerate(row):
                self.sheet.write((r1 + i, c1 + j), v)

    @property
    def formula(self):
        r1, c1, r2, c2 = self.areas[0]
        return tuple(tuple(self.sheet.formula_text((r, c)) for c in range(c1, c2 + 1)) for r in range(r1, r2 + 1))

    @property
    def color(self):
        return self.sheet.colors.get(next(self.cells()))

    @color.setter
    def color(self, rgb):
        self.sheet.check_format()
        for c in self.cells():
            self.sheet.colors[c] = rgb

    @property
    def font(self):
        return _Font(self)

    @property
    def column_width(self):
        return self.sheet.widths.get(self.areas[0][1])

    @column_width.setter
    def column_width(self, width):
        self.sheet.widths[self.areas[0][1]] = width

    @property
    def wrap_text(self):
        return all(c in self.sheet.wrapped for c in self.cells())

    @wrap_text.setter
    def wrap_text(self, value):
        self.sheet.check_format()
        for c in self.cells():
            (self.sheet.wrapped.add if value else self.sheet.wrapped.discard)(c)

    def select(self):
        self.sheet.book.selection = (self.sheet.name, get_column_letter(self.column) + str(self.row))


class FakeSheet:
    def __init__(self, book, name: str):
        self.book, self.name = book, name
        self.values: dict[tuple[int, int], object] = {}
        self.formulas: dict[tuple[int, int], str] = {}
        self.colors: dict[tuple[int, int], tuple] = {}
        self.unlocked: set[tuple[int, int]] = set()
        self.bold: set[tuple[int, int]] = set()
        self.wrapped: set[tuple[int, int]] = set()
        self.widths: dict[int, float] = {}
        self.protected = False
        self.protect_options: dict = {}
        self.api = _Api(self, "sheet")

    def check_format(self):
        if self.protected:
            raise ProtectedError(f"工作表“{self.name}”受保护，不能更改格式")

    def write(self, cell, value):
        if self.protected and cell not in self.unlocked:
            raise ProtectedError(f"工作表“{self.name}”受保护，不能写入 {cell}")
        self.formulas.pop(cell, None)
        if isinstance(value, str) and value.startswith("="):
            self.formulas[cell], value = value, None  # a formula: Excel would calculate it
        elif isinstance(value, str) and value.startswith("'"):
            value = value[1:]  # Excel's text prefix
        elif isinstance(value, int) and not isinstance(value, bool):
            value = float(value)
        if value is None or value == "":
            self.values.pop(cell, None)
        else:
            self.values[cell] = value

    def formula_text(self, cell) -> str:
        if cell in self.formulas:
            return self.formulas[cell]
        v = self.values.get(cell)
        if v is None:
            return ""
        return str(int(v)) if isinstance(v, float) and v.is_integer() else str(v)

    def range(self, first, second=None):
        if second is not None:
            (r1, c1), (r2, c2) = first, second
            return FakeRange(self, [(r1, c1, r2, c2)])
        areas = []
        for part in first.split(","):
            m = _COLS.match(part)
            if m:
                areas.append((1, column_index_from_string(m.group(1)), 1048576, column_index_from_string(m.group(2))))
                continue
            ends = [_cell(p) for p in part.split(":")]
            (r1, c1), (r2, c2) = ends[0], ends[-1]
            areas.append((r1, c1, r2, c2))
        return FakeRange(self, areas)

    @property
    def used_range(self):
        used = list(self.values) + list(self.formulas)
        rows = max((r for r, _ in used), default=1)
        cols = max((c for _, c in used), default=1)
        return FakeRange(self, [(1, 1, rows, cols)])

    def activate(self):
        self.book.active_sheet = self.name

    def clear(self):
        self.check_format()
        self.values.clear()
        self.formulas.clear()
        self.colors.clear()
        self.bold.clear()
        self.wrapped.clear()
        self.unlocked.clear()  # Range.Clear clears formats: every cell is locked again

    def cell(self, address: str):
        """Test helper: a cell's value (or formula text) by A1 address."""
        c = _cell(address)
        return self.formulas.get(c, self.values.get(c))


class FakeSheets:
    def __init__(self, book):
        self.book, self.items = book, []

    def __iter__(self):
        return iter(list(self.items))

    def __len__(self):
        return len(self.items)

    def __getitem__(self, key):
        if isinstance(key, int):
            return self.items[key]
        for s in self.items:
            if s.name == key:
                return s
        raise KeyError(key)

    def add(self, name=None, before=None, after=None):
        if self.book.structure_protected:
            raise ProtectedError("工作簿结构受保护，不能添加工作表")
        sheet = FakeSheet(self.book, name)
        index = self.items.index(after) + 1 if after is not None else len(self.items)
        self.items.insert(index, sheet)
        return sheet


class FakeDialog:
    def __init__(self, app, kind):
        self.app, self.kind = app, kind
        self.Title = ""
        self.AllowMultiSelect = True
        self.InitialFileName = ""
        self.Filters = self

    def Clear(self):  # noqa: N802 - Filters.Clear
        pass

    def Add(self, description, patterns):  # noqa: N802 - Filters.Add
        self.app.filters.append((description, patterns))

    def Show(self):  # noqa: N802
        self.app.dialogs.append((self.kind, self.Title, self.InitialFileName))
        self.choice = self.app.choices.pop(0) if self.app.choices else None
        return -1 if self.choice else 0

    def SelectedItems(self, i):  # noqa: N802
        return str(self.choice)


class FakeAppApi:
    def __init__(self, app):
        self.app = app

    def FileDialog(self, kind):  # noqa: N802
        return FakeDialog(self.app, kind)


class FakeBooks:
    def __init__(self, app):
        self.app = app

    def open(self, path):
        self.app.opened.append(str(path))
        return load_book(path, self.app)


class FakeApp:
    def __init__(self, answers=(), choices=()):
        self.answers = list(answers)  # what the user clicks in message boxes with a choice
        self.choices = list(choices)  # what the user picks in file dialogs (None = cancel)
        self.alerts: list[dict] = []
        self.status_history: list = []
        self.dialogs: list = []
        self.filters: list[tuple[str, str]] = []  # (description, "*.xlsx;*.json") of the file dialogs shown
        self.opened: list[str] = []
        self.api = FakeAppApi(self)
        self.books = FakeBooks(self)

    def alert(self, prompt, title=None, buttons="ok", mode=None, callback=None):
        self.alerts.append({"prompt": prompt, "title": title, "buttons": buttons, "mode": mode})
        if buttons == "ok":
            return "ok"
        return self.answers.pop(0)

    @property
    def status_bar(self):
        return self.status_history[-1] if self.status_history else False

    @status_bar.setter
    def status_bar(self, value):
        self.status_history.append(value)


class FakeBook:
    def __init__(self, app, fullname: str):
        self.app, self.fullname = app, fullname
        self.name = Path(fullname).name
        self.sheets = FakeSheets(self)
        self.structure_protected = False
        self.api = _Api(self, "book")
        self.selection = None
        self.active_sheet = None
        self.reads = 0
        self.names: list[FakeName] = []


class FakeName:
    """xlwings' Name: `refers_to` as Excel gives it, "='表三'!$D$5"."""

    def __init__(self, name: str, refers_to: str):
        self.name, self.refers_to = name, refers_to


def load_book(path, app=None, fullname: str | None = None) -> FakeBook:
    """A workbook file as Excel shows it once opened (formulas kept, numbers as floats)."""
    wb = openpyxl.load_workbook(path)
    book = FakeBook(app or FakeApp(), fullname or str(Path(path).resolve()))
    for ws in wb.worksheets:
        sheet = FakeSheet(book, ws.title)
        for row in ws.iter_rows():
            for c in row:
                key = (c.row, c.column)
                if c.protection is not None and c.protection.locked is False:
                    sheet.unlocked.add(key)
                if c.fill is not None and c.fill.fill_type == "solid":
                    rgb = c.fill.fgColor.rgb
                    if isinstance(rgb, str):
                        sheet.colors[key] = tuple(int(rgb[i : i + 2], 16) for i in (2, 4, 6))
                v = c.value
                if isinstance(v, str) and v.startswith("="):
                    sheet.formulas[key] = v
                elif v is not None and v != "":
                    sheet.values[key] = float(v) if isinstance(v, int) and not isinstance(v, bool) else v
        sheet.protected = bool(ws.protection.sheet)
        book.sheets.items.append(sheet)
    book.structure_protected = bool(wb.security is not None and wb.security.lockStructure)
    book.names = [FakeName(name, "=" + dn.attr_text) for name, dn in wb.defined_names.items()]
    return book
