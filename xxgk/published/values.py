"""One printed table cell → a number of the cell's type, blank, or the text as printed.

Blank stays blank (None); 0 is 0; full-width digits and thousands separators are read; a money cell
keeps its unit; anything else ("—", "/", "无", "5件") is kept as the printed text, never coerced, so
that the check (S-04) says what the report printed.
"""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal, InvalidOperation

from ..data import MAX_NUMBER

_SPACE = re.compile(r"[\s\u00a0\u200b\u3000]+")
_NUMBER = re.compile(r"[+-]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?")
MONEY_UNITS = ("万元", "元")
DASHES = {"-", "—", "——", "–", "－", "/", "／", "无", "空", "×", "\\"}


# Some PDF producers (Chromium among them) map a glyph that a CJK font shares between a radical and an
# ideograph to the radical's code point, so 人民 comes out as ⼈⺠. Kangxi radicals have compatibility
# mappings (NFKC); the supplement's simplified radicals do not, so they are listed (Unicode's
# EquivalentUnifiedIdeograph.txt) — only those, since NFKC on the whole text would also turn （） into ().
_RADICALS = {cp: unicodedata.normalize("NFKC", chr(cp)) for cp in range(0x2F00, 0x2FD6)}
_RADICALS.update(
    {
        ord(r): i
        for r, i in zip(
            "⺟⺠⻄⻅⻆⻈⻉⻋⻓⻔⻗⻘⻙⻚⻛⻜⻝⻠⻢⻣⻤⻥⻦⻧⻨⻩⻪⻬⻮⻰⻳",
            "母民西见角讠贝车长门雨青韦页风飞食饣马骨鬼鱼鸟卤麦黄黾齐齿龙龟",
        )
    }
)


def ideographs(text: str) -> str:
    """The text with CJK radicals that stand for ideographs (⼈⺠ → 人民) given as those ideographs."""
    return text.translate(_RADICALS)


def clean(text: str | None) -> str:
    return _SPACE.sub("", unicodedata.normalize("NFKC", text or ""))


def parse(text: str | None, money: bool = False):
    """→ (value, unit): value is int | Decimal | None (blank) | str (printed text, not a number)."""
    t = clean(text)
    if not t:
        return None, None
    unit = None
    if money:
        for u in MONEY_UNITS:
            if t.endswith(u) and len(t) > len(u):
                t, unit = t[: -len(u)], u
                break
    if _NUMBER.fullmatch(t):
        try:
            value = Decimal(t.replace(",", ""))
        except InvalidOperation:  # pragma: no cover - the pattern admits only decimals
            return clean(text), None
        if abs(value) >= MAX_NUMBER:
            return clean(text), None
        return (int(value) if value == value.to_integral_value() and "." not in t else value), unit
    return clean(text), None


def is_value(text: str | None) -> bool:
    """Whether a cell reads as a table value (a number, blank or a dash-like mark), not a label."""
    t = clean(text)
    if not t or t in DASHES or _NUMBER.fullmatch(t):
        return True
    for u in MONEY_UNITS + ("件", "个", "项"):
        if t.endswith(u) and _NUMBER.fullmatch(t[: -len(u)]):
            return True
    return False
