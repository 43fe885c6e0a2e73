"""Plain text already extracted from a report (e.g. `pdftotext -layout`, or a Markdown copy): best effort.

Paragraphs are runs of lines: a blank line, an indented line or a heading starts a new one, and so does
a line after one that ended short — unless what the line begins with could not have fitted there (the
line was broken early before "〔2022〕8号"). A page break (form feed) does not end a paragraph. A table
line is a label followed by value tokens, split at '|' or at runs of two or more spaces. Text has no
grid, so a row is placed by its label and its values are taken in the national form's column order —
and only when the row has exactly the form's number of columns and the column labels were printed
above it in that order. A label wrapped in its cell prints around its row's numbers, interleaved with
the group labels beside it (`pdftotext -layout`): when the line's own label is no row of the form, the
fragments between the rows above and below that spell exactly one form label, numbering and all, name
the row (and only if no other row has that label). A blank cell prints nothing, so a row with fewer
numbers than columns is never placed. Everything else is listed as not placed.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from ..errors import XxgkError
from ..form import Form
from .document import Document
from .html import decode
from .labels import FormLabels, core, norm
from .pdf import tidy, unbreakable
from .tables import Placement
from .values import ideographs, is_value

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


TABLE_GAP = 6  # lines above and below a row of numbers where its wrapped label may print

_NUMBERED = re.compile(r"^(?:[（(][一二三四五六七八九十]+[)）]|[一二三四五六七八九十]+、|\d+[.．、])")
WRAP_SLACK = 4  # columns a wrapped line of a label may start left or right of its first line


SHORT = 8  # columns (four Chinese characters) short of a full line: the last line of a paragraph, unless
# what the next line begins with would not have fitted


FIT = 2  # columns of slack: the widths of text columns are those of the PDF's characters only roughly


def _label_like(text: str) -> bool:
    """Whether text could be (a line of) a table's label: short, and no sentence (no comma or full stop)."""
    return len(text) <= LABEL_MAX and not re.search(r"[，。；：,;:]", text)


LABEL_MAX = 24  # characters of a label cell's line


