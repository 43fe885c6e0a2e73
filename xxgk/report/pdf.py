"""Convert the rendered .docx to PDF/A-2b (tagged) with LibreOffice headless.

One `soffice --convert-to` call with a private, throw-away profile (parallel conversions never share a
profile, and the user's own LibreOffice settings play no part). On Linux the PDF uses whatever fonts
fontconfig finds: pass `fonts_conf` (e.g. templates/fonts.conf, the test aliases, or a file listing the
agency's licensed fonts) to set FONTCONFIG_FILE for this conversion only.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path

from ..errors import XxgkError

# PDF/A-2b with structure tags (LibreOffice ≥ 7.4 accepts JSON filter options), see document.md §0.1 and §4.
PDF_FILTER = (
    'pdf:writer_pdf_Export:{"SelectPdfVersion":{"type":"long","value":"2"},'
    '"UseTaggedPDF":{"type":"boolean","value":"true"}}'
)

INSTALL_HINT = (
    "请安装 LibreOffice（Debian/Ubuntu：apt-get install libreoffice-writer；Windows/macOS：从 "
    "libreoffice.org 下载），或设置环境变量 SOFFICE 指向 soffice 程序"
)


def soffice_path() -> str | None:
    """The LibreOffice executable: $SOFFICE, else soffice / libreoffice on PATH; None when there is none."""
    for candidate in (os.environ.get("SOFFICE"), "soffice", "libreoffice"):
        if candidate and shutil.which(candidate):
            return shutil.which(candidate)
    return None


def _kill(proc: subprocess.Popen) -> None:
    """Stop the conversion we started: its whole process group (soffice → oosplash → soffice.bin)."""
    try:
        if os.name == "posix":
            os.killpg(proc.pid, signal.SIGKILL)
        else:  # pragma: no cover
            proc.kill()
    except (ProcessLookupError, PermissionError):
        pass
    proc.communicate()


def docx_to_pdf(docx_path, pdf_path, timeout: float = 120, fonts_conf=None) -> Path:
    """Write `pdf_path` (PDF/A-2b, tagged) from `docx_path`; returns the PDF's path.

    Raises XxgkError (Chinese) when LibreOffice is missing, does not finish within `timeout` seconds,
    or writes no PDF. An existing `pdf_path` is replaced only when the conversion succeeded.
    """
    docx_path, pdf_path = Path(docx_path), Path(pdf_path)
    if not docx_path.is_file():
        raise XxgkError("文件不存在", file=str(docx_path), kind="not_found")
    [pdf] = convert_many([docx_path.read_bytes()], timeout=timeout, fonts_conf=fonts_conf)
    staging = pdf_path.with_name(f".{pdf_path.name}.xxgk-tmp")
    try:
        staging.write_bytes(pdf)
        os.replace(staging, pdf_path)
    except OSError as exc:
        staging.unlink(missing_ok=True)
        raise XxgkError(f"无法写入 PDF（{exc.strerror}）", file=str(pdf_path), kind="output") from None
    return pdf_path


def convert_many(docxs: list[bytes], timeout: float = 120, fonts_conf=None) -> list[bytes]:
    """The PDFs (PDF/A-2b, tagged) of several .docx packages, in order, from one LibreOffice run.

    LibreOffice's start-up is most of the cost of a conversion, so batches are much cheaper than single files.
    """
    env = None
    if fonts_conf is not None:
        fonts_conf = Path(fonts_conf).resolve()
        if not fonts_conf.is_file():
            raise XxgkError("字体配置文件不存在", file=str(fonts_conf), kind="not_found")
        env = {**os.environ, "FONTCONFIG_FILE": str(fonts_conf)}
    return convert([(blob, ".docx") for blob in docxs], PDF_FILTER, "pdf", timeout, env, what="PDF")


def convert(
    sources: list[tuple[bytes, str]],
    filter_: str,
    ext: str,
    timeout: float = 120,
    env: dict | None = None,
    what: str = "PDF",
) -> list[bytes]:
    """Convert files ((content, suffix) each) with LibreOffice headless in one run, with a private, throw-away
    profile and temporary folder → the outputs' bytes, in order.

    Raises XxgkError (Chinese) when LibreOffice is missing, does not finish within `timeout` seconds, or
    writes no output for one of the files. Ctrl-C stops LibreOffice and leaves no temporary file behind.
    """
    exe = soffice_path()
    if exe is None:
        raise XxgkError(
            f"找不到 LibreOffice（soffice），无法生成 {what}：{INSTALL_HINT}。"
            + ("Word 文档（.docx）不受影响，也可以用 Word/WPS 打开后“另存为 PDF”" if ext == "pdf" else ""),
            kind="tool_missing",
        )
    env = dict(env or os.environ)
    with tempfile.TemporaryDirectory(prefix="xxgk-lo-") as tmp:
        tmp = Path(tmp)
        profile, indir, outdir, scratch = tmp / "profile", tmp / "in", tmp / "out", tmp / "tmp"
        for d in (profile, indir, outdir, scratch):
            d.mkdir()
        for name in ("TMPDIR", "TMP", "TEMP"):  # LibreOffice's own temporary files go where ours go, and with them
            env[name] = str(scratch)
        env["DCONF_PROFILE"] = os.devnull  # nor does it leave a dconf database in the user's home (an empty profile)
        paths = []
        for i, (blob, suffix) in enumerate(sources):
            paths.append(indir / f"report{i}{suffix.lower()}")  # ASCII names: --outdir keeps only the basename
            paths[-1].write_bytes(blob)
        cmd = [
            exe,
            "--headless",
            "--norestore",
            "--nolockcheck",
            "--nodefault",
            "--nologo",
            f"-env:UserInstallation={profile.as_uri()}",
            "--convert-to",
            filter_,
            "--outdir",
            str(outdir),
            *map(str, paths),
        ]
        try:
            proc = subprocess.Popen(
                cmd,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
                env=env,
                start_new_session=(os.name == "posix"),
            )
        except OSError as exc:
            raise XxgkError(
                f"无法启动 LibreOffice（{exe}：{exc.strerror}）：{INSTALL_HINT}", kind="tool_failed"
            ) from None
        try:
            out, err = proc.communicate(timeout=timeout)
        except BaseException as exc:  # a timeout, or Ctrl-C: LibreOffice must not outlive us nor refill the temp folder
            _kill(proc)
            if not isinstance(exc, subprocess.TimeoutExpired):
                raise
            raise XxgkError(
                f"LibreOffice 在 {timeout:g} 秒内没有完成 {what} 转换，已停止。请关闭其他正在运行的 "
                "LibreOffice 后重试"
                + ("；Word 文档（.docx）已生成，也可以用 Word/WPS 另存为 PDF" if ext == "pdf" else ""),
                kind="tool_failed",
            ) from None
        outputs = []
        for path in paths:
            result = outdir / f"{path.stem}.{ext}"
            if not result.is_file() or result.stat().st_size == 0:
                detail = " ".join((err or out or "").split())[-300:]
                raise XxgkError(
                    f"LibreOffice 没有生成 {what}（退出码 {proc.returncode}"
                    + (f"，输出：{detail}" if detail else "")
                    + "）。请确认文件能用 Word/WPS 打开",
                    kind="tool_failed",
                )
            outputs.append(result.read_bytes())
    return outputs
