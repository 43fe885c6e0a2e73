"""Write outputs atomically and never overwrite silently."""

from __future__ import annotations

import io
import os
import re
import tempfile
import zipfile
from pathlib import Path

from .errors import XxgkError


def check_output(path: Path, overwrite: bool = False) -> None:
    """Refuse, before any work is done, an output that cannot or must not be written."""
    path = Path(path)
    if path.is_dir():
        raise XxgkError(
            "这是一个已有的文件夹，请给出要生成的文件名（如 文件夹/年报.docx）", file=str(path), kind="output"
        )
    if path.exists() and not overwrite:
        raise XxgkError("输出文件已存在，未覆盖（如确需覆盖请加 --overwrite）", file=str(path), kind="output")
    parent = path.parent if str(path.parent) else Path(".")
    if not parent.is_dir():
        raise XxgkError(f"输出目录不存在：{parent}", file=str(path), kind="output")
    if not os.access(parent, os.W_OK):
        raise XxgkError(f"输出目录不可写（没有写入权限或只读）：{parent}", file=str(path), kind="output")


def write_atomic(path: Path, data: bytes, overwrite: bool = True) -> None:
    """Write `data` to a temp file beside `path`, then rename it into place (never a half-written output)."""
    path = Path(path)
    check_output(path, overwrite)
    tmp = None
    try:
        fd, tmp = tempfile.mkstemp(prefix=".xxgk-", suffix=path.suffix, dir=path.parent if str(path.parent) else ".")
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.chmod(tmp, 0o666 & ~_umask())  # mkstemp makes 0600; an output file gets the usual permissions
        os.replace(tmp, path)
    except OSError as exc:
        _remove(tmp)
        raise XxgkError(
            f"无法写入文件（{exc.strerror or exc}）。请确认文件夹可写、磁盘未满，文件没有在 Word 或 Excel 中打开",
            file=str(path),
            kind="output",
        ) from None
    except BaseException:
        _remove(tmp)
        raise


def _remove(tmp) -> None:
    if tmp is not None:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


_ZIP_TIME = (2021, 1, 1, 0, 0, 0)
_CORE_TIME = re.compile(rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*(</dcterms:)")


def reproducible_zip(blob: bytes) -> bytes:
    """An Office package with fixed entry times and document dates: the same content gives the same bytes."""
    with zipfile.ZipFile(io.BytesIO(blob)) as src:
        parts = [(info.filename, src.read(info.filename)) for info in src.infolist()]
    return zip_parts(
        [
            (name, _CORE_TIME.sub(rb"\g<1>2021-01-01T00:00:00Z\g<2>", data) if name == "docProps/core.xml" else data)
            for name, data in parts
        ]
    )


def zip_parts(parts) -> bytes:
    """A zip of (name, bytes) in the given order, with fixed times and attributes on every OS."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for name, data in parts:
            entry = zipfile.ZipInfo(name, date_time=_ZIP_TIME)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.create_system = 3  # Unix, whichever OS builds it
            entry.external_attr = 0o644 << 16
            dst.writestr(entry, data, compresslevel=6)
    return out.getvalue()
