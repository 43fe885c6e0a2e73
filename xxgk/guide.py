"""installer/使用说明.md → installer/使用说明.pdf, the staff's guide shipped in every `xxgk bundle`.

    python -m xxgk.guide            (part of `make workbooks`; needs LibreOffice)

The Markdown (headings, paragraphs, lists, one table, **bold** and `code`) is laid out as a Word document with
python-docx and converted by LibreOffice, as the report is. The PDF's Keywords carry the SHA-256 of the
source, so a test can tell a stale PDF from a current one without comparing PDF bytes (which LibreOffice
does not write reproducibly). markdown-it-py comes with rich, a dependency.
"""

from __future__ import annotations

import hashlib
import sys
import tempfile
from pathlib import Path

from docx import Document
from docx.oxml.ns import qn
from docx.shared import Mm, Pt
from markdown_it import MarkdownIt

from .report.pdf import docx_to_pdf
from .resources import data_dir

SOURCE, PDF = "使用说明.md", "使用说明.pdf"
FONT = "Noto Sans CJK SC"  # in the PDF's embedded subset; any CJK font LibreOffice finds would do


def source_digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _font(style) -> None:
    style.font.name = FONT
    style.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), FONT)


def _inline(paragraph, token, bold: bool = False) -> None:
    """The inline children of one block: text, **bold**, `code`, line breaks."""
    for child in token.children or []:
        if child.type in ("strong_open", "strong_close"):
            bold = child.type == "strong_open"
        elif child.type in ("text", "code_inline"):
            paragraph.add_run(child.content).bold = bold or None
        elif child.type in ("softbreak", "hardbreak"):
            paragraph.add_run().add_break()


def to_docx(markdown: str, digest: str):
    """The python-docx Document of the guide."""
    doc = Document()
    for name in ("Normal", "Title", "Heading 1", "Heading 2", "List Bullet", "List Number"):
        _font(doc.styles[name])
    doc.styles["Normal"].font.size = Pt(11)
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.left_margin = section.right_margin = section.top_margin = section.bottom_margin = Mm(22)
    doc.core_properties.title = "xxgk 使用说明"
    doc.core_properties.author = "xxgk"
    doc.core_properties.keywords = f"xxgk-guide-source:{digest}"
    tokens = MarkdownIt("commonmark").enable("table").parse(markdown)
    lists = []
    i = 0
    while i < len(tokens):
        token = tokens[i]
        if token.type == "heading_open":
            level = int(token.tag[1])
            _inline(doc.add_paragraph(style="Title" if level == 1 else f"Heading {level - 1}"), tokens[i + 1])
        elif token.type in ("bullet_list_open", "ordered_list_open"):
            lists.append("List Bullet" if token.type == "bullet_list_open" else "List Number")
        elif token.type in ("bullet_list_close", "ordered_list_close"):
            lists.pop()
        elif token.type == "inline" and tokens[i - 1].type == "paragraph_open":
            _inline(doc.add_paragraph(style=lists[-1] if lists else None), token)
        elif token.type == "table_open":
            end = next(j for j in range(i, len(tokens)) if tokens[j].type == "table_close")
            _table(doc, tokens[i:end])
            i = end
        i += 1
    return doc


def _table(doc, tokens) -> None:
    """A Markdown table as a Word table with borders; the header row in bold."""
    rows, row = [], None
    for i, token in enumerate(tokens):
        if token.type == "tr_open":
            row = []
            rows.append(row)
        elif token.type == "inline":
            row.append((token, tokens[i - 1].type == "th_open"))
    table = doc.add_table(rows=len(rows), cols=max(len(r) for r in rows))
    table.style = doc.styles["Table Grid"]
    table.autofit = False
    widths = [Mm(32)] + [Mm(134 / (len(table.columns) - 1))] * (len(table.columns) - 1)  # a short name first
    for column, width in zip(table.columns, widths):
        column.width = width
    for r, cells in enumerate(rows):
        for c, (token, header) in enumerate(cells):
            cell = table.cell(r, c)
            cell.width = widths[c]
            _inline(cell.paragraphs[0], token, bold=header)


def build(out_dir: Path | None = None) -> Path:
    folder = data_dir("installer")
    markdown = (folder / SOURCE).read_text(encoding="utf-8")
    target = (out_dir or folder) / PDF
    with tempfile.TemporaryDirectory(prefix="xxgk-guide-") as tmp:
        docx = Path(tmp) / "guide.docx"
        to_docx(markdown, source_digest(markdown)).save(docx)
        docx_to_pdf(docx, target)
    return target


if __name__ == "__main__":
    print(f"已生成：{build(Path(sys.argv[1]) if len(sys.argv) > 1 else None)}")
