"""Typesetting that a Word template cannot express by itself, done on the rendered .docx.

The templates stay plain Word files that staff may restyle: what is computed here reads the sizes, spacing and
page geometry from the document's own styles and section, never from constants.

- fit_issuer_mark: the 发文机关标志 (GB/T 9704 7.2.4) on one line inside the 版心 for any name, by character
  scaling (w:w) down to MIN_SCALE and a smaller size below that; several lines in the 基本信息 cell (one body
  per line) make a 联合行文 header: the names stacked and spread to one width, "文件" to their right, centred
  vertically. Pure XML: no LibreOffice needed.
- place_banji: the 版记 (GB/T 9704 7.4) at the foot of the last page, and that page even. The template's 版记 is
  a floating table anchored to the bottom margin, so Word and LibreOffice put it at the foot of the page where
  the text ends; whether that page is even needs the layout, so LibreOffice renders three candidates in one
  run — as is; with a section break after the 成文日期 (the 版记 on the next page); with a section break and a
  blank page (the 版记 two pages on, and neither page numbered, GB/T 9704 7.5) — and the first that ends on an
  even page is kept, with its PDF.
"""

from __future__ import annotations

import copy
import io
import math
import re
import zipfile
from dataclasses import dataclass

from lxml import etree

from ..errors import XxgkError
from ..fsutil import zip_parts

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
NS = {"w": W_NS}
R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
CT_NS = "http://schemas.openxmlformats.org/package/2006/content-types"
FOOTER_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/footer"
FOOTER_CT = "application/vnd.openxmlformats-officedocument.wordprocessingml.footer+xml"

MARK_STYLE = "发文机关标志"
BANJI_TABLE_STYLE = "版记表格"
SUFFIX = "文件"
MIN_SCALE = 50  # percent: narrower characters than this are hard to read; below it the size goes down
INK_TOP = 0.86  # em from the baseline to the top of a CJK character (measured on the stand-in, see layout tests)
FILL = 0.98  # the share of the 版心 width a fitted header may take (LibreOffice fits 100 %; Word's rounding)

_PARSER = etree.XMLParser(
    resolve_entities=False, load_dtd=False, no_network=True, huge_tree=False, remove_blank_text=False
)

# Children of w:rPr, w:pPr and w:sectPr in schema order (ECMA-376 Part 1, §17.3.2.28, §17.3.1.26, §17.6.17)
RPR_ORDER = (
    "rStyle rFonts b bCs i iCs caps smallCaps strike dstrike outline shadow emboss imprint noProof "
    "snapToGrid vanish webHidden color spacing w kern position sz szCs highlight u effect bdr shd fitText "
    "vertAlign rtl cs em lang eastAsianLayout specVanish oMath"
).split()
PPR_ORDER = (
    "pStyle keepNext keepLines pageBreakBefore framePr widowControl numPr suppressLineNumbers pBdr shd "
    "tabs suppressAutoHyphens kinsoku wordWrap overflowPunct topLinePunct autoSpaceDE autoSpaceDN bidi "
    "adjustRightInd snapToGrid spacing ind contextualSpacing mirrorIndents suppressOverlap jc "
    "textDirection textAlignment textboxTightWrap outlineLvl divId cnfStyle rPr sectPr pPrChange"
).split()
SECT_ORDER = (
    "headerReference footerReference footnotePr endnotePr type pgSz pgMar paperSrc pgBorders lnNumType "
    "pgNumType cols formProt vAlign noEndnote titlePg textDirection bidi rtlGutter docGrid printerSettings "
    "sectPrChange"
).split()


def w(tag: str) -> str:
    return f"{{{W_NS}}}{tag}"


def _set(parent, tag: str, order: list[str], **attrs):
    """The child w:`tag` of `parent` (created in schema order when missing), with `attrs` set (w: attributes)."""
    child = parent.find(w(tag))
    if child is None:
        child = etree.Element(w(tag))
        later = order[order.index(tag) + 1 :]
        for i, existing in enumerate(parent):
            if etree.QName(existing).localname in later:
                parent.insert(i, child)
                break
        else:
            parent.append(child)
    for k, v in attrs.items():
        child.set(w(k), str(v))
    return child


def _stripped(el, keep: str):
    """A copy of `el` with only its child w:`keep` (a paragraph's pPr, a run's rPr)."""
    out = copy.deepcopy(el)
    for child in list(out):
        if child.tag != w(keep):
            out.remove(child)
    return out