def _width(text: str) -> int:
    """Columns a line takes: a Chinese character two, a Latin letter or digit one (the spaces the PDF's text
    puts between them not counted)."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in tidy(text))


def _first_run(text: str) -> str:
    """What a line begins with that cannot be broken: had it fitted, the line above would have held it."""
    return text[: unbreakable(text)]


def _fragment(line: str) -> tuple[str, int]:
    """The last label fragment of a line without values, and the column it starts at."""
    tokens = [t for t in _SPLIT.split(line.rstrip()) if t.strip()]
    if not tokens:
        return "", -1
    return tokens[-1].strip(), line.rstrip().rfind(tokens[-1])


def read(blob: bytes, name: str) -> tuple[Document, list[Row], str]:
    if len(blob) > MAX_BYTES:
        raise XxgkError(f"文本文件过大（{len(blob) // 1048576} MB），不像年度报告", file=name, kind="too_large")
    text = ideographs(decode(blob, name)).replace("\r\n", "\n").replace("\f", "")  # a page break: the text goes on
    doc, rows, para = Document("txt"), [], []
    prose = [ln.strip() for ln in text.split("\n") if ln.strip() and not _SPLIT.search(ln.strip())]
    # the width of a full line of the text: most lines of a paragraph are full; the widest line may be wider
    # (a line of many digits, which pdftotext spaces by their own width)
    widths = sorted(_width(ln) for ln in prose)
    full = widths[len(widths) * 9 // 10] if widths else 0
    pending: list[tuple[str, int, str]] = []  # (fragment, column, line) above a row whose values come later

    def add_line(line: str, numbered: bool = False) -> None:
        """A line of text: it starts a paragraph when indented, numbered or a heading (#), or when the line
        above ended short although what this one begins with would have fitted there."""
        nonlocal para
        stripped = line.strip().lstrip("#").strip()
        short = bool(para) and _width(para[-1]) < full - SHORT
        if short and _width(para[-1] + _first_run(stripped)) > full - FIT:
            short = False  # what this line begins with would not have fitted: the line above was broken early
        if para and (numbered or _INDENT.match(line) or line.lstrip().startswith("#") or short):
            doc.add_text("".join(para))
            para = []
        para.append(stripped)

    def as_text(lines: list[tuple[str, int, str]]) -> None:
        """Lines held as a possible label that were none after all: text, never dropped."""
        for fragment, _, line in lines:
            add_line(line, numbered=bool(_NUMBERED.match(fragment)))

    last_was_row = False  # the previous line was a table row or a wrapped line of its label
    for n, raw in enumerate(text.split("\n"), 1):
        line = raw.rstrip()
        if _RULE.match(line):
            if para:
                doc.add_text("".join(para))
                para = []
            as_text(pending)
            pending = []
            if not line.strip():
                last_was_row = False
            continue
        tokens = [t for t in _SPLIT.split(line.strip().strip("|")) if t != ""]
        values = []
        while tokens and is_value(tokens[-1]) and tokens[-1].strip():
            words = tokens.pop().split()  # "1 859": two numbers one space apart, never one number 1859
            values[:0] = words if all(is_value(w) for w in words) else [" ".join(words)]
        if tokens and "|" not in line:  # "行政规范性文件 5" (one space between a label and a value) …
            words = tokens[-1].split()
            split = []
            while len(words) > 1 and is_value(words[-1]):
                split.insert(0, words.pop())
            if split and (values or _label_like(" ".join(words))):  # … never a sentence ending "全区 2023"
                values[:0] = split
                tokens[-1] = " ".join(words)
        near = bool(rows) and n - rows[-1].line <= 2 * TABLE_GAP  # within a table: a number alone is a row too
        if values and (tokens or pending or len(values) > 1 or near):  # a row of numbers alone: its label around
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
                pending.append((fragment, column, line))
                last_was_row = False
                continue
        add_line(line)
    as_text(pending)
    if para:
        doc.add_text("".join(para))
    doc.blocks = [tidy(b) if isinstance(b, str) else b for b in doc.blocks]
    return doc, rows, text


def place(rows: list[Row], text: str, form: Form) -> Placement:
    lab, out = FormLabels(form), Placement()
    lines = text.split("\n")
    later: list[tuple[Row, str, str, str]] = []  # rows whose label is put together from the lines around them
    flat = norm(text)
    t3_cols = [k for k, _ in form.raw["t3"]["columns"]]
    t4_cols = [k for k, _ in form.raw["t4"]["columns"]]
    t3_ok = all(_present(flat, t) for _, t in form.raw["t3"]["columns"])
    t4_ok = _in_order(flat, [t for _, t in form.raw["t4"]["columns"]]) or all(
        _present(flat, t) for _, t in form.raw["t4"]["columns"]
    )
    t4_context = None
    for row in rows:
        key = lab.t3_rows.get(core(row.label))
        where = f"第 {row.line} 行"
        if not key and lab.t2_row(row.label) is None:
            found = _assembled(rows, row, lines, lab, form, t3_ok)
            if found:
                later.append((row, *found))
                continue
            key = _unique_prefix(lab.t3_rows, core(row.label))
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
        if t4_ok and len(row.values) == len(t4_keys) * len(t4_cols) and _t4_header_above(rows, row, lines, lab):
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
    # A label put together from the fragments around its numbers counts only when no other row has it.
    claimed = [row_id for _, _, row_id, _ in later]
    for row, table, row_id, label in later:
        where = f"第 {row.line} 行"
        if claimed.count(row_id) > 1 or any(k.startswith(f"{table}.{row_id}.") for k in out.values):
            out.unplaced.append(f"{where}的 {len(row.values)} 个数字：行“{label}”已有别的数字，未采用")
            continue
        block = lab.t2_row(label)[0] if table == "t2" else None
        for ckey, v in zip(block["columns"] if block else t3_cols, row.values):
            out.put(form, f"{table}.{row_id}.{ckey}", v, where, _unit(block, ckey) if block else None)
    return out


_NUMBERING = re.compile(r"^(?:\d{1,2}[.．、]?|[（(][一二三四五六七八九十][）)])")


def _pieces(line: str, n: int) -> list[tuple[int, int, str]]:
    return [(n, m.start(), m.group()) for m in re.finditer(r"\S+", line)]


def _assembled(rows: list[Row], row: Row, lines: list[str], lab: FormLabels, form: Form, t3_ok: bool):
    """(table, row key, label) of the one form row whose label, numbering and all, is spelt exactly by fragments
    printed around `row`'s numbers (between the rows above and below, in reading order, skipping the fragments
    of the group labels beside them): "3.要求提供公开出版" / "（五） 0 0 …" / "物" / "不予处理". None when no
    label or more than one is spelt, or the row's count of numbers is not that table's."""
    i = rows.index(row)
    top = max(rows[i - 1].line + 1 if i else 1, row.line - TABLE_GAP)
    bottom = min(rows[i + 1].line - 1 if i + 1 < len(rows) else len(lines), row.line + TABLE_GAP)
    pieces = []
    for n in range(top, bottom + 1):
        line = lines[n - 1]
        got = _pieces(line, n)
        if n == row.line:  # its own line: the fragments left of its numbers
            while got and is_value(got[-1][2]):
                got.pop()
        pieces += got
    labels: dict[str, tuple[str, str, str]] = {}  # printed label → (table, row key, the form's label)
    if t3_ok and len(row.values) == len(form.raw["t3"]["columns"]):
        labels.update({norm(r["label"]): ("t3", r["key"], r["label"]) for r in form.raw["t3"]["rows"]})
    for block in form.raw["t2"]["blocks"]:
        if len(row.values) == len(block["columns"]):
            labels.update({norm(label): ("t2", key, label) for key, label in block["rows"]})
    # The numbering of a wrapped label stands centred in its own column, so it is printed between the label's
    # lines ("其他法律行" / "2." / "政法规禁止公开"): a label may be spelt with its numbering found after its start.
    unnumbered = {_NUMBERING.sub("", label, count=1) for label in labels}
    found = set()
    for start in range(len(pieces)):
        acc, best, numbered = "", None, False
        for _, _, piece in pieces[start:]:
            cand = acc + piece
            if not acc and not norm(cand):
                break
            if acc and not numbered and _NUMBERING.fullmatch(piece):
                cand = piece + acc
            has_number = bool(_NUMBERING.match(norm(cand)))
            if any(label.startswith(norm(cand)) for label in labels) or (
                not has_number and any(label.startswith(norm(cand)) for label in unnumbered)
            ):
                acc, numbered = cand, has_number
                best = labels.get(norm(acc), best)
            elif not acc:
                break
        if best:
            found.add(best)
    return found.pop() if len(found) == 1 else None


def _t4_header_above(rows: list[Row], row: Row, lines: list[str], lab: FormLabels) -> bool:
    """Whether the 表四 row labels (行政复议 … 复议后起诉) are printed in the form's order above a row of its
    numbers (between it and the row before)."""
    i = rows.index(row)
    top = rows[i - 1].line if i else 0
    above = norm("".join(lines[top : row.line - 1]))
    return _in_order(above, list(lab.t4_rows))


def table_labels_only(paragraphs: list[str], form: Form) -> list[str]:
    """The paragraphs that are only the printed labels of the form's tables (a caption "第二十条第（一）项", a header
    line "信息内容 本年制发件数 …"): lines of a table, not text."""
    labels = {norm(lab.text) for lab in form.labels if lab.role in ("caption", "header", "rowhead", "note")} - {""}
    longest = max(map(len, labels), default=0)

    def only_labels(text: str) -> bool:
        t = norm(text)
        ok = [True] + [False] * len(t)  # ok[i]: t[:i] is a run of labels
        for i in range(1, len(t) + 1):
            ok[i] = any(ok[j] and t[j:i] in labels for j in range(max(0, i - longest), i))
        return bool(t) and ok[-1]

    return [p for p in paragraphs if only_labels(p)]


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
    hits = {key for text, key in rows.items() if len(text) >= 4 and (text.startswith(label) or label.startswith(text))}
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
