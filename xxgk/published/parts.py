"""The text of a published report: title and issuer lines, preamble, the six parts, signature and date.

Parts are split at the six part headings (the form's, the longer names of the notices' body text, and
the spellings real reports print), in order; a heading for part k is only taken after part k−1, with the numeral of
part k or a later one (a report that numbered a table of its own as a part).
"""

from __future__ import annotations

import re
import unicodedata

from ..form import Form

_NUMERALS = "一二三四五六"
# What a heading of part k says after its numeral (any of these words), besides the form's own heading.
_KEYWORDS = {
    1: ("总体情况",),
    2: ("主动公开",),
    3: ("收到和处理", "依申请公开", "申请情况"),
    4: ("行政复议", "行政诉讼"),
    5: ("问题",),
    6: ("其他需要报告", "其他事项"),
}
HEADING_MAX = 40
_DATE = re.compile(r"^(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日$|^(\d{4})-(\d{1,2})-(\d{1,2})$")
_DOC_NUMBER = re.compile(r"〔\d{4}〕\s*\d+\s*号$")
_FOOTER = re.compile(r"^(?:主办单位|承办单位|版权所有|网站标识码|\S{0,2}ICP备)")
_YEAR = re.compile(r"(20\d{2})\s*年(?:度)?")


def _plain(text: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


def heading_of(text: str, form: Form, after: int) -> tuple[int, str] | None:
    """(part number, text run in after the heading) when `text` starts with the heading of a part > after."""
    t = text.strip()
    plain = _plain(t)
    for k in range(after + 1, 7):
        template = _plain(form.parts[k - 1])
        if plain.startswith(template):
            rest = t[_run_in_offset(t, template) :].lstrip("：: \u3000")
            return k, rest
        # its own numeral, or a later one where the report numbered a table of its own as a part (五、信息处理费
        # 收取情况, then 六、存在的主要问题…)
        m = re.match(rf"^[{_NUMERALS[k - 1 :]}]\s*[、.．]\s*(.*)$", t)
        if m and len(plain) <= HEADING_MAX and any(w in plain for w in _KEYWORDS[k]):
            return k, ""
    return None


def _run_in_offset(text: str, plain_prefix: str) -> int:
    """The index in `text` just past `plain_prefix` (which ignores spaces and width)."""
    seen = 0
    for i, ch in enumerate(text):
        if seen >= len(plain_prefix):
            return i
        if _plain(ch):
            seen += len(_plain(ch))
    return len(text)


def iso_date(text: str) -> str | None:
    m = _DATE.match(_plain(text).replace("年", "年").strip())
    if not m:
        return None
    y, mo, d = [int(x) for x in (m.group(1, 2, 3) if m.group(1) else m.group(4, 5, 6))]
    return f"{y:04d}-{mo:02d}-{d:02d}"


def split(paragraphs: list[str], form: Form) -> tuple[dict[str, str], dict[str, str], list[str]]:
    """→ (text parts, info, headings found as 'k:text'). Title and issuer lines go to info, not text."""
    info: dict[str, str] = {}
    parts: dict[str, list[str]] = {k: [] for k in ("preamble", "part1", "part2", "part3", "part4", "part5", "part6")}
    current, found = 0, []
    head = []
    for text in paragraphs:
        h = heading_of(text, form, current)
        if h:
            current = h[0]
            found.append(f"{current}:{text.strip()}")
            if h[1]:
                parts[f"part{current}"].append(h[1])
            continue
        if current == 0:
            head.append(text)
        else:
            parts[f"part{current}"].append(text)
    # Before the preamble: the title (the last short paragraph naming a year and 年度报告), and above it the
    # red-header issuer mark and the document number; anything else there is the page around the report.
    titles = [
        i
        for i, p in enumerate(head)
        if len(_plain(p)) <= 80 and _YEAR.search(_plain(p)) and ("年度报告" in _plain(p) or "年报" in _plain(p))
    ]
    cut = titles[-1] + 1 if titles else 0
    if titles:
        info["title"] = head[titles[-1]].strip()
    for p in head[: cut - 1 if titles else 0]:
        plain = _plain(p)
        if _DOC_NUMBER.search(plain) and len(plain) <= 40:
            info["doc_number"] = p.strip()
        elif plain.endswith("文件") and len(plain) <= 40:
            info["issuer_mark"] = p.strip()
        else:
            info["before_title"] = info.get("before_title", 0) + 1
    parts["preamble"] = head[cut:]
    # After the last part: the signature, the date, and the 版记 (抄送, 印发机关 and 印发日期) or page chrome (a web
    # page's footer: 主办单位…, 网站标识码…, ICP备…).
    last = parts[f"part{current}"] if current else []
    while last and _FOOTER.match(_plain(last[-1])):  # the web page's footer, printed after the report
        last.pop()
        info["page_footer"] = info.get("page_footer", 0) + 1
    dates = [i for i, p in enumerate(last) if iso_date(p)]
    if dates:
        i = dates[-1]
        info["date"] = iso_date(last[i])
        for p in last[i + 1 :]:
            plain = re.sub(r"\s+", "", p)
            m = re.match(r"^(.*?)(\d{4}年\d{1,2}月\d{1,2}日)印发$", plain)
            if plain.startswith("抄送"):
                info["cc"] = re.sub(r"^抄送[:：]", "", plain).rstrip("。")
            elif m:
                info["printer"], info["print_date"] = m.group(1), iso_date(m.group(2))
            else:
                info.setdefault("after_date", 0)
                info["after_date"] += 1
        del last[i:]
        if last and len(_plain(last[-1])) <= 40 and not re.search(r"[。；;，,]", last[-1]):
            info["signature"] = last.pop().strip()
    return {k: "\n".join(p.strip() for p in v if p.strip()) for k, v in parts.items()}, info, found


def year_of(texts: list[str]) -> int | None:
    """The report year named first in the title or preamble (统计期限…2023年1月1日 / 2023年度报告)."""
    for text in texts:
        m = _YEAR.search(_plain(text))
        if m:
            return int(m.group(1))
    return None
