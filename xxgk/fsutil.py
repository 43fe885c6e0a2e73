"""Write outputs atomically and never overwrite silently."""
from __future__ import annotations

import io
import os
import re
import tempfile
import zipfile
from pathlib import Path

from .errors import XxgkError


def write_atomic(path: Path, data: bytes, overwrite: bool = True) -> None:
    """Write `data` to a temp file beside `path`, then rename it into place."""
    path = Path(path)
    if path.exists() and not overwrite:
        raise XxgkError("输出文件已存在，未覆盖（如确需覆盖请加 --overwrite）", file=str(path))
    parent = path.parent if str(path.parent) else Path(".")
    if not parent.is_dir():
        raise XxgkError(f"输出目录不存在：{parent}", file=str(path))
    fd, tmp = tempfile.mkstemp(prefix=".xxgk-", suffix=path.suffix, dir=parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.chmod(tmp, 0o666 & ~_umask())  # mkstemp makes 0600; an output file gets the usual permissions
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise


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
    return zip_parts([(name, _CORE_TIME.sub(rb"\g<1>2021-01-01T00:00:00Z\g<2>", data) if name == "docProps/core.xml"
                       else data) for name, data in parts])


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
