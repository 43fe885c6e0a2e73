"""Generators of hostile input files, written at test time (no binary fixtures are committed).

Every function takes a directory and returns the path of the file it wrote. Workbooks derived from
our example are edited either at the zip level (`rezip`, which keeps every other entry byte-identical)
or through openpyxl (`edit_workbook`; our protection flags are only flags).
"""

from __future__ import annotations

import io
import json
import random
import struct
import zipfile
import zlib
from collections.abc import Callable
from pathlib import Path

from conftest import EXAMPLE_JSON, EXAMPLE_XLSX

T3 = "三、收到和处理政府信息公开申请情况"  # the 2019 format's 表三 sheet, as in the example
PART1 = "一、总体情况"


# -- zip-level editing ------------------------------------------------------------------------------


def rezip(
    src: Path,
    dst: Path,
    edits: dict[str, bytes | Callable[[bytes], bytes] | None] | None = None,
    extra: dict[str, bytes] | None = None,
) -> Path:
    """Copy the zip `src` to `dst`; `edits` replaces (bytes), transforms (callable) or drops (None) entries."""
    edits = edits or {}
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as zout:
        for info in zin.infolist():
            data = zin.read(info.filename)
            if info.filename in edits:
                edit = edits[info.filename]
                if edit is None:
                    continue
                data = edit(data) if callable(edit) else edit
            zout.writestr(info.filename, data)
        for name, data in (extra or {}).items():
            zout.writestr(name, data)
    return dst


def replace_text(xml: bytes, old: str, new: str) -> bytes:
    """Replace the first occurrence of `old` in an XML part, written as UTF-8 or as numeric character references."""

    def refs(text):
        return "".join(ch if ord(ch) < 128 else f"&#{ord(ch)};" for ch in text).encode()

    for a, b in ((old.encode(), new.encode()), (refs(old), refs(new))):
        if a in xml:
            return xml.replace(a, b, 1)
    raise AssertionError(f"{old!r} not found in the XML part")


def edit_workbook(dst: Path, edit: Callable, src: Path = EXAMPLE_XLSX) -> Path:
    """Load our workbook with openpyxl, apply `edit(wb)`, save to `dst`."""
    import openpyxl

    wb = openpyxl.load_workbook(src)
    edit(wb)
    wb.save(dst)
    wb.close()
    return dst


def set_cells(dst: Path, sheet: str, values: dict[str, object], src: Path = EXAMPLE_XLSX) -> Path:
    def edit(wb):
        for address, value in values.items():
            wb[sheet][address] = value

    return edit_workbook(dst, edit, src)


# -- not a workbook at all --------------------------------------------------------------------------


def text_renamed(d: Path) -> Path:
    p = d / "文本改名.xlsx"
    p.write_text("这是一个文本文件，只是扩展名被改成了 .xlsx\n", encoding="utf-8")
    return p


