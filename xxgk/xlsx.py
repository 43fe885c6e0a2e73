"""Open an untrusted .xlsx safely: file-type sniffing, zip limits, no DTDs, and a formula scan.

Received workbooks are untrusted. Nothing in them is ever run; this module only reads bytes:
- the file type is told from its first bytes (legacy .xls and password-encrypted workbooks are both
  OLE compound files and get their own message);
- zip limits: entry count, declared and actual uncompressed sizes (every entry is inflated to the
  real end of its data and its CRC checked), compression ratio;
- every part a reader may parse as XML is refused when it declares a DTD anywhere (entity expansion),
  and the parts we parse ourselves go through hardened lxml scans that refuse DTDs again (xmlscan.py);
  openpyxl, the fallback reader, parses through defusedxml.
"""

from __future__ import annotations

import io
import re
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from .errors import XxgkError, file_error

MAX_FILE_BYTES = 100 * 1024 * 1024
MAX_ENTRIES = 2000
MAX_ENTRY_BYTES = 256 * 1024 * 1024
MAX_TOTAL_BYTES = 512 * 1024 * 1024
MAX_RATIO = 200  # uncompressed / compressed, for entries above RATIO_FLOOR
RATIO_FLOOR = 1024 * 1024
MAX_XML_BYTES = 64 * 1024 * 1024  # a part we parse ourselves

ODS_MIMETYPE = "application/vnd.oasis.opendocument.spreadsheet"
ODS_MESSAGE = (
    "这是 OpenDocument 电子表格（.ods，LibreOffice 和 WPS 可另存的格式），xxgk 不读取它。请在 LibreOffice 中"
    "“文件 → 另存为”，文件类型选“Excel 2007-365 (.xlsx)”（WPS：另存为“Excel 文件(*.xlsx)”），再用 .xlsx 文件"
)
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"
_ENCRYPTION_INFO = "EncryptionInfo".encode("utf-16-le")
_DOCTYPE = re.compile(rb"<!DOCTYPE|<!ENTITY|<\x00!\x00D\x00O\x00C\x00T\x00Y\x00P\x00E", re.I)


@dataclass
class Package:
    path: Path
    zip: zipfile.ZipFile
    sheet_parts: dict[str, str]  # sheet name → part name (xl/worksheets/sheet1.xml)
    has_macros: bool
    blob: bytes | None = None  # a workbook read from memory (a zip member, an e-mail attachment); path is its name

    @property
    def sheet_names(self) -> list[str]:
        return list(self.sheet_parts)

    def source(self):
        """What a reader library opens: the file's path, or a fresh in-memory file."""
        return io.BytesIO(self.blob) if self.blob is not None else self.path

    def close(self):
        self.zip.close()

    def read_part(self, name: str) -> bytes:
        try:
            info = self.zip.getinfo(name)
        except KeyError:
            raise XxgkError(
                f"工作簿结构不完整（缺少内部文件 {name}）", file=str(self.path), kind="unreadable"
            ) from None
        with self.zip.open(info) as fh:
            data = fh.read(MAX_XML_BYTES + 1)
        if len(data) > MAX_XML_BYTES:
            raise XxgkError(f"工作簿内部文件 {name} 过大，拒绝读取", file=str(self.path), kind="too_large")
        return data

    def defined_names(self) -> dict[str, str]:
        """The workbook's global defined names, {name: reference text such as "'表三'!$D$5"}."""
        from .xmlscan import UnsafeXml, defined_names

        try:
            return defined_names(self.read_part("xl/workbook.xml"))
        except UnsafeXml as exc:
            raise XxgkError(
                f"工作簿内部 XML 无效或不安全（{exc}），拒绝读取", file=str(self.path), kind="unsafe"
            ) from None

    def formulas(self, sheet: str) -> dict[str, str | None]:
        """The cells of `sheet` that hold a formula: {A1: formula text} (None for a shared-formula child)."""
        from .xmlscan import UnsafeXml, formula_cells

        part = self.sheet_parts.get(sheet)
        if part is None:
            return {}
        try:
            return formula_cells(self.read_part(part))
        except UnsafeXml as exc:
            raise XxgkError(
                f"工作表“{sheet}”的内部文件 {part} 不是有效或安全的 XML（{exc}），无法读取。"
                f"请用 Excel 或 WPS 打开后另存为 .xlsx 再试",
                file=str(self.path),
                kind="unreadable",
            ) from None


