"""N-01…N-04, N-07: numbers written in the text against the tables (xxgk.claims).

Every sentence here is written for the tests in the style of published reports. Each claim kind is tried
with the table's own number (no finding) and with a wrong one (one warning quoting the sentence, the number,
the table's value and the cell). Tables come from conftest.valid_data, whose cells are large random numbers.
"""

from __future__ import annotations

import copy
import time
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal
from functools import cache

import pytest
from conftest import EXAMPLE_JSON, valid_data

from xxgk.data import TEXT_KEYS, load_json
from xxgk.form import load_form
from xxgk.rules.claims import check_claims, cn_to_int, parse_number

N_RULES = {"N-01", "N-01b", "N-01c", "N-02", "N-03", "N-04", "N-07"}


@cache
def _valid(fmt, seed):
    return valid_data(fmt, seed)


def report(fmt="2021", seed=0, cells=None, **text):
    data = copy.deepcopy(_valid(fmt, seed))
    data.text = {k: "" for k in TEXT_KEYS}
    data.text.update(text)
    data.cells.update(cells or {})
    return data


def findings(data):
    found = check_claims(data, load_form(data.format))
    assert all(f.rule in N_RULES and f.severity == "warning" for f in found)
    return found


def v(fmt, cid, seed=0):
    return _valid(fmt, seed).cells[cid]


def group(fmt, prefix, seed=0):
    cells = _valid(fmt, seed).cells
    return sum(
        x
        for k, x in cells.items()
        if k.endswith(".total") and (k == f"t3.{prefix}.total" or k.startswith(f"t3.{prefix}."))
    )


def ref(fmt, cid):
    return load_form(fmt).cells[cid].ref


def assert_one(found, rule, ids, claimed, table, fmt="2021"):
    """One warning of `rule` on the cells `ids`, quoting the number, the table's value and the first cell's address."""
    assert len(found) == 1, [(f.rule, f.message) for f in found]
    f = found[0]
    assert f.rule == rule
    assert f.cells == ids
    assert f.addresses == [ref(fmt, i) for i in ids]
    assert f.values["claimed"] == claimed and f.values["table"] == table
    assert f.values["sentence"] and f.values["part"] in TEXT_KEYS
    assert str(claimed) in f.message and str(table) in f.message
    first = load_form(fmt).cells[ids[0]]
    assert first.address in f.message and first.sheet in f.message
    return f


# -- the seed and the generator's texts -------------------------------------------------------------------


def test_seed_text_gives_no_finding():
    data = load_json(EXAMPLE_JSON)
    assert "2020年我局未收到政府信息公开申请" in data.text["part1"]
    assert "主动公开政府信息共5条" in data.text["part1"]
    assert check_claims(data, load_form(data.format)) == []


def test_seed_text_against_other_tables_still_gives_no_finding():
    """The seed's only claim is 未收到申请: with 本年新收 ≠ 0 that one sentence, and nothing else, is reported."""
    data = load_json(EXAMPLE_JSON)
    data.cells["t3.new_received.total"] = 3
    found = findings(data)
    assert [f.rule for f in found] == ["N-01"]
    assert "未收到政府信息公开申请" in found[0].message and found[0].values["claimed"] == 0


@pytest.mark.parametrize("fmt", ["2019", "2021"])
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_generated_reports_give_no_finding(fmt, seed):
    data = _valid(fmt, seed)
    assert check_claims(data, load_form(fmt)) == []


# -- one claim kind at a time: right number → nothing, wrong number → one warning ------------------------

NEW, CARRIED, TOTAL, FORWARD = (
    "t3.new_received.total",
    "t3.carried_over.total",
    "t3.total.total",
    "t3.carry_forward.total",
)


def _outcome_ids(fmt, prefix):
    return [
        f"t3.{r['key']}.total"
        for r in load_form(fmt).t3_rows
        if r["key"] == prefix or r["key"].startswith(prefix + ".")
    ]