def truncated(d: Path) -> Path:
    blob = EXAMPLE_XLSX.read_bytes()
    p = d / "截断.xlsx"
    p.write_bytes(blob[: len(blob) // 2])
    return p


def empty(d: Path) -> Path:
    p = d / "空文件.xlsx"
    p.write_bytes(b"")
    return p


def directory(d: Path, name: str = "文件夹.xlsx") -> Path:
    p = d / name
    p.mkdir()
    return p


# -- OLE compound files: legacy .xls and password-encrypted workbooks --------------------------------

_FREE, _END, _FAT = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD


def cfb(streams: dict[str, bytes]) -> bytes:
    """A minimal but valid Compound File Binary (v3, 512-byte sectors) holding `streams` in its root.

    Every stream is padded with zeros to at least 4096 bytes (the mini-stream cutoff), and stated with
    that size, so that no mini stream is needed. Readable by olefile, which is how the tests check it.
    """
    sector = 512
    names = list(streams)
    assert 1 <= len(names) <= 3, "one directory sector holds the root and up to three streams"
    data_sectors, chains, blobs = [], [], []
    next_sector = 2  # sector 0 = FAT, sector 1 = directory
    for name in names:
        blob = streams[name]
        blob += b"\0" * (max(4096, -(-len(blob) // sector) * sector) - len(blob))
        n = len(blob) // sector
        chains.append((next_sector, len(blob)))
        blobs.append(blob)
        data_sectors.append(n)
        next_sector += n
    fat = [_FAT, _END]
    for (start, _), n in zip(chains, data_sectors):
        fat += [start + i + 1 for i in range(n - 1)] + [_END]
    assert len(fat) <= sector // 4
    fat += [_FREE] * (sector // 4 - len(fat))

    def entry(name: str, kind: int, start: int, size: int, child=_FREE, right=_FREE) -> bytes:
        raw = name.encode("utf-16-le") + b"\0\0"
        return (
            raw.ljust(64, b"\0")
            + struct.pack("<HBB", len(raw), kind, 1)  # name, type, colour black
            + struct.pack("<III", _FREE, right, child)  # left sibling, right sibling, child
            + b"\0" * 36  # CLSID, state bits, creation and modification times
            + struct.pack("<IQ", start, size)
        )

    # Root → first stream; siblings chained to the right (a degenerate but valid tree); the rest of the
    # sector is zeros, i.e. unallocated entries.
    entries = [entry("Root Entry", 5, _END, 0, child=1)]
    for i, (name, (start, size)) in enumerate(zip(names, chains)):
        entries.append(entry(name, 2, start, size, right=i + 2 if i + 1 < len(names) else _FREE))
    directory_sector = b"".join(entries).ljust(sector, b"\0")
    header = (
        bytes.fromhex("D0CF11E0A1B11AE1")
        + b"\0" * 16
        + struct.pack("<HHHHH", 0x3E, 3, 0xFFFE, 9, 6)
        + b"\0" * 6
        + struct.pack("<IIIIIIIII", 0, 1, 1, 0, 4096, _END, 0, _END, 0)
    )
    header += struct.pack("<I", 0) + struct.pack("<I", _FREE) * 108
    assert len(header) == 512
    return header + struct.pack(f"<{sector // 4}I", *fat) + directory_sector + b"".join(blobs)


def legacy_xls(d: Path) -> Path:
    """An Excel 97-2003 file: a CFB with a 'Workbook' stream starting with a BIFF8 BOF record."""
    bof = struct.pack("<HHHHHHII", 0x0809, 16, 0x0600, 0x0005, 0x0DBB, 0x07CC, 0, 0x06)
    p = d / "旧格式.xlsx"  # the usual case: an .xls renamed, or saved by an old tool under .xlsx
    p.write_bytes(cfb({"Workbook": bof}))
    return p


def encrypted(d: Path, password: str = "1234") -> Path:
    """Our example workbook encrypted with a password by msoffcrypto-tool (ECMA-376 Agile encryption)."""
    from msoffcrypto.format.ooxml import OOXMLFile

    out = io.BytesIO()
    with EXAMPLE_XLSX.open("rb") as fh:
        OOXMLFile(fh).encrypt(password, out)
    p = d / "加密.xlsx"
    p.write_bytes(out.getvalue())
    return p


# -- workbooks with hostile content -----------------------------------------------------------------

VBA_CT = "application/vnd.ms-office.vbaProject"
XLSM_MAIN_CT = "application/vnd.ms-excel.sheet.macroEnabled.main+xml"
XLSX_MAIN_CT = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"


def with_macros(d: Path, marker: Path) -> Path:
    """Our workbook as an .xlsm with a vbaProject.bin whose 'macro' would create `marker` if ever run."""
    source = (
        f'Attribute VB_Name = "ThisWorkbook"\r\nSub AutoOpen()\r\n  Open "{marker}" For Output As #1\r\n'
        f'  Shell "touch {marker}"\r\nEnd Sub\r\nSub Workbook_Open()\r\n  AutoOpen\r\nEnd Sub\r\n'
    ).encode()
    vba = cfb({"PROJECT": b'Document=ThisWorkbook/&H00000000\r\nName="VBAProject"\r\n', "ThisWorkbook": source})

    def types(xml: bytes) -> bytes:
        return xml.replace(XLSX_MAIN_CT.encode(), XLSM_MAIN_CT.encode()).replace(
            b"</Types>", f'<Override PartName="/xl/vbaProject.bin" ContentType="{VBA_CT}" /></Types>'.encode()
        )

    def rels(xml: bytes) -> bytes:
        rel = (
            '<Relationship Type="http://schemas.microsoft.com/office/2006/relationships/vbaProject" '
            'Target="vbaProject.bin" Id="rIdVBA1" />'
        )
        return xml.replace(b"</Relationships>", rel.encode() + b"</Relationships>")

    return rezip(
        EXAMPLE_XLSX,
        d / "含宏.xlsm",
        {"[Content_Types].xml": types, "xl/_rels/workbook.xml.rels": rels},
        extra={"xl/vbaProject.bin": vba},
    )


def zip_bomb_ratio(d: Path, mb: int = 20) -> Path:
    """Our workbook plus a 20 MB entry of zeros (≈20 KB compressed: ratio ≈ 1000:1)."""
    return rezip(EXAMPLE_XLSX, d / "压缩比炸弹.xlsx", extra={"xl/media/zeros.bin": b"\0" * (mb << 20)})


def zip_bomb_large(d: Path, mb: int = 300) -> Path:
    """Our workbook plus a 300 MB entry of zeros, streamed in so that it never sits in memory (~300 KB file)."""
    p = rezip(EXAMPLE_XLSX, d / "压缩炸弹.xlsx")
    chunk = b"\0" * (1 << 20)
    with zipfile.ZipFile(p, "a", zipfile.ZIP_DEFLATED) as z:
        info = zipfile.ZipInfo("xl/media/zeros.bin")
        info.compress_type = zipfile.ZIP_DEFLATED
        with z.open(info, "w", force_zip64=True) as fh:
            for _ in range(mb):
                fh.write(chunk)
    return p


def zip_bomb_lying(d: Path, mb: int = 100) -> Path:
    """表三's entry states its honest XML size and CRC in the zip headers, but its deflate stream goes on
    with `mb` MB of spaces: a reader that trusts the headers stops in time, one that decompresses to
    the end of the stream does not."""
    part = "xl/worksheets/sheet5.xml"
    with zipfile.ZipFile(EXAMPLE_XLSX) as z:
        xml = z.read(part)
    return lying_entry(d / "谎报大小.xlsx", part, [xml] + [b" " * (1 << 20)] * mb, xml)


def lying_entry(dst: Path, part: str, actual: list[bytes], declared: bytes, src: Path = EXAMPLE_XLSX) -> Path:
    """A copy of `src` whose entry `part` holds the deflated chunks `actual`, while its local and central
    headers state the size and CRC-32 of `declared` (every other entry is copied honestly)."""
    comp = zlib.compressobj(9, zlib.DEFLATED, -15)
    stream = b"".join(comp.compress(chunk) for chunk in actual) + comp.flush()
    with zipfile.ZipFile(src) as z:
        entries = [(i.filename, z.read(i.filename)) for i in z.infolist() if i.filename != part]
    out = io.BytesIO()
    central = []
    for name, data in entries + [(part, None)]:
        if data is None:
            crc, raw, usize = zlib.crc32(declared), stream, len(declared)
        else:
            c = zlib.compressobj(6, zlib.DEFLATED, -15)
            crc, raw, usize = zlib.crc32(data), c.compress(data) + c.flush(), len(data)
        bname, offset, flags = name.encode("utf-8"), out.tell(), 0x800
        out.write(struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, flags, 8, 0, 0x21, crc, len(raw), usize, len(bname), 0))
        out.write(bname + raw)
        central.append(
            struct.pack(
                "<IHHHHHHIIIHHHHHII",
                0x02014B50,
                20,
                20,
                flags,
                8,
                0,
                0x21,
                crc,
                len(raw),
                usize,
                len(bname),
                0,
                0,
                0,
                0,
                0o644 << 16,
                offset,
            )
            + bname
        )
    cd_start = out.tell()
    out.write(b"".join(central))
    out.write(
        struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(central), len(central), out.tell() - cd_start, cd_start, 0)
    )
    dst.write_bytes(out.getvalue())
    return dst


LAUGHS = (
    b'<!DOCTYPE lolz [<!ENTITY lol "lol">'
    + b"".join(
        f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">'.encode() for i in range(1, 10)
    )
    + b"]>"
)


def inject_doctype(xml: bytes, padding: int = 0) -> bytes:
    """Put the billion-laughs DTD before the root element (after `padding` bytes of an XML comment),
    and use the entity in the first text node so that an expanding parser would explode."""
    if xml.startswith(b"<?xml"):
        decl, rest = xml.split(b"?>", 1)
        decl += b"?>"
    else:
        decl, rest = b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>', xml
    pad = b"<!--" + b"x" * padding + b"-->" if padding else b""
    rest = rest.replace(b"<t>", b"<t>&lol9;", 1)
    return decl + pad + LAUGHS + rest


def laughs_in(d: Path, part: str, padding: int = 0, name: str | None = None) -> Path:
    return rezip(
        EXAMPLE_XLSX,
        d / (name or f"实体膨胀-{Path(part).stem}-{padding}.xlsx"),
        {part: lambda xml: inject_doctype(xml, padding)},
    )


def laughs_in_shared_strings(d: Path, padding: int = 0) -> Path:
    """Our workbook (which uses inline strings) given an xl/sharedStrings.xml part, related and typed as
    Excel does, whose DTD defines the entities and whose one string uses them. Readers load this part
    when they open the workbook, before any sheet."""
    sst = inject_doctype(
        b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1" '
        b'uniqueCount="1"><si><t>x</t></si></sst>',
        padding,
    )
    rel = (
        b'<Relationship Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" '
        b'Target="sharedStrings.xml" Id="rIdSST1" /></Relationships>'
    )
    ct = (
        b'<Override PartName="/xl/sharedStrings.xml" '
        b'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml" /></Types>'
    )
    return rezip(
        EXAMPLE_XLSX,
        d / f"实体膨胀-sharedStrings-{padding}.xlsx",
        {
            "xl/_rels/workbook.xml.rels": lambda x: x.replace(b"</Relationships>", rel),
            "[Content_Types].xml": lambda x: x.replace(b"</Types>", ct),
        },
        extra={"xl/sharedStrings.xml": sst},
    )


def laughs_in_renamed_part(d: Path) -> Path:
    """The 表三 sheet moved to a part without an .xml extension (rels updated), with the DTD in it."""
    old, new = "xl/worksheets/sheet5.xml", "xl/worksheets/sheet5.dat"
    with zipfile.ZipFile(EXAMPLE_XLSX) as z:
        xml = z.read(old)
    return rezip(
        EXAMPLE_XLSX,
        d / "实体膨胀-改名部件.xlsx",
        {
            old: None,
            "xl/_rels/workbook.xml.rels": lambda x: x.replace(b"/" + old.encode(), b"/" + new.encode()),
            "[Content_Types].xml": lambda x: x.replace(b"/" + old.encode(), b"/" + new.encode()),
        },
        extra={new: inject_doctype(xml)},
    )


def foreign_workbook(d: Path) -> Path:
    """Another program's workbook: a plain openpyxl workbook with a 表三-like sheet but no _xxgk sheet."""
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = T3
    ws["A1"], ws["D5"] = "三、收到和处理政府信息公开申请情况", 3
    p = d / "别的程序.xlsx"
    wb.save(p)
    return p


def renamed_sheet_zip(d: Path, old: str = T3, new: str = "表三（改）") -> Path:
    return rezip(
        EXAMPLE_XLSX,
        d / "改名.xlsx",
        {"xl/workbook.xml": lambda x: x.replace(f'name="{old}"'.encode(), f'name="{new}"'.encode())},
    )


def random_cjk(n: int, seed: int = 0) -> str:
    """`n` pseudo-random CJK characters (a 1 M-character random block, repeated: deflate's window is 32 KB,
    so the repetition does not make it compressible)."""
    rng = random.Random(seed)
    block = "".join(map(chr, rng.choices(range(0x4E00, 0x9FA6), k=min(n, 1 << 20))))
    return (block * (n // len(block) + 1))[:n]


def huge_paragraph(d: Path, chars: int, address: str = "B12", part: str = "xl/worksheets/sheet3.xml") -> Path:
    """Our workbook with `chars` random CJK characters in one paragraph cell of 一、总体情况 (part1 starts
    at B12). openpyxl truncates strings to 32767 characters, so the text is put into the sheet XML."""
    text = random_cjk(chars).encode("utf-8")

    def edit(xml: bytes) -> bytes:
        at = xml.index(f'<c r="{address}"'.encode())
        start = xml.index(b"<t>", at) + 3
        end = xml.index(b"</t>", start)
        return xml[:start] + text + xml[end:]

    return rezip(EXAMPLE_XLSX, d / "超长段落.xlsx", {part: edit})


def json_file(
    d: Path, name: str, obj=None, text: str | None = None, edit: Callable[[dict], None] | None = None
) -> Path:
    """A JSON data file: `text` verbatim, or `obj`, or the example data edited by `edit`."""
    p = d / name
    if text is not None:
        p.write_text(text, encoding="utf-8")
        return p
    if obj is None:
        obj = json.loads(EXAMPLE_JSON.read_text(encoding="utf-8"))
        if edit:
            edit(obj)
    p.write_text(json.dumps(obj, ensure_ascii=False), encoding="utf-8")
    return p