def _child(parent, tag: str):
    """w:pPr / w:rPr of a paragraph or run, created when missing (always the first child)."""
    found = parent.find(w(tag))
    if found is None:
        found = etree.Element(w(tag))
        parent.insert(0, found)
    return found


# -- the package ------------------------------------------------------------------------------------------------


class Package:
    """A .docx opened for editing: its parts as bytes, the main document and the styles parsed."""

    def __init__(self, blob: bytes):
        with zipfile.ZipFile(io.BytesIO(blob)) as z:
            self.parts = {i.filename: z.read(i.filename) for i in z.infolist()}
        self.document = etree.fromstring(self.parts["word/document.xml"], _PARSER)
        self.styles = etree.fromstring(self.parts["word/styles.xml"], _PARSER)
        self.body = self.document.find(w("body"))

    def copy(self) -> Package:
        """An independent copy of the parts and the main document (the styles are shared, read only)."""
        new = copy.copy(self)
        new.parts = dict(self.parts)
        new.document = copy.deepcopy(self.document)
        new.body = new.document.find(w("body"))
        return new

    def to_bytes(self) -> bytes:
        self.parts["word/document.xml"] = etree.tostring(
            self.document, xml_declaration=True, encoding="UTF-8", standalone=True
        )
        return zip_parts(self.parts.items())

    # styles
    def style_id(self, name: str) -> str | None:
        for s in self.styles.iter(w("style")):
            n = s.find(w("name"))
            if n is not None and n.get(w("val")) == name:
                return s.get(w("styleId"))
        return None

    def style_value(self, style_id: str, path: str, attr: str) -> str | None:
        """An attribute at `path` ("w:rPr/w:sz", "w:pPr/w:spacing") of a style, the styles it is based on, or the
        document defaults."""
        by_id = {s.get(w("styleId")): s for s in self.styles.iter(w("style"))}
        seen = set()
        while style_id in by_id and style_id not in seen:
            seen.add(style_id)
            found = by_id[style_id].find(path, NS)
            if found is not None and found.get(w(attr)) is not None:
                return found.get(w(attr))
            based = by_id[style_id].find("w:basedOn", NS)
            style_id = based.get(w("val")) if based is not None else None
        kind, rest = path.split("/", 1)
        found = self.styles.find(f"w:docDefaults/{kind}Default/{kind}/{rest}", NS)
        return found.get(w(attr)) if found is not None else None

    @property
    def sect_pr(self):
        return self.body.find(w("sectPr"))

    def text_width(self) -> int:
        """Width of the 版心 in twips: page width less the left and right margins of the (last) section."""
        sect = self.sect_pr
        size, mar = sect.find(w("pgSz")), sect.find(w("pgMar"))
        return int(size.get(w("w"))) - int(mar.get(w("left"))) - int(mar.get(w("right")))

    def paragraphs_of_style(self, style_id: str) -> list:
        return [p for p in self.body.iter(w("p")) if _style_of(p) == style_id]


def _style_of(p) -> str | None:
    ps = p.find(f"{w('pPr')}/{w('pStyle')}")
    return ps.get(w("val")) if ps is not None else None


# -- 发文机关标志 -------------------------------------------------------------------------------------------------


def em_width(text: str) -> float:
    """Width of `text` in ems: a Chinese character or full-width sign is 1, an ASCII character (Times) ½."""
    return sum(0.5 if " " <= ch <= "~" else 1.0 for ch in text)


def fit(ems: float, size: int, width: int) -> tuple[int, int]:
    """(size in half-points, scale in percent) putting `ems` characters of at most `size` in `width` twips."""
    budget = width * FILL
    natural = ems * size * 10  # half-points → twips: × 10
    if natural <= budget:
        return size, 100
    scale = math.floor(budget * 100 / natural)
    if scale >= MIN_SCALE:
        return size, scale
    return max(2, math.floor(budget * 100 / (ems * MIN_SCALE * 10))), MIN_SCALE


def mark_lines(p) -> list[str]:
    """The text of a paragraph split at its line breaks (docxtpl writes "\\n" in the data as <w:br/>)."""
    lines = [""]
    for el in p.iter(w("t"), w("br"), w("cr")):
        if el.tag == w("t"):
            lines[-1] += el.text or ""
        elif el.get(w("type")) in (None, "textWrapping"):
            lines.append("")
    return [ln.strip() for ln in lines if ln.strip()]


