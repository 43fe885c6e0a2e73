"""The report context (xxgk.report.context), the narrative snippets and the Jinja environment and lint."""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal

import pytest
from conftest import EXAMPLE_XLSX, valid_data
from jinja2.exceptions import SecurityError, UndefinedError

from xxgk.check import check
from xxgk.data import from_json
from xxgk.form import load_form
from xxgk.read import load
from xxgk.report.context import build_context, variable_list, variable_list_path
from xxgk.report.jinja import cn_date, lint_docx, lint_text, make_env, num, pct, render_snippet
from xxgk.sums import recompute_totals

CONTRACT = {
    "draft",
    "format",
    "year",
    "org",
    "issuer_mark",
    "doc_number",
    "title",
    "signature",
    "date",
    "cc",
    "printer",
    "print_date",
    "preamble",
    "p1",
    "p2",
    "p3",
    "p4",
    "p5",
    "p6",
    "t2",
    "t3",
    "t4",
    "cells",
}
OUTCOMES = [
    ("予以公开", "granted"),
    ("部分公开", "partial"),
    ("不予公开", "denied"),
    ("无法提供", "unable"),
    ("不予处理", "not_processed"),
    ("其他处理", "other"),
]
RESULTS = [("结果维持", "upheld"), ("结果纠正", "corrected"), ("其他结果", "other"), ("尚未审结", "pending")]


@pytest.fixture(scope="module")
def seed_ctx():
    data = load(EXAMPLE_XLSX)
    return build_context(data, load_form(data.format))


def ctx_of(fmt, seed=0, **changes):
    data = valid_data(fmt, seed)
    for cid, v in changes.items():
        data.cells[cid.replace("__", ".")] = v
    return data, build_context(data, load_form(fmt))


# -- the seed ---------------------------------------------------------------------------------------------


def test_seed_context(seed_ctx):
    ctx = seed_ctx
    assert set(ctx) == CONTRACT
    assert ctx["title"] == "鼓楼区审计局2020年政府信息公开工作年度报告"
    assert ctx["date"] == "2021年1月8日" and ctx["print_date"] == "2021年1月8日"
    assert ctx["signature"] == ctx["org"] == "福州市鼓楼区审计局"
    assert ctx["issuer_mark"] == "福州市鼓楼区审计局文件" and ctx["doc_number"] == "鼓审发〔2021〕1号"
    assert ctx["cc"] == "区数字办（信息公开办）" and ctx["printer"] == "福州市鼓楼区审计局"
    assert ctx["format"] == "2019" and ctx["year"] == 2020 and ctx["draft"] is False
    assert len(ctx["preamble"]) == 1 and ctx["preamble"][0].startswith("本报告依据")
    assert "未收到政府信息公开申请" in "".join(ctx["p3"]["narrative"])
    assert ctx["p3"]["narrative"] == ["本年度未收到政府信息公开申请。"]
    assert ctx["p4"]["narrative"] == ["本年度未发生因政府信息公开工作被申请行政复议、提起行政诉讼的情况。"]
    assert ctx["p1"]["narrative"] == [] and ctx["p5"]["narrative"] == [] and ctx["p6"]["narrative"] == []
    assert ctx["p2"]["narrative"][0] == "本年度未新制作、新公开规章和规范性文件。"
    assert [p["heading"] for p in (ctx[f"p{i}"] for i in range(1, 7))] == load_form("2019").parts
    assert ctx["p1"]["blocks"][0] == {"kind": "h2", "text": "（一）政府信息公开基本情况"}
    assert ctx["p1"]["blocks"][1]["kind"] == "p"
    assert [b["kind"] for b in ctx["p5"]["blocks"]] == ["h2", "p", "h2", "p"]
    assert ctx["p6"]["blocks"] == [{"kind": "p", "text": "暂无其他需要报告的事项。"}]
    assert ctx["t3"]["new_received"]["natural_person"] == "0"
    assert ctx["t3"]["denied"]["state_secret"]["total"] == "0"
    assert ctx["t3"]["other"]["total"] == "0"  # 2019: （六）其他处理 is one row
    assert ctx["t2"]["procurement"]["amount"] == "0"  # no unit entered
    assert ctx["t4"]["lit_after_review"]["total"] == "0"
    assert ctx["cells"]["t3.total.total"] == "0"