# (rule, part, sentence with {n}, the table's value, the cells compared)
CASES = {
    "received": (
        "N-01",
        "part3",
        "{y}年，本机关共收到政府信息公开申请{n}件，均已按时答复。",
        lambda f: v(f, NEW),
        lambda f: [NEW],
    ),
    "received_part1": (
        "N-01",
        "part1",
        "（二）依申请公开\n全年共受理公民、法人或其他组织提出的政府信息公开申请{n}件。",
        lambda f: v(f, NEW),
        lambda f: [NEW],
    ),
    "received_after": (
        "N-01",
        "part1",
        "依申请公开方面，本年度收到{n}件政府信息公开申请。",
        lambda f: v(f, NEW),
        lambda f: [NEW],
    ),
    "new_with_carried": (
        "N-01",
        "part3",
        "本年新收政府信息公开申请{n}件，上年结转{c}件。",
        lambda f: v(f, NEW),
        lambda f: [NEW],
    ),
    "handled": (
        "N-01b",
        "part3",
        "收到的政府信息公开申请已全部办结，共办结{n}件。",
        lambda f: v(f, TOTAL),
        lambda f: [TOTAL],
    ),
    "answered": ("N-01b", "part1", "全年依法答复政府信息公开申请{n}件。", lambda f: v(f, TOTAL), lambda f: [TOTAL]),
    "forward": (
        "N-01c",
        "part3",
        "因需征求第三方意见，政府信息公开申请结转下年度继续办理{n}件。",
        lambda f: v(f, FORWARD),
        lambda f: [FORWARD],
    ),
    "forward_shunyan": (
        "N-01c",
        "part3",
        "另有政府信息公开申请{n}件因答复期限跨年顺延至下一年度办理。",
        lambda f: v(f, FORWARD),
        lambda f: [FORWARD],
    ),
    "carried": (
        "N-01c",
        "part3",
        "本年度办理的政府信息公开申请中，上年结转{n}件。",
        lambda f: v(f, CARRIED),
        lambda f: [CARRIED],
    ),
    "review": (
        "N-02",
        "part4",
        "本年度因政府信息公开被申请行政复议{n}件。",
        lambda f: v(f, "t4.review.total"),
        lambda f: ["t4.review.total"],
    ),
    "review_qi": (
        "N-02",
        "part1",
        "全年发生政府信息公开行政复议案件{n}起。",
        lambda f: v(f, "t4.review.total"),
        lambda f: ["t4.review.total"],
    ),
    "litigation": (
        "N-02",
        "part4",
        "本年度因政府信息公开被提起行政诉讼{n}起。",
        lambda f: v(f, "t4.lit_direct.total") + v(f, "t4.lit_after_review.total"),
        lambda f: ["t4.lit_direct.total", "t4.lit_after_review.total"],
    ),
    "lit_direct": (
        "N-02",
        "part4",
        "未经复议直接起诉的行政诉讼{n}件。",
        lambda f: v(f, "t4.lit_direct.total"),
        lambda f: ["t4.lit_direct.total"],
    ),
    "lit_after": (
        "N-02",
        "part4",
        "复议后起诉的行政诉讼案件{n}件。",
        lambda f: v(f, "t4.lit_after_review.total"),
        lambda f: ["t4.lit_after_review.total"],
    ),
    "review_upheld": (
        "N-02",
        "part4",
        "被申请行政复议{r}件，其中结果维持{n}件。",
        lambda f: v(f, "t4.review.upheld"),
        lambda f: ["t4.review.upheld"],
    ),
    "review_pending": (
        "N-02",
        "part4",
        "行政复议{r}件，尚未审结{n}件。",
        lambda f: v(f, "t4.review.pending"),
        lambda f: ["t4.review.pending"],
    ),
    "lit_corrected": (
        "N-02",
        "part4",
        "行政诉讼{l}件，其中结果纠正{n}件。",
        lambda f: v(f, "t4.lit_direct.corrected") + v(f, "t4.lit_after_review.corrected"),
        lambda f: ["t4.lit_direct.corrected", "t4.lit_after_review.corrected"],
    ),
    "granted": (
        "N-04",
        "part3",
        "在办结的政府信息公开申请中，予以公开{n}件。",
        lambda f: v(f, "t3.granted.total"),
        lambda f: ["t3.granted.total"],
    ),
    "partial": (
        "N-04",
        "part3",
        "办结的政府信息公开申请中，予以公开{g}件，部分公开{n}件。",
        lambda f: v(f, "t3.partial.total"),
        lambda f: ["t3.partial.total"],
    ),
    "granted_and_partial": (
        "N-04",
        "part1",
        "（二）依申请公开\n其中，予以公开及部分公开{n}件。",
        lambda f: v(f, "t3.granted.total") + v(f, "t3.partial.total"),
        lambda f: ["t3.granted.total", "t3.partial.total"],
    ),
    "granted_and_partial_dun": (
        "N-04",
        "part3",
        "政府信息公开申请办理结果中，予以公开、部分公开的共{n}件。",
        lambda f: v(f, "t3.granted.total") + v(f, "t3.partial.total"),
        lambda f: ["t3.granted.total", "t3.partial.total"],
    ),
    "denied": (
        "N-04",
        "part3",
        "对政府信息公开申请依法不予公开{n}件。",
        lambda f: group(f, "denied"),
        lambda f: _outcome_ids(f, "denied"),
    ),
    "unable": (
        "N-04",
        "part3",
        "政府信息公开申请中无法提供{n}件，主要是本机关不掌握相关政府信息。",
        lambda f: group(f, "unable"),
        lambda f: _outcome_ids(f, "unable"),
    ),
    "not_processed": (
        "N-04",
        "part3",
        "办理政府信息公开申请时不予处理{n}件。",
        lambda f: group(f, "not_processed"),
        lambda f: _outcome_ids(f, "not_processed"),
    ),
    "other": (
        "N-04",
        "part3",
        "政府信息公开申请其他处理{n}件。",
        lambda f: group(f, "other"),
        lambda f: _outcome_ids(f, "other"),
    ),
}
CASES_2021 = {
    "issued": (
        "N-03",
        "part2",
        "本年度制发行政规范性文件{n}件，均按规定公开。",
        lambda f: v(f, "t2.normative_docs.issued"),
        lambda f: ["t2.normative_docs.issued"],
    ),
    "in_force": (
        "N-03",
        "part2",
        "截至2025年12月31日，现行有效的行政规范性文件{n}件。",
        lambda f: v(f, "t2.normative_docs.in_force"),
        lambda f: ["t2.normative_docs.in_force"],
    ),
    "repealed": (
        "N-03",
        "part1",
        "（一）主动公开\n全年印发行政规范性文件{i}件，废止{n}件。",
        lambda f: v(f, "t2.normative_docs.repealed"),
        lambda f: ["t2.normative_docs.repealed"],
    ),
    "regulations": (
        "N-03",
        "part2",
        "本机关本年制定规章{n}件。",
        lambda f: v(f, "t2.regulations.issued"),
        lambda f: ["t2.regulations.issued"],
    ),
}
CASES_2019 = {
    "new_published": (
        "N-03",
        "part2",
        "2020年新公开规范性文件{n}件。",
        lambda f: v(f, "t2.normative_docs.new_published"),
        lambda f: ["t2.normative_docs.new_published"],
    ),
    "new_made": (
        "N-03",
        "part2",
        "本年新制作规章{n}件。",
        lambda f: v(f, "t2.regulations.new_made"),
        lambda f: ["t2.regulations.new_made"],
    ),
}
ALL_CASES = (
    [(k, f, c) for k, c in CASES.items() for f in ("2019", "2021")]
    + [(k, "2021", c) for k, c in CASES_2021.items()]
    + [(k, "2019", c) for k, c in CASES_2019.items()]
)


def _fill(fmt, sentence, n):
    cells = _valid(fmt, 0).cells
    return sentence.format(
        n=n,
        y=_valid(fmt, 0).year,
        c=cells[CARRIED],
        r=cells["t4.review.total"],
        g=cells["t3.granted.total"],
        l=cells["t4.lit_direct.total"] + cells["t4.lit_after_review.total"],
        i=cells.get("t2.normative_docs.issued"),
    )