def split_joint(lines: list[str]) -> tuple[list[str], str]:
    """联合行文: (the bodies, one per line; "文件" when the header ends with it). "甲局文件\n乙局文件" counts as well."""
    if not lines[-1].endswith(SUFFIX):
        return lines, ""
    names = [ln[: -len(SUFFIX)] if ln.endswith(SUFFIX) else ln for ln in lines]
    return [n for n in names if n], SUFFIX


def fit_issuer_mark(blob: bytes) -> bytes:
    """The rendered report with its 发文机关标志 fitted to the width of the 版心 (see the module docstring)."""
    pkg = Package(blob)
    sid = pkg.style_id(MARK_STYLE)
    if sid is None:
        return blob
    changed = False
    for p in pkg.paragraphs_of_style(sid):
        lines = mark_lines(p)
        if not lines:
            continue
        if len(lines) == 1:
            changed |= _fit_line(pkg, sid, p, lines[0])
        else:
            _joint(pkg, sid, p, *split_joint(lines))
            changed = True
    return pkg.to_bytes() if changed else blob


def _style_metrics(pkg: Package, sid: str) -> tuple[int, int, int]:
    """(size in half-points, exact line height and space before in twips) of the 发文机关标志 style."""
    size = int(pkg.style_value(sid, "w:rPr/w:sz", "val") or 72)
    line = int(pkg.style_value(sid, "w:pPr/w:spacing", "line") or round(size * 12.5))
    before = int(pkg.style_value(sid, "w:pPr/w:spacing", "before") or 0)
    return size, line, before


def _size_runs(container, size: int, scale: int) -> None:
    for r in container.iter(w("r")):
        rpr = _child(r, "rPr")
        if scale != 100:
            _set(rpr, "w", RPR_ORDER, val=scale)
        _set(rpr, "sz", RPR_ORDER, val=size)
        _set(rpr, "szCs", RPR_ORDER, val=size)


def _fit_line(pkg: Package, sid: str, p, text: str) -> bool:
    size0, line0, before0 = _style_metrics(pkg, sid)
    size, scale = fit(em_width(text), size0, pkg.text_width())
    if (size, scale) == (size0, 100):
        return False
    _size_runs(p, size, scale)
    if size != size0:
        # the baseline of an exact line stays where it is: less space before it keeps the characters' top edge
        # 35 mm below the 版心 (GB/T 9704 7.2.4)
        _set(_child(p, "pPr"), "spacing", PPR_ORDER, before=max(0, before0 - _lift(size0, size)))
    return True


def _lift(size0: int, size: int) -> int:
    """Twips by which characters of `size` half-points start lower than those of `size0` on one baseline."""
    return round(INK_TOP * (size0 - size) * 10)


