"""A PDF report with a text layer, read with pdfplumber (MIT; tables from the ruling lines).

Tables: pdfplumber finds each ruled table and its cells' boxes; the grid is rebuilt from the boxes, so
a merged cell is one cell over the columns and rows it covers. Text outside the tables is read line by
line and joined into paragraphs (a new paragraph where a line is indented or the previous one ended
short). A PDF without a text layer (a scan) is refused: no OCR.
"""

from __future__ import annotations

import io
import re

from ..errors import XxgkError
from .document import Cell, Document, Table

MAX_BYTES = 100 * 1024 * 1024
MAX_PAGES = 300
_CJK = "\u2e80-\u9fff\u3000-\u303f\uff00-\uffef\u2014\u201c\u201d"
_GAP = re.compile(rf"(?<=[{_CJK}])[ \t]+(?=[{_CJK}\w])|(?<=[\w.%])[ \t]+(?=[{_CJK}])")
_PAGE_NUMBER = re.compile(r"^[—\-－–\s]*\d{1,3}[—\-－–\s]*$|^第\s*\d+\s*页")


def _grid(table, page) -> Table:
    boxes = [c for c in table.cells if c]
    xs = sorted({round(v, 1) for b in boxes for v in (b[0], b[2])})
    ys = sorted({round(v, 1) for b in boxes for v in (b[1], b[3])})

    def index(values, v):
        v = round(v, 1)
        return min(range(len(values)), key=lambda i: abs(values[i] - v))

    grid: list[list[Cell | None]] = [[None] * (len(xs) - 1) for _ in range(len(ys) - 1)]
    for b in boxes:
        c0, c1, r0, r1 = index(xs, b[0]), index(xs, b[2]), index(ys, b[1]), index(ys, b[3])
        text = page.within_bbox(b, relative=False, strict=False).extract_text() or ""
        cell = Cell(tidy(" ".join(text.split("\n"))))
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


def _paragraphs(lines: list[dict], left: float, right: float, char: float, body: float) -> list[str]:
    """Lines → paragraphs: a new one where a line is indented or the previous line ended short; the lines
    of one large-type paragraph (a title broken over two centred lines) stay together."""
    out, current, short, prev_size = [], "", True, 0.0
    for line in lines:
        text = tidy(line["text"].strip())
        if not text or _PAGE_NUMBER.match(text):
            continue
        size = _size(line)
        indented = line["x0"] > left + char * 1.2
        same_title = size > body * 1.15 and abs(size - prev_size) < 0.5
        if current and (indented or short) and not same_title:
            out.append(current)
            current = ""
        current += text
        short = line["x1"] < right - char * 1.5
        prev_size = size
    if current:
        out.append(current)
    return out


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
            for page in pdf.pages:
                chars += len(page.chars)
                tables = page.find_tables()
                boxes = [t.bbox for t in tables]

                def outside(obj, boxes=boxes):
                    cx, cy = (obj["x0"] + obj["x1"]) / 2, (obj["top"] + obj["bottom"]) / 2
                    return not any(b[0] <= cx <= b[2] and b[1] <= cy <= b[3] for b in boxes)

                lines = page.filter(outside).extract_text_lines() if page.chars else []
                items = [(t.bbox[1], _grid(t, page)) for t in tables]
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
    right = max((ln["x1"] for ln in text_lines), default=0)
    sizes = sorted(c["x1"] - c["x0"] for ln in text_lines for c in ln.get("chars", [])[:5])
    char = sizes[len(sizes) // 2] if sizes else 10
    body_sizes = sorted(_size(ln) for ln in text_lines)
    body = body_sizes[len(body_sizes) // 2] if body_sizes else 0
    run: list[dict] = []
    for items in lines_all:
        for _, item in items:
            if isinstance(item, Table):
                for p in _paragraphs(run, left, right, char, body):
                    doc.add_text(p)
                run = []
                doc.blocks.append(item)
            else:
                run.append(item)
    for p in _paragraphs(run, left, right, char, body):
        doc.add_text(p)
    return doc
