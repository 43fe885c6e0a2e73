"""A PDF report with a text layer, read with pdfplumber (MIT; tables from the ruling lines).

Tables: pdfplumber finds each ruled table and its cells' boxes; the grid is rebuilt from the boxes, so
a merged cell is one cell over the columns and rows it covers, and a character belongs to the cell that
holds its centre. A table that ends a page and one that begins the next with the same edges and column
lines are one table (its rest after a page break), whatever the rows say. Text outside the tables is read line by
line and joined into paragraphs (a new paragraph where a line is indented or the previous one ended
short). A PDF without a text layer (a scan) is refused: no OCR.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field

from ..errors import XxgkError
from .document import Cell, Document, Table
from .values import ideographs

MAX_BYTES = 100 * 1024 * 1024
MAX_PAGES = 300
_CJK = "\u2e80-\u9fff\u3000-\u303f\uff00-\uffef\u2014\u201c\u201d"
_GAP = re.compile(rf"(?<=[{_CJK}])[ \t]+(?=[{_CJK}\w])|(?<=[\w.%])[ \t]+(?=[{_CJK}])")
_PAGE_NUMBER = re.compile(r"^[—\-－–\s]*\d{1,3}[—\-－–\s]*$|^第\s*\d+\s*页")


@dataclass
class _Ruled:
    """One ruled table as pdfplumber found it on one page: its cells' boxes and texts, in page coordinates."""

    page: int
    bbox: tuple[float, float, float, float]
    boxes: list[tuple[float, float, float, float, str]] = field(default_factory=list)

    def continues(self, prev: _Ruled) -> bool:
        """Whether this table, first on its page, is the rest of `prev`, last on the page before: the same left
        and right edges, and the column lines of the one with fewer columns are all lines of the other."""
        if self.page != prev.page + 1 or abs(self.bbox[0] - prev.bbox[0]) > TOLERANCE:
            return False
        if abs(self.bbox[2] - prev.bbox[2]) > TOLERANCE:
            return False
        mine, theirs = (
            _lines([b[0] for b in self.boxes] + [b[2] for b in self.boxes]),
            _lines([b[0] for b in prev.boxes] + [b[2] for b in prev.boxes]),
        )
        few, many = sorted((mine, theirs), key=len)
        return all(any(abs(x - y) <= TOLERANCE for y in many) for x in few)


TOLERANCE = 1.5  # points: two ruling lines closer than this are one line


def _lines(values: list[float]) -> list[float]:
    """Positions of ruling lines: values within TOLERANCE of each other are one line (their first value)."""
    out: list[float] = []
    for v in sorted(values):
        if not out or v - out[-1] > TOLERANCE:
            out.append(v)
    return out


def _centre_in(obj: dict, box) -> bool:
    """Whether the centre of a character (or other object) of the page lies in box (x0, top, x1, bottom)."""
    return box[0] <= (obj["x0"] + obj["x1"]) / 2 <= box[2] and box[1] <= (obj["top"] + obj["bottom"]) / 2 <= box[3]


def _ruled(table, page, n: int) -> _Ruled:
    """The cells of a pdfplumber table; a character belongs to the cell that holds its centre (a glyph that
    overhangs a ruling line by a little, as Chromium prints them, still counts)."""
    from pdfplumber.utils import extract_text

    chars = [c for c in page.chars if _centre_in(c, table.bbox)]
    out = _Ruled(n, table.bbox)
    for b in table.cells:
        if not b:
            continue
        inside = [c for c in chars if _centre_in(c, b)]
        text = extract_text(inside) if inside else ""
        out.boxes.append((b[0], b[1] + n * PAGE_OFFSET, b[2], b[3] + n * PAGE_OFFSET, text))
    return out


PAGE_OFFSET = 100000.0  # added to the y of page n's boxes, so that a table continued on the next page is below