def test_default_title_and_blank_date():
    data, ctx = ctx_of("2021")
    assert ctx["title"] == "测试县测试局2025年政府信息公开工作年度报告"
    data.info = {}
    ctx = build_context(data, load_form("2021"), draft=True)
    assert ctx["date"] == "" and ctx["issuer_mark"] == "" and ctx["draft"] is True


def test_context_names_work_in_templates(seed_ctx):
    env = make_env()
    assert (
        env.from_string(
            "{{ t3.denied.state_secret.total }}|{{ t3.new_received.natural_person }}"
            "|{{ p3.heading }}|{{ cells['t3.total.total'] }}"
        ).render(seed_ctx)
        == "0|0|三、收到和处理政府信息公开申请情况|0"
    )
    _, ctx21 = ctx_of("2021")
    assert env.from_string("{{ t3.other.no_fee.total }}").render(ctx21) == "0"
    with pytest.raises(UndefinedError):
        env.from_string("{{ t3.new_recieved.total }}").render(ctx21)


@pytest.mark.parametrize("fmt", ["2019", "2021"])
def test_keys_do_not_shadow_dict_methods(fmt):
    """Jinja looks up t3.x.y as an attribute first: no key may be the name of a dict method."""
    _, ctx = ctx_of(fmt)
    methods = set(dir(dict))

    def walk(node, path):
        if isinstance(node, dict):
            for k, v in node.items():
                assert k not in methods, f"{path}.{k} shadows dict.{k}"
                walk(v, f"{path}.{k}")
        elif isinstance(node, list):
            for v in node:
                walk(v, path)

    walk({k: v for k, v in ctx.items() if k != "cells"}, "ctx")


@pytest.mark.parametrize("fmt", ["2019", "2021"])
def test_every_cell_is_in_the_tables(fmt):
    data, ctx = ctx_of(fmt, 3)
    form = load_form(fmt)
    for cid in form.cells:
        head, *path = cid.split(".")
        node = ctx[head] if head in ("t2", "t3", "t4") else None
        if node is None:
            assert ctx["cells"][cid] == num(data.cells[cid])
            continue
        for key in path:
            node = node[key]
        unit = data.units.get(cid) or "" if cid == "t2.procurement.amount" else ""
        assert node == ctx["cells"][cid] == num(data.cells[cid]) + unit
        assert isinstance(node, str)


# -- display strings -------------------------------------------------------------------------------------


def test_money_shown_exactly_and_units():
    raw = {
        "format": "2019",
        "year": 2020,
        "org": "甲",
        "cells": {"t2.procurement.amount": "12.50", "t2.procurement.count": 3, "t3.new_received.natural_person": None},
        "units": {"t2.procurement.amount": "万元"},
    }
    ctx = build_context(from_json(raw), load_form("2019"))
    assert ctx["t2"]["procurement"]["amount"] == "12.50万元"
    assert ctx["t3"]["new_received"]["natural_person"] == ""  # blank stays blank
    raw["cells"]["t2.procurement.amount"] = 0.1 + 0.2  # float noise from a careless tool
    raw["units"] = {}
    ctx = build_context(from_json(raw), load_form("2019"))
    assert ctx["t2"]["procurement"]["amount"] == "0.30000000000000004"  # as entered: not rounded, no unit
    raw = {
        "format": "2021",
        "year": 2022,
        "org": "乙",
        "cells": {"t2.fees.amount_wan_yuan": "0.000123", "info_fee.amount_yuan": 3940},
    }
    ctx = build_context(from_json(raw), load_form("2021"))
    assert ctx["t2"]["fees"]["amount_wan_yuan"] == "0.000123"
    assert ctx["cells"]["info_fee.amount_yuan"] == "3940"
    assert ctx["p6"]["narrative"] == ["本年度收取信息处理费3940元。"]


def test_totals_missing_from_a_json_file_are_computed():
    raw = {
        "format": "2021",
        "year": 2022,
        "org": "乙",
        "cells": {
            "t3.new_received.natural_person": 2,
            "t3.new_received.other_org": 1,
            "t3.denied.state_secret.natural_person": 1,
            "t3.denied.process_info.other_org": 1,
        },
    }
    ctx = build_context(from_json(raw), load_form("2021"))
    assert ctx["t3"]["new_received"]["total"] == "3"
    assert ctx["t3"]["denied"]["total"] == "2"  # the unprinted group subtotal
    assert ctx["t3"]["denied"]["natural_person"] == "1"


