"""Plain text already extracted from a report (e.g. `pdftotext -layout`, or a Markdown copy): best effort.

Paragraphs are runs of lines (a blank line, an indented line or a heading starts a new one). A table
line is a label followed by value tokens, split at '|' or at runs of two or more spaces. Text has no
grid, so a row is placed by its label and its values are taken in the national form's column order —
and only when the row has exactly the form's number of columns and the column labels were printed
above it in that order. Everything else is listed as not placed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..errors import XxgkError
from ..form import Form
from .document import Document
from .html import decode
from .labels import FormLabels, core, norm
from .tables import Placement
from .values import is_value

MAX_BYTES = 20 * 1024 * 1024
_SPLIT = re.compile(r"\s*\|\s*|\s{2,}|\t|\u3000{2,}")
_RULE = re.compile(r"^[\s|:\-—=+]*$")
_INDENT = re.compile(r"^(?:\s{2,}|\u3000)")


@dataclass
class Row:
    label: str  # the last label fragment of the line, with the fragments of a label wrapped in its cell
    labels: list[str]
    values: list[str]
    line: int
    column: int = -1  # where the label starts on its line (to recognise its wrapped lines)


_NUMBERED = re.compile(r"^(?:[（(][一二三四五六七八九十]+[)）]|[一二三四五六七八九十]+、|\d+[.．、])")
WRAP_SLACK = 4  # columns a wrapped line of a label may start left or right of its first line


def _fragment(line: str) -> tuple[str, int]:
    """The last label fragment of a line without values, and the column it starts at."""
    tokens = [t for t in _SPLIT.split(line.rstrip()) if t.strip()]
    if not tokens:
        return "", -1
    return tokens[-1].strip(), line.rstrip().rfind(tokens[-1])


def read(blob: bytes, name: str) -> tuple[Document, list[Row], str]:
    if len(blob) > MAX_BYTES:
        raise XxgkError(f"文本文件过大（{len(blob) // 1048576} MB），不像年度报告", file=name, kind="too_large")
    text = decode(blob, name).replace("\r\n", "\n").replace("\f", "\n")
    doc, rows, para = Document("txt"), [], []
    pending: list[tuple[str, int, str]] = []  # (fragment, column, line) above a row whose values come later
    last_was_row = False  # the previous line was a table row or a wrapped line of its label
    for n, raw in enumerate(text.split("\n"), 1):
        line = raw.rstrip()
        stripped = line.strip().lstrip("#").strip()
        if _RULE.match(line):
            if para:
                doc.add_text("".join(para))
                para = []
            para += [raw_line for _, _, raw_line in pending]  # not a label after all: text, never dropped
            pending = []
            if not line.strip():
                last_was_row = False
            continue
        tokens = [t for t in _SPLIT.split(line.strip().strip("|")) if t != ""]
        values = []
        while tokens and is_value(tokens[-1]) and tokens[-1].strip():
            values.insert(0, tokens.pop())
        if tokens and not values and "|" not in line:
            words = tokens[-1].split()
            while len(words) > 1 and is_value(words[-1]):
                values.insert(0, words.pop())
            if values:
                tokens[-1] = " ".join(words)
        if values and (tokens or pending):
            own = tokens[-1] if tokens else ""
            column = line.find(own) if own else -1
            if pending and (not own or abs(pending[-1][1] - column) <= WRAP_SLACK):
                # a label printed on several lines, its values beside a later line: "2.其他法律行政法规" / "0 0 …"
                own = "".join(f for f, c, _ in pending if abs(c - pending[-1][1]) <= WRAP_SLACK) + own
                column = pending[-1][1]
            rows.append(Row(own, tokens or [own], values, n, column))
            pending, last_was_row = [], True
            if para:
                doc.add_text("".join(para))
                para = []
            continue
        if rows:  # after the first table row: a line of a wrapped label, above or below its values
            fragment, column = _fragment(line)
            prev = rows[-1]
            if (
                last_was_row
                and fragment
                and prev.column >= 0
                and abs(column - prev.column) <= WRAP_SLACK
                and not _NUMBERED.match(fragment)
                and len(fragment) <= 20
            ):
                prev.label += fragment  # the rest of the label of the row above: "禁止公开"
                continue
            if fragment and _NUMBERED.match(fragment) or pending:
                pending.append((fragment, column, stripped))
                last_was_row = False
                continue
        if para and (_INDENT.match(raw) or line.lstrip().startswith("#") or len(stripped) < 30):
            doc.add_text("".join(para))
            para = []
        para.append(stripped)
    if para:
        doc.add_text("".join(para))
    return doc, rows, text


def place(rows: list[Row], text: str, form: Form) -> Placement:
    lab, out = FormLabels(form), Placement()
    flat = norm(text)
    t3_cols = [k for k, _ in form.raw["t3"]["columns"]]
    t4_cols = [k for k, _ in form.raw["t4"]["columns"]]
    t3_ok = all(_present(flat, t) for _, t in form.raw["t3"]["columns"])
    t4_ok = _in_order(flat, [t for _, t in form.raw["t4"]["columns"]]) or all(
        _present(flat, t) for _, t in form.raw["t4"]["columns"]
    )
    t4_context = None
    for row in rows:
        key = lab.t3_rows.get(core(row.label)) or _unique_prefix(lab.t3_rows, core(row.label))
        where = f"第 {row.line} 行"
        if key and len(row.values) == len(t3_cols) and t3_ok:
            for ckey, v in zip(t3_cols, row.values):
                out.put(form, f"t3.{key}.{ckey}", v, where)
            continue
        t2 = lab.t2_row(row.label)
        if t2 and len(row.values) == len(t2[0]["columns"]):
            for ckey, v in zip(t2[0]["columns"], row.values):
                out.put(form, f"t2.{t2[1]}.{ckey}", v, where, _unit(t2[0], ckey))
            continue
        t4_keys = [k for k, _ in ((r["key"], 0) for r in form.raw["t4"]["rows"])]
        if t4_ok and len(row.values) == len(t4_keys) * len(t4_cols):
            for i, v in enumerate(row.values):
                out.put(form, f"t4.{t4_keys[i // len(t4_cols)]}.{t4_cols[i % len(t4_cols)]}", v, where)
            continue
        if t4_ok and len(row.values) == len(t4_cols):
            t4_context = _t4_row(text, row.line, lab)
            if t4_context:
                for ckey, v in zip(t4_cols, row.values):
                    out.put(form, f"t4.{t4_context}.{ckey}", v, where)
                continue
        out.unplaced.append(f"{where}“{row.label}”及其 {len(row.values)} 个数字未能对应到国家格式的表格")
    return out


def _unit(block: dict, ckey: str) -> str | None:
    head = block["header"][1 + block["columns"].index(ckey)]
    return "万元" if "万元" in head else None


def _in_order(flat: str, labels: list[str]) -> bool:
    at = 0
    for label in labels:
        i = flat.find(norm(label), at)
        if i < 0:
            return False
        at = i
    return True


def _present(flat: str, label: str, window: int = 400) -> bool:
    """Whether a column label is printed, also when its characters are stacked in a narrow column and the
    text came out interleaved with its neighbours' ("自 商 / 然人 业"): its characters in order, close together."""
    want = norm(label)
    start = flat.find(want[:1])
    while start >= 0:
        at, ok = start, True
        for ch in want[1:]:
            at = flat.find(ch, at + 1, start + window)
            if at < 0:
                ok = False
                break
        if ok:
            return True
        start = flat.find(want[:1], start + 1)
    return False


def _unique_prefix(rows: dict[str, str], label: str) -> str | None:
    """A label cut by a line break: the one form row whose label starts with it (at least 4 characters)."""
    if len(label) < 4:
        return None
    hits = {key for text, key in rows.items() if text.startswith(label) or label.startswith(text)}
    return hits.pop() if len(hits) == 1 else None


def _t4_row(text: str, line: int, lab: FormLabels) -> str | None:
    """The 表四 row named in the nearest heading line above `line` (行政复议 / 未经复议直接起诉 / 复议后起诉)."""
    lines = text.split("\n")[: line - 1]
    for prev in reversed(lines[-6:]):
        p = norm(prev)
        for label, key in sorted(lab.t4_rows.items(), key=lambda kv: -len(kv[0])):
            if label in p:
                return key
    return None
