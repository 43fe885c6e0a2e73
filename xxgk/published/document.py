"""What every reader of a published report produces: the report's blocks in reading order.

A block is a paragraph (text) or a table. A table is a grid in which a merged cell is the same `Cell`
object at every grid position it covers, so spans read the same from HTML, Word, PDF and plain text.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(eq=False)
class Cell:
    text: str


@dataclass
class Table:
    grid: list[list[Cell | None]]  # None: no cell there (a ragged row)

    @property
    def width(self) -> int:
        return max((len(r) for r in self.grid), default=0)

    def row_cells(self, r: int) -> list[tuple[int, Cell]]:
        """The distinct cells of row r, left to right, with the first grid column each covers."""
        out, seen = [], set()
        for c, cell in enumerate(self.grid[r]):
            if cell is not None and id(cell) not in seen:
                seen.add(id(cell))
                out.append((c, cell))
        return out

    def starts_here(self, r: int, c: int) -> bool:
        """Whether the cell at (r, c) begins in row r (not a rowspan continued from above)."""
        cell = self.grid[r][c]
        return r == 0 or c >= len(self.grid[r - 1]) or self.grid[r - 1][c] is not cell


@dataclass
class Document:
    kind: str  # html | docx | pdf | txt
    blocks: list[str | Table] = field(default_factory=list)

    def add_text(self, text: str) -> None:
        text = text.strip()
        if text:
            self.blocks.append(text)


class GridBuilder:
    """Lay out rows of (text, rowspan, colspan) into a grid, as HTML tables and Word tables are drawn."""

    def __init__(self):
        self.grid: list[list[Cell | None]] = []
        self.row = -1

    def new_row(self) -> None:
        self.row += 1
        while len(self.grid) <= self.row:
            self.grid.append([])

    def add(self, text: str, rowspan: int = 1, colspan: int = 1) -> Cell:
        if self.row < 0:
            self.new_row()
        rowspan, colspan = max(1, min(rowspan, 200)), max(1, min(colspan, 200))
        line = self.grid[self.row]
        c = 0
        while c < len(line) and line[c] is not None:
            c += 1
        cell = Cell(text)
        for r in range(self.row, self.row + rowspan):
            while len(self.grid) <= r:
                self.grid.append([])
            target = self.grid[r]
            while len(target) < c + colspan:
                target.append(None)
            for k in range(c, c + colspan):
                target[k] = cell
        return cell

    def table(self) -> Table:
        rows = [r for r in self.grid if any(cell is not None for cell in r)]
        return Table(rows)
