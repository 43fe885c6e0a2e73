"""The inputs of a merge: files, folders, .zip archives and saved .eml e-mails, expanded to the report files
in them. Archive members and attachments are read in memory (never written to disk), within limits."""

from __future__ import annotations

import email
import email.policy
import hashlib
import io
import re
import zipfile
from pathlib import Path

from ..errors import XxgkError
from ..xlsx import MAX_FILE_BYTES, MAX_RATIO, RATIO_FLOOR
from .model import Skipped, Source, Unit

# Our workbooks and data files, and published reports (read by xxgk.published, status `imported`). Plain text is
# left out: a folder of received files holds too many notes that are no report.
REPORT_SUFFIXES = (".xlsx", ".xlsm", ".json", ".html", ".htm", ".docx", ".doc", ".wps", ".pdf")
MAX_ARCHIVE_BYTES = 200 * 1024 * 1024  # a .zip or .eml input
MAX_ARCHIVE_MEMBERS = 1000
MAX_ARCHIVE_TOTAL = 1024 * 1024 * 1024  # uncompressed, all members of one archive
MAX_NESTING = 3  # zip in eml in zip …


def collect(inputs, exclude=()) -> tuple[list[Source], list[Skipped], list[Unit]]:
    """Expand the inputs → (report sources, skipped files, unreadable containers)."""
    sources: list[Source] = []
    skipped: list[Skipped] = []
    broken: list[Unit] = []
    excluded = {resolved(p) for p in exclude}

    def add_blob(name: str, blob: bytes, depth: int):
        base = name.rsplit("!", 1)[-1].replace("\\", "/").rsplit("/", 1)[-1]
        lower = base.lower()
        if base.startswith("~$"):
            skipped.append(Skipped(name, "Excel 临时锁定文件（~$ 开头）"))
        elif lower.endswith(REPORT_SUFFIXES):
            sources.append(Source(name, blob=blob))
        elif lower.endswith((".zip", ".eml")):
            if depth >= MAX_NESTING:
                broken.append(Unit(name, error=f"压缩包或邮件嵌套超过 {MAX_NESTING} 层，未读取", error_code="unsafe"))
                return
            try:
                (_zip_members if lower.endswith(".zip") else _eml_attachments)(blob, name, add_blob, depth + 1, skipped)
            except XxgkError as exc:
                broken.append(
                    Unit(name, sha256=hashlib.sha256(blob).hexdigest(), error=exc.message, error_code=exc.kind)
                )
        else:
            skipped.append(Skipped(name, _not_a_report(lower)))

    def add_file(path: Path):
        if resolved(path) in excluded:
            return
        name, lower = str(path), path.name.lower()
        if path.name.startswith("~$"):
            skipped.append(Skipped(name, "Excel 临时锁定文件（~$ 开头）"))
        elif lower.endswith(REPORT_SUFFIXES):
            sources.append(Source(name, path=name))
        elif lower.endswith((".zip", ".eml")):
            try:
                size = path.stat().st_size
                if size > MAX_ARCHIVE_BYTES:
                    raise XxgkError(f"文件过大（{size // 1048576} MB），未读取", kind="too_large")
                blob = path.read_bytes()
            except OSError as exc:
                broken.append(Unit(name, error=f"无法读取文件（{exc.strerror}）", error_code="unreadable"))
                return
            except XxgkError as exc:
                broken.append(Unit(name, error=exc.message, error_code=exc.kind))
                return
            add_blob(name, blob, 0)
        else:
            skipped.append(Skipped(name, _not_a_report(lower)))

    for item in inputs:
        path = Path(item)
        if path.is_dir():
            for child in sorted(p for p in path.rglob("*") if p.is_file()):
                add_file(child)
        elif path.exists():
            add_file(path)
        else:
            broken.append(Unit(str(item), error="文件不存在", error_code="not_found"))
    return sources, skipped, broken


def _not_a_report(lower_name: str) -> str:
    if lower_name.endswith(".ods"):
        from ..xlsx import ODS_MESSAGE

        return ODS_MESSAGE
    return (
        "不是年报文件（读取 .xlsx、.xlsm、.json，已发布的报告 .html、.htm、.docx、.doc、.wps、.pdf，以及 .zip、.eml）"
    )


def resolved(path) -> str:
    try:
        return str(Path(path).resolve())
    except OSError:  # pragma: no cover
        return str(path)


