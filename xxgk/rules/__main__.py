"""python -m xxgk.rules --list: the rule catalogue (id, severity, formats, where it runs, title)."""

from __future__ import annotations

import sys
import unicodedata

from . import RULES, SCOPES, catalogue, where_it_runs


def pad(text: str, width: int) -> str:
    """`text` padded to `width` terminal columns (a CJK character takes two)."""
    used = sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)
    return text + " " * max(1, width - used)


def listing() -> str:
    head = ("规则", 10), ("级别", 11), ("格式", 12), ("范围", 8), ("运行于", 16)
    lines = ["".join(pad(t, w) for t, w in head) + "内容"]
    for r in RULES.values():
        cells = (r.id, r.severities, "、".join(r.formats), SCOPES[r.scope], where_it_runs(r))
        lines.append("".join(pad(t, w) for t, (_, w) in zip(cells, head)) + r.title)
    return "\n".join(lines) + "\n"


README_BEGIN, README_END = "<!-- 规则表：由 python -m xxgk.rules --readme 生成，请勿手工修改 -->", "<!-- 规则表结束 -->"


def readme_with_catalogue(text: str) -> str:
    """The README's text with its rule table regenerated from the registry."""
    head, rest = text.split(README_BEGIN, 1)
    _, tail = rest.split(README_END, 1)
    return f"{head}{README_BEGIN}\n{catalogue()}\n{README_END}{tail}"


def main(argv=None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv == ["--readme"]:  # a checkout's README.md, rewritten in place (make workbooks)
        from pathlib import Path

        readme = Path(__file__).resolve().parents[2] / "README.md"
        readme.write_text(readme_with_catalogue(readme.read_text(encoding="utf-8")), encoding="utf-8")
        print(readme)
        return 0
    if argv not in ([], ["--list"]):
        print("用法：python -m xxgk.rules --list | --readme", file=sys.stderr)
        return 2
    sys.stdout.write(listing())
    return 0


if __name__ == "__main__":
    sys.exit(main())
