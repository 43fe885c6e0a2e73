"""`python -I -m xxgk.excel <action> --wb=<name> --from_xl=1 --hwnd=<n>`: what XxgkRibbon.OnAction runs.

Exit 0 when the user has been told what happened inside Excel (also when the action failed: the
message box said why); exit 2 when Excel could not be reached, after writing the message to
%APPDATA%\\xxgk\\last-error.txt, which the VBA then shows.
"""

from __future__ import annotations

import os
import sys
import traceback


def parse(argv: list[str]) -> tuple[str, dict[str, str]]:
    """The action and the --key=value options (the contract of xlwings' Book.caller())."""
    action, options = "", {}
    for arg in argv:
        if arg.startswith("--"):
            key, _, value = arg[2:].partition("=")
            options[key] = value
        elif not action:
            action = arg
    return action, options


class NotConnected(Exception):
    pass


def connect(options: dict[str, str]):
    """(app, book) for the Excel window that called; book is None when no workbook is open."""
    try:
        import xlwings as xw
    except ImportError:
        raise NotConnected(
            '本环境没有安装 xlwings。请运行：pip install "xxgk[excel]"，再运行 xxgk addin install'
        ) from None
    name = options.get("wb", "")
    try:
        if name:
            book = xw.Book.caller()  # reads --wb, --from_xl and --hwnd from sys.argv
            return book.app, book
        if sys.platform == "win32":
            from xlwings import _xlwindows

            return xw.App(impl=_xlwindows.App(xl=int(options["hwnd"]))), None
        return xw.apps.active, None
    except Exception as exc:  # COM and AppleEvent errors have no common base worth naming
        raise NotConnected(
            f"无法连接到 Excel 中的工作簿“{name}”（{exc}）。如果它是从邮件打开的、处于“受保护的视图”，"
            "请先点击“启用编辑”，再点击按钮。"
        ) from None


def main(argv: list[str] | None = None, connect=connect) -> int:
    from ..addin import LOG_FILE, clear_last_error, config_dir, version_mismatch, write_last_error
    from ..errors import XxgkError
    from .actions import ACTIONS, Call
    from .ui import alert

    action, options = parse(sys.argv[1:] if argv is None else argv)
    for name in ("stdout", "stderr"):  # pythonw has no console: a stray print must not fail the action
        if getattr(sys, name) is None:
            setattr(sys, name, open(os.devnull, "w", encoding="utf-8"))
    clear_last_error()
    if action not in ACTIONS:
        write_last_error(
            f"未知的按钮操作“{action[:40]}”：加载项与 xxgk 版本不一致，请运行 xxgk addin install 重新安装。"
        )
        return 2
    try:
        app, book = connect(options)
    except NotConnected as exc:
        write_last_error(str(exc))
        return 2
    warning = version_mismatch()
    if warning:
        alert(app, warning)
    try:
        ACTIONS[action](Call(app, book))
    except XxgkError as exc:
        alert(app, str(exc), critical=True)
    except PermissionError as exc:
        alert(
            app,
            f"无法写入文件：{exc.filename}\n文件可能正在 Word、Excel 或其他程序中打开，请关闭后重试。",
            critical=True,
        )
    except OSError as exc:
        alert(app, f"无法读写文件：{exc.filename or ''}（{exc.strerror or exc}）", critical=True)
    except MemoryError:
        alert(app, "内存不足，文件可能过大或已损坏。", critical=True)
    except Exception as exc:  # the last net: a message box, and the details for the maintainers
        log = config_dir() / LOG_FILE
        try:
            log.parent.mkdir(parents=True, exist_ok=True)
            with log.open("a", encoding="utf-8") as fh:
                fh.write(f"--- {action} {options.get('wb', '')}\n{traceback.format_exc()}\n")
        except OSError:
            pass
        alert(app, f"内部错误：{exc.__class__.__name__}: {exc}\n详细信息已记入 {log}，请发给维护者。", critical=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
