"""`xxgk report`: a checked report → .docx (and .pdf, .html), with the same core the ribbon uses.

Errors block the final report; a draft (when asked for) carries a visible "草稿（校验未通过）" mark.
The template is linted before rendering; where LibreOffice is installed the layout is measured so that the
版记 ends on an even page (xxgk.report.layout), in the .docx as in the PDF. Outputs are written atomically and
never overwrite a file unless the caller allows it.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path

from ..data import ReportData
from ..errors import XxgkError
from ..findings import Report
from ..form import load_form
from ..fsutil import check_output, write_atomic
from ..resources import data_dir

_UNSAFE = re.compile(r'[\\/:*?"<>|\x00-\x1f]+')


@dataclass
class Outputs:
    docx: Path
    pdf: Path | None = None
    html: Path | None = None
    draft: bool = False
    written: list[Path] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # what the user should check by hand


MAX_NAME_BYTES = 200  # a file name's UTF-8 bytes (most file systems allow 255; room is left for ".pdf" and temp names)


def default_docx(data: ReportData) -> Path:
    """Beside the input, named after organisation and year: 福州市鼓楼区审计局2020年政府信息公开工作年度报告.docx.

    A very long 机关名称 is shortened, keeping the year, with a short hash of the full name so that two long
    names that share their beginning never get the same file."""
    org = _UNSAFE.sub("_", data.org or "未填机关名称").strip(" .")
    tail = f"{data.year or ''}年政府信息公开工作年度报告"
    name = org + tail
    if len(name.encode("utf-8")) > MAX_NAME_BYTES:
        digest = hashlib.sha256(org.encode("utf-8")).hexdigest()[:8]
        room = MAX_NAME_BYTES - len(f"…{digest}{tail}".encode())
        short = org.encode("utf-8")[:room].decode("utf-8", errors="ignore")
        name = f"{short}…{digest}{tail}"
    folder = Path(data.source).parent if data.source and "!" not in data.source else Path(".")
    return folder / f"{name}.docx"


def plan(data: ReportData, out: str | Path | None, pdf: bool, html: bool, overwrite: bool) -> Outputs:
    docx = Path(out) if out else default_docx(data)
    if docx.suffix.lower() != ".docx":
        raise XxgkError("输出文件应以 .docx 结尾", file=str(docx), kind="output")
    outputs = Outputs(docx, docx.with_suffix(".pdf") if pdf else None, docx.with_suffix(".html") if html else None)
    targets = [p for p in (outputs.docx, outputs.pdf, outputs.html) if p]
    if data.source and any(p.resolve() == Path(data.source).resolve() for p in targets):
        raise XxgkError("输出文件不能与输入文件相同（xxgk 从不修改输入文件）", file=str(docx), kind="output")
    existing = [str(p) for p in targets if p.exists() and not p.is_dir()]
    if existing and not overwrite:
        raise XxgkError(f"输出文件已存在，未覆盖：{'、'.join(existing)}（如确需覆盖请加 --overwrite）", kind="output")
    for path in targets:
        check_output(path, overwrite)
    return outputs


def generate(
    data: ReportData, report: Report, outputs: Outputs, draft: bool = False, fonts_conf: Path | None = None
) -> Outputs:
    """Write the report files. Raises XxgkError when the check found errors and no draft was asked for."""
    from .context import build_context
    from .docx import render_docx, template_path
    from .jinja import lint_docx, make_env
    from .layout import place_banji
    from .pdf import convert_many, soffice_path

    if not report.valid and not draft:
        raise XxgkError(
            f"校验发现 {report.errors} 个错误，未生成报告。请改正后重试，或加 --draft 生成标注“草稿（校验未通过）”的草稿",
            code=1,
            kind="findings",
        )
    form = load_form(data.format)
    outputs.draft = not report.valid
    context = build_context(data, form, draft=outputs.draft)
    problems = lint_docx(template_path(form.format), context)
    if problems:
        raise XxgkError(
            "报告模板有问题，请修正模板：\n  " + "\n  ".join(problems[:20]),
            file=str(template_path(form.format)),
            kind="template",
        )
    blob = render_docx(context, form.format, make_env())
    pdf = None
    if soffice_path():
        # the 版记 on an even page needs the layout: LibreOffice measures it, and the PDF comes with it
        [typeset] = place_banji([blob], fonts_conf=fonts_conf or default_fonts_conf())
        blob, pdf = typeset.docx, typeset.pdf
        if typeset.note:
            outputs.notes.append(typeset.note)
    else:
        outputs.notes.append(
            "未找到 LibreOffice，没有核对版记所在页的奇偶：版记在最后一页底部，打印前请在 Word 中确认"
            "该页是双页（是单页时在成文日期之后插入分页符）"
        )
    write_atomic(outputs.docx, blob)
    outputs.written.append(outputs.docx)
    if outputs.pdf:
        if pdf is None:
            convert_many([blob])  # LibreOffice is missing: raises the error that says so (the .docx is written)
        write_atomic(outputs.pdf, pdf)
        outputs.written.append(outputs.pdf)
    if outputs.html:
        from .html import render_html

        write_atomic(outputs.html, render_html(context, form.format).encode("utf-8"))
        outputs.written.append(outputs.html)
    return outputs


def default_fonts_conf() -> Path | None:
    """On Linux without the 公文 fonts, the shipped fontconfig aliases give stand-ins instead of random fallbacks."""
    import shutil
    import subprocess

    conf = data_dir("templates") / "fonts.conf"
    if not conf.is_file() or not shutil.which("fc-match"):
        return None
    try:
        found = subprocess.run(
            ["fc-match", "-f", "%{family}", "仿宋_GB2312"], capture_output=True, text=True, timeout=10
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return conf
    return None if "仿宋_GB2312" in found else conf
