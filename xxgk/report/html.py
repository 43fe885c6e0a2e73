"""The report as one self-contained HTML page for the government portal.

The three statutory tables are laid out from the form itself (the labels' positions and merges in
workbook/forms/*.toml, as `xxgk.form` places them on the workbook's sheets), so no label is typed
twice and the HTML has exactly the national format's rows, columns, rowspans and colspans.
Accessibility: <caption>, <thead>/<tbody>, scope on every <th>, and id/headers on every data cell
(WCAG H43) because 表三 and 表四 have three header rows.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from jinja2 import FileSystemLoader

from ..form import Form, load_form, printed_grid
from ..resources import data_dir
from .jinja import make_env

TABLES = ("t2", "t3", "t4")


@dataclass
class Cell:
    row: int  # sheet row of the top-left corner
    col: int  # sheet column (1 = A)
    text: str
    tag: str = "td"  # th | td
    role: str = "data"  # caption | header | rowhead | note | data | blank
    rowspan: int = 1
    colspan: int = 1
    scope: str | None = None
    id: str | None = None
    headers: list[str] = field(default_factory=list)
    cls: str = ""
    cid: str | None = None  # a number cell: its id

    def covers_col(self, c: int) -> bool:
        return self.col <= c < self.col + self.colspan

    def covers_row(self, r: int) -> bool:
        return self.row <= r < self.row + self.rowspan

    @property
    def last_row(self) -> int:
        return self.row + self.rowspan - 1


@dataclass
class Section:
    tag: str  # thead | tbody
    render: list[int]  # the sheet rows this section prints
    head_rows: list[int]  # rows of column headers for the cells of `body_rows`
    body_rows: list[int]
    rows: list[list[Cell]] = field(default_factory=list)


def table_width(form: Form, table: str) -> int:
    return printed_grid(form, table)[0]


def table_model(form: Form, table: str, shown: dict[str, str]) -> dict:
    """{"key", "caption", "width", "sections": [Section]} of one statutory table, with display strings."""
    width, grid = printed_grid(form, table)
    caption = form.sheet_of(table)  # the part heading, which is also the sheet's title
    cells: list[Cell] = []
    for g in grid:
        if g.cell_id:
            cells.append(
                Cell(
                    g.row, g.col, shown.get(g.cell_id, ""), "td", "data", g.rowspan, g.colspan, cls="num", cid=g.cell_id
                )
            )
        else:
            cells.append(Cell(g.row, g.col, g.text, "td" if g.role == "note" else "th", g.role, g.rowspan, g.colspan))
    rows = sorted({r for x in cells for r in range(x.row, x.row + x.rowspan)})
    _fill_holes(cells, rows, width)
    sections = _sections(table, cells, rows)
    _scopes(cells)
    for n, x in enumerate(sorted((c for c in cells if c.tag == "th"), key=lambda c: (c.row, c.col))):
        x.id = f"{table}-h{n + 1}"
    _headers(cells, sections)
    for section in sections:
        section.rows = [sorted((x for x in cells if x.row == r), key=lambda x: x.col) for r in section.render]
    return {"key": table, "caption": caption, "width": width, "sections": sections}


def _fill_holes(cells: list[Cell], rows: list[int], width: int) -> None:
    taken = {(r, c) for x in cells for r in range(x.row, x.row + x.rowspan) for c in range(x.col, x.col + x.colspan)}
    for r in rows:
        for c in range(1, width + 1):
            if (r, c) not in taken:  # not expected in the national formats; kept so the grid is always whole
                cells.append(Cell(r, c, "", "td", "blank"))


def _sections(table: str, cells: list[Cell], rows: list[int]) -> list[Section]:
    """t3, t4: one <thead> (the rows above the first number) and one <tbody>. t2: one <tbody> per
    第二十条 block (its caption row, its header row, its data rows): the blocks have different headers."""
    data_rows = sorted({x.row for x in cells if x.role == "data"})
    if table == "t2":
        starts = sorted(x.row for x in cells if x.role == "caption")
        out = []
        for i, start in enumerate(starts):
            end = starts[i + 1] if i + 1 < len(starts) else max(rows) + 1
            block = [r for r in rows if start <= r < end]
            out.append(
                Section("tbody", block, [r for r in block if r not in data_rows], [r for r in block if r in data_rows])
            )
        return out
    head = [r for r in rows if r < data_rows[0]]
    body = [r for r in rows if r >= data_rows[0]]
    return [Section("thead", head, [], []), Section("tbody", body, head, body)]


def _scopes(cells: list[Cell]) -> None:
    ths = [x for x in cells if x.tag == "th"]
    for x in ths:
        if x.role == "caption":
            x.scope, x.cls = "rowgroup", "block"
        elif x.role == "header":
            below = any(
                y is not x and y.role == "header" and y.row == x.last_row + 1 and x.col <= y.col < x.col + x.colspan
                for y in ths
            )
            x.scope, x.cls = ("colgroup" if below else "col"), "colhead"
        elif x.role == "rowhead":
            right = any(y is not x and y.role == "rowhead" and y.col > x.col and x.covers_row(y.row) for y in ths)
            x.scope, x.cls = ("rowgroup" if right else "row"), "rowhead"


def _headers(cells: list[Cell], sections: list[Section]) -> None:
    ths = [x for x in cells if x.tag == "th"]
    for section in sections:
        if section.tag == "thead":
            continue
        head, body = set(section.head_rows), set(section.body_rows)
        for x in cells:
            if x.role != "data" or x.row not in body:
                continue
            ids = [h.id for h in ths if h.row in head and any(h.covers_col(c) for c in range(x.col, x.col + x.colspan))]
            ids += [
                h.id for h in ths if h.row in body and h.role == "rowhead" and h.col < x.col and h.covers_row(x.row)
            ]
            x.headers = ids


def render_html(context: dict, fmt: str) -> str:
    """The portal page of one report (context from build_context), for format "2019" or "2021"."""
    if context.get("format") != fmt:
        raise ValueError(f"context is for format {context.get('format')!r}, not {fmt!r}")
    form = load_form(fmt)
    shown = context["cells"]
    tables = {t: table_model(form, t, shown) for t in TABLES}
    env = make_env(FileSystemLoader(str(data_dir("templates"))), trim_blocks=True, lstrip_blocks=True)
    template = env.get_template(f"{fmt}格式/report.html.j2")
    return template.render({**context, "tables": tables})
