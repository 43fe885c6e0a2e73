"""`xxgk import`: read a published report (.html/.htm, .docx, .doc/.wps, .pdf, .txt) into ReportData.

One reader per input kind turns the file into blocks (paragraphs and table grids, `document.py`);
`tables.py` places the table cells on the form by their labels; `parts.py` splits the text at the six
part headings. The result says what could not be placed and which table cells are missing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from ..data import ReportData
from ..errors import XxgkError, file_error
from ..form import FORMATS, format_for_year, load_form
from . import docx as docx_reader
from . import html as html_reader
from . import parts
from . import pdf as pdf_reader
from . import text as text_reader
from .document import Table
from .labels import core, format_markers
from .tables import Matcher

SUFFIXES = {
    ".html": "html",
    ".htm": "html",
    ".shtml": "html",
    ".xhtml": "html",
    ".docx": "docx",
    ".doc": "doc",
    ".wps": "doc",
    ".pdf": "pdf",
    ".txt": "txt",
    ".md": "txt",
}
KIND_NAMES = {"html": "网页", "docx": "Word 文档", "doc": "Word/WPS 旧格式文档", "pdf": "PDF", "txt": "文本"}


@dataclass
class Imported:
    data: ReportData
    kind: str
    missing: list[str] = field(default_factory=list)  # table cell ids not found in the report
    unplaced: list[str] = field(default_factory=list)  # what was printed but could not be placed
    notes: list[str] = field(default_factory=list)

    @property
    def complete(self) -> bool:
        return not self.missing


def is_published(path: str | Path) -> bool:
    return Path(path).suffix.lower() in SUFFIXES


def import_file(path: str | Path, year: int | None = None, org: str | None = None) -> Imported:
    path = Path(path)
    try:
        blob = path.read_bytes()
    except OSError as exc:
        raise file_error(exc, path, "年度报告文件") from None
    return import_bytes(blob, str(path), year, org)


def import_bytes(blob: bytes, name: str, year: int | None = None, org: str | None = None) -> Imported:
    kind = _kind(blob, name)
    if not blob:
        raise XxgkError("文件是空的（0 字节）", file=name, kind="unreadable")
    rows = text = None
    if kind == "html":
        doc = html_reader.read(blob, name)
    elif kind == "docx":
        doc = docx_reader.read(blob, name)
    elif kind == "doc":
        from .office import to_docx

        doc = docx_reader.read(to_docx(Path(name)), name)
    elif kind == "pdf":
        doc = pdf_reader.read(blob, name)
    else:
        doc, rows, text = text_reader.read(blob, name)
    paragraphs = [b for b in doc.blocks if isinstance(b, str)]
    tables = [b for b in doc.blocks if isinstance(b, Table)]
    fmt = _format(tables, paragraphs, text, year)
    form = load_form(fmt)
    placed = text_reader.place(rows, text, form) if rows is not None else Matcher(form).place(tables)
    if rows is not None:  # text has no tables: the lines of their captions and headers are not report text
        labels = text_reader.table_labels_only(paragraphs, form)
        paragraphs = [p for p in paragraphs if p not in labels]
    texts, info, headings = parts.split(paragraphs, form)
    end_matter(tables, info)
    if not placed.values and not headings:
        raise XxgkError(
            "没有找到年度报告的统计表格或六个部分的标题，不像政府信息公开工作年度报告", file=name, kind="not_a_report"
        )
    year = year or parts.year_of([info.get("title", "")] + [texts["preamble"]] + paragraphs[:5])
    org = org or _org(info, year)
    data = ReportData(format=fmt, year=year, org=org or "", source=name, kind="published")
    data.info = {
        k: v
        for k, v in info.items()
        if k in ("title", "issuer_mark", "doc_number", "date", "cc", "printer", "print_date")
    }
    data.text = texts
    for cid, value in placed.values.items():
        if isinstance(value, str):
            data.cells[cid] = None
            data.bad_values[cid] = (value, "文本")
        else:
            data.cells[cid] = value
    data.units = dict(placed.units)
    result = Imported(data, kind, unplaced=list(placed.unplaced))
    if info.get("before_title"):
        result.notes.append(f"标题之前有 {info['before_title']} 段文字（网页的导航等），未计入报告")
    if info.get("page_footer"):
        result.notes.append(f"报告之后有 {info['page_footer']} 段网页页脚（主办单位等），未计入报告")
    if info.get("after_date"):
        result.notes.append(f"成文日期之后还有 {info['after_date']} 段文字（网页的其他内容等），未计入报告")
    result.missing = [c.id for c in form.cells.values() if c.table != "extra" and c.id not in placed.values]
    data.missing = set(result.missing)
    _findings(data, form, result)
    strip_generated(data, form, result)
    if len(headings) < 6:
        have = {int(h.split(":")[0]) for h in headings}
        result.notes.append(
            "没有找到这些部分的标题：" + "、".join(form.parts[k - 1] for k in range(1, 7) if k not in have)
        )
    return result


def _findings(data: ReportData, form, result: Imported) -> None:
    """What the import could not read, as findings of the check (S-02: labels and rows not as the form)."""
    from ..rules.structure import S_02

    if result.missing:
        by_table: dict[str, list[str]] = {}
        for cid in result.missing:
            by_table.setdefault(form.cells[cid].row_label, []).append(cid)
        rows = "；".join(f"{row} {len(ids)} 格" for row, ids in list(by_table.items())[:6])
        data.problems.append(
            S_02.finding(
                "missing_cells",
                cell_ids=list(result.missing),
                mode="audit",
                count=len(result.missing),
                rows=rows + (" 等" if len(by_table) > 6 else ""),
                missing=list(result.missing),
            )
        )
    for text in result.unplaced:
        data.problems.append(S_02.finding("unplaced", mode="audit", text=text, unplaced=text))


def _kind(blob: bytes, name: str) -> str:
    kind = SUFFIXES.get(Path(name).suffix.lower())
    head = blob[:8]
    if head.startswith(b"%PDF"):
        return "pdf"
    if head.startswith(b"PK\x03\x04"):
        if kind in ("docx", None):
            return "docx"
        raise XxgkError(
            "文件内容是 zip/Office 文档，与扩展名不符；Word 文档请用 .docx 扩展名", file=name, kind="unreadable"
        )
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        return "doc"
    if kind in ("html", "txt"):
        return kind
    if kind is None:
        if b"<html" in blob[:4096].lower() or b"<table" in blob[:65536].lower():
            return "html"
        raise XxgkError(
            "无法识别的文件类型。可导入：网页（.html/.htm）、Word（.docx/.doc/.wps）、PDF（有文字层）、文本（.txt）",
            file=name,
            kind="not_a_report",
        )
    raise XxgkError(f"文件内容不是{KIND_NAMES[kind]}（扩展名与内容不符，或文件已损坏）", file=name, kind="unreadable")


def _format(tables: list[Table], paragraphs: list[str], text: str | None, year: int | None) -> str:
    """The format the report prints: decided by the labels only one format has, else by the year."""
    seen = {core(c.text) for t in tables for row in t.grid for c in row if c is not None}
    if text:
        seen |= {core(x) for x in re.split(r"[|\s]+", text)}
    hits = {fmt: len(format_markers(load_form(fmt)) & seen) for fmt in FORMATS}
    best = max(hits, key=hits.get)
    if hits[best] and hits[best] > min(hits.values()):
        return best
    guess = year or parts.year_of(paragraphs[:8])
    if guess is None:
        raise XxgkError(
            "无法确定年报格式：表格中没有只属于一种格式的栏目，也找不到报告年度。请用 --year 指定年度",
            kind="wrong_format",
        )
    return format_for_year(guess)


def _org(info: dict, year: int | None) -> str:
    if info.get("signature"):
        return info["signature"]
    title = re.sub(r"\s+", "", info.get("title", ""))
    m = re.match(r"^(.+?)(?:关于)?(?:20\d{2})", title) or re.match(
        r"^20\d{2}年度?(.+?)(?:政府信息公开|政务公开|信息公开)", title
    )
    return m.group(1) if m else ""


def end_matter(tables: list[Table], info: dict) -> None:
    """The 版记 (抄送, 印发机关 and 印发日期) printed as a small table after the signature."""
    for table in tables:
        for row in table.grid:
            for cell in {id(c): c for c in row if c is not None}.values():
                t = cell.text.strip()
                if t.startswith("抄送"):
                    info["cc"] = re.sub(r"^抄送[:：]\s*", "", t).rstrip("。")
                m = re.match(r"^(.*?)\s+(\d{4}年\d{1,2}月\d{1,2}日)\s*印发$", t)
                if m:
                    info["printer"], info["print_date"] = m.group(1).strip(), parts.iso_date(m.group(2))


def strip_generated(data: ReportData, form, result: Imported) -> None:
    """Take out of parts 二–四 and 六 the sentences xxgk itself writes from the numbers (a report it made).

    Only an exact match of the narrative that the imported numbers render is taken out, and the 信息处理费
    sentence of part 六 gives info_fee.amount_yuan; a report written by hand keeps all its text.
    """
    from decimal import Decimal

    from ..report.context import NARRATIVE, number_context
    from ..report.jinja import render_snippet

    if data.format == "2021":
        first = data.paragraphs("part6")[:1]
        m = re.fullmatch(r"本年度(?:未收取信息处理费|收取信息处理费(\d+(?:\.\d+)?)元)。", first[0]) if first else None
        if m:
            fee = Decimal(m.group(1)) if m.group(1) else 0
            data.cells["info_fee.amount_yuan"] = int(fee) if fee == int(fee) else fee
    try:
        numbers = number_context(data, form)
    except Exception:  # pragma: no cover - numbers the snippets cannot take: nothing is stripped
        return
    for i, snippet in NARRATIVE.items():
        key = f"part{i}"
        said = render_snippet(snippet, numbers)
        have = data.paragraphs(key)
        if said and have[: len(said)] == said:
            data.text[key] = "\n".join(have[len(said) :])
            result.notes.append(f"{form.parts[i - 1]}开头的 {len(said)} 段与 xxgk 由表格数字生成的说明相同，未计入文字")