def _joint(pkg: Package, sid: str, p, names: list[str], suffix: str) -> None:
    """Replace the paragraph `p` by a borderless table: the names stacked on the left, `suffix` to their right."""
    size0, line0, before0 = _style_metrics(pkg, sid)
    gap = 1 if suffix else 0  # one character between the names and "文件"
    longest = max(em_width(n) for n in names)
    size, scale = fit(longest + gap + em_width(suffix), size0, pkg.text_width())
    char = size * 10 * scale / 100  # twips per character
    names_w = math.ceil(longest * char) + 20
    suffix_w = math.ceil((gap + em_width(suffix)) * char) + 20 if suffix else 0
    line = round(line0 * size / size0)
    template_run = p.find(w("r"))

    def para(text: str, jc: str, height: int):
        """A paragraph like `p` (its style and properties) of one exact line holding `text`."""
        q = _stripped(p, "pPr")
        ppr = _child(q, "pPr")
        _set(ppr, "spacing", PPR_ORDER, before=0, after=0, line=height, lineRule="exact")
        _set(ppr, "jc", PPR_ORDER, val=jc)
        if text:
            r = _stripped(template_run, "rPr") if template_run is not None else etree.Element(w("r"))
            etree.SubElement(r, w("t")).text = text
            q.append(r)
            _size_runs(q, size, scale)
        return q

    def cell(width: int, paras: list):
        tc = etree.Element(w("tc"))
        tcpr = etree.SubElement(tc, w("tcPr"))
        etree.SubElement(tcpr, w("tcW"), {w("w"): str(width), w("type"): "dxa"})
        etree.SubElement(tcpr, w("vAlign"), {w("val"): "center"})
        tc.extend(paras)
        return tc

    tbl = etree.Element(w("tbl"))
    tblpr = etree.SubElement(tbl, w("tblPr"))
    etree.SubElement(tblpr, w("tblW"), {w("w"): str(names_w + suffix_w), w("type"): "dxa"})
    etree.SubElement(tblpr, w("jc"), {w("val"): "center"})
    borders = etree.SubElement(tblpr, w("tblBorders"))
    for side in ("top", "left", "bottom", "right", "insideH", "insideV"):
        etree.SubElement(borders, w(side), {w("val"): "nil"})
    etree.SubElement(tblpr, w("tblLayout"), {w("type"): "fixed"})
    margins = etree.SubElement(tblpr, w("tblCellMar"))
    for side in ("top", "left", "bottom", "right"):
        etree.SubElement(margins, w(side), {w("w"): "0", w("type"): "dxa"})
    grid = etree.SubElement(tbl, w("tblGrid"))
    row = etree.Element(w("tr"))
    row.append(cell(names_w, [para(n, "distribute", line) for n in names]))
    etree.SubElement(grid, w("gridCol"), {w("w"): str(names_w)})
    if suffix:
        row.append(cell(suffix_w, [para(suffix, "right", line)]))
        etree.SubElement(grid, w("gridCol"), {w("w"): str(suffix_w)})
    trpr = etree.Element(w("trPr"))
    etree.SubElement(trpr, w("cantSplit"))
    row.insert(0, trpr)
    tbl.append(row)
    # the space above the header (35 mm to the 版心's top) as an empty paragraph of that exact height
    spacer = para("", "center", max(20, before0 + line0 - line - _lift(size0, size)))
    parent = p.getparent()
    at = parent.index(p)
    parent.remove(p)
    parent.insert(at, tbl)
    parent.insert(at, spacer)


# -- 版记 -------------------------------------------------------------------------------------------------------

_PAGES = re.compile(rb"/Type\s*/Pages\b[^>]*?/Count\s+(\d+)", re.S)


def pdf_pages(pdf: bytes) -> int:
    """The page count of a PDF written by LibreOffice (one /Pages node, uncompressed object dictionaries)."""
    counts = {int(m) for m in _PAGES.findall(pdf)}
    if len(counts) != 1:
        raise XxgkError("无法读取 LibreOffice 生成的 PDF 的页数，不能排定版记位置", kind="tool_failed")
    return counts.pop()


@dataclass
class Typeset:
    docx: bytes
    pdf: bytes
    pages: int  # the 版记 is on the last page
    layout: str  # "as is" | "next page" | "blank page": how the 版记 was put on an even page
    note: str = ""  # what the user must check by hand, when the layout could not be made right


def place_banji(docxs: list[bytes], fonts_conf=None, timeout: float = 120) -> list[Typeset]:
    """Each report with its 版记 at the foot of an even last page, and its PDF (see the module docstring).

    All candidates of all documents are rendered in one LibreOffice run.
    """
    from .pdf import convert_many

    plans = [_candidates(blob) for blob in docxs]
    flat = [c for plan in plans for _, c in plan]
    pdfs = iter(convert_many(flat, timeout=timeout * max(1, len(flat) / 3), fonts_conf=fonts_conf))
    out = []
    for plan in plans:
        rendered = [(layout, docx, next(pdfs)) for layout, docx in plan]
        pages = [pdf_pages(pdf) for _, _, pdf in rendered]
        # the first candidate whose 版记 lands on an even page, one page on from where the text put it
        chosen = next((i for i, n in enumerate(pages) if n % 2 == 0 and (i == 0 or n == pages[0] + 1)), None)
        if chosen is not None:
            out.append(Typeset(*rendered[chosen][1:], pages[chosen], rendered[chosen][0]))
            continue
        note = ""
        if _banji_tables(Package(plan[0][1])):
            note = (
                f"版记所在的第 {pages[0]} 页是单页，未能自动移到双页（模板中版记表格及其前后的空段落被改动过）："
                "请在 Word 中于成文日期之后插入分页符，使版记位于双页页面底部"
            )
        out.append(Typeset(*rendered[0][1:], pages[0], rendered[0][0], note))
    return out