@pytest.mark.parametrize("kind,fmt,case", ALL_CASES, ids=[f"{k}-{f}" for k, f, _ in ALL_CASES])
def test_claim_agrees(kind, fmt, case):
    rule, part, sentence, table, _ = case
    data = report(fmt, **{part: _fill(fmt, sentence, table(fmt))})
    assert findings(data) == []


@pytest.mark.parametrize("kind,fmt,case", ALL_CASES, ids=[f"{k}-{f}" for k, f, _ in ALL_CASES])
def test_claim_disagrees(kind, fmt, case):
    rule, part, sentence, table, ids = case
    right = table(fmt)
    wrong = right + 7
    data = report(fmt, **{part: _fill(fmt, sentence, wrong)})
    f = assert_one(findings(data), rule, ids(fmt), wrong, right, fmt)
    assert f.values["part"] == part
    assert load_form(fmt).parts[int(part[-1]) - 1] in f.message
    assert "“" in f.message and "请核对" in f.message


def test_message_quotes_a_short_window_of_a_long_sentence():
    fmt = "2021"
    long = (
        "2025年，本机关坚持以公开为常态、不公开为例外，严格落实依申请公开受理、登记、审核、答复等各环节工作要求，"
        "进一步规范办理流程，全年共收到政府信息公开申请{n}件，办理过程中严格把握法定时限，切实保障申请人合法权益，"
        "未发生逾期答复情况。"
    )
    data = report(fmt, part1=long.format(n=5))
    f = assert_one(findings(data), "N-01", [NEW], 5, v(fmt, NEW))
    quoted = f.message.split("“", 1)[1].split("”", 1)[0]
    assert "收到政府信息公开申请5件" in quoted
    assert len(quoted) <= 62 and quoted.startswith("…") and quoted.endswith("…")
    assert f.values["sentence"] == long.format(n=5)


# -- numerals ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text,value",
    [
        ("一", 1),
        ("两", 2),
        ("十", 10),
        ("十二", 12),
        ("二十", 20),
        ("二十三", 23),
        ("一百", 100),
        ("一百零五", 105),
        ("一百一十", 110),
        ("两千", 2000),
        ("一千六百九十九", 1699),
        ("一千零一", 1001),
        ("三万", 30000),
        ("一万零三", 10003),
        ("一万二千", 12000),
        ("1,699", 1699),
        ("12", 12),
        ("0", 0),
    ],
)
def test_numerals(text, value):
    assert parse_number(text) == value


@pytest.mark.parametrize(
    "text",
    ["零", "〇", "两三", "三五", "一一", "十十", "百", "一百五", "一万二", "二〇二〇", "十九十", "千百", "五万万"],
)
def test_not_numerals(text):
    assert cn_to_int(text) is None


@pytest.mark.parametrize("fmt", ["2019", "2021"])
@pytest.mark.parametrize("written", ["chinese", "fullwidth", "thousands", "space"])
def test_numeral_forms_in_sentences(fmt, written):
    n = v(fmt, NEW)
    assert n > 1000  # the fixture's tables are large: the forms below matter

    def chinese(x):
        digits = "零一二三四五六七八九"
        out, zero = "", False
        for unit, name in ((1000, "千"), (100, "百"), (10, "十"), (1, "")):
            d, x = divmod(x, unit)
            if d:
                out += ("零" if zero and out else "") + digits[d] + name
                zero = False
            elif out:
                zero = True
        return out

    form = {
        "chinese": chinese,
        "fullwidth": lambda x: str(x).translate({48 + i: 0xFF10 + i for i in range(10)}),
        "thousands": lambda x: f"{x:,}",
        "space": lambda x: f" {x} ",
    }[written]
    good = report(fmt, part3=f"本年度共收到政府信息公开申请{form(n)}件。")
    assert findings(good) == []
    bad = report(fmt, part3=f"本年度共收到政府信息公开申请{form(n + 11)}件。")
    assert_one(findings(bad), "N-01", [NEW], n + 11, n, fmt)


def test_small_chinese_numerals():
    cells = {
        NEW: 12,
        CARRIED: 2,
        TOTAL: 13,
        FORWARD: 1,
        "t4.review.total": 2,
        "t4.review.upheld": 2,
        "t4.review.corrected": 0,
        "t4.review.other": 0,
        "t4.review.pending": 0,
    }
    text = "全年共收到政府信息公开申请十二件，上年结转两件，办结十三件，结转下年度继续办理一件。被申请行政复议两起，均获维持。"
    assert findings(report("2021", cells=cells, part1="（二）依申请公开\n" + text)) == []
    wrong = text.replace("办结十三件", "办结十五件")
    assert_one(findings(report("2021", cells=cells, part1=wrong)), "N-01b", [TOTAL], 15, 13)


# -- 新收 and 上年结转 -----------------------------------------------------------------------------------

AMBIGUOUS = "全年共受理政府信息公开申请{n}件（含上年结转{c}件），已全部依法办理。"


@pytest.mark.parametrize("fmt", ["2019", "2021"])
def test_ambiguous_received_may_include_carried_over(fmt):
    new, carried = v(fmt, NEW), v(fmt, CARRIED)
    for n in (new, new + carried):
        assert findings(report(fmt, part3=AMBIGUOUS.format(n=n, c=carried))) == []


@pytest.mark.parametrize("fmt", ["2019", "2021"])
def test_ambiguous_received_equal_to_neither(fmt):
    new, carried = v(fmt, NEW), v(fmt, CARRIED)
    data = report(fmt, part3=AMBIGUOUS.format(n=new + 1, c=carried))
    f = assert_one(findings(data), "N-01", [NEW, CARRIED], new + 1, new, fmt)
    assert "歧义" in f.message and str(new + carried) in f.message
    assert f.values["table_with_carried"] == new + carried


