"""Numbers the staff write in the text, compared with the tables (rules.md G: N-01…N-04, N-07).

识别的说法（引言和第一至第六部分；阿拉伯数字、全角数字、千分位“1,234”、中文数字“十二”“一百零五”“两”；
量词“件”“起”“宗”，“条”“份”“个”“件次”仅限申请/案件）：
- N-01  收到/受理/接收/接到/新收 政府信息公开申请（依申请公开事项、申请书）N 件 → 表三“一、本年新收”总计；
        “未收到/没有收到/未接收到……申请（依申请公开）”“无依申请公开事项”→ 0。“春城街道收到”：以街道为名的是本机关。
        同一段还提到“结转”“共（计）办理”“（含……）”时，N 可能是新收加上年结转：等于其一即可，都不等时指出语句有歧义并给出两个值。
        只说本机关一部分或代为受理的（“其中县政府本级收到”“市政府办公厅代表市政府受理”“市政府及政府办受理”）：
        文中没有写全机关的数字时才比较，不等时的提示写明这句话所说的范围，请用户确认表三所填的范围。
- N-01b 办结/答复/回复/办理完毕 N 件 →（七）总计；“共办理 N 件”→（七）总计或新收+上年结转；
        同一句在其后另写逾期未补正、撤销申请的，“办结 N 件”不读。
- N-01c 结转下年度/转入下一年度/顺延 N 件 → 四、结转下年度继续办理；上年结转 N 件 → 二、上年结转；
        上一年写成年份（“2022年结转”）、下一年写成年份（“结转至2024年”）亦然。
- N-02  行政复议 N 件/起 → 表四行政复议总计；行政诉讼 N 件 → 未经复议直接起诉与复议后起诉总计之和（“直接起诉”“复议后起诉”
        各对一列）；“未发生/没有……行政复议、行政诉讼”“均为 0”→ 0；维持/纠正（纠错、败诉）/其他结果/尚未审结 N 件；
        “均获维持/全部维持/均结果维持”，一件案件后单说“结果维持”→ 所说各块每件都是结果维持且总数大于 0（“已审结的均获维持”
        只看已审结的）；“均无纠错”“均未被纠错”“未发生被……纠错或败诉”“均胜诉”→ 所说各块没有结果纠正（败诉、胜诉说的是
        行政诉讼）。第一至三部分的句子须提到信息公开，或所在段落说的是信息公开且句中没有别的事项（行政行为、处罚、许可……）。
- N-03  规章、（行政）规范性文件：2021 格式 制发（印发、制定、出台）/废止/现行有效（继续有效）N 件，数字在名词前后均可
        （“公布15件现行有效规范性文件”）；“无现行有效的规范性文件”→ 0；清理、梳理后“继续有效 N 件”→ 现行有效，
        提示写明表二是 12 月 31 日的件数；2019 格式 新制作/新公开/对外公开总数 N 件。
- N-04  予以公开、部分公开、不予公开、无法提供、不予处理、其他处理 N 件（并列的相加，如“予以公开及部分公开 N 件”）→
        表三该行或该组之和；只写理由的子项（“本机关不掌握 N 件”“属于四类过程性信息 N 件”“重复申请 N 件”“逾期未补正 N 件”）
        → 该子项；同一句另有本组子项的件数时，组名（“其他处理 N 件”）不读；“予以公开的占 X%”→ 表中该项 ÷ 总数。
- N-07  “N 件，占 X%”（“N 件、占 X%”）：X 须等于 N 除以某个总数——（七）总计、本年新收、新收+上年结转或文中写出的收到/办结
        总数，按印出的小数位允许一个末位的误差。
不识别（宁可不报）：提到其他年份（上年结转、下年结转除外），或只说某月、某季度、上半年的句子及紧随其后以“其中”开头的句子；
同比、较上年、增加、减少、近年来；约、近、余、多、以上、左右、每、各、第 N、分别；文号、条例第 N 条、序号、电话、金额、日期；
书名号和引号里的数字；主动公开信息 N 条；发布、公开规范性文件 N 件；清理中废止的件数；“现行……制发”；按申请人类别、申请渠道、
涉及事项、下属单位分列的数字；一个小句有两种读法（“收到并办结 N 件”）；行政复议机关自己办理的复议案件；
表中对应单元格空白或非整数。每部分只读前 5 万字，超过 1500 字的“句子”不读。

Understood (preamble and parts 1–6; Arabic, full-width, "1,234" and Chinese numerals; counters 件/起/宗, 条/份/个/件次
only for 申请/案件): N-01 received (收到/受理/新收, 依申请公开事项) → t3.new_received.total, "未收到…申请" → 0; when the
paragraph also mentions 结转/共计办理 the number may be new + carried over (either passes; neither → "ambiguous" with
both values); a number said for part of the body (本级, 其中, 代表, 政府及政府办) is compared only when no number for the
whole body is written, and the warning names the scope; N-01b 办结/答复/回复 → t3.total.total; N-01c 结转下年度/顺延 →
carry_forward, 上年结转 → carried_over (the years named too); N-02 行政复议 / 行政诉讼 counts, zero claims,
维持/纠正/纠错/败诉/尚未审结 breakdowns, 均获维持 / 结果维持 (all upheld) and 无纠错 / 未败诉 / 均胜诉 (none corrected);
N-03 规章/规范性文件 counts of 表二, 无现行有效 → 0, 继续有效 after a clean-up; N-04 outcome counts, sub-rows named by
their reason, and shares; N-07 "N 件，占 X%" consistent with N ÷ a total (table's or stated). Skipped: other years,
months/quarters, changes, approximations, ordinals, quoted text, breakdowns by applicant, channel, topic or sub-unit,
clauses with two readings, blank cells. Precision over recall: when unsure, nothing is reported.
"""

from __future__ import annotations

import re
import sys
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache
from pathlib import Path

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

from ..data import TEXT_KEYS
from ..findings import Finding
from ..form import Form
from . import narrative as N
from .registry import Context

QUOTE_WIDTH = 60
MAX_SENTENCE = 1500  # longer "sentences" are lists or pasted tables, not claims: skipped
MAX_PART = 50_000  # characters read per part (a real part has a few thousand); bounds the work on hostile files
MAX_TOTALS = 50  # totals the text states, kept as possible bases of shares

# -- the vocabulary (claims.toml) ----------------------------------------------------------------------------