def sniff(path: Path) -> None:
    """Refuse what is not an .xlsx, with a message that says what the file is and what to do."""
    try:
        size = path.stat().st_size
        with path.open("rb") as fh:
            head = fh.read(8)
    except OSError as exc:
        raise file_error(exc, path, "工作簿") from None

    def prefix(n: int) -> bytes:
        with path.open("rb") as fh:
            return fh.read(n)

    _sniff(path, size, head, prefix)


def sniff_bytes(blob: bytes, name: Path) -> None:
    """sniff() for a workbook held in memory under a display name."""
    _sniff(name, len(blob), blob[:8], lambda n: blob[:n])


def _sniff(path: Path, size: int, head: bytes, prefix) -> None:
    if size == 0:
        raise XxgkError("文件是空的（0 字节）", file=str(path), kind="unreadable")
    if size > MAX_FILE_BYTES:
        raise XxgkError(
            f"文件过大（{size // 1048576} MB，上限 {MAX_FILE_BYTES // 1048576} MB），不像年报工作簿",
            file=str(path),
            kind="too_large",
        )
    if head == OLE_MAGIC:
        blob = prefix(min(size, 4 * 1024 * 1024))
        if _ENCRYPTION_INFO in blob:
            raise XxgkError(
                "工作簿设置了打开密码（已加密），无法读取。请在 Excel 中“文件 → 信息 → 保护工作簿 → 用密码进行加密”"
                "删除密码后另存为 .xlsx 再试",
                file=str(path),
                kind="encrypted",
            )
        raise XxgkError(
            "这是旧版 Excel 97-2003 格式（.xls），不支持。请用 Excel 或 WPS 打开后“另存为”Excel 工作簿（.xlsx）",
            file=str(path),
            kind="unreadable",
        )
    if head[:4] != ZIP_MAGIC:
        raise XxgkError(
            "不是 Excel 工作簿（.xlsx）：文件内容不是 xlsx 格式。请确认文件没有损坏或被改了扩展名",
            file=str(path),
            kind="unreadable",
        )


def open_package(path: str | Path, blob: bytes | None = None) -> Package:
    """Open a workbook file, or (with `blob`) a workbook held in memory; `path` then only names it."""
    path = Path(path)
    if blob is None:
        sniff(path)
    else:
        sniff_bytes(blob, path)
    try:
        zf = zipfile.ZipFile(path if blob is None else io.BytesIO(blob))
    except zipfile.BadZipFile:
        raise XxgkError(
            "工作簿文件已损坏或不完整（zip 结构无效，可能是下载或邮件附件未完整保存）。请重新获取该文件",
            file=str(path),
            kind="unreadable",
        ) from None
    try:
        _check_zip(zf, path, blob)
        names = set(zf.namelist())
        if "mimetype" in names and "xl/workbook.xml" not in names:
            kind = zf.read("mimetype")[:100].decode("ascii", "replace").strip()
            if kind == ODS_MIMETYPE:
                raise XxgkError(ODS_MESSAGE, file=str(path), kind="unreadable")
        if "xl/workbook.xml" not in names:
            raise XxgkError(
                "不是 Excel 工作簿：缺少 xl/workbook.xml（可能是 Word、WPS 或其他程序的文件）",
                file=str(path),
                kind="unreadable",
            )
        pkg = Package(path, zf, {}, "xl/vbaProject.bin" in names, blob)
        pkg.sheet_parts = _sheet_parts(pkg)
        return pkg
    except BaseException:
        zf.close()
        raise


def _check_zip(zf: zipfile.ZipFile, path: Path, blob: bytes | None = None) -> None:
    infos = zf.infolist()
    if len(infos) > MAX_ENTRIES:
        raise XxgkError(f"工作簿内部文件数异常（{len(infos)} 个），拒绝读取", file=str(path), kind="unsafe")
    total = 0
    for info in infos:
        total += info.file_size
        if info.file_size > MAX_ENTRY_BYTES or total > MAX_TOTAL_BYTES:
            raise XxgkError("工作簿解压后体积异常巨大，疑似“压缩炸弹”，拒绝读取", file=str(path), kind="unsafe")
        if info.file_size > RATIO_FLOOR and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            raise XxgkError(
                f"工作簿内部文件 {info.filename} 压缩比异常（{info.file_size // max(info.compress_size, 1)}:1），"
                f"疑似“压缩炸弹”，拒绝读取",
                file=str(path),
                kind="unsafe",
            )
        if info.flag_bits & 0x1:
            raise XxgkError("工作簿内部文件被加密，无法读取", file=str(path), kind="encrypted")
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise XxgkError(
                f"工作簿内部文件 {info.filename} 使用了 Excel 不用的压缩方式，拒绝读取", file=str(path), kind="unsafe"
            )
    with path.open("rb") if blob is None else io.BytesIO(blob) as raw:
        for info in infos:
            _inspect_entry(raw, info, path)