def _zip_name(info: zipfile.ZipInfo) -> str:
    """A member's name. Without the UTF-8 flag zipfile decodes it as cp437; the bytes are really UTF-8 (Info-ZIP
    on Linux and macOS, macOS's Archive Utility) or GBK/GB18030 (Windows archivers in China): UTF-8 first,
    as it almost never decodes text that is not UTF-8, then GB18030."""
    return info.filename if info.flag_bits & 0x800 else decode_name(info.filename.encode("cp437"))


def decode_name(raw: bytes) -> str:
    """A file name given as raw 8-bit bytes (a zip member, an e-mail attachment): UTF-8, else GB18030."""
    for encoding in ("utf-8", "gb18030"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            pass
    return raw.decode("gb18030", errors="replace")


def _zip_members(blob: bytes, name: str, add, depth: int, skipped: list[Skipped]) -> None:
    """Each member of a .zip input, read in memory within limits (count, size, ratio); never extracted."""
    try:
        zf = zipfile.ZipFile(io.BytesIO(blob))
    except zipfile.BadZipFile:
        raise XxgkError("压缩包已损坏或不是 zip 文件", kind="unreadable") from None
    with zf:
        infos = [i for i in zf.infolist() if not i.is_dir()]
        if len(infos) > MAX_ARCHIVE_MEMBERS:
            raise XxgkError(f"压缩包内文件过多（{len(infos)} 个，上限 {MAX_ARCHIVE_MEMBERS}），未读取", kind="unsafe")
        if sum(i.file_size for i in infos) > MAX_ARCHIVE_TOTAL:
            raise XxgkError("压缩包解压后体积异常巨大，疑似“压缩炸弹”，未读取", kind="unsafe")
        for info in sorted(infos, key=_zip_name):
            member = f"{name}!{_zip_name(info)}"
            if member.rsplit("!", 1)[-1].startswith("__MACOSX/"):
                continue
            if info.flag_bits & 0x1:
                skipped.append(Skipped(member, "压缩包内文件已加密，无法读取"))
                continue
            if info.file_size > MAX_FILE_BYTES or (
                info.file_size > RATIO_FLOOR and info.file_size > MAX_RATIO * max(info.compress_size, 1)
            ):
                skipped.append(Skipped(member, "压缩包内文件过大或压缩比异常，疑似“压缩炸弹”，未读取"))
                continue
            lower = member.lower()
            if not lower.endswith((*REPORT_SUFFIXES, ".zip", ".eml")):
                add(member, b"", depth)  # skipped by name, never inflated
                continue
            try:
                with zf.open(info) as fh:
                    data = fh.read(info.file_size + 1)
            except (zipfile.BadZipFile, NotImplementedError, RuntimeError, OSError, EOFError) as exc:
                skipped.append(Skipped(member, f"压缩包内文件无法解压（{exc}）"))
                continue
            if len(data) > info.file_size:
                skipped.append(Skipped(member, "压缩包内文件超过其声明的大小，疑似“压缩炸弹”，未读取"))
                continue
            add(member, data, depth)


def _eml_attachments(blob: bytes, name: str, add, depth: int, skipped: list[Skipped]) -> None:
    """The attachments of a saved e-mail (.eml), decoded in memory; RFC 2231 / encoded-word file names."""
    msg = email.message_from_bytes(blob, policy=email.policy.default)
    found = False
    for part in msg.walk():
        if part.is_multipart():
            continue
        filename = _attachment_name(part)
        if not filename:
            continue
        found = True
        filename = filename.replace("\\", "/").rsplit("/", 1)[-1]
        payload = part.get_payload(decode=True) or b""
        add(f"{name}!{filename}", payload, depth)
    if not found:
        skipped.append(Skipped(name, "邮件中没有附件"))


_RAW_NAME = re.compile(rb'(?:file)?name\s*=\s*(?:"([^"]*)"|([^;\s]+))', re.I)


def _attachment_name(part) -> str | None:
    """An attachment's file name: RFC 2231 and RFC 2047 names as the email package decodes them; a name sent as
    raw 8-bit bytes (UTF-8 or GBK, against the RFCs but common) from the header's own bytes."""
    name = part.get_filename()
    if name is not None and "\ufffd" not in name:
        return name
    for key, value in part.raw_items():
        if key.lower() in ("content-disposition", "content-type"):
            m = _RAW_NAME.search(str(value).encode("ascii", "surrogateescape"))
            if m:
                return decode_name(m.group(1) if m.group(1) is not None else m.group(2))
    return name