VOCABULARY = tomllib.loads((Path(__file__).with_name("claims.toml")).read_text(encoding="utf-8"))
_P = {k: re.compile(v) for k, v in VOCABULARY.items() if isinstance(v, str)}

# -- numbers ---------------------------------------------------------------------------------------------

_FULLWIDTH = {
    **{0xFF10 + i: 0x30 + i for i in range(10)},
    ord("％"): ord("%"),
    ord("．"): ord("."),
    0x3000: 0x20,
    ord("\t"): 0x20,
}
_CN_DIGIT = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_CN_UNIT = {"十": 10, "百": 100, "千": 1000}
_CN = "零〇一二两三四五六七八九十百千万"


def _cn_section(s: str) -> int | None:
    """A Chinese numeral below 10000 in its standard form (十二, 一百零五, 两千三百); None when malformed."""
    if not s:
        return 0
    total, pending, last_unit, zero_seen = 0, None, 10**5, False
    for i, ch in enumerate(s):
        if ch in _CN_UNIT:
            unit = _CN_UNIT[ch]
            if unit >= last_unit:
                return None
            if pending is None:
                if i == 0 and unit == 10:
                    pending = 1  # 十二
                else:
                    return None
            total += pending * unit
            pending, last_unit, zero_seen = None, unit, False
        else:
            d = _CN_DIGIT[ch]
            if d == 0:
                if pending is not None or zero_seen or i == 0:
                    return None
                zero_seen = True
                continue
            if pending is not None:
                return None  # 二三: two digits in a row
            pending = d
    if pending is not None:
        # 一百五 is colloquially 150: ambiguous, refuse unless the last unit was 十 or a 零 came before
        if last_unit not in (10, 10**5) and not zero_seen:
            return None
        total += pending
    return total


def cn_to_int(s: str) -> int | None:
    """一 → 1, 十二 → 12, 一百零五 → 105, 两千 → 2000, 一万零三 → 10003. 零 alone, 两三 (a few) and
    malformed numerals → None."""
    if not s or len(s) > 12:
        return None
    if all(ch in _CN_DIGIT for ch in s):
        return _CN_DIGIT[s] if len(s) == 1 and _CN_DIGIT[s] > 0 else None
    if s.count("万") > 1:
        return None
    if "万" in s:
        high, low = s.split("万")
        h = _cn_section(high) if high else None
        if not h:
            return None
        if low and not (low[0] in "零〇" or "千" in low[:2]):
            return None  # 一万二 (12000, colloquial): refuse
        low = low[1:] if low[:1] in ("零", "〇") else low
        lo = _cn_section(low)
        return None if lo is None else h * 10000 + lo
    return _cn_section(s)


def parse_number(text: str) -> int | None:
    text = text.strip()
    if not text:
        return None
    if text[0].isdigit():
        digits = text.replace(",", "")
        return int(digits) if digits.isdigit() and len(digits) < 16 else None
    return cn_to_int(text)


def normalise(text: str) -> str:
    """Full-width digits, ％ and spaces → ASCII, one character for one, so positions stay those of the original."""
    return text.translate(_FULLWIDTH)


_COUNT = _P["count"]
_PCT = _P["pct"]
_HARD = "，,；;：:。！？!?\n（）()【】[]"
_ALLOWED_AFTER = _P["allowed_after"]
_PREFIX_ANY = _P["prefix_any"]
_PREFIX_CN = _P["prefix_cn"]
_RANGE = _P["range"]
_YEAR = _P["year"]
_MONTH = _P["month"]
_PARTIAL = _P["partial"]

# -- what a clause speaks about -----------------------------------------------------------------------------

_DOMAIN_OUT = _P["domain_out"]
_APPLICANTS_ALL = _P["applicants_all"]
_DELTA = _P["delta"]
_APPLICATION = _P["application"]
_DISCLOSURE = _P["disclosure"]

_CARRY_FWD = _P["carry_fwd"]
_CARRY_IN = _P["carry_in"]
_NEW_STRICT = _P["new_strict"]
_NEW = _P["new"]
_HANDLED = _P["handled"]
_HANDLED_LOOSE = _P["handled_loose"]
_NOT_DONE = _P["not_done"]
_AMBIGUOUS_NEW = _P["ambiguous_new"]
_OUTCOME = _P["outcome"]
_OUTCOME_KEY = VOCABULARY["outcome_keys"]
_ROW_WORDS = [(re.compile(p), key) for p, key in VOCABULARY["row_words"].items()]

# 表四: the subject of a clause. Longest first so that 复议后起诉 is not read as 复议.
_SUBJECT = _P["subject"]
_T4_ROWS = {
    "review": ("review",),
    "lit": ("lit_direct", "lit_after_review"),
    "direct": ("lit_direct",),
    "after": ("lit_after_review",),
}
_T4_COL = _P["t4_col"]
_T4_OUT = _P["t4_out"]
_T4_OTHER_WORDS = _P["t4_other_words"]
_NEGATION = _P["negation"]
_ALL_ZERO = _P["all_zero"]
_ALL_UPHELD = _P["all_upheld"]
_UPHELD_ALONE = _P["upheld_alone"]
_NONE_CORRECTED = _P["none_corrected"]
_NONE_RECEIVED = _P["none_received"]
# between 未/没有 and 行政复议: only words that keep the claim about every case (not 因答复不当引起的 …)
_NONE_MID = _P["none_mid"]
_TOTAL_WORD = _P["total_word"]
_RESPECTIVELY = _P["respectively"]
_SUB_COUNT = re.compile(VOCABULARY["scope"] + "|" + VOCABULARY["sub_unit"])  # a part of the total
_T4_COL_WORDS = _P["t4_col_words"]


def _subject_kinds_of(kinds) -> set[str]:
    """“未经复议直接起诉的行政诉讼” names one row: the generic 行政诉讼 gives way to the precise one."""
    kinds = set(kinds)
    if "lit" in kinds and kinds & {"direct", "after"}:
        kinds.discard("lit")
    return kinds


def _subject_kinds(matches) -> list[str]:
    """The 表四 rows named, in the table's order."""
    kinds = _subject_kinds_of(m.lastgroup for m in matches)
    return [k for k in _T4_ROWS if k in kinds]


_DECIDED_ONLY = _P["decided_only"]

# 表二
_T2_SUBJECT = _P["t2_subject"]
_T2_OUT = _P["t2_out"]
_T2_VERB_NAME = VOCABULARY["t2_verb_names"]
_PCT_ATTACH = _P["pct_attach"]
_PCT_MID = _P["pct_mid"]