def test_ambiguous_when_the_sentence_mentions_carrying_forward():
    fmt = "2021"
    new, carried, total, fwd = (v(fmt, x) for x in (NEW, CARRIED, TOTAL, FORWARD))
    text = "本年度收到政府信息公开申请{n}件，办结{t}件，结转下年度{f}件。"
    assert findings(report(fmt, part3=text.format(n=new + carried, t=total, f=fwd))) == []
    found = findings(report(fmt, part3=text.format(n=new + 2, t=total, f=fwd)))
    assert [f.rule for f in found] == ["N-01"] and "歧义" in found[0].message


def test_received_equal_to_new_plus_carried_without_saying_so():
    """No mention of 结转: 收到 means 本年新收; the message says the number is the sum and how to word it."""
    fmt = "2021"
    new, carried = v(fmt, NEW), v(fmt, CARRIED)
    data = report(fmt, part3=f"本年度收到政府信息公开申请{new + carried}件。")
    f = assert_one(findings(data), "N-01", [NEW], new + carried, new)
    assert "含上年结转" in f.message


def test_new_received_is_never_ambiguous():
    fmt = "2021"
    new, carried = v(fmt, NEW), v(fmt, CARRIED)
    data = report(fmt, part3=f"本年新收政府信息公开申请{new + carried}件，上年结转{carried}件。")
    assert_one(findings(data), "N-01", [NEW], new + carried, new)


def test_handled_loosely_may_be_total_or_new_plus_carried():
    fmt = "2021"
    new, carried, total = v(fmt, NEW), v(fmt, CARRIED), v(fmt, TOTAL)
    text = "本年度共办理政府信息公开申请{n}件。"
    for n in (total, new + carried):
        assert findings(report(fmt, part3=text.format(n=n))) == []
    f = assert_one(
        findings(report(fmt, part3=text.format(n=total + 3))), "N-01b", [TOTAL, NEW, CARRIED], total + 3, total
    )
    assert "歧义" in f.message


def test_none_received():
    zero = {NEW: 0, CARRIED: 0, TOTAL: 0, FORWARD: 0}
    for text in (
        "2025年，本机关未收到政府信息公开申请。",
        "本年度没有收到公民、法人或其他组织提出的政府信息公开申请。",
        "（二）依申请公开\n全年无政府信息公开申请。",
    ):
        assert findings(report("2021", cells=zero, part1=text)) == []
        f = assert_one(findings(report("2021", cells={NEW: 4}, part1=text)), "N-01", [NEW], 0, 4)
        assert "未收到" in f.message


# -- 行政复议、行政诉讼 -----------------------------------------------------------------------------------

T4_ZERO = {
    f"t4.{r}.{c}": 0
    for r in ("review", "lit_direct", "lit_after_review")
    for c in ("upheld", "corrected", "other", "pending", "total")
}


@pytest.mark.parametrize(
    "text",
    [
        "本年度未发生因政府信息公开工作被申请行政复议、提起行政诉讼的情况。",
        "2025年，没有因政府信息公开引起的行政复议和行政诉讼。",
        "政府信息公开行政复议、行政诉讼均为0件。",
    ],
)
def test_no_review_no_litigation(text):
    assert findings(report("2021", cells=T4_ZERO, part4=text)) == []
    found = findings(report("2021", part4=text))  # the fixture has reviews and lawsuits
    assert sorted(f.cells[0] for f in found) == ["t4.lit_direct.total", "t4.review.total"]
    assert all(f.rule == "N-02" and f.values["claimed"] == 0 for f in found)


def test_no_review_but_one_lawsuit():
    cells = {**T4_ZERO, "t4.lit_direct.total": 1, "t4.lit_direct.pending": 1}
    text = "本年度未发生政府信息公开行政复议案件，发生行政诉讼1起，目前尚在审理中。"
    assert findings(report("2021", cells=cells, part4=text)) == []
    f = findings(report("2021", cells={**cells, "t4.review.total": 1}, part4=text))
    assert [x.cells for x in f] == [["t4.review.total"]]


def _upheld(total, upheld, corrected=0, other=0, pending=0, row="review"):
    return {
        f"t4.{row}.total": total,
        f"t4.{row}.upheld": upheld,
        f"t4.{row}.corrected": corrected,
        f"t4.{row}.other": other,
        f"t4.{row}.pending": pending,
    }


UPHELD_TEXT = "本年度因政府信息公开被申请行政复议{n}件，经审理均获维持。"


def test_all_upheld_true():
    data = report("2021", cells=_upheld(3, 3), part4=UPHELD_TEXT.format(n=3))
    assert findings(data) == []
    assert findings(report("2021", cells=_upheld(3, 3), part4="行政复议3件，全部维持原行政行为。")) == []


def test_all_upheld_false():
    data = report("2021", cells=_upheld(3, 2, corrected=1), part4=UPHELD_TEXT.format(n=3))
    found = findings(data)
    assert len(found) == 1 and found[0].rule == "N-02" and found[0].values["claimed"] == "均获维持"
    assert "结果纠正 1" in found[0].message and found[0].cells[0] == "t4.review.total"
    assert found[0].values["table"] == 2 and found[0].values["total"] == 3


def test_all_upheld_without_any_case():
    data = report("2021", cells=T4_ZERO, part4="政府信息公开行政复议案件均获维持。")
    found = findings(data)
    assert [f.rule for f in found] == ["N-02"] and "总计为 0" in found[0].message


def test_all_upheld_for_review_and_litigation():
    cells = {**T4_ZERO, **_upheld(1, 1), **_upheld(2, 2, row="lit_direct")}
    text = "本年度发生政府信息公开行政复议1件、行政诉讼2件，均获维持。"
    assert findings(report("2021", cells=cells, part4=text)) == []
    cells["t4.lit_direct.upheld"], cells["t4.lit_direct.other"] = 1, 1
    found = findings(report("2021", cells=cells, part4=text))
    assert [f.cells[0] for f in found] == ["t4.lit_direct.total"]


def test_decided_cases_all_upheld():
    text = "行政复议3件，已审结的均获维持，1件尚未审结。"
    assert findings(report("2021", cells=_upheld(3, 2, pending=1), part4=text)) == []
    assert len(findings(report("2021", cells=_upheld(3, 1, corrected=1, pending=1), part4=text))) == 1


