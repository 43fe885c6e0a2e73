"""Write outputs atomically and never overwrite silently."""
from __future__ import annotations

import os
import tempfile
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
