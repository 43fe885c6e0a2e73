"""Talking to the user from a ribbon action: Excel's message boxes, status bar and file dialogs, and
opening what was written. Everything goes through Excel (or the system), never through a console.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from ..errors import XxgkError

TITLE = "信息公开年报"
MSO_FILE_PICKER, MSO_FOLDER_PICKER = 3, 4  # Application.FileDialog types


def alert(app, message: str, buttons: str = "ok", critical: bool = False) -> str:
    """A message box; the button pressed ("ok", "yes", "no", "cancel")."""
    return app.alert(message, TITLE, buttons=buttons, mode="critical" if critical else "info")


def may_overwrite(app, paths) -> bool:
    """True when none of `paths` exists, or the user agrees to replace those that do."""
    existing = [str(p) for p in paths if p.exists()]
    return (
        not existing
        or alert(app, "以下文件已存在：\n" + "\n".join(existing) + "\n\n是否覆盖？", buttons="yes_no") == "yes"
    )


def status(app, text: str | None) -> None:
    """Excel's status bar (None gives it back to Excel)."""
    app.status_bar = text if text else False


def pick_folder(app, prompt: str) -> str | None:
    if sys.platform == "darwin":
        return _choose_on_mac(f'choose folder with prompt "{prompt}"')
    dialog = app.api.FileDialog(MSO_FOLDER_PICKER)
    dialog.Title = prompt
    dialog.AllowMultiSelect = False
    return dialog.SelectedItems(1) if dialog.Show() == -1 else None


def pick_file(app, prompt: str, kinds: str, suffixes: tuple[str, ...], folder: Path | None = None) -> str | None:
    """One file of the given suffixes (".xlsx" …), described to the user as `kinds`; None when cancelled."""
    if sys.platform == "darwin":
        types = ", ".join(f'"{s.lstrip(".")}"' for s in suffixes)
        return _choose_on_mac(f'choose file with prompt "{prompt}" of type {{{types}}}')
    dialog = app.api.FileDialog(MSO_FILE_PICKER)
    dialog.Title = prompt
    dialog.AllowMultiSelect = False
    dialog.Filters.Clear()
    dialog.Filters.Add(kinds, ";".join(f"*{s}" for s in suffixes))
    if folder is not None:
        dialog.InitialFileName = str(folder) + os.sep
    return dialog.SelectedItems(1) if dialog.Show() == -1 else None


def _choose_on_mac(command: str) -> str | None:
    """macOS: Excel's FileDialog is not scriptable there; the system chooser is (cancel → None)."""
    done = subprocess.run(["osascript", "-e", f"POSIX path of ({command})"], capture_output=True, text=True)
    if done.returncode != 0:  # cancelled
        return None
    return done.stdout.strip() or None


def open_file(path: Path) -> None:
    """Open a written file in the program the system associates with it (Word, a PDF reader, a browser)."""
    if sys.platform == "win32":
        os.startfile(str(path))  # noqa: S606 - our own output file
    else:
        subprocess.Popen(
            ["open" if sys.platform == "darwin" else "xdg-open", str(path)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )


def office_pdf(docx: Path, pdf: Path) -> None:
    """Windows without LibreOffice: let Word (or WPS 文字) save the report as PDF."""
    try:
        import win32com.client  # pywin32 comes with xlwings on Windows
    except ImportError:
        raise XxgkError("生成 PDF 需要 LibreOffice 或 Word，本机都没有找到", kind="tool_missing") from None
    last = None
    for progid in ("Word.Application", "KWPS.Application"):
        try:
            word = win32com.client.DispatchEx(progid)
        except Exception as exc:  # pywintypes.com_error: not installed
            last = exc
            continue
        try:
            document = word.Documents.Open(str(docx), ReadOnly=True)
            document.ExportAsFixedFormat(str(pdf), 17)  # wdExportFormatPDF
            document.Close(False)
            return
        except Exception as exc:
            last = exc
        finally:
            word.Quit()
    raise XxgkError(
        f"无法用 Word 生成 PDF（{last}）。可在 Word 中打开报告后另存为 PDF", file=str(docx), kind="tool_failed"
    )