def test_filters():
    assert cn_date("2021-01-08") == "2021年1月8日"
    assert cn_date("2025-12-31") == "2025年12月31日"
    assert cn_date("") == "" and cn_date(None) == ""
    assert cn_date("明年") == "明年" and cn_date("2021-02-30") == "2021-02-30"
    assert num(3) == "3" and num(None) == "" and num(Decimal("12.50")) == "12.50" and num(0.1) == "0.1"
    assert num(Decimal("1E+3")) == "1000" and num(-4) == "-4"
    assert pct(1, 3) == "33.3%" and pct(2, 3) == "66.7%" and pct(1, 8) == "12.5%" and pct(1, 16) == "6.3%"
    assert pct(0, 5) == "0.0%" and pct(3, 0) == "" and pct(None, 3) == ""


def test_blocks():
    raw = {
        "format": "2021",
        "year": 2022,
        "org": "乙",
        "text": {
            "part1": "（一）主动公开\n\u3000\u3000本年度……\n(二)依申请公开\n"
            "（三）本年度我局认真落实条例，共主动公开信息二十条，做了大量工作，取得了较好效果，群众满意度较高。\n",
            "part5": "（十）其他\n  ",
        },
    }
    ctx = build_context(from_json(raw), load_form("2021"))
    assert ctx["p1"]["blocks"] == [
        {"kind": "h2", "text": "（一）主动公开"},
        {"kind": "p", "text": "本年度……"},
        {"kind": "h2", "text": "(二)依申请公开"},
        {
            "kind": "p",
            "text": "（三）本年度我局认真落实条例，共主动公开信息二十条，做了大量工作，取得了较好效果，群众满意度较高。",
        },
    ]
    assert ctx["p5"]["blocks"] == [{"kind": "h2", "text": "（十）其他"}]


# -- narrative: every number is the table's ------------------------------------------------------------


def _take(text: str, pattern: str, expected: list) -> str:
    """Assert the pattern's groups equal `expected` (one tuple or value per match) and cut the matches out."""
    found = [m.groups() if len(m.groups()) > 1 else m.group(1) for m in re.finditer(pattern, text)]
    assert found == expected, (pattern, text)
    return re.sub(pattern, "", text)