def test_all_upheld_said_with_result():
    assert findings(report("2021", cells=_upheld(2, 2), part4="行政复议2件，均结果维持。")) == []
    found = findings(report("2021", cells=_upheld(2, 1, other=1), part4="行政复议2件，均结果维持。"))
    assert [(f.rule, f.values["claimed"]) for f in found] == [("N-02", "均获维持")]


def test_upheld_alone_speaks_of_the_nearest_subject():
    """“发生行政复议1件，申请人已撤回；发生行政诉讼1件，结果维持。”: 结果维持 is the lawsuit's, not the review's."""
    text = "发生行政复议1件，申请人已撤回；发生行政诉讼1件，结果维持。"
    cells = {**T4_ZERO, **_upheld(1, 0, other=1), **_upheld(1, 1, row="lit_direct")}
    assert findings(report("2021", cells=cells, part4=text)) == []
    cells.update(_upheld(1, 0, corrected=1, row="lit_direct"))
    found = findings(report("2021", cells=cells, part4=text))
    assert [(f.values["claimed"], f.cells[0]) for f in found] == [("均获维持", "t4.lit_direct.total")]


@pytest.mark.parametrize(
    "text",
    [
        "行政复议2件，行政诉讼1件，均无纠错和败诉。",
        "行政复议2件，行政诉讼1件，均未被纠错。",
        "全年未发生被行政复议纠错或败诉情况。",
    ],
)
def test_none_corrected(text):
    """无纠错 / 未被纠错 / 败诉: no 结果纠正 in the blocks named (其他结果 and 尚未审结 do not contradict it)."""
    cells = {**T4_ZERO, **_upheld(2, 1, pending=1), **_upheld(1, 0, other=1, row="lit_direct")}
    assert findings(report("2021", cells=cells, part4=text)) == []
    cells.update(_upheld(1, 0, corrected=1, row="lit_direct"))
    found = findings(report("2021", cells=cells, part4=text))
    assert [(f.rule, f.values["claimed"], f.values["table"]) for f in found] == [("N-02", "未被纠错", 1)]
    assert found[0].cells[:2] == ["t4.lit_direct.corrected", "t4.lit_after_review.corrected"]
    assert "结果纠正" in found[0].message and "1 件" in found[0].message


def test_t4_items_listed_with_a_pause_mark():
    """“行政复议案件3件、行政诉讼案件2件”: the subject after 、 is the next item's, not this one's."""
    text = "因政府信息公开产生行政复议案件3件、行政诉讼案件2件，其中行政复议结果维持3件。"
    cells = {**T4_ZERO, **_upheld(3, 3), **_upheld(2, 2, row="lit_direct")}
    assert findings(report("2021", cells=cells, part4=text)) == []
    found = findings(report("2021", cells={**cells, **_upheld(4, 4)}, part4=text))
    assert sorted(f.cells[0] for f in found) == ["t4.review.total", "t4.review.upheld"]


def test_corrected_and_lost_counts():
    text = "其中涉及行政复议4件，被纠错2件；涉及行政诉讼3件，败诉0件。"
    cells = {**T4_ZERO, **_upheld(4, 2, corrected=2), **_upheld(3, 3, row="lit_direct")}
    assert findings(report("2021", cells=cells, part4=text)) == []
    cells.update(_upheld(3, 2, corrected=1, row="lit_direct"))
    found = findings(report("2021", cells=cells, part4=text))
    assert [(f.values["claimed"], f.values["table"]) for f in found] == [(0, 1)]


@pytest.mark.parametrize(
    "text,row",
    [
        ("其中，予以公开{g}件，本办不掌握相关政府信息{n}件。", "unable.not_held"),
        ("其中，予以公开{g}件，属于四类过程性信息{n}件。", "denied.process_info"),
        ("经依法办理，予以公开{g}件，另处理重复申请{n}件。", "not_processed.duplicate"),
    ],
)
def test_row_named_by_its_reason(text, row):
    """A sub-row of a result group named by its reason, without the group's word (本机关不掌握 N 件)."""
    cid = f"t3.{row}.total"
    g, n = v("2021", "t3.granted.total"), v("2021", cid)
    assert findings(report("2021", part3=text.format(g=g, n=n))) == []
    found = findings(report("2021", part3=text.format(g=g, n=n + 1)))
    assert [(f.rule, f.cells, f.values["claimed"]) for f in found] == [("N-04", [cid], n + 1)]


def test_reason_and_group_word_is_the_group():
    """“因本机关不掌握等原因无法提供 N 件”: the whole 无法提供 group, not its first sub-row."""
    n = group("2021", "unable")
    assert findings(report("2021", part3=f"因本机关不掌握等原因无法提供{n}件。")) == []
    found = findings(report("2021", part3=f"因本机关不掌握等原因无法提供{n + 1}件。"))
    assert [len(f.cells) for f in found] == [3]


def test_group_word_beside_its_own_sub_row_is_not_read():
    """“逾期未补正2件，其他处理5件”: 其他处理 may be the rest of its group; the sub-row is read, the group is not."""
    n = v("2021", "t3.other.no_correction.total")
    text = f"其中，逾期未补正{n}件，其他处理5件。"
    found = findings(report("2021", part3=text))
    assert found == []
    found = findings(report("2021", part3=text.replace(f"{n}件", f"{n + 1}件", 1)))
    assert [f.cells for f in found] == [["t3.other.no_correction.total"]]


def test_handled_beside_results_written_apart_is_not_read():
    """“按时办结66件，5件逾期未补正，2件撤销申请”: 办结 leaves out results the table counts in （七）总计."""
    found = findings(report("2021", part3="全年收到政府信息公开申请75件，按时办结66件，5件逾期未补正，2件撤销申请。"))
    assert [f.rule for f in found] == ["N-01"]  # the 75 only


IN_FORCE = "t2.normative_docs.in_force"