class _Words:
    """The words of one format: the verbs of 表二 (claims.toml), and the table labels the messages name, from the form."""

    def __init__(self, form: Form):
        rows = form.t3_rows
        self.outcome_label = {}
        for group in ("granted", "partial", "denied", "unable", "not_processed", "other"):
            row = next(r for r in rows if r["key"] == group or r["key"].startswith(group + "."))
            label = row["label"] if row["key"] == group else row["group"][-1]
            self.outcome_label[group] = re.sub(r"（[^（）]*）$", "", label)  # （二）部分公开 without its remark
        self.outcome_name = {
            g: re.sub(r"^（[一二三四五六七八九十]+）", "", label) for g, label in self.outcome_label.items()
        }
        t4 = {r["key"]: r for r in form.raw["t4"]["rows"]}
        direct, after = t4["lit_direct"], t4["lit_after_review"]
        self.subject_name = {
            "review": t4["review"]["label"],
            "lit": direct["group"],
            "direct": f"{direct['label']}的{direct['group']}",
            "after": f"{after['label']}的{after['group']}",
        }
        self.t4_col_name = dict(form.raw["t4"]["columns"])
        self.lit_sum = f"表四「{direct['group']}」{direct['label']}与{after['label']}的「{{col}}」之和"
        self.t2_verbs = [(col, re.compile(p)) for col, p in VOCABULARY["t2_verbs"][form.format].items()]
        self.t2_row_name = {key: text for block in form.raw["t2"]["blocks"] for key, text in block["rows"]}


@cache
def words(fmt: str) -> _Words:
    from ..form import load_form

    return _Words(load_form(fmt))


@dataclass
class _Token:
    start: int
    end: int  # after the counter
    value: int
    unit: str


@dataclass
class _Quantity:
    ids: tuple[str, ...]
    label: str


@dataclass
class _Sentence:
    part: str
    raw: str  # as written
    s: str  # normalised, same length
    app_ctx: bool  # the paragraph so far, or the heading before it, speaks of 申请
    disc_ctx: bool  # … of 信息公开 / 依申请公开
    para_amb: bool = False  # the paragraph mentions 结转 / （含…）: 收到 N 件 may include the carried-over ones
    counts: list[_Token] = field(default_factory=list)
    starts: list[int] = field(default_factory=list)  # starts of the counts
    bounds: list[int] = field(default_factory=list)  # ends of every count/percent: clause boundaries too
    hard: list[int] = field(default_factory=list)  # positions of clause punctuation
    subjects: list[re.Match] = field(default_factory=list)  # 表四 subjects
    t2_subjects: list[re.Match] = field(default_factory=list)
    dens: list | None = None


def _masked(s: str) -> list[tuple[int, int]]:
    spans = []
    for m in _P["quoted"].finditer(s):
        spans.append((m.start(), m.end()))
    return spans