def _banji_tables(pkg: Package) -> list:
    sid = pkg.style_id(BANJI_TABLE_STYLE)
    return [
        t
        for t in pkg.body.findall(w("tbl"))
        if sid is not None and (s := t.find(f"{w('tblPr')}/{w('tblStyle')}")) is not None and s.get(w("val")) == sid
    ]


def _candidates(blob: bytes) -> list[tuple[str, bytes]]:
    """The document as is, then (when its 版记 is where the template puts it) two ways of moving it one page on.

    The template's 版记 table follows an empty paragraph (LibreOffice anchors a floating table to the
    paragraph before it), which follows the last paragraph of the text (the 成文日期).
    """
    pkg = Package(blob)
    tables = _banji_tables(pkg)
    if len(tables) != 1:
        return [("as is", blob)]
    index = list(pkg.body).index(tables[0])
    lead, last = (pkg.body[index - k] if index >= k else None for k in (1, 2))
    if (
        lead is None
        or lead.tag != w("p")
        or "".join(lead.itertext())
        or last is None
        or last.tag != w("p")
        or last.find(f"{w('pPr')}/{w('sectPr')}") is not None
    ):
        return [("as is", blob)]
    return [
        ("as is", blob),
        ("next page", _section_break(pkg, index - 1, blank=False)),
        ("blank page", _section_break(pkg, index - 1, blank=True)),
    ]


def _section_break(original: Package, lead: int, blank: bool) -> bytes:
    """A section break before body child `lead`, the paragraph that carries the 版记: the 版记 goes one page on.

    The new last section continues the page numbers; with `blank` it starts with an empty page and has
    footers without page numbers (GB/T 9704 7.5: a blank page before the 版记 page and that page are not
    numbered).
    """
    pkg = original.copy()
    body = pkg.body
    last = pkg.sect_pr
    first = copy.deepcopy(last)  # the body's section, ending with the 成文日期: numbered from 1 as before
    ppr = _child(body[lead - 1], "pPr")
    ppr.replace(_set(ppr, "sectPr", PPR_ORDER), first)
    num = last.find(w("pgNumType"))
    if num is not None and num.get(w("start")) is not None:
        del num.attrib[w("start")]  # the 版记's section goes on counting
    _set(last, "type", SECT_ORDER, val="nextPage")
    if blank:
        page = _stripped(body[lead], "pPr")
        etree.SubElement(etree.SubElement(page, w("r")), w("br"), {w("type"): "page"})
        body.insert(lead, page)
        _blank_footers(pkg, last)
    return pkg.to_bytes()


def _blank_footers(pkg: Package, sect) -> None:
    """Point every footer of section `sect` at a new footer part: the default footer without its content."""
    refs = sect.findall(w("footerReference"))
    if not refs:
        return
    rels = etree.fromstring(pkg.parts["word/_rels/document.xml.rels"], _PARSER)
    targets = {r.get("Id"): r.get("Target") for r in rels}
    default = next((r for r in refs if r.get(w("type")) == "default"), refs[0])
    footer = etree.fromstring(pkg.parts["word/" + targets[default.get(f"{{{R_NS}}}id")]], _PARSER)
    for p in footer.iter(w("p")):
        for child in list(p):
            if child.tag != w("pPr"):
                p.remove(child)
    name, rid = "footerBlank.xml", "rIdXxgkBlankFooter"
    pkg.parts[f"word/{name}"] = etree.tostring(footer, xml_declaration=True, encoding="UTF-8", standalone=True)
    etree.SubElement(rels, f"{{{PKG_NS}}}Relationship", Id=rid, Type=FOOTER_REL, Target=name)
    pkg.parts["word/_rels/document.xml.rels"] = etree.tostring(
        rels, xml_declaration=True, encoding="UTF-8", standalone=True
    )
    types = etree.fromstring(pkg.parts["[Content_Types].xml"], _PARSER)
    etree.SubElement(types, f"{{{CT_NS}}}Override", PartName=f"/word/{name}", ContentType=FOOTER_CT)
    pkg.parts["[Content_Types].xml"] = etree.tostring(types, xml_declaration=True, encoding="UTF-8", standalone=True)
    at = list(sect).index(refs[0])
    for r in refs:
        sect.remove(r)
    kinds = ["default", "even"] + (["first"] if sect.find(w("titlePg")) is not None else [])
    for i, kind in enumerate(kinds):
        ref = etree.Element(w("footerReference"), {w("type"): kind, f"{{{R_NS}}}id": rid})
        sect.insert(at + i, ref)