@pytest.mark.parametrize(
    "text",
    [
        "经清理，继续有效的行政规范性文件{n}件。",
        "对以县政府名义发布的规范性文件进行全面梳理，继续有效{n}件。",
        "在门户网站集中公布{n}件现行有效行政规范性文件。",
        "汇编现行有效规范性文件{n}件。",
    ],
)
def test_in_force_stated_otherwise(text):
    n = v("2021", IN_FORCE)
    assert findings(report("2021", part1=text.format(n=n))) == []
    found = findings(report("2021", part1=text.format(n=n + 2)))
    assert [(f.rule, f.cells, f.values["claimed"], f.values["table"]) for f in found] == [
        ("N-03", [IN_FORCE], n + 2, n)
    ]
    if "清理" in text or "梳理" in text:
        assert "12 月 31 日" in found[0].message  # what is in force after a clean-up may differ at the year's end


def test_no_document_in_force():
    text = "（三）政府信息管理情况\n本局无现行有效的规范性文件。"
    assert findings(report("2021", cells={IN_FORCE: 0}, part1=text)) == []
    found = findings(report("2021", cells={IN_FORCE: 2}, part1=text))
    assert [(f.rule, f.values["claimed"], f.values["table"]) for f in found] == [("N-03", 0, 2)]
    assert "称没有现行有效行政规范性文件（即 0 件）" in found[0].message


def test_in_force_since_the_start_of_the_year():
    text = "2025年以来现行有效的行政规范性文件{n}件。"
    assert findings(report("2021", cells={IN_FORCE: 0}, part1=text.format(n=0))) == []
    assert len(findings(report("2021", cells={IN_FORCE: 1}, part1=text.format(n=0)))) == 1
    assert findings(report("2021", cells={IN_FORCE: 1}, part1="2023年以来现行有效的行政规范性文件0件。")) == []


# -- percentages ----------------------------------------------------------------------------------------


def _pct(count, total, places, rounding=ROUND_HALF_UP):
    return (Decimal(count) * 100 / Decimal(total)).quantize(Decimal(1).scaleb(-places), rounding=rounding)


@pytest.mark.parametrize("fmt", ["2019", "2021"])
@pytest.mark.parametrize("places", [0, 1, 2])
def test_percentage_right(fmt, places):
    g, total = v(fmt, "t3.granted.total"), v(fmt, TOTAL)
    for rounding in (ROUND_HALF_UP, ROUND_DOWN):
        text = f"办结的政府信息公开申请中，予以公开{g}件，占{_pct(g, total, places, rounding)}%。"
        assert findings(report(fmt, part3=text)) == [], text


def test_percentage_of_new_received_is_accepted():
    fmt = "2021"
    g, new = v(fmt, "t3.granted.total"), v(fmt, NEW)
    text = f"政府信息公开申请中，予以公开{g}件，占收到申请总数的{_pct(g, new, 1)}%。"
    assert findings(report(fmt, part3=text)) == []


def test_percentage_of_the_total_the_sentence_states():
    cells = {TOTAL: 40, "t3.granted.total": 12}
    text = "本年度共办结政府信息公开申请40件，其中予以公开12件（占比30%）。"
    assert findings(report("2021", cells=cells, part3=text)) == []


@pytest.mark.parametrize("fmt", ["2019", "2021"])
def test_percentage_wrong(fmt):
    g, p, total = v(fmt, "t3.granted.total"), v(fmt, "t3.partial.total"), v(fmt, TOTAL)
    wrong = _pct(g + p, total, 1) + Decimal("2.3")
    text = f"其中，予以公开及部分公开政府信息公开申请{g + p}件，占{wrong}%。"
    found = findings(report(fmt, part3=text))
    assert len(found) == 1
    f = found[0]
    assert f.rule == "N-07" and f.values["claimed"] == float(wrong)
    assert f.values["table"] == float(_pct(g + p, total, 1)) and f.values["count"] == g + p
    assert f.cells == [TOTAL] and f.values["denominator"] == total


def test_percentage_with_wrong_count_reports_the_count_only():
    """The share agrees with its own (wrong) count: N-04 for the count, no N-07."""
    cells = {TOTAL: 40, NEW: 38, CARRIED: 2, "t3.granted.total": 12}
    text = "其中，政府信息公开申请予以公开10件，占25%。"
    found = findings(report("2021", cells=cells, part3=text))
    assert [f.rule for f in found] == ["N-04"]


def test_share_without_count():
    cells = {TOTAL: 40, NEW: 38, CARRIED: 2, "t3.granted.total": 12, "t3.partial.total": 8}
    assert findings(report("2021", cells=cells, part3="政府信息公开申请中，予以公开及部分公开的占比50%。")) == []
    found = findings(report("2021", cells=cells, part3="政府信息公开申请中，予以公开及部分公开的占比60%。"))
    assert [f.rule for f in found] == ["N-04"] and found[0].values["table"] == 50.0


def test_chinese_percentage():
    cells = {TOTAL: 40, NEW: 38, CARRIED: 2, "t3.granted.total": 10}
    assert findings(report("2021", cells=cells, part3="政府信息公开申请予以公开10件，占百分之二十五。")) == []
    assert [
        f.rule for f in findings(report("2021", cells=cells, part3="政府信息公开申请予以公开10件，占百分之三十五。"))
    ] == ["N-07"]


def test_percentage_of_an_applicant_breakdown():
    """Not itself a claim about the table, but its share must still agree with its own count (N-07)."""
    cells = {TOTAL: 40, NEW: 38, CARRIED: 2}
    assert findings(report("2021", cells=cells, part3="政府信息公开申请中，自然人申请19件，占50%。")) == []
    assert [
        f.rule for f in findings(report("2021", cells=cells, part3="政府信息公开申请中，自然人申请19件，占60%。"))
    ] == ["N-07"]


# -- what is not a claim -----------------------------------------------------------------------------------