class _Scanner:
    def __init__(self, ctx: Context):
        self.ctx, self.data, self.form, self.v = ctx, ctx.data, ctx.form, ctx.data.cells
        self.words = words(ctx.form.format)
        self.findings: list[Finding] = []
        self.seen_totals: list[int] = []  # 收到/办结/办理 numbers the text states: bases a share may use
        self.text_totals: list[int] = []
        self.collecting = False
        self.whole_new = False  # the text states the number of applications the whole body received

    # -- table side --------------------------------------------------------------------------------------
    def value(self, ids) -> int | None:
        total = 0
        for cid in ids:
            if cid not in self.form.cells:
                return None
            x = self.v.get(cid)
            if x is None or isinstance(x, bool) or x != int(x):
                return None  # blank (S-04) or not a count (V-01): nothing to compare
            total += int(x)
        return total

    def where(self, ids) -> str:
        cells = [self.form.cells[i] for i in ids if i in self.form.cells]
        if not cells:
            return ""
        sheets = dict.fromkeys(c.sheet for c in cells)
        out = []
        for sheet in sheets:
            addrs = [c.address for c in cells if c.sheet == sheet]
            cols = {re.match(r"[A-Z]+", a).group() for a in addrs}
            rows = [int(re.search(r"\d+", a).group()) for a in addrs]
            if len(addrs) > 2 and len(cols) == 1 and rows == list(range(rows[0], rows[0] + len(rows))):
                out.append(f"{sheet} {addrs[0]}:{addrs[-1]}")
            else:
                shown = "、".join(addrs[:6]) + ("等" if len(addrs) > 6 else "")
                out.append(f"{sheet} {shown}")
        return "；".join(out)

    def t3(self, row: str) -> _Quantity:
        cid = f"t3.{row}.total"
        return _Quantity((cid,), self.form.cells[cid].label)

    def outcome(self, groups: list[str]) -> _Quantity:
        ids = []
        for g in groups:
            ids += [f"t3.{r['key']}.total" for r in self.form.t3_rows if r["key"] == g or r["key"].startswith(g + ".")]
        label = (
            "表三「"
            + "」「".join(self.words.outcome_label[g] for g in groups)
            + "」"
            + ("之和" if len(ids) > 1 else "")
        )
        if len(ids) == 1:
            label = self.form.cells[ids[0]].label
        return _Quantity(tuple(ids), label + ("（总计列）" if len(ids) > 1 else ""))

    def t4(self, subject: str, col: str) -> _Quantity:
        rows = _T4_ROWS[subject]
        ids = tuple(f"t4.{r}.{col}" for r in rows)
        if len(ids) == 1:
            return _Quantity(ids, self.form.cells[ids[0]].label)
        return _Quantity(ids, self.words.lit_sum.format(col=self.words.t4_col_name[col]))

    def part_name(self, key: str) -> str:
        if key == "preamble":
            return "引言"
        return self.form.parts[int(key[-1]) - 1] if key[-1].isdigit() else key

    # -- reporting ---------------------------------------------------------------------------------------
    def quote(self, sen: _Sentence, start: int, end: int) -> str:
        raw = sen.raw.strip()
        off = len(sen.raw) - len(sen.raw.lstrip())
        start, end = max(0, start - off), max(0, end - off)
        if len(raw) <= QUOTE_WIDTH:
            return raw
        half = max(0, (QUOTE_WIDTH - (end - start)) // 2)
        a = max(0, start - half)
        b = min(len(raw), max(end + half, a + QUOTE_WIDTH))
        a = max(0, min(a, b - QUOTE_WIDTH))
        return ("…" if a > 0 else "") + raw[a:b] + ("…" if b < len(raw) else "")

    def add(self, entry, case: str, sen: _Sentence, ids, claimed, table, **fields):
        """A finding of `entry` (narrative.py): what the text says, the table's value, the sentence, its part."""
        if self.collecting:
            return
        self.findings.append(
            self.ctx.finding(
                entry,
                case,
                list(dict.fromkeys(ids)),
                claimed=claimed,
                table=table,
                sentence=sen.raw.strip(),
                part=sen.part,
                part_name=self.part_name(sen.part),
                **fields,
            )
        )

    def compare(
        self,
        entry,
        sen: _Sentence,
        tok_span,
        what: str,
        claimed: int,
        q: _Quantity,
        unit: str = "件",
        zero_claim: bool = False,
        case: str = "",
    ):
        table = self.value(q.ids)
        if table is None or table == claimed or self.collecting:
            return
        said = f"称{what}（即 0 {unit}）" if zero_claim else f"写{what} {claimed} {unit}"
        self.add(
            entry,
            case,
            sen,
            q.ids,
            claimed,
            table,
            quote=self.quote(sen, *tok_span),
            said=said,
            label=q.label,
            where=self.where(q.ids),
            unit=unit,
        )

    # -- scanning ----------------------------------------------------------------------------------------
    def run(self) -> list[Finding]:
        # Two passes: the first learns the totals the text states anywhere (收到 35 件 …), which a share
        # written elsewhere ("占 42.9%") may be of; the second reports.
        self.collecting = True
        self.scan()
        self.text_totals = list(dict.fromkeys(self.seen_totals))[:MAX_TOTALS]
        self.collecting = False
        self.scan()
        return self.findings

    def scan(self):
        for key in TEXT_KEYS:
            text = (self.data.text.get(key) or "")[:MAX_PART]
            heading = (False, False)
            for para in text.split("\n"):
                if not para.strip():
                    continue
                app, disc = heading
                amb = bool(_AMBIGUOUS_NEW.search(para))
                other = False  # the sentence before speaks of another period
                for m in _P["sentence"].finditer(para):
                    raw = m.group()
                    app = app or bool(_APPLICATION.search(raw))
                    disc = disc or bool(_DISCLOSURE.search(raw))
                    s = normalise(raw)
                    # "2022年上半年……。其中……": a sentence that goes on with the one before speaks of its period
                    other = self.other_period(s) or (other and bool(_P["continues"].match(s)))
                    if len(raw) <= MAX_SENTENCE and not other:
                        self.sentence(_Sentence(key, raw, s, app, disc, amb))
                stripped = para.strip()
                heading = (
                    (bool(_APPLICATION.search(stripped)), bool(_DISCLOSURE.search(stripped)))
                    if len(stripped) <= 40
                    else (False, False)
                )

    def other_period(self, s: str) -> bool:
        year = self.data.year
        for m in _YEAR.finditer(s):
            y = int(m.group(1)) if m.group(1) else int("".join(str(_CN_DIGIT[c]) for c in m.group(2)))
            if y == year:
                continue
            if year is not None and y == year + 1 and _P["carried_to_next_year"].search(s[: m.start()]):
                continue
            if year is not None and y == year - 1 and _P["carried_from_last_year"].match(s, m.end()):
                continue
            return True
        if _PARTIAL.search(s):
            return True
        for m in _MONTH.finditer(s):
            month, day = m.group(1), m.group(2)
            if (month, day) in (("1", "1"), ("一", "一"), ("12", "31"), ("十二", "三十一")):
                continue
            if month in ("12", "十二") and _P["year_end"].match(s[m.end() :]):
                continue
            return True
        return False

    def sentence(self, sen: _Sentence):
        s = sen.s
        masked = _masked(s)
        raw_counts = list(_COUNT.finditer(s))
        pcts = list(_PCT.finditer(s))
        sen.bounds = sorted({m.end() for m in raw_counts} | {m.end() for m in pcts})
        sen.hard = [i for i, ch in enumerate(s) if ch in _HARD]
        sen.subjects = list(_SUBJECT.finditer(s))
        sen.t2_subjects = list(_T2_SUBJECT.finditer(s))
        for m in raw_counts:
            tok = self.token(s, m, masked)
            if tok:
                sen.counts.append(tok)
        sen.starts = [t.start for t in sen.counts]
        used_pcts: set[int] = set()
        for tok in sen.counts:
            self.count_claim(sen, tok, used_pcts)
        for m in pcts:
            if m.start() not in used_pcts and not any(a <= m.start() < b for a, b in masked):
                self.share_claim(sen, m)
        self.zero_claims(sen)
        self.none_in_force(sen)
        self.favour(sen)

    def token(self, s: str, m: re.Match, masked) -> _Token | None:
        num, unit = m.group("num"), m.group("unit")
        start = m.start()
        if any(a <= start < b for a, b in masked):
            return None
        chinese = not num[0].isdigit()
        before = s[max(0, start - 6) : start]
        if chinese:
            # the numeral may sit inside a word (十九届, 进一步): the run must start a word of its own
            if num in ("零", "〇") or _PREFIX_CN.search(before):
                return None
            if num + unit == "一起" and (
                _P["together_before"].search(s[max(0, start - 12) : start])
                or not _P["one_case_after"].match(s[m.end() :])
            ):
                return None  # 一起 is "together" far more often than "one case"
        else:
            prev = s[start - 1] if start else ""
            if prev and (prev in ".,-/_:：" or prev.isascii() and prev.isalnum()):
                return None  # 0591-87552327, 3.5, A12
        if _PREFIX_ANY.search(before) or _RANGE.search(before):
            return None
        if not _ALLOWED_AFTER.match(s, m.end()):
            return None
        value = parse_number(num)
        if value is None:
            return None
        return _Token(start, m.end(), value, unit)

    # clause boundaries: punctuation, and the end of the previous number
    def left(self, sen: _Sentence, pos: int, limit: int = 50) -> tuple[int, str]:
        a = self.clause(sen, pos)[0]
        i = bisect_right(sen.bounds, pos) - 1
        if i >= 0:
            a = max(a, sen.bounds[i])
        a = max(a, pos - limit)
        return a, sen.s[a:pos]

    def right(self, sen: _Sentence, pos: int, limit: int = 30) -> str:
        b = self.clause(sen, pos)[1]
        i = bisect_left(sen.starts, pos)
        if i < len(sen.starts):
            b = min(b, sen.starts[i])
        return sen.s[pos : min(b, pos + limit)]

    @staticmethod
    def clause(sen: _Sentence, pos: int) -> tuple[int, int]:
        """The clause around `pos`: between the punctuation marks before and after it."""
        i = bisect_left(sen.hard, pos)
        a = sen.hard[i - 1] + 1 if i > 0 else 0
        b = sen.hard[i] if i < len(sen.hard) else len(sen.s)
        return a, b

    def t3_domain(self, sen: _Sentence, local: str, specific: bool) -> bool:
        """Is this clause about 政府信息公开申请? `specific`: the trigger word itself (新收, 结转, 予以公开 …) says so."""
        if _DOMAIN_OUT.search(_P["domain_keep"].sub("", _APPLICANTS_ALL.sub("", local))) or _SUBJECT.search(local):
            return False
        if not (_APPLICATION.search(sen.s) or (specific and (sen.app_ctx or sen.part == "part3"))):
            return False
        return sen.part == "part3" or sen.disc_ctx

    def t4_domain(self, sen: _Sentence) -> bool:
        """Part 四, a sentence that names 信息公开, or one in a paragraph about it that names no other matter."""
        if sen.part == "part4" or _DISCLOSURE.search(sen.s):
            return True
        return sen.disc_ctx and not _P["t4_domain_out"].search(sen.s)

    def nearest_subjects(self, sen: _Sentence, pos: int, t2: bool = False) -> set[str]:
        """The subjects (表四 rows, or 表二 rows) of the nearest clause before `pos` that names one."""
        found = sen.t2_subjects if t2 else sen.subjects
        before = [m for m in found if m.end() <= pos]
        if not before:
            return set()
        a, b = self.clause(sen, before[-1].start())
        return {m.lastgroup for m in before if a <= m.start() < b}

    # -- count claims ------------------------------------------------------------------------------------
    def count_claim(self, sen: _Sentence, tok: _Token, used_pcts: set[int]):
        a, left = self.left(sen, tok.start)
        right = self.right(sen, tok.end)
        local = left + "|" + right
        span = (a, tok.end)
        if _DELTA.search(left) or _RESPECTIVELY.search(left):
            return  # 同比增加 N 件; 予以公开、部分公开分别为 N 件、M 件
        if _SUBJECT.search(local) or (_T4_COL.search(left) and self.nearest_subjects(sen, tok.start)):
            if tok.unit in ("件", "起", "宗"):
                self.t4_count(sen, tok, left, right, span)
            return
        if tok.unit in ("起", "宗"):
            return
        if _T2_SUBJECT.search(local) or (
            any(p.search(left) for _, p in self.words.t2_verbs) and self.nearest_subjects(sen, tok.start, t2=True)
        ):
            if tok.unit == "件":
                self.t2_count(sen, tok, left, right, span)
            return
        if tok.unit != "件" and not _P["tiao_domain"].search(local):
            return
        claim = self.t3_count(sen, tok, left, right, span)
        self.percent(sen, tok, left, right, span, used_pcts, claim)

    def t3_count(self, sen, tok, left, right, span):
        """Returns the denominators a percentage of this count may use, or None when the clause is no t3 claim."""
        carry_fwd, carry_in = _CARRY_FWD.search(left), _CARRY_IN.search(left)
        outcomes = [_OUTCOME_KEY[m.group()] for m in _OUTCOME.finditer(left)]
        new, handled = _NEW.search(left), _HANDLED.search(left)
        loose = _HANDLED_LOOSE.search(left)
        if not (carry_fwd or carry_in or outcomes or new or handled or loose):
            # "另有申请 3 件因……顺延至下一年度办理": the verb after the number
            carry_fwd, carry_in = _CARRY_FWD.search(right), _CARRY_IN.search(right)
        local = left + "|" + right
        if carry_fwd or carry_in:
            if (carry_fwd and carry_in) or outcomes or new or handled or not self.t3_domain(sen, local, True):
                return None  # "办结上年结转申请 3 件": some of them, not all
            if carry_fwd:
                self.compare(N.N_01c, sen, span, "结转下年度继续办理", tok.value, self.t3("carry_forward"))
            else:
                self.compare(N.N_01c, sen, span, "上年结转", tok.value, self.t3("carried_over"))
            return None
        if outcomes:
            if _NOT_DONE.search(left) or not self.t3_domain(sen, local, True):
                return None
            groups = list(dict.fromkeys(outcomes))
            others = [self.left(sen, o.start)[1] for o in sen.counts if o is not tok]
            if any(key.startswith(g + ".") and p.search(x) for p, key in _ROW_WORDS for g in groups for x in others):
                return None  # "逾期未补正2件，其他处理5件": the group's word may mean the rest of the group
            q = self.outcome(groups)
            what = "及".join(self.words.outcome_name[g] for g in groups)
            self.compare(N.N_04, sen, span, what, tok.value, q)
            return ("outcome", groups)
        if _NOT_DONE.search(left):
            return None
        rows = {key for p, key in _ROW_WORDS if p.search(left)}
        if rows and not (new or handled or loose):
            # "本机关不掌握4件", "属于四类过程性信息1件": one sub-row of a result group, named by its reason
            key = rows.pop()
            row = next((r for r in self.form.t3_rows if r["key"] == key), None)
            if rows or row is None or not self.t3_domain(sen, local, True):
                return None
            cid = f"t3.{key}.total"
            what = re.sub(r"^\d+\.", "", row["label"])
            self.compare(N.N_04, sen, span, what, tok.value, _Quantity((cid,), self.form.cells[cid].label))
            return ("row", cid)
        kinds = [k for k, hit in (("new", new), ("handled", handled), ("loose", loose and not handled)) if hit]
        if len(kinds) != 1 or not self.t3_domain(sen, local, bool(_NEW_STRICT.search(left))):
            return None
        kind = kinds[0]
        strict = _NEW_STRICT.search(left)
        scope = kind == "new" and not strict and _P["scope"].search(left)
        if scope and not _P["sub_unit"].search(sen.s):  # "本级收到 10 件，各乡镇收到 5 件": a breakdown
            self.scoped_new(sen, span, tok.value, left)
            return ("count", kind)
        if (kind != "new" or not strict) and _SUB_COUNT.search(left):
            return None  # "各乡镇收到 80 件": a part of the total
        self.seen_totals.append(tok.value)
        if kind == "new":
            self.whole_new = True
            if strict or not sen.para_amb:
                self.new_claim(sen, span, tok.value)
            else:
                self.either(sen, span, tok.value, "收到（受理）申请", self.t3("new_received"), "本年新收")
        elif _P["handled_apart"].search(sen.s, tok.end):
            pass  # "按时办结66件，5件逾期未补正，2件撤销申请": what is 办结 leaves out results the table counts
        elif kind == "handled":
            self.compare(N.N_01b, sen, span, "办结（答复）申请", tok.value, self.t3("total"))
        else:
            self.either(sen, span, tok.value, "办理申请", self.t3("total"), "（七）总计", entry=N.N_01b)
        return ("count", kind)

    def scoped_new(self, sen, span, claimed: int, left: str):
        """N-01: “市政府办公厅代表市政府受理 N 件”, “其中县政府本级收到 N 件”: the number speaks for a part of the body
        (or for a body through its office). Compared only when the text states no number for the whole body; the
        warning names the scope, for the user to confirm which the table holds."""
        if self.whole_new:
            return  # the whole body's number is written too: this one is a part of it
        q = self.t3("new_received")
        new, carried = self.value(q.ids), self.value(("t3.carried_over.total",))
        if new is None or claimed in (new, new + (carried or 0)):
            return
        verb = _NEW.search(left)
        scope = _P["scope_trim"].sub("", left[: verb.start()]) or _P["scope"].search(left).group()
        self.add(
            N.N_01,
            "scope",
            sen,
            q.ids,
            claimed,
            new,
            quote=self.quote(sen, *span),
            scope=scope,
            label=q.label,
            where=self.where(q.ids),
        )

    def new_claim(self, sen, span, claimed, zero=False):
        self.whole_new = True
        q = self.t3("new_received")
        new, carried = self.value(q.ids), self.value(("t3.carried_over.total",))
        if new is None or new == claimed:
            return
        quote = self.quote(sen, *span)
        said = "称未收到政府信息公开申请（即 0 件）" if zero else f"写收到（受理）申请 {claimed} 件"
        hint = ""
        if not zero and carried and new + carried == claimed:
            hint = (
                f"该数字等于本年新收 {new} 件加上年结转 {carried} 件；如指两者之和，请写明“含上年结转 {carried} 件”"
                f"或分别写出本年新收和上年结转的件数。"
            )
        else:
            hint = "文字与表格不一致，请核对后改正文字或表格。"
        self.add(
            N.N_01,
            "",
            sen,
            q.ids,
            claimed,
            new,
            quote=quote,
            said=said,
            label=q.label,
            where=self.where(q.ids),
            hint=hint,
        )

    def either(self, sen, span, claimed, what, q1: _Quantity, name1: str, entry=N.N_01):
        """The number may be `q1` or 本年新收 + 上年结转: passes when it is either, else says the sentence is ambiguous."""
        v1 = self.value(q1.ids)
        new, carried = self.value(("t3.new_received.total",)), self.value(("t3.carried_over.total",))
        if v1 is None or new is None or carried is None:
            return
        both = new + carried
        if claimed in (v1, both):
            return
        ids = [*q1.ids, "t3.new_received.total", "t3.carried_over.total"]
        self.add(
            entry,
            "ambiguous",
            sen,
            ids,
            claimed,
            v1,
            quote=self.quote(sen, *span),
            what=what,
            name=name1,
            label=q1.label,
            where=self.where(q1.ids),
            new=new,
            carried=carried,
            table_with_carried=both,
            where_both=self.where(["t3.new_received.total", "t3.carried_over.total"]),
        )

    def t4_count(self, sen, tok, left, right, span):
        if not self.t4_domain(sen) or _T4_OUT.search(left + "|" + right) or _P["t4_carried"].search(left + "|" + right):
            return
        # the subject before the number; after it only when none is before ("3件行政复议"): "行政复议3件、行政诉讼2件"
        local_subjects = set(_subject_kinds(_SUBJECT.finditer(left))) or set(_subject_kinds(_SUBJECT.finditer(right)))
        cols = [m.lastgroup for m in _T4_COL.finditer(left)]
        if len(set(cols)) > 1 or _T4_OTHER_WORDS.search(_T4_COL_WORDS.sub("", left)):
            return
        subjects = local_subjects or _subject_kinds_of(self.nearest_subjects(sen, tok.start))
        if len(subjects) != 1:
            return
        subject = subjects.pop()
        col = cols[0] if cols else "total"
        q = self.t4(subject, col)
        what = self.words.subject_name[subject] + ("" if col == "total" else self.words.t4_col_name[col])
        self.compare(N.N_02, sen, span, what, tok.value, q, unit=tok.unit)

    def t2_count(self, sen, tok, left, right, span):
        local = left + "|" + right
        if _SUBJECT.search(local) or _OUTCOME.search(left):
            return
        # the verb before the number, or right after it ("公布15件现行有效规范性文件")
        verbs = [col for col, p in self.words.t2_verbs if p.search(left)] or [
            col for col, p in self.words.t2_verbs if p.match(right.lstrip())
        ]
        if len(verbs) != 1:
            return
        verb = verbs[0]
        # what is still in force after a 清理 / 梳理 is the stock; what a clean-up 废止 is not said to be the year's
        out = _P["t2_out_stock"] if verb == "in_force" else _T2_OUT
        if out.search(local):
            return
        subjects = {m.lastgroup for m in _T2_SUBJECT.finditer(local)}
        if not subjects:
            near = [m for m in sen.t2_subjects if m.end() <= tok.start]
            if not near or out.search(sen.s, *self.clause(sen, near[-1].start())):
                return  # "清理规范性文件 25 件，废止 3 件": the 废止 of a clean-up, not said to be the year's
            subjects = self.nearest_subjects(sen, tok.start, t2=True)
        if len(subjects) != 1:
            return
        self.t2_claim(sen, span, subjects.pop(), verb, tok.value)

    def t2_claim(self, sen, span, subject: str, verb: str, claimed: int, zero_claim: bool = False):
        row = {"reg": "regulations", "norm": "normative_docs"}[subject]
        cid = f"t2.{row}.{verb}"
        if cid not in self.form.cells:
            return
        self.compare(
            N.N_03,
            sen,
            span,
            ("没有" if zero_claim else "") + f"{_T2_VERB_NAME[verb]}{self.words.t2_row_name[row]}",
            claimed,
            _Quantity((cid,), self.form.cells[cid].label),
            zero_claim=zero_claim,
            case="cleanup" if verb == "in_force" and _P["t2_cleanup"].search(sen.s) else "",
        )

    def none_in_force(self, sen: _Sentence):
        """N-03: “无现行有效的规范性文件” → 现行有效 0 件."""
        for m in _P["none_in_force"].finditer(sen.s):
            a, b = self.clause(sen, m.start())
            if not re.search(r"\d", sen.s[a:b]) and not _COUNT.search(sen.s, a, b):
                self.t2_claim(sen, (a, b), m.lastgroup, "in_force", 0, zero_claim=True)

    # -- percentages -------------------------------------------------------------------------------------
    def denominators(self, sen: _Sentence) -> list[tuple[int, str, tuple[str, ...]]]:
        """Totals a share may be of: the table's (七)总计, 本年新收, 新收+上年结转, and totals the sentence states."""
        if sen.dens is not None:
            return sen.dens
        out = sen.dens = []
        total, new, carried = (self.value((f"t3.{r}.total",)) for r in ("total", "new_received", "carried_over"))
        if total:
            out.append((total, "（七）总计", ("t3.total.total",)))
        if new:
            out.append((new, "本年新收", ("t3.new_received.total",)))
        if new is not None and carried is not None and new + carried:
            out.append((new + carried, "本年新收加上年结转", ("t3.new_received.total", "t3.carried_over.total")))
        for tok in sen.counts:  # "共收到申请 25 件，其中予以公开 20 件，占 80%"
            _, left = self.left(sen, tok.start)
            says_total = (
                _NEW.search(left) or _HANDLED.search(left) or _HANDLED_LOOSE.search(left) or _TOTAL_WORD.search(left)
            )
            if says_total and not _OUTCOME.search(left) and tok.value:
                out.append((tok.value, "同一句所写总数", ()))
        out += [(n, "文中所写总数", ()) for n in self.text_totals if n]
        return out

    @staticmethod
    def pct_value(m: re.Match) -> tuple[Decimal, int] | None:
        if m.group("num") is not None:
            text = m.group("num")
            if len(text) > 12:
                return None
            return Decimal(text), len(text.split(".")[1]) if "." in text else 0
        cn = m.group("cn")
        whole = 100 if cn == "百" else cn_to_int(cn)
        if whole is None:
            return None
        digits = m.group("cnd") or ""
        frac = "".join(str(_CN_DIGIT[c]) for c in digits)
        return Decimal(f"{whole}.{frac}" if frac else str(whole)), len(frac)

    @staticmethod
    def matches(count: int, denominator: int, pct: Decimal, places: int) -> bool:
        exact = Decimal(count) * 100 / Decimal(denominator)
        return abs(exact - pct) < Decimal(1).scaleb(-places)  # one unit of the printed precision

    def attached_pct(self, sen: _Sentence, tok: _Token) -> re.Match | None:
        s = sen.s
        for m in _PCT.finditer(s, tok.end, min(len(s), tok.end + 30)):
            between = s[tok.end : m.start()]
            g = _PCT_ATTACH.fullmatch(between)
            if g and g.group("kw") != "约占" and _PCT_MID.fullmatch(g.group("mid")):
                return m
            return None
        return None

    def percent(self, sen, tok, left, right, span, used_pcts, claim):
        m = self.attached_pct(sen, tok)
        if m is None:
            return
        used_pcts.add(m.start())
        local = left + "|" + right
        hard_out = _P["share_out"].search(local)
        if claim is None and (hard_out or not _APPLICATION.search(sen.s) or not (sen.part == "part3" or sen.disc_ctx)):
            return
        if claim is not None and claim[0] == "count":
            return  # "收到申请 N 件，占…": a share of some other total, nothing to check it against
        parsed = self.pct_value(m)
        if parsed is None:
            return
        pct, places = parsed
        dens = self.denominators(sen)
        dens = [d for d in dens if d[0] != tok.value or pct == 100]
        if not dens or any(self.matches(tok.value, d, pct, places) for d, _, _ in dens):
            return
        d, name, ids = dens[0]
        calc = (Decimal(tok.value) * 100 / Decimal(d)).quantize(Decimal(1).scaleb(-places))
        quote = self.quote(sen, span[0], m.end())
        shown = sen.raw[m.start() : m.end()].strip()
        where = f"，{self.where(ids)}" if ids else ""
        others = "、".join(str(x) for x, _, _ in dens[1:6])
        self.add(
            N.N_07,
            "",
            sen,
            list(ids),
            float(pct),
            float(calc),
            quote=quote,
            shown=shown,
            name=name,
            where=where,
            calc=calc,
            others=f"，以 {others} 为总数计算也不相符" if others else "",
            count=tok.value,
            denominator=d,
        )

    def share_claim(self, sen: _Sentence, m: re.Match):
        """N-04: "予以公开的占 60%" without a count: the table's share must agree."""
        a, left = self.left(sen, m.start())
        if not _P["share_word"].search(left) or _P["share_approx"].search(left) or _DELTA.search(left):
            return
        outcomes = [_OUTCOME_KEY[x.group()] for x in _OUTCOME.finditer(left)]
        if not outcomes or not self.t3_domain(sen, left, True):
            return
        groups = list(dict.fromkeys(outcomes))
        q = self.outcome(groups)
        count = self.value(q.ids)
        parsed = self.pct_value(m)
        if count is None or parsed is None:
            return
        pct, places = parsed
        dens = [d for d in self.denominators(sen)]
        if not dens or any(self.matches(count, d, pct, places) for d, _, _ in dens):
            return
        d, name, ids = dens[0]
        calc = (Decimal(count) * 100 / Decimal(d)).quantize(Decimal(1).scaleb(-places))
        what = "及".join(self.words.outcome_name[g] for g in groups)
        quote = self.quote(sen, a, m.end())
        self.add(
            N.N_04,
            "share",
            sen,
            [*q.ids, *ids],
            float(pct),
            float(calc),
            quote=quote,
            what=what,
            shown=sen.raw[m.start() : m.end()].strip(),
            where=self.where(q.ids),
            name=name,
            calc=calc,
            count=count,
            denominator=d,
        )

    # -- claims without a number ---------------------------------------------------------------------------
    def zero_claims(self, sen: _Sentence):
        s = sen.s
        for a, b in zip([0] + [h + 1 for h in sen.hard], sen.hard + [len(s)]):
            if b <= a:
                continue
            cl = s[a:b]
            rest = _ALL_ZERO.sub("", _YEAR.sub("", cl))
            if re.search(r"\d", rest) or _COUNT.search(rest) or _DELTA.search(cl):
                continue
            # 表三: 未收到政府信息公开申请
            m = _NONE_RECEIVED.search(cl)
            if (
                m
                and _P["none_received_mid"].fullmatch(_APPLICANTS_ALL.sub("", m.group("mid")))
                and not _SUBJECT.search(cl)
                and not _P["none_received_out"].search(_P["domain_keep"].sub("", cl))
                and (sen.part == "part3" or sen.disc_ctx)
            ):
                self.new_claim(sen, (a + m.start(), a + m.end()), 0, zero=True)
                continue
            # 表四: 未发生……行政复议、行政诉讼 / 行政复议和行政诉讼均为 0
            if not self.t4_domain(sen) or _T4_OTHER_WORDS.search(cl) or _T4_COL.search(cl) or _T4_OUT.search(cl):
                continue
            subjects = list(_SUBJECT.finditer(cl))
            if not subjects:
                continue
            neg = _NEGATION.search(cl)
            if neg and neg.start() < subjects[0].start() and _NONE_MID.fullmatch(cl, neg.end(), subjects[0].start()):
                named = [x for x in subjects if x.start() > neg.start()]
            elif _ALL_ZERO.search(cl, subjects[-1].end()):
                named = subjects
            else:
                continue
            for kind in _subject_kinds(named):
                q = self.t4(kind, "total")
                self.compare(N.N_02, sen, (a, b), f"没有{self.words.subject_name[kind]}案件", 0, q, zero_claim=True)

    def favour(self, sen: _Sentence):
        """N-02: “均获维持”, “结果维持” (every case of the blocks named is 结果维持), “均无纠错”, “未发生……败诉”,
        “均胜诉” (none is 结果纠正). The blocks are the 表四 subjects named before the words in the sentence (for a
        bare “结果维持”: those of the nearest clause that names one); 败诉 and 胜诉 speak of lawsuits."""
        s = sen.s
        if not self.t4_domain(sen):
            return
        for says, pattern in (
            ("all_upheld", _ALL_UPHELD),
            ("all_upheld", _UPHELD_ALONE),
            ("none_corrected", _NONE_CORRECTED),
        ):
            for m in pattern.finditer(s):
                a, b = self.clause(sen, m.start())
                if says == "all_upheld" and (
                    _NEGATION.search(s[a : m.start()]) or _P["not_in_clause"].search(s[m.start() : m.end()])
                ):
                    continue
                if says == "none_corrected" and not _P["favour_mid"].fullmatch(m.group("mid") or ""):
                    continue
                if pattern is _UPHELD_ALONE:
                    if s[a:b].strip() != m.group().strip():
                        continue  # "结果维持" alone in its clause
                    kinds = _subject_kinds_of(self.nearest_subjects(sen, a))
                else:
                    # subjects of clauses before (not 未发生行政复议), and those inside the words (未发生被行政复议纠错)
                    start = max([0] + [h + 1 for h in sen.hard if h < m.start() and s[h] in "；;"])
                    named = [
                        x
                        for x in sen.subjects
                        if start <= x.start()
                        and (
                            m.start() <= x.start() < m.end()
                            or x.end() <= m.start()
                            and not _NEGATION.search(s, *self.clause(sen, x.start()))
                        )
                    ]
                    kinds = set(_subject_kinds(named))
                if _P["lost_suit"].search(s, m.start(), b) and not kinds & {"lit", "direct", "after"}:
                    kinds.add("lit")
                kinds = [k for k in _T4_ROWS if k in kinds]
                if not kinds:
                    continue
                decided_only = says == "all_upheld" and bool(_DECIDED_ONLY.search(s, a, m.end()))
                for kind in kinds:
                    self.favour_claim(sen, (a, m.end()), kind, says, decided_only)

    def favour_claim(self, sen: _Sentence, span, kind: str, says: str, decided_only: bool):
        total = self.value(self.t4(kind, "total").ids)
        cols = {c: self.value(self.t4(kind, c).ids) for c in ("upheld", "corrected", "other", "pending")}
        if total is None or None in cols.values():
            return
        base = total - cols["pending"] if decided_only else total
        name = self.words.subject_name[kind]
        where = self.where(self.t4(kind, "total").ids)
        quote = self.quote(sen, *span)
        if says == "none_corrected":
            if not cols["corrected"]:
                return
            q = self.t4(kind, "corrected")
            self.add(
                N.N_02,
                "none_corrected",
                sen,
                [*q.ids, *self.t4(kind, "total").ids],
                "未被纠错",
                cols["corrected"],
                quote=quote,
                name=name,
                label=q.label,
                where=self.where(q.ids),
                total=total,
                corrected=cols["corrected"],
            )
            return
        if base > 0 and cols["upheld"] == base:
            return
        ids = [i for c in ("total", "upheld", "corrected", "other", "pending") for i in self.t4(kind, c).ids]
        if base <= 0:
            why = f"但表四{name}总计为 0 件" if total == 0 else f"但表四{name} {total} 件均尚未审结"
        else:
            why = (
                f"但表四{name}{'已审结的 ' + str(base) if decided_only else '总计 ' + str(total)} 件中结果维持 "
                f"{cols['upheld']} 件（结果纠正 {cols['corrected']}、其他结果 {cols['other']}、尚未审结 {cols['pending']}）"
            )
        self.add(
            N.N_02,
            "all_upheld",
            sen,
            ids,
            "均获维持",
            cols["upheld"],
            quote=quote,
            name=name,
            decided_word="已审结的" if decided_only else "",
            why=why,
            where=where,
            total=total,
            decided=base,
            corrected=cols["corrected"],
            other=cols["other"],
            pending=cols["pending"],
        )


def read_claims(ctx: Context) -> list[Finding]:
    """N-01…N-04, N-07: the numbers the text states, compared with the tables. Never raises on text."""
    return _Scanner(ctx).run()


def check_claims(data, form: Form, mode: str = "generate") -> list[Finding]:
    """The claims of a report's text on their own (tests, benchmarks): as the check reads them."""
    return read_claims(Context(data, form, mode, data.cells))
