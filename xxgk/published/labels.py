"""Printed labels of the national form, normalised so that real reports' spellings match.

The labels come from the Form (workbook/forms/*.toml), never retyped here. What normalisation removes:
full/half width (NFKC), whitespace and line breaks inside a cell, punctuation and quotes, the leading
numbering (一、 （三） 1. 1、 ①), and a trailing parenthetical remark. VARIANTS lists the few other
spellings seen in published reports, each mapped to the form's label.
"""

from __future__ import annotations

import re
import unicodedata

from ..form import Form

_NUMBERING = re.compile(r"^(?:[（(]?[一二三四五六七八九十]+[)）、.．]|[（(]\d+[)）]|\d+[、.．)）]|[①-⑳])+")
_REMARK = re.compile(r"[（(][^（()）]*(?:[)）])?$")  # also a remark cut off by a line end
_DROP = re.compile(r"[\s\u00a0\u200b\u3000“”\"'‘’「」《》〈〉、，,。.．:：;；·•\-—_/]+")

# Spellings seen in published reports → the form's label (normalised both sides).
VARIANTS = {
    "本年废纸件数": "本年废止件数",  # 平潭综合实验区公安局 2021
    "社会公益": "社会公益组织",
    "合计": "总计",
}


def norm(text: str | None) -> str:
    """A label as compared: NFKC, no whitespace or punctuation (numbering kept)."""
    return _DROP.sub("", unicodedata.normalize("NFKC", text or ""))


def core(text: str | None) -> str:
    """A label without its numbering and trailing remark: '（二）部分公开（区分处理的…）' → '部分公开'."""
    t = unicodedata.normalize("NFKC", text or "").strip()
    t = re.sub(r"\s+", "", t)
    t = _NUMBERING.sub("", t)
    stripped = _REMARK.sub("", t)
    t = stripped or t
    t = norm(t)
    return norm(VARIANTS.get(t, t))


class FormLabels:
    """Lookups from a normalised printed label to the form's keys, for one format."""

    def __init__(self, form: Form):
        self.form = form
        raw = form.raw
        self.t3_columns = {core(text): key for key, text in raw["t3"]["columns"]}
        self.t3_rows: dict[str, str] = {}
        for row in raw["t3"]["rows"]:
            self.t3_rows.setdefault(core(row["label"]), row["key"])
        self.t4_columns = {core(text): key for key, text in raw["t4"]["columns"]}
        self.t4_rows = {core(r["label"]): r["key"] for r in raw["t4"]["rows"]}
        self.t4_groups = {core(r["group"]) for r in raw["t4"]["rows"] if r.get("group")}
        self.t2_captions = {core(b["caption"]): b for b in raw["t2"]["blocks"]}
        self.t2_header_first = core(raw["t2"]["blocks"][0]["header"][0])  # 信息内容

    def t2_column(self, block: dict, text: str) -> str | None:
        want = core(text)
        for key, head in zip(block["columns"], block["header"][1:]):
            if core(head) == want:
                return key
        return None

    def t2_row(self, text: str) -> tuple[dict, str] | None:
        """A 表二 row label → (its block, row key), searching every block (a report may drop a caption)."""
        want = core(text)
        for block in self.form.raw["t2"]["blocks"]:
            for key, label in block["rows"]:
                if core(label) == want:
                    return block, key
        return None


# Labels that only one of the two formats prints (decides the format of a report from what it shows).
def format_markers(form: Form) -> set[str]:
    """Normalised labels of `form` that the other format does not print."""
    from ..form import load_form, other_format

    def labels(f: Form) -> set[str]:
        return {core(lab.text) for lab in f.labels if lab.role in ("header", "rowhead", "caption") and lab.text}

    return labels(form) - labels(load_form(other_format(form.format)))