def _pct(n: str, total: str) -> str:
    return str((Decimal(n) * 100 / Decimal(total)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


def check_p3(ctx):
    t3 = ctx["t3"]
    text = "".join(ctx["p3"]["narrative"])
    new, carried, done, forward = (t3[r]["total"] for r in ("new_received", "carried_over", "total", "carry_forward"))
    if new == "0":
        assert "本年度未收到政府信息公开申请" in text
    else:
        text = _take(text, r"新收政府信息公开申请(\d+)件", [new])
        nat = t3["new_received"]["natural_person"]
        org = str(int(new) - int(nat))
        if nat != "0" and org != "0":
            text = _take(text, r"自然人申请(\d+)件", [nat])
            text = _take(text, r"法人或其他组织申请(\d+)件", [org])
    text = _take(text, r"上年结转政府信息公开申请(\d+)件", [carried] if carried != "0" else [])
    text = _take(text, r"办结政府信息公开申请(\d+)件", [done] if done != "0" else [])
    for label, key in OUTCOMES:
        n = t3[key]["total"]
        text = _take(text, label + r"(\d+)件，占([\d.]+)%", [(n, _pct(n, done))] if n != "0" else [])
    text = _take(text, r"结转下年度继续办理(\d+)件", [forward] if forward != "0" else [])
    assert not re.search(r"\d", text), text  # no number the table does not hold


def check_p4(ctx):
    t4 = ctx["t4"]
    review, direct, after = t4["review"], t4["lit_direct"], t4["lit_after_review"]
    lit = str(int(direct["total"]) + int(after["total"]))
    paragraphs = ctx["p4"]["narrative"]
    if review["total"] == "0" and lit == "0":
        assert paragraphs == ["本年度未发生因政府信息公开工作被申请行政复议、提起行政诉讼的情况。"]
        return
    first, second = paragraphs
    first = _take(first, r"被申请行政复议(\d+)件", [review["total"]] if review["total"] != "0" else [])
    for label, key in RESULTS:
        first = _take(first, label + r"(\d+)件", [review[key]] if review[key] != "0" else [])
    assert not re.search(r"\d", first)
    second = _take(second, r"被提起行政诉讼(\d+)件", [lit] if lit != "0" else [])
    for label, row in (("未经复议直接起诉", direct), ("复议后起诉", after)):
        m = re.search(label + r"(\d+)件（([^）]*)）", second)
        if row["total"] == "0":
            assert m is None
            continue
        assert m.group(1) == row["total"]
        inner = m.group(2)
        for rlabel, key in RESULTS:
            inner = _take(inner, rlabel + r"(\d+)件", [row[key]] if row[key] != "0" else [])
        assert not re.search(r"\d", inner)
        second = second.replace(m.group(), "")
    assert not re.search(r"\d", second), second


def _change(text, label, row):
    delta = int(row["delta"])
    if not (row["prev_count"] != "0" or delta):
        return _take(text, label + r"上一年(\d+)项", [])
    word = "增加" if delta > 0 else "减少" if delta < 0 else "无增减"
    pattern = label + r"上一年(\d+)项，本年(增加|减少|无增减)(\d*)项?"
    return _take(text, pattern, [(row["prev_count"], word, str(abs(delta)) if delta else "")])


def check_p2(ctx):
    t2 = ctx["t2"]
    text = "".join(ctx["p2"]["narrative"])
    if ctx["format"] == "2021":
        for label, key in (("规章", "regulations"), ("行政规范性文件", "normative_docs")):
            row = t2[key]
            values = (row["issued"], row["repealed"], row["in_force"])
            pattern = f"制发{label}(\\d+)件，废止{label}(\\d+)件，现行有效{label}(\\d+)件"
            text = _take(text, pattern, [values] if values != ("0", "0", "0") else [])
        for label, key in (("行政许可", "licensing"), ("行政处罚", "penalty"), ("行政强制", "coercion")):
            n = t2[key]["decisions"]
            text = _take(text, label + r"决定(\d+)件", [n] if n != "0" else [])
        fee = t2["fees"]["amount_wan_yuan"]
        text = _take(text, r"行政事业性收费金额([\d.]+)万元", [fee] if fee != "0" else [])
    else:
        for label, key in (("规章", "regulations"), ("规范性文件", "normative_docs")):
            row = t2[key]
            values = (row["new_made"], row["new_published"], row["total_published"])
            pattern = f"新制作{label}(\\d+)件、新公开{label}(\\d+)件，对外公开{label}总数量(\\d+)件"
            text = _take(text, pattern, [values] if values != ("0", "0", "0") else [])
        items = (
            ("行政许可", "行政许可事项", "licensing"),
            ("其他对外管理服务事项", "其他对外管理服务事项", "other_services"),
            ("行政处罚", "行政处罚事项", "penalty"),
            ("行政强制", "行政强制事项", "coercion"),
        )
        for label, item, key in items:
            n = t2[key]["decisions"]
            text = _take(text, label + r"处理决定(\d+)件", [n] if n != "0" else [])
            text = _change(text, item, t2[key])
        text = _change(text, "行政事业性收费项目", t2["fees"])
        p = t2["procurement"]
        if (p["count"], p["amount"]) != ("0", "0"):
            text = _take(text, r"政府集中采购项目(\d+)项，采购总金额([\d.]+万元)", [(p["count"], p["amount"])])
    assert not re.search(r"\d", text), text


def check_p6(ctx):
    fee = ctx["cells"].get("info_fee.amount_yuan")
    text = "".join(ctx["p6"]["narrative"])
    if ctx["format"] == "2019" or fee == "":
        assert text == ""
    elif fee == "0":
        assert text == "本年度未收取信息处理费。"
    else:
        assert _take(text, r"本年度收取信息处理费([\d.]+)元。", [fee]) == ""


@pytest.mark.parametrize("fmt", ["2019", "2021"])
@pytest.mark.parametrize("seed", range(6))
def test_narrative_numbers_are_the_tables(fmt, seed):
    data = valid_data(fmt, seed)
    assert check(data, load_form(fmt)).valid
    ctx = build_context(data, load_form(fmt))
    check_p2(ctx)
    check_p3(ctx)
    check_p4(ctx)
    check_p6(ctx)


BUSY_CHANGES = {
    "2019": {"t3.other.natural_person": 2, "t3.new_received.natural_person": None},
    "2021": {"t3.other.no_fee.legal_service_org": 1, "t3.other.other.natural_person": 2},
}


@pytest.mark.parametrize("fmt", ["2019", "2021"])
def test_narrative_busy_report_with_other_processing(fmt):
    """（六）其他处理 non-zero, one outcome zero, no carried-over: the sentence lists exactly the non-zero ones."""
    data = valid_data(fmt, 7)
    form = load_form(fmt)
    cells = {k: v for k, v in data.cells.items() if not form.cells[k].is_total}
    for key in [r["key"] for r in form.t3_rows]:
        for ckey, _ in form.t3_columns[:-1]:
            if key == "partial" or key.startswith("unable."):
                cells[f"t3.{key}.{ckey}"] = 0
            if key == "carried_over":
                cells[f"t3.{key}.{ckey}"] = 0
    for cid, v in BUSY_CHANGES[fmt].items():
        if v is not None:
            cells[cid] = v
    recompute_totals(form, cells)
    for ckey, _ in form.t3_columns[:-1]:  # rebalance T3-01 through 新收
        cells[f"t3.new_received.{ckey}"] = cells[f"t3.total.{ckey}"] + cells[f"t3.carry_forward.{ckey}"]
    recompute_totals(form, cells)
    data.cells = cells
    if fmt == "2021":
        data.cells["info_fee.amount_yuan"] = Decimal("3940")
    assert not [f for f in check(data, form).findings if f.severity == "error"]
    ctx = build_context(data, form)
    text = "".join(ctx["p3"]["narrative"])
    assert "其他处理" in text and "部分公开" not in text and "无法提供" not in text and "上年结转" not in text
    check_p2(ctx)
    check_p3(ctx)
    check_p4(ctx)
    check_p6(ctx)
    if fmt == "2021":
        assert ctx["p6"]["narrative"] == ["本年度收取信息处理费3940元。"]


def _report(fmt, cells, **extra):
    form = load_form(fmt)
    full = {cid: 0 for cid, c in form.cells.items() if not c.is_total and c.table != "extra"}
    full.update(cells)
    recompute_totals(form, full)
    full.update(extra)
    raw = {
        "format": fmt,
        "year": 2020 if fmt == "2019" else 2022,
        "org": "甲",
        "cells": {k: (str(v) if isinstance(v, Decimal) else v) for k, v in full.items()},
    }
    return build_context(from_json(raw), form)


def test_narrative_zero_and_edge_cases():
    ctx = _report("2021", {}, **{"info_fee.amount_yuan": 0})
    assert ctx["p3"]["narrative"] == ["本年度未收到政府信息公开申请。"]
    assert ctx["p4"]["narrative"] == ["本年度未发生因政府信息公开工作被申请行政复议、提起行政诉讼的情况。"]
    assert ctx["p6"]["narrative"] == ["本年度未收取信息处理费。"]
    assert ctx["p2"]["narrative"] == [
        "本年度未制发、废止行政规范性文件，无现行有效的行政规范性文件。",
        "本年度未作出行政许可、行政处罚、行政强制决定。",
        "本年度无行政事业性收费。",
    ]
    assert _report("2021", {})["p6"]["narrative"] == []  # fee not entered: nothing generated (N-05 reports it)
    # only carried-over applications, all answered
    ctx = _report("2021", {"t3.carried_over.natural_person": 2, "t3.granted.natural_person": 2})
    assert ctx["p3"]["narrative"] == [
        "本年度未收到政府信息公开申请，上年结转政府信息公开申请2件。",
        "本年度办结政府信息公开申请2件，其中予以公开2件，占100.0%。",
    ]
    # all from organisations; one review only
    ctx = _report(
        "2021",
        {
            "t3.new_received.commercial_enterprise": 3,
            "t3.denied.state_secret.commercial_enterprise": 1,
            "t3.carry_forward.commercial_enterprise": 2,
            "t4.review.pending": 1,
            "t2.licensing.decisions": 5,
            "t2.fees.amount_wan_yuan": Decimal("12.345678"),
        },
    )
    assert ctx["p3"]["narrative"] == [
        "本年度新收政府信息公开申请3件，均为法人或其他组织申请。",
        "本年度办结政府信息公开申请1件，其中不予公开1件，占100.0%。结转下年度继续办理2件。",
    ]
    assert ctx["p4"]["narrative"] == [
        "本年度因政府信息公开工作被申请行政复议1件，其中尚未审结1件。",
        "本年度未发生因政府信息公开工作被提起行政诉讼的情况。",
    ]
    assert ctx["p2"]["narrative"][1:] == [
        "本年度作出行政许可决定5件。本年度未作出行政处罚、行政强制决定。",
        "本年度行政事业性收费金额12.345678万元。",
    ]
    check_p2(ctx)
    check_p3(ctx)
    check_p4(ctx)
    # 2019: negative 本年增/减, procurement with its unit
    ctx = _report(
        "2019",
        {
            "t2.licensing.prev_count": 5,
            "t2.licensing.delta": -2,
            "t2.procurement.count": 2,
            "t2.procurement.amount": Decimal("12.5"),
        },
    )
    assert "行政许可事项上一年5项，本年减少2项。" in ctx["p2"]["narrative"][1]
    assert ctx["p2"]["narrative"][2] == "本年度无行政事业性收费项目。本年度政府集中采购项目2项，采购总金额12.5。"
    raw = {
        "format": "2019",
        "year": 2020,
        "org": "甲",
        "units": {"t2.procurement.amount": "万元"},
        "cells": {"t2.procurement.count": 2, "t2.procurement.amount": "12.50"},
    }
    ctx = build_context(from_json(raw), load_form("2019"))
    assert "本年度政府集中采购项目2项，采购总金额12.50万元。" in "".join(ctx["p2"]["narrative"])


def test_narrative_shows_blanks_instead_of_zero():
    """A draft with blank cells: the sentence shows （空白）, it never turns a blank into 0."""
    raw = {"format": "2021", "year": 2022, "org": "甲", "cells": {"t2.normative_docs.issued": 3}}
    ctx = build_context(from_json(raw), load_form("2021"))
    assert ctx["p2"]["narrative"][0] == (
        "本年度制发行政规范性文件3件，废止行政规范性文件（空白）件，现行有效行政规范性文件（空白）件。"
    )
    assert ctx["t2"]["normative_docs"]["repealed"] == ""


# -- staff text is data --------------------------------------------------------------------------------------


def test_staff_text_is_never_a_template():
    data = valid_data("2021", 1)
    data.org = "<测试&转义>"
    data.text["part6"] = "{{ 7*7 }}\n{% for x in range(3) %}x{% endfor %}"
    data.text["preamble"] = "{{ ''.__class__ }}"
    ctx = build_context(data, load_form("2021"))
    assert ctx["org"] == ctx["signature"] == "<测试&转义>"
    assert [b["text"] for b in ctx["p6"]["blocks"]] == ["{{ 7*7 }}", "{% for x in range(3) %}x{% endfor %}"]
    assert ctx["preamble"] == ["{{ ''.__class__ }}"]
    out = make_env().from_string("{{ org }}|{% for b in p6.blocks %}{{ b.text }}|{% endfor %}").render(ctx)
    assert out == "&lt;测试&amp;转义&gt;|{{ 7*7 }}|{% for x in range(3) %}x{% endfor %}|"
    assert "49" not in out


def test_sandbox_blocks_python_internals(tmp_path):
    (tmp_path / "evil.j2").write_text("{{ ''.__class__ }}", encoding="utf-8")
    (tmp_path / "evil2.j2").write_text("{{ t3.__class__.__mro__ }}", encoding="utf-8")
    (tmp_path / "ok.j2").write_text("甲{{ n|num }}件\n乙\n\n丙{{ 1|pct(3) }}", encoding="utf-8")
    with pytest.raises(SecurityError):
        render_snippet("evil.j2", {}, folder=tmp_path)
    with pytest.raises(SecurityError):
        render_snippet("evil2.j2", {"t3": {}}, folder=tmp_path)
    assert render_snippet("ok.j2", {"n": 3}, folder=tmp_path) == ["甲3件乙", "丙33.3%"]
    with pytest.raises(UndefinedError):
        render_snippet("ok.j2", {}, folder=tmp_path)
    with pytest.raises(SecurityError):
        make_env().from_string("{{ ''.__class__ }}").render()


# -- lint ----------------------------------------------------------------------------------------------------


def test_lint_text(seed_ctx):
    assert (
        lint_text("{{ org }}，{{ t3.denied.state_secret.total }}{% for s in preamble %}{{ s }}{% endfor %}", seed_ctx)
        == []
    )
    problems = lint_text("{{ orgg }}", seed_ctx)
    assert len(problems) == 1 and "orgg" in problems[0] and "不存在" in problems[0]
    problems = lint_text("{{ t3.new_recieved.total }}", seed_ctx)
    assert len(problems) == 1 and "new_recieved" in problems[0]
    problems = lint_text("机关：｛｛ org ｝｝")
    assert len(problems) == 2 and all("全角" in p for p in problems)
    assert any("全角" in p for p in lint_text("{％p if draft ％}"))
    assert any("全角" in p for p in lint_text("｛% if draft %｝"))
    problems = lint_text("名称 {{ org 后面没有闭合")
    assert problems and "没有闭合" in problems[0]
    assert any("多出" in p for p in lint_text("多了 }} 一个"))
    problems = lint_text("生成结果：福州市 {{ org }} 审计局", rendered=True)
    assert problems and "残留" in problems[0]
    assert lint_text("生成结果：{% endif %}", rendered=True)
    assert lint_text("正文 {{ 7*7 }} 照印", rendered=True, allowed=["{{ 7*7 }}"]) == []
    assert any("语法" in p for p in lint_text("{% if %}"))


def test_lint_docx(tmp_path, seed_ctx):
    from docx import Document

    doc = Document()
    doc.add_paragraph("{{ title }}")
    doc.add_paragraph("{{ 不存在的变量 }}")
    doc.add_paragraph("机关：｛｛ org ｝｝")
    doc.add_paragraph("{{ t3.new_recieved.total }}")
    doc.add_paragraph("{{ date 没有闭合")
    doc.add_paragraph("{%p if draft %}")
    doc.add_paragraph("草稿")
    doc.add_paragraph("{%p endif %}")
    doc.add_paragraph("{%p for s in p3.narrative %}")
    doc.add_paragraph("{{ s }}")
    doc.add_paragraph("{%p endfor %}")
    table = doc.add_table(rows=1, cols=2)
    table.cell(0, 0).text = "{{ t3.new_received.total }}"
    table.cell(0, 1).text = "{{ t3.total.totall }}"
    path = tmp_path / "tpl.docx"
    doc.save(path)
    problems = lint_docx(path, seed_ctx)
    text = "\n".join(problems)
    assert "不存在的变量" in text and "“不存在的变量”" in text
    assert "全角" in text
    assert "new_recieved" in text and "totall" in text
    assert "没有闭合" in text
    assert "title" not in text and "“draft”" not in text and "“s”" not in text

    good = Document()
    good.add_paragraph("{{ title }}")
    good.add_paragraph("{%p for s in p3.narrative %}")
    good.add_paragraph("{{ s }}")
    good.add_paragraph("{%p endfor %}")
    good.add_paragraph("{{ t3.other.total }}，{{ date }}")
    good.save(tmp_path / "good.docx")
    assert lint_docx(tmp_path / "good.docx", seed_ctx) == []
    assert lint_docx(tmp_path / "good.docx", set(seed_ctx)) == []

    bad = Document()
    bad.add_paragraph("{%p if draft %}草稿{%p endif %}")
    bad.save(tmp_path / "bad.docx")
    assert any("单独占一段" in p for p in lint_docx(tmp_path / "bad.docx", seed_ctx))


# -- 变量清单.md --------------------------------------------------------------------------------------------


def test_variable_list_is_current():
    path = variable_list_path()
    assert path.read_text(encoding="utf-8") == variable_list(), (
        "templates/变量清单.md 已过期：运行 python -m xxgk.report.context 重新生成"
    )


def test_variable_list_names_every_cell():
    text = variable_list()
    for fmt in ("2019", "2021"):
        for cid in load_form(fmt).cells:
            if cid.startswith(("t2.", "t3.", "t4.")):
                assert f"`{cid}`" in text
