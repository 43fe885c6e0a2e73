"""Errors a user must fix before anything can be checked: unreadable files, bad arguments, outputs that cannot be
written. Bad data is a finding (xxgk/rules/), not an error. Each error has a stable code (its kind), listed in
ERROR_KINDS and in the README: scripts and the office above can tell them apart without reading the Chinese."""

from __future__ import annotations

ERROR_KINDS = {
    "usage": "命令用法有误：参数、选项或它们的组合不对",
    "not_found": "文件或文件夹不存在",
    "no_input": "没有找到可读取或可计入的报表",
    "unreadable": "文件无法读取：已损坏、不完整，或不是所需的文件类型（如 .xls、.ods）",
    "encrypted": "文件设置了打开密码",
    "unsafe": "文件疑似恶意构造（压缩炸弹、XML 实体膨胀等），拒绝读取",
    "too_large": "文件或其中的内容超过上限",
    "not_ours": "不是 xxgk 年报工作簿",
    "not_a_report": "不是政府信息公开工作年度报告（导入已发布的报告时）",
    "wrong_format": "年报格式与年度或另一文件不符，或不是已知的格式",
    "wrong_year": "报告年度不对（早于 2019 年，或上一年度文件不是上一年的）",
    "structure_changed": "工作簿的结构被改动，数字或文字无法按原位置准确读取",
    "bad_data": "JSON 数据文件或单位名单的内容不能使用",
    "findings": "校验发现错误，未生成正式报告（可加 --draft 生成草稿）",
    "output": "输出无法写入：已存在、是文件夹、目录不存在、只读或不可写",
    "template": "报告模板有问题",
    "tool_missing": "缺少所需的外部程序（LibreOffice、xlwings 等）",
    "tool_failed": "外部程序（LibreOffice、Word、pip）运行失败或超时",
    "package": "加载项或安装包无法生成、安装或卸载",
    "excel": "Excel 中的操作无法完成（如工作簿尚未保存）",
}


class XxgkError(Exception):
    """An error the user must fix. `message` is Chinese and says what to do; `kind` is one of ERROR_KINDS;
    `code` is the exit code (2, or 1 for `findings`)."""

    def __init__(self, message: str, *, kind: str, file: str | None = None, code: int = 2):
        if kind not in ERROR_KINDS:
            raise ValueError(f"unknown error kind {kind!r}")
        self.message = message
        self.kind = kind
        self.file = file
        self.code = code
        super().__init__(f"{file}: {message}" if file else message)

    def __str__(self) -> str:
        return f"{self.file}：{self.message}" if self.file else self.message


def file_error(exc: OSError, path, what: str) -> XxgkError:
    """An OSError met while opening an input file, as the message a user can act on."""
    if isinstance(exc, FileNotFoundError):
        return XxgkError("文件不存在", file=str(path), kind="not_found")
    if isinstance(exc, IsADirectoryError):
        return XxgkError(f"这是一个文件夹，不是{what}", file=str(path), kind="usage")
    return XxgkError(f"无法读取文件（{exc.strerror}）", file=str(path), kind="unreadable")