def _grid(parts: list[_Ruled]) -> Table:
    """The grid of a table (one or more parts continued over pages) from its cells' boxes: a merged cell is one
    cell over the columns and rows it covers."""
    boxes = [b for part in parts for b in part.boxes]
    xs = _lines([v for b in boxes for v in (b[0], b[2])])
    ys = _lines([v for b in boxes for v in (b[1], b[3])])

    def index(values, v):
        return min(range(len(values)), key=lambda i: abs(values[i] - v))

    grid: list[list[Cell | None]] = [[None] * (len(xs) - 1) for _ in range(len(ys) - 1)]
    for b in boxes:
        c0, c1, r0, r1 = index(xs, b[0]), index(xs, b[2]), index(ys, b[1]), index(ys, b[3])
        cell = Cell(tidy(" ".join(b[4].split("\n"))))
        for r in range(r0, max(r1, r0 + 1)):
            for c in range(c0, max(c1, c0 + 1)):
                if r < len(grid) and c < len(grid[r]):
                    grid[r][c] = cell
    return Table([row for row in grid if any(cell is not None for cell in row)])


def tidy(text: str) -> str:
    """PDF text puts spaces between Chinese and digits or Latin letters ("2020 年"): take them out."""
    return _GAP.sub("", text)


def _size(line: dict) -> float:
    sizes = sorted(c.get("size", 0) for c in line.get("chars", []))
    return sizes[len(sizes) // 2] if sizes else 0


_ENDED = re.compile(r"[。！？；：!?;:][”’」』）)】]*$")  # a sentence ends at the end of the line
_HEADING = re.compile(r"^(?:[（(][一二三四五六七八九十]+[)）]|[一二三四五六七八九十]+、)")
_OPENING = "（(《〈「『【〔“‘[<"
_CLOSING = "，。、；：？！）)》〉」』】〕”’%％,.;:?!]>"
_PUNCT = _OPENING + _CLOSING + "…—·"


def unbreakable(chars: str | list[str]) -> int:
    """How many characters a line begins with that cannot be broken: a run of Latin letters and digits, a
    character with the closing marks after it, an opening mark with what follows ("例》", "〔2022〕8", "话:0591-…").
    Had they fitted, the line above would have held them."""
    end = 1
    while end < len(chars):
        ch, prev = chars[end], chars[end - 1]
        latin = ch.isascii() and not ch.isspace() and (prev.isascii() or prev in _CLOSING)
        if not (latin or ch in _CLOSING or prev in _OPENING):
            break
        end += 1
    return end


def _first_run(line: dict) -> float:
    """The width of what a line begins with that cannot be broken."""
    chars = [c for c in line.get("chars", []) if c["text"].strip()]
    if not chars:
        return 0.0
    end = unbreakable([c["text"] for c in chars])
    return chars[end - 1]["x1"] - chars[0]["x0"]


def _paragraphs(lines: list[dict], left: float, right: float, char: float, body: float) -> list[str]:
    """Lines → paragraphs: a new one where a line is indented; where the previous line ended short although
    what this line begins with would have fitted there (else the line was broken early: "…公开条" / "例》…",
    "国办发" / "〔2022〕8号"); where a numbered heading ("（二）", "六、") begins, or a short line without a sentence
    end (a signature), after a sentence ended at the line's end. The lines of one large-type paragraph (a title broken over two centred lines) stay together."""
    out, current, prev, prev_size = [], "", None, 0.0
    for line in lines:
        text = tidy(line["text"].strip())
        if not text or _PAGE_NUMBER.match(text):
            continue
        size = _size(line)
        indented = line["x0"] > left + char * 1.2
        same_title = size > body * 1.15 and abs(size - prev_size) < 0.5
        if current and not same_title:
            short = prev["x1"] < right - char * 1.5 and prev["x1"] + _first_run(line) <= right + 1
            heading = _HEADING.match(text) and _ENDED.search(current)
            alone = _ENDED.search(current) and not _ENDED.search(text) and line["x1"] < right - char * 1.5
            if indented or short or heading or alone:
                out.append(current)
                current = ""
        current += text
        prev, prev_size = line, size
    if current:
        out.append(current)
    return out


def _right(lines: list[dict]) -> float:
    """The right end of the text lines: where the longest line ends in a letter (punctuation may overhang)."""
    ends = [ln["x1"] for ln in lines if ln.get("chars") and ln["chars"][-1]["text"] not in _PUNCT]
    return max(ends or [ln["x1"] for ln in lines] or [0])


def read(blob: bytes, name: str) -> Document:
    if len(blob) > MAX_BYTES:
        raise XxgkError(f"PDF 文件过大（{len(blob) // 1048576} MB），不像年度报告", file=name, kind="too_large")
    import logging

    import pdfplumber

    logging.getLogger("pdfminer").setLevel(logging.ERROR)  # font warnings of the PDF's producer are not ours
    from pdfminer.pdfdocument import PDFPasswordIncorrect
    from pdfminer.pdfparser import PDFSyntaxError

    doc, chars = Document("pdf"), 0
    try:
        with pdfplumber.open(io.BytesIO(blob)) as pdf:
            if len(pdf.pages) > MAX_PAGES:
                raise XxgkError(
                    f"PDF 有 {len(pdf.pages)} 页，不像年度报告（上限 {MAX_PAGES} 页）", file=name, kind="too_large"
                )
            lines_all = []
            for number, page in enumerate(pdf.pages):
                chars += len(page.chars)
                for c in page.chars:  # ⼈⺠ → 人民 before anything reads them
                    c["text"] = ideographs(c["text"])
                tables = page.find_tables()
                boxes = [t.bbox for t in tables]

                def outside(obj, boxes=boxes):
                    return not any(_centre_in(obj, b) for b in boxes)

                lines = page.filter(outside).extract_text_lines() if page.chars else []
                items = [(t.bbox[1], _ruled(t, page, number)) for t in tables]
                items += [(ln["top"], ln) for ln in lines]
                items.sort(key=lambda x: x[0])
                lines_all.append(items)
    except XxgkError:
        raise
    except PDFPasswordIncorrect:
        raise XxgkError("PDF 设置了密码，无法读取", file=name, kind="encrypted") from None
    except (PDFSyntaxError, Exception) as exc:  # pdfminer raises many kinds for a broken file
        raise XxgkError(
            f"无法读取 PDF（{exc.__class__.__name__}），文件可能已损坏", file=name, kind="unreadable"
        ) from None
    if chars == 0:
        raise XxgkError(
            "PDF 没有文字层（可能是扫描件或图片），无法读取。xxgk 不做文字识别（OCR），"
            "请使用网站上的网页版或 Word 版报告",
            file=name,
            kind="not_a_report",
        )
    text_lines = [ln for items in lines_all for _, ln in items if isinstance(ln, dict)]
    left = min((ln["x0"] for ln in text_lines), default=0)
    right = _right(text_lines)
    sizes = sorted(c["x1"] - c["x0"] for ln in text_lines for c in ln.get("chars", [])[:5])
    char = sizes[len(sizes) // 2] if sizes else 10
    body_sizes = sorted(_size(ln) for ln in text_lines)
    body = body_sizes[len(body_sizes) // 2] if body_sizes else 0
    run: list[dict] = []
    last: list[_Ruled] | None = None  # the parts of the table that ended the page before, if one did
    for items in lines_all:
        items = [(top, item) for top, item in items if not _chrome(item)]
        for i, (_, item) in enumerate(items):
            if isinstance(item, _Ruled):
                if i == 0 and last and item.continues(last[-1]):
                    last.append(item)
                    continue
                for p in _paragraphs(run, left, right, char, body):
                    doc.add_text(p)
                run = []
                last = [item]
                doc.blocks.append(last)
            else:
                run.append(item)
        last = last if items and isinstance(items[-1][1], _Ruled) else None
    for p in _paragraphs(run, left, right, char, body):
        doc.add_text(p)
    doc.blocks = [_grid(b) if isinstance(b, list) else b for b in doc.blocks]
    return doc


def _chrome(item) -> bool:
    """A page number line (not part of the text, and no break between a table and its rest on the next page)."""
    return isinstance(item, dict) and bool(_PAGE_NUMBER.match(tidy(item["text"].strip())))
