"""A report saved from a government portal (.html/.htm): GBK or UTF-8, tables with rowspan/colspan,
&nbsp; cells, headings in <p>/<strong>, the report often inside a larger page (menus, a layout table).

The standard library's HTMLParser builds a light tree (nothing is fetched or run); a <table> whose cells
hold other tables is page layout, and its content is read as ordinary flow.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

from ..errors import XxgkError
from .document import Document, GridBuilder

MAX_BYTES = 50 * 1024 * 1024
MAX_DEPTH = 400
_SKIP = {"script", "style", "head", "title", "template", "svg", "iframe", "noscript", "select", "button", "object"}
_VOID = {"br", "img", "meta", "link", "input", "hr", "col", "area", "base", "wbr", "source", "embed", "param", "track"}
_BLOCK = {
    "p",
    "div",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "li",
    "ul",
    "ol",
    "section",
    "article",
    "blockquote",
    "pre",
    "center",
    "dt",
    "dd",
    "dl",
    "header",
    "footer",
    "main",
    "nav",
    "aside",
    "caption",
    "form",
    "figure",
    "address",
    "hr",
    "br",
}
_CJK_GAP = re.compile(r"(?<=[\u3000-\u9fff\uff00-\uffef])[ \t\r\n]+(?=[\u3000-\u9fff\uff00-\uffef])")
_WS = re.compile(r"[ \t\r\n\f]+")
_CHARSET = re.compile(rb"""charset\s*=\s*["']?\s*([A-Za-z0-9_\-]+)""", re.I)


class Node:
    __slots__ = ("tag", "attrs", "children", "parent")

    def __init__(self, tag, attrs=None, parent=None):
        self.tag, self.attrs, self.children, self.parent = tag, dict(attrs or {}), [], parent


class _TreeBuilder(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.root = Node("#root")
        self.top = self.root
        self.depth = 0

    def _close(self, tag: str) -> bool:
        node = self.top
        while node is not self.root and node.tag != tag:
            if node.tag == "table" and tag in ("td", "th", "tr"):
                return False  # never close past the table a cell belongs to
            node = node.parent
        if node is self.root:
            return False
        self.top = node.parent
        return True

    def handle_starttag(self, tag, attrs):
        if tag in ("td", "th"):
            self._close_open_cell()
        elif tag == "tr":
            self._close_open("tr")
        elif tag == "p" and self.top.tag == "p":
            self.top = self.top.parent
        node = Node(tag, attrs, self.top)
        self.top.children.append(node)
        if tag not in _VOID and self.depth < MAX_DEPTH:
            self.top = node
            self.depth += 1

    def _close_open_cell(self):
        node = self.top
        while node is not self.root and node.tag not in ("td", "th", "tr", "table"):
            node = node.parent
        if node.tag in ("td", "th"):
            self.top = node.parent

    def _close_open(self, tag):
        node = self.top
        while node is not self.root and node.tag not in (tag, "table"):
            node = node.parent
        if node.tag == tag:
            self.top = node.parent

    def handle_startendtag(self, tag, attrs):
        self.top.children.append(Node(tag, attrs, self.top))

    def handle_endtag(self, tag):
        if tag in _VOID:
            return
        if self._close(tag):
            self.depth = max(0, self.depth - 1)

    def handle_data(self, data):
        self.top.children.append(data)


def decode(blob: bytes, name: str) -> str:
    if blob.startswith(b"\xef\xbb\xbf"):
        return blob[3:].decode("utf-8", errors="replace")
    if blob[:2] in (b"\xff\xfe", b"\xfe\xff"):
        return blob.decode("utf-16", errors="replace")
    m = _CHARSET.search(blob[:4096])
    declared = m.group(1).decode("ascii").lower() if m else None
    if declared in ("gbk", "gb2312", "gb18030", "x-gbk", "cp936"):
        return blob.decode("gb18030", errors="replace")
    try:
        return blob.decode("utf-8")
    except UnicodeDecodeError:
        if declared and declared not in ("utf-8", "utf8"):
            try:
                return blob.decode(declared, errors="replace")
            except LookupError:
                pass
        return blob.decode("gb18030", errors="replace")


def _span(node: Node, name: str) -> int:
    try:
        return int(str(node.attrs.get(name) or "1").strip() or 1)
    except ValueError:
        return 1


def _has_table(node: Node) -> bool:
    return any(isinstance(c, Node) and (c.tag == "table" or _has_table(c)) for c in node.children)


class _Walker:
    def __init__(self, doc: Document):
        self.doc, self.buf = doc, []

    def flush(self):
        text = _CJK_GAP.sub("", _WS.sub(" ", "".join(self.buf))).strip()
        self.buf = []
        self.doc.add_text(text)

    def walk(self, node: Node):
        for child in node.children:
            if isinstance(child, str):
                self.buf.append(child)
                continue
            tag = child.tag
            if tag in _SKIP:
                continue
            if tag == "table" and not _is_layout(child):
                self.flush()
                self.table(child)
                continue
            block = tag in _BLOCK or tag in ("table", "tr", "td", "th")
            if block:
                self.flush()
            self.walk(child)
            if block:
                self.flush()

    def table(self, node: Node):
        grid = GridBuilder()
        for tr in _rows(node):
            grid.new_row()
            for cell in (c for c in tr.children if isinstance(c, Node) and c.tag in ("td", "th")):
                grid.add(_cell_text(cell), _span(cell, "rowspan"), _span(cell, "colspan"))
        table = grid.table()
        if table.grid:
            self.doc.blocks.append(table)


def _is_layout(table: Node) -> bool:
    return any(
        _has_table(cell)
        for tr in _rows(table)
        for cell in tr.children
        if isinstance(cell, Node) and cell.tag in ("td", "th")
    )


def _rows(table: Node):
    for child in table.children:
        if isinstance(child, Node):
            if child.tag == "tr":
                yield child
            elif child.tag in ("thead", "tbody", "tfoot"):
                yield from (c for c in child.children if isinstance(c, Node) and c.tag == "tr")


def _cell_text(node: Node) -> str:
    parts = []

    def collect(n):
        for c in n.children:
            if isinstance(c, str):
                parts.append(c)
            elif c.tag not in _SKIP:
                if c.tag in _BLOCK and parts:
                    parts.append("\n")
                collect(c)

    collect(node)
    return _CJK_GAP.sub("", _WS.sub(" ", "".join(parts).replace("\n", " \n "))).strip()


def read(blob: bytes, name: str) -> Document:
    if len(blob) > MAX_BYTES:
        raise XxgkError(f"网页文件过大（{len(blob) // 1048576} MB），不像年度报告", file=name, kind="too_large")
    builder = _TreeBuilder()
    builder.feed(decode(blob, name))
    builder.close()
    doc = Document("html")
    walker = _Walker(doc)
    walker.walk(builder.root)
    walker.flush()
    return doc


def generated_by_xxgk(blob: bytes) -> bool:
    return b'name="generator" content="xxgk"' in blob[:4096]