# Binary parts that no reader parses as XML and where the bytes "<!DOCTYPE" may occur innocently: images,
# embedded objects, and *.bin such as vbaProject.bin. (Our own XML parsing forbids DTDs whatever the name.)
_UNPARSED = ("xl/media/", "xl/embeddings/")
_CHUNK = 1 << 20


def _inspect_entry(raw, info: zipfile.ZipInfo, path: Path) -> None:
    """Inflate one entry to the real end of its data, as a reader that ignores the headers would.

    The headers' sizes are only claims: calamine inflates to the end of the deflate stream, so an entry
    that inflates to more than its stated size (a zip bomb with a lying header) is refused here, as is
    one whose CRC-32 does not match. The inflated text of every part a reader might parse as XML is
    scanned for a DTD anywhere in it (a DOCTYPE may follow any amount of comment or whitespace).
    """

    def corrupt(why: str):
        return XxgkError(
            f"工作簿文件已损坏（内部文件 {info.filename}{why}），请重新获取该文件", file=str(path), kind="unreadable"
        )

    raw.seek(info.header_offset)
    local = raw.read(30)
    if len(local) != 30 or local[:4] != b"PK\x03\x04":
        raise corrupt("的位置无效")
    raw.seek(info.header_offset + 30 + int.from_bytes(local[26:28], "little") + int.from_bytes(local[28:30], "little"))
    inflater = zlib.decompressobj(-15) if info.compress_type == zipfile.ZIP_DEFLATED else None
    name = info.filename.lower()
    scan = not (name.startswith(_UNPARSED) or name.endswith(".bin"))
    left, size, crc, tail, flushed = info.compress_size, 0, 0, b"", False
    while not flushed:
        if inflater is not None and inflater.unconsumed_tail:
            data = _inflate(inflater, inflater.unconsumed_tail, corrupt)
        elif left > 0:
            chunk = raw.read(min(left, _CHUNK))
            if not chunk:
                raise corrupt("不完整")
            left -= len(chunk)
            data = _inflate(inflater, chunk, corrupt) if inflater is not None else chunk
        else:
            data, flushed = (inflater.flush() if inflater is not None else b""), True
        size += len(data)
        if size > info.file_size:
            raise XxgkError(
                f"工作簿内部文件 {info.filename} 解压后超过其声明的大小（{info.file_size} 字节），"
                f"疑似“压缩炸弹”，拒绝读取",
                file=str(path),
                kind="unsafe",
            )
        crc = zlib.crc32(data, crc)
        if scan:
            if _DOCTYPE.search(tail + data):
                raise XxgkError(
                    f"工作簿内部文件 {info.filename} 含有 DTD/实体定义（可用于“实体膨胀”攻击），"
                    f"正常的 Excel 文件不会有，拒绝读取",
                    file=str(path),
                    kind="unsafe",
                )
            tail = data[-32:]
    if inflater is not None and not inflater.eof:
        raise corrupt("不完整")
    if size != info.file_size or crc != info.CRC:
        raise corrupt("校验失败")


def _inflate(inflater, chunk: bytes, corrupt) -> bytes:
    try:
        return inflater.decompress(chunk, _CHUNK)
    except zlib.error:
        raise corrupt("的压缩数据无效") from None


def _sheet_parts(pkg: Package) -> dict[str, str]:
    from .xmlscan import REL_ID, RELATIONSHIP, SHEET, UnsafeXml, attributes

    try:
        sheets = attributes(pkg.read_part("xl/workbook.xml"), SHEET)
        rels = attributes(pkg.read_part("xl/_rels/workbook.xml.rels"), RELATIONSHIP)
    except UnsafeXml as exc:
        raise XxgkError(f"工作簿内部 XML 无效或不安全（{exc}），拒绝读取", file=str(pkg.path), kind="unsafe") from None
    targets = {}
    for rel in rels:
        target = rel.get("Target", "")
        part = target.lstrip("/") if target.startswith("/") else str(PurePosixPath("xl") / target)
        targets[rel.get("Id")] = part.replace("xl/./", "xl/")
    return {sheet.get("name", ""): targets[sheet[REL_ID]] for sheet in sheets if sheet.get(REL_ID) in targets}
