"""Render the report as .docx: docxtpl fills the Word template of the report's format with the context dict.

The templates (`templates/2019格式/report.docx`, `templates/2021格式/report.docx`) hold the whole layout — page
setup, named styles, red header, tables, page numbers, 版记 — and only Jinja placeholders for the data (see
templates/编辑说明.md and 变量清单.md). Staff may edit them in Word or WPS, so every template problem is
reported as a Chinese XxgkError that names the placeholder, never as a traceback. (Linting a template before
rendering — unknown names, full-width look-alikes — is xxgk.report.jinja.lint_docx.)
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

from ..errors import XxgkError
from ..fsutil import reproducible_zip
from ..resources import data_dir
from .layout import fit_issuer_mark

FORMATS = ("2019", "2021")


def template_path(fmt: str) -> Path:
    """The Word template of a format: <templates>/<fmt>格式/report.docx."""
    if fmt not in FORMATS:
        raise XxgkError(f"未知的年报格式“{fmt}”，只支持 2019 和 2021", kind="wrong_format")
    path = data_dir("templates") / f"{fmt}格式" / "report.docx"
    if not path.is_file():
        raise XxgkError(f"找不到报告模板 {path}（安装不完整，请重新安装 xxgk）", kind="template")
    return path


def render_docx(context: dict, fmt: str, env) -> bytes:
    """The report as .docx bytes: the format's template rendered with `context` in the Jinja environment `env`.

    `env` is the project's sandboxed, StrictUndefined environment; autoescape is always on, so `<`, `&` and
    `{{ … }}` typed by users appear literally. The 发文机关标志 is fitted to one line (xxgk.report.layout). The zip
    is written with fixed timestamps (reproducible output).
    """
    from docxtpl import DocxTemplate
    from jinja2 import TemplateError, TemplateSyntaxError, UndefinedError
    from jinja2.exceptions import SecurityError
    from lxml.etree import XMLSyntaxError

    path = template_path(fmt)
    where = f"报告模板 {fmt}格式/report.docx"
    try:
        tpl = DocxTemplate(str(path))
        tpl.render(context, jinja_env=env, autoescape=True)
    except UndefinedError as exc:
        raise XxgkError(
            f"{where} 使用了数据中没有的变量（{exc.message}）：请核对模板中 {{{{ }}}} 占位符的拼写，"
            "可用的变量见 templates/变量清单.md",
            kind="template",
        ) from None
    except TemplateSyntaxError as exc:
        near = " ".join(s.strip() for s in getattr(exc, "docx_context", []) if s.strip())
        raise XxgkError(
            f"{where} 中的占位符写法有误（{exc.message}）"
            + (f"，出错位置附近的文字：{near[:200]}" if near else "")
            + "。{%p … %} 控制行必须单独成段、成对出现，见 templates/编辑说明.md",
            kind="template",
        ) from None
    except SecurityError as exc:
        raise XxgkError(f"{where} 中的占位符试图访问不允许的内容（{exc}），已拒绝生成", kind="unsafe") from None
    except TemplateError as exc:
        raise XxgkError(f"{where} 无法生成报告（{exc}）", kind="template") from None
    except (XMLSyntaxError, zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise XxgkError(
            f"{where} 已损坏或不是 Word 文档（{exc}）：请用 Word/WPS 另存为 .docx 后重试", kind="unreadable"
        ) from None
    buf = io.BytesIO()
    tpl.save(buf)
    return fit_issuer_mark(reproducible_zip(buf.getvalue()))
