"""Usage errors: not one of our workbooks, unreadable files, bad arguments. Bad data is a finding, not an error."""
from __future__ import annotations


class XxgkError(Exception):
    """An error the user must fix before anything can be checked. `message` is Chinese and says what to do."""

    def __init__(self, message: str, *, file: str | None = None, code: int = 2):
        self.message = message
        self.file = file
        self.code = code
        super().__init__(f"{file}: {message}" if file else message)

    def __str__(self) -> str:
        return f"{self.file}：{self.message}" if self.file else self.message


def file_error(exc: OSError, path, what: str) -> XxgkError:
    """An OSError met while opening an input file, as the message a user can act on."""
    if isinstance(exc, FileNotFoundError):
        return XxgkError("文件不存在", file=str(path))
    if isinstance(exc, IsADirectoryError):
        return XxgkError(f"这是一个文件夹，不是{what}", file=str(path))
    return XxgkError(f"无法读取文件（{exc.strerror}）", file=str(path))