NOT_CLAIMS = [
    "本报告依据《中华人民共和国政府信息公开条例》（中华人民共和国国务院令第711号）编制。",
    "根据《国务院办公厅政府信息与政务公开办公室关于印发〈中华人民共和国政府信息公开工作年度报告格式〉的通知》（国办公开办函〔2021〕30号）要求编制。",
    "本报告中所列数据的统计期限为2025年1月1日至2025年12月31日。",
    "2024年本机关共收到政府信息公开申请3件。",
    "依据《条例》第二十条、第二十一条规定，主动公开政府信息。",
    "2025年主动公开政府信息共5条，其中机构职能1条，业务公文2条。",
    "第三季度收到政府信息公开申请2件。",
    "上半年共受理政府信息公开申请9件。",
    "1、积极主动公开，规范公开流程。2、细化依申请公开管理，增强公开实效。",
    "（一）主动公开（二）依申请公开（三）政府信息管理",
    "如有疑问请联系：0591-87552327，邮编350001。",
    "全年收取政府信息公开信息处理费0元，行政事业性收费3.5万元。",
    "收到政府信息公开申请数量较上年增加6件，同比增长20%。",
    "本年度收到政府信息公开申请20余件。",
    "全年受理政府信息公开申请近30件。",
    "每一件政府信息公开申请都做到按时答复。",
    "推行“一件事一次办”，政务服务事项办件3256件。",
    "通过网上平台收到政府信息公开申请15件，信函申请4件。",
    "收到自然人提出的政府信息公开申请11件，法人或其他组织申请2件。",
    "全年受理行政许可申请356件，办结行政许可申请350件。",
    "办理人大代表建议12件、政协提案15件，答复率100%。",
    "本局与区司法局一起，对3名工作人员开展政府信息公开培训。",
    "近三年来共受理政府信息公开申请41件。",
    "组织开展政府信息公开培训4次，参训人员120人次。",
    "共清理行政规范性文件16件。",
    "清理规范性文件25件，废止3件。",
    "我县现行以县政府名义制发的规范性文件共有288件。",
    "印发政府信息公开工作制度3份，召开专题会议2个。",
    "收到申请后3个工作日内登记，涉及5个部门的申请由办公室统筹。",
    "全县各街道共收到政府信息公开申请12件。",
    "收到网民留言248件，办结留言230件，回复留言226件。",
    "2025年，我镇未收到涉及行政许可事项的政府信息公开申请。",
    "收到涉及征地拆迁的政府信息公开申请8件。",
    "学习贯彻党的十九届四中、五中全会精神，落实“六稳”“六保”任务。",
    "予以公开、部分公开、不予公开分别为3件、2件、1件。",
    "其中县政府本级收到政府信息公开申请10件，各乡镇收到5件。",
    "政府信息公开申请答复率100%，无因答复不当引起的行政复议和诉讼。",
    "经复议后向法院提起政府信息公开行政诉讼1件。",
    "作为行政复议机关，本年度共受理政府信息公开行政复议申请120件，审结115件。",
    "全区共办理政府信息公开类行政复议案件356件。",
    "政府信息公开申请主要涉及征地拆迁（12件）、规划许可（8件）。",
    "实际办结政府信息公开申请时，办结上年结转申请3件。",
    "自2025年5月1日起，受理政府信息公开申请2件。",
    "本年度收到政府信息公开申请约20件。",
    "收到政府信息公开申请20件以上。",
    "收到政府信息公开申请两三件。",
    "政府信息公开行政诉讼中，与代理律师一起，认真准备应诉材料。",
    "本局与行政复议机关一起研究政府信息公开答复工作。",
    "建立政府信息公开“一件一档”，做好十件民生实事。",
    "制定规章制度3件，规范政府信息公开工作。",
    "政府信息公开申请按时答复率为100%。",
    "各业务科室办理政府信息公开申请各2件。",
    "政府信息公开行政复议被纠错率为0。",
    "2025年12月，收到政府信息公开申请2件。",
]


@pytest.mark.parametrize("fmt", ["2019", "2021"])
@pytest.mark.parametrize("text", NOT_CLAIMS)
def test_not_a_claim(fmt, text):
    for part in ("preamble", "part1", "part3", "part4"):
        data = report(fmt, **{part: text})
        assert findings(data) == [], (part, [f.message for f in findings(data)])


def test_not_claims_as_one_text():
    data = report("2021", part1="\n".join(NOT_CLAIMS), part3="\n".join(NOT_CLAIMS))
    assert findings(data) == []


def test_two_readings_in_one_clause_say_nothing():
    data = report("2021", part3="本年度共收到并办结政府信息公开申请3件。")
    assert findings(data) == []


def test_blank_cell_is_not_compared():
    text = "本年度共收到政府信息公开申请5件，办结5件。"
    data = report("2021", cells={NEW: None, TOTAL: None}, part3=text)
    assert findings(data) == []


def test_blank_part_of_a_sum_is_not_compared():
    data = report("2021", cells={"t3.denied.state_secret.total": None}, part3="政府信息公开申请不予公开1件。")
    assert findings(data) == []


def test_every_part_is_read():
    fmt = "2021"
    wrong = v(fmt, NEW) + 1
    for part in TEXT_KEYS:
        data = report(fmt, **{part: f"本年度收到政府信息公开申请{wrong}件。"})
        found = findings(data)
        assert len(found) == 1 and found[0].values["part"] == part


def test_a_realistic_part_three_paragraph():
    cells = {NEW: 35, CARRIED: 3, TOTAL: 36, FORWARD: 2, "t3.granted.total": 20, "t3.partial.total": 5}
    text = (
        "2025年，本机关共收到政府信息公开申请35件，上年结转3件。截至12月31日，已办结36件，结转下年度继续办理2件。"
        "办结的申请中，予以公开20件，部分公开5件，予以公开及部分公开的占办结总数的69.4%。"
    )
    data = report("2021", cells=cells, part3=text)
    assert findings(data) == []
    data = report("2021", cells={**cells, "t3.partial.total": 6}, part3=text)
    assert sorted(f.rule for f in findings(data)) == ["N-04", "N-04"]  # 部分公开 5 ≠ 6, and the share


