"""Old Word (.doc) and WPS (.wps) files: converted to .docx by LibreOffice when it is installed."""

from __future__ import annotations

from pathlib import Path

from ..errors import XxgkError
from ..report.pdf import INSTALL_HINT, convert, soffice_path

DOCX_FILTER = "docx:MS Word 2007 XML"


def to_docx(path: Path, timeout: float = 120) -> bytes:
    if soffice_path() is None:
        raise XxgkError(
            f"读取 {path.suffix} 文件需要 LibreOffice，本机没有安装：{INSTALL_HINT}。"
            "也可以用 Word/WPS 把它另存为 .docx 后再导入",
            file=str(path),
            kind="tool_missing",
        )
    [docx] = convert([(path.read_bytes(), path.suffix)], DOCX_FILTER, "docx", timeout, what="Word 文档（.docx）")
    return docx
