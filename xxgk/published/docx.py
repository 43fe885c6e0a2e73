"""A Word report (.docx): paragraphs and tables of the body in order, merged cells as one cell.

The package is checked before python-docx reads it (size, entry count, expansion ratio, no DTD), as
every received file is.
"""

from __future__ import annotations

import io
import zipfile

from ..errors import XxgkError
from .document import Document, GridBuilder

MAX_BYTES = 100 * 1024 * 1024
MAX_ENTRIES = 2000
MAX_TOTAL = 512 * 1024 * 1024
MAX_RATIO = 200
_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def _check_package(blob: bytes, name: str) -> None:
    if len(blob) > MAX_BYTES:
        raise XxgkError(f"Word 文件过大（{len(blob) // 1048576} MB），不像年度报告", file=name, kind="too_large")
    try:
        zf = zipfile.ZipFile(io.BytesIO(blob))
    except zipfile.BadZipFile:
        raise XxgkError("Word 文件已损坏或不完整（不是有效的 .docx）", file=name, kind="unreadable") from None
    with zf:
        infos = zf.infolist()
        if len(infos) > MAX_ENTRIES:
            raise XxgkError(f"Word 文件内部文件数异常（{len(infos)} 个），拒绝读取", file=name, kind="unsafe")
        total = 0
        for info in infos:
            total += info.file_size
            if total > MAX_TOTAL or (
                info.file_size > 1 << 20 and info.file_size > MAX_RATIO * max(info.compress_size, 1)
            ):
                raise XxgkError("Word 文件解压后体积异常巨大，疑似“压缩炸弹”，拒绝读取", file=name, kind="unsafe")
        if "word/document.xml" not in zf.namelist():
            raise XxgkError("不是 Word 文档（.docx）：缺少 word/document.xml", file=name, kind="unreadable")
        with zf.open("word/document.xml") as fh:
            xml = fh.read(MAX_TOTAL)
        if b"<!DOCTYPE" in xml or b"<!ENTITY" in xml:
            raise XxgkError("Word 文档含有 DTD，拒绝读取", file=name, kind="unsafe")


def _text(el) -> str:
    """The text of a paragraph or cell element: runs, tabs and breaks; deleted text left out."""
    out = []
    for node in el.iter(f"{_W}t", f"{_W}tab", f"{_W}br", f"{_W}cr", f"{_W}p"):
        if node.tag == f"{_W}t":
            if not any(a.tag == f"{_W}del" for a in node.iterancestors()):
                out.append(node.text or "")
        elif node.tag == f"{_W}p":
            if out and out[-1] != "\n":
                out.append("\n")
        else:
            out.append("\t" if node.tag == f"{_W}tab" else "\n")
    return "".join(out).strip()


def _table(tbl) -> GridBuilder:
    grid = GridBuilder()
    above: dict[int, object] = {}  # grid column → the cell a vMerge continues
    for tr in tbl.iterchildren(f"{_W}tr"):
        grid.new_row()
        col = 0
        line = grid.grid[grid.row]
        for tc in tr.iterchildren(f"{_W}tc"):
            pr = tc.find(f"{_W}tcPr")
            span, vmerge = 1, None
            if pr is not None:
                gs = pr.find(f"{_W}gridSpan")
                if gs is not None:
                    try:
                        span = max(1, min(int(gs.get(f"{_W}val", "1")), 200))
                    except ValueError:
                        span = 1
                vm = pr.find(f"{_W}vMerge")
                if vm is not None:
                    vmerge = vm.get(f"{_W}val", "continue")
            if vmerge == "continue" and col in above:
                cell = above[col]
                while len(line) < col + span:
                    line.append(None)
                for k in range(col, col + span):
                    line[k] = cell
            else:
                while len(line) < col:
                    line.append(None)
                cell = grid.add(_text(tc), 1, span)
                col = next(k for k, c in enumerate(line) if c is cell)
                for k in range(col, col + span):
                    above[k] = cell
            col += span
    return grid


def read(blob: bytes, name: str) -> Document:
    _check_package(blob, name)
    import docx

    try:
        body = docx.Document(io.BytesIO(blob)).element.body
    except Exception as exc:  # python-docx raises several kinds for a broken package
        raise XxgkError(
            f"无法读取 Word 文档（{exc.__class__.__name__}）。请用 Word 或 WPS 打开后另存为 .docx 再试",
            file=name,
            kind="unreadable",
        ) from None
    doc = Document("docx")
    _walk(body, doc)
    return doc


def _walk(parent, doc: Document) -> None:
    for el in parent.iterchildren():
        if el.tag == f"{_W}p":
            for line in _text(el).split("\n"):
                doc.add_text(line)
        elif el.tag == f"{_W}tbl":
            table = _table(el).table()
            if table.grid:
                doc.blocks.append(table)
        elif el.tag in (f"{_W}sdt", f"{_W}sdtContent", f"{_W}customXml"):
            _walk(el, doc)