def test_hostile_text_is_quick():
    text = ("收到政府信息公开申请1件，" * 3000 + "。") + "\n" + ("，" * 30000) + "\n" + ("一" * 30000 + "件")
    data = report("2021", part3=text)
    t = time.perf_counter()
    check_claims(data, load_form("2021"))
    assert time.perf_counter() - t < 5


def test_ambiguity_reaches_across_the_paragraph():
    fmt = "2021"
    new, carried = v(fmt, NEW), v(fmt, CARRIED)
    text = f"全年共收到政府信息公开申请{new + carried}件。其中上年结转{carried}件，本年新收{new}件。"
    assert findings(report(fmt, part3=text)) == []
    alone = f"全年共收到政府信息公开申请{new + carried}件。\n其他内容。"
    assert [f.rule for f in findings(report(fmt, part3=alone))] == ["N-01"]


def test_totals_and_breakdowns_in_one_sentence():
    cells = {NEW: 35, CARRIED: 0, TOTAL: 35, FORWARD: 0}
    text = "全县各级行政机关共收到政府信息公开申请35件，其中县政府本级收到10件，各部门收到20件，各乡镇收到5件。"
    assert findings(report("2021", cells=cells, part3=text)) == []
    f = findings(report("2021", cells={**cells, NEW: 36}, part3=text))
    assert [(x.rule, x.values["claimed"]) for x in f] == [("N-01", 35)]


@pytest.mark.parametrize(
    "text",
    [
        "2025年度，春城街道收到政府信息公开申请{n}件。",
        "2025年，区政府办公室共收到{n}份政府信息公开申请，均为自然人申请。",
        "2025年度市自然资源局接收到申请书{n}份。",
        "2025年，咸宁市司法局共收到依申请公开事项{n}个，均按时限办结。",
    ],
)
def test_received_stated_otherwise(text):
    """The body named 街道 is the body itself; 份, 个 and 依申请公开事项 count applications."""
    cells = {NEW: 8, CARRIED: 0, TOTAL: 8, FORWARD: 0}
    assert findings(report("2021", cells=cells, part3=text.format(n=8))) == []
    found = findings(report("2021", cells=cells, part3=text.format(n=6)))
    assert [(f.rule, f.values["claimed"], f.values["table"]) for f in found] == [("N-01", 6, 8)]


@pytest.mark.parametrize(
    "text",
    [
        "2025年，我局无依申请公开事项。",
        "2025年，经纬街道办事处未接收到依申请公开。",
        "本镇未收到和处理政府信息公开申请。",
    ],
)
def test_none_received_stated_otherwise(text):
    cells = {NEW: 0, CARRIED: 0, TOTAL: 0, FORWARD: 0}
    assert findings(report("2021", cells=cells, part3=text)) == []
    found = findings(report("2021", cells={**cells, NEW: 2, TOTAL: 2}, part3=text))
    assert [(f.rule, f.values["claimed"], f.values["table"]) for f in found] == [("N-01", 0, 2)]


@pytest.mark.parametrize(
    "text,scope",
    [
        ("2025年，其中县政府本级收到政府信息公开申请{n}件。", "县政府本级"),
        ("市政府办公厅代表市政府共受理政府信息公开申请{n}件。", "市政府办公厅代表市政府"),
        ("2025年度，市政府及政府办共受理政府信息公开申请{n}件。", "市政府及政府办"),
    ],
)
def test_received_for_part_of_the_body(text, scope):
    """A number said for a part of the body (本级, 其中) or for the body through its office (代表): a warning that
    names the scope when it differs from the table and the text gives no number for the whole body."""
    cells = {NEW: 35, CARRIED: 0, TOTAL: 35, FORWARD: 0}
    assert findings(report("2021", cells=cells, part3=text.format(n=35))) == []
    found = findings(report("2021", cells=cells, part3=text.format(n=30)))
    assert [(f.rule, f.case, f.values["claimed"], f.values["table"], f.values["scope"]) for f in found] == [
        ("N-01", "scope", 30, 35, scope)
    ]
    assert f"“{scope}”的申请" in found[0].message and "请确认表三所填是否为同一范围" in found[0].message
    whole = "全县共收到政府信息公开申请35件。" + text.format(n=30)
    assert findings(report("2021", cells=cells, part3=whole)) == []  # the whole is written: 30 is a part of it


def test_all_upheld_skips_a_negated_subject():
    cells = {**T4_ZERO, **_upheld(1, 1, row="lit_direct")}
    text = "未发生政府信息公开行政复议案件，发生行政诉讼1起，经法院审理均获维持。"
    assert findings(report("2021", cells=cells, part4=text)) == []
    cells.update(_upheld(1, 0, other=1, row="lit_direct"))
    found = findings(report("2021", cells=cells, part4=text))
    assert [f.cells[0] for f in found] == ["t4.lit_direct.total"]


def test_share_of_a_total_written_in_another_part():
    """申请 35 件 is written in part 一 and the share in part 三: no N-07 although the table's totals differ."""
    cells = {NEW: 34, CARRIED: 1, TOTAL: 35, FORWARD: 0}
    part1 = "（二）依申请公开\n全年共收到政府信息公开申请35件（含上年结转1件）。"
    part3 = "政府信息公开申请主要涉及征地拆迁（14件，占40%）。"
    assert findings(report("2021", cells=cells, part1=part1, part3=part3)) == []
    assert [f.rule for f in findings(report("2021", cells=cells, part3=part3.replace("40%", "45%")))] == ["N-07"]


def test_two_numbers_for_one_claim_are_read_separately():
    cells = {NEW: 12, CARRIED: 0, TOTAL: 12, FORWARD: 0, "t3.granted.total": 7, "t3.partial.total": 2}
    text = "收到政府信息公开申请十二件，其中予以公开七件、部分公开两件。"
    assert findings(report("2021", cells=cells, part3=text)) == []
    found = findings(report("2021", cells={**cells, "t3.partial.total": 3}, part3=text))
    assert [(f.rule, f.values["claimed"], f.values["table"]) for f in found] == [("N-04", 2, 3)]
