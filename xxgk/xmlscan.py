"""Lean, safe scans of package parts: a worksheet's formula cells, the workbook's sheets and relationships.

lxml with a hardened parser (no entity resolution, no DTD loading, no network, default size limits);
elements are found by namespace-qualified name in C, so files written with a prefix (x:c) read the same
as Excel's. The package was already inspected (xlsx.py refuses any DTD); these scans refuse a DTD again
themselves, so each is safe on its own.
"""

from __future__ import annotations

from lxml import etree

_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
SHEET = f"{_MAIN}sheet"
RELATIONSHIP = "{http://schemas.openxmlformats.org/package/2006/relationships}Relationship"
REL_ID = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
_C, _F = f"{_MAIN}c", f"{_MAIN}f"

_PARSER = etree.XMLParser(
    resolve_entities=False, load_dtd=False, no_network=True, huge_tree=False, remove_comments=True, remove_pis=True
)


class UnsafeXml(ValueError):
    """The part is not well-formed XML, or it declares a DTD."""


def _root(xml: bytes):
    try:
        root = etree.fromstring(xml, _PARSER)
    except etree.XMLSyntaxError as exc:
        raise UnsafeXml(f"XML 格式错误：{exc}") from None
    if root.getroottree().docinfo.doctype:
        raise UnsafeXml("含有 DTD")
    return root


def attributes(xml: bytes, element: str) -> list[dict[str, str]]:
    """The attributes of every `element` ("{namespace}name"), namespaced attributes keyed the same way."""
    return [dict(el.attrib) for el in _root(xml).iter(element)]


def formula_cells(xml: bytes) -> dict[str, str | None]:
    """{A1: formula text} for every cell holding a formula; None for a shared-formula child without text."""
    out: dict[str, str | None] = {}
    for f in _root(xml).iter(_F):
        cell = f.getparent()
        if cell is not None and cell.tag == _C:
            out[cell.get("r", "")] = f.text or None
    return out


def defined_names(xml: bytes) -> dict[str, str]:
    """The workbook's global defined names: {name: reference text} (local, per-sheet names are left out)."""
    return {
        el.get("name", ""): (el.text or "")
        for el in _root(xml).iter(f"{_MAIN}definedName")
        if el.get("localSheetId") is None
    }
