"""Find the data folders (workbook/, templates/, addin/) in a checkout or an installed wheel."""

from __future__ import annotations

from pathlib import Path

_PKG = Path(__file__).resolve().parent


def data_dir(name: str) -> Path:
    """The folder `name` shipped beside the code: `xxgk/_data/<name>` in a wheel, `<repo>/<name>` in a checkout."""
    for candidate in (_PKG / "_data" / name, _PKG.parent / name):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"找不到数据目录 {name}（安装不完整，请重新安装 xxgk）")
