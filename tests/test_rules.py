"""Every rule check() can produce from JSON data: a passing and a failing fixture each, with the rule id, the
severity, the cell ids, the A1 addresses and the numbers of the finding.

Fixtures start from conftest.valid_data (zero findings) and change as little as possible. FAILING at the end
lists one failing fixture per rule; `test_every_rule_has_a_failing_fixture` checks that together they produce
every id of xxgk.rules.RULES except WB-01/WB-02/WB-03/WB-05, which only reading a workbook can produce (tested in
tests/test_bad_input.py).
"""

from __future__ import annotations

import copy
from decimal import Decimal
from functools import cache
from pathlib import Path

import pytest
from conftest import valid_data

from xxgk.check import check
from xxgk.data import from_json
from xxgk.form import FORMATS, load_form
from xxgk.rules import RULES, severity
from xxgk.sums import recompute_totals

FORMS = {f: load_form(f) for f in FORMATS}
ORG_COLS = [
    "natural_person",
    "commercial_enterprise",
    "research_institution",
    "social_welfare_org",
    "legal_service_org",
    "other_org",
]
T3_COLS = ORG_COLS + ["total"]
# Rules only reading a workbook can produce: the tests that make each fail (the reader's passing case is a clean
# workbook: tests/test_structure.py::test_untouched_workbook_saved_by_libreoffice_reads_as_written).
WORKBOOK_ONLY = {
    "WB-01": "test_bad_input.py::test_total_formula_overwritten_by_constant",
    "WB-02": "test_bad_input.py::test_renamed_or_deleted_sheet",
    "WB-03": "test_structure.py::test_workbook_from_another_template_version_is_read_with_a_warning",
    "WB-05": "test_bad_input.py::test_xlsm_with_macros_is_read_and_nothing_runs",
    "WB-06": "test_structure.py::test_row_inserted_in_t3_is_one_finding_and_every_command_refuses",
    "WB-07": "test_structure.py::test_note_beside_a_table_is_not_silently_dropped",
    "S-05": "test_structure.py::test_formula_in_an_input_cell_is_one_finding_with_its_result",
}


# -- helpers ---------------------------------------------------------------------------------------------------


@cache
def _valid(fmt, seed):
    return valid_data(fmt, seed)


def base(fmt="2021", seed=0):
    """A fresh, mutable copy of a report with zero findings."""
    data = copy.deepcopy(_valid(fmt, seed))
    assert check(data).findings == []
    return data


def rebalance(data):
    """Recompute every total and T3-01 column by column after changing inputs (adjusting 一、本年新收)."""
    form = FORMS[data.format]
    recompute_totals(form, data.cells)
    for c in ORG_COLS:
        new = data.cells[f"t3.total.{c}"] + data.cells[f"t3.carry_forward.{c}"] - data.cells[f"t3.carried_over.{c}"]
        if new < 0:
            data.cells[f"t3.carry_forward.{c}"] -= new
            new = 0
        data.cells[f"t3.new_received.{c}"] = new
    recompute_totals(form, data.cells)
    return data


def only(report, rule):
    return [f for f in report.findings if f.rule == rule]


def one(report, rule):
    found = only(report, rule)
    assert len(found) == 1, [(f.rule, f.message) for f in report.findings]
    return found[0]


def ref(fmt, cid):
    return FORMS[fmt].cells[cid].ref


def addr(fmt, cid):
    return FORMS[fmt].cells[cid].address


def other_rows(fmt):
    return ["other"] if fmt == "2019" else ["other.no_correction", "other.no_fee", "other.other"]


def assert_clean(report):
    assert report.findings == [], [(f.rule, f.message) for f in report.findings]
    assert report.valid and report.errors == 0 and report.warnings == 0


# -- the fixtures themselves -----------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("seed", range(4))
def test_valid_data_has_no_findings(fmt, seed):
    assert_clean(check(base(fmt, seed)))
    assert_clean(check(base(fmt, seed), mode="audit"))


@pytest.mark.parametrize("fmt", FORMATS)
def test_rebalance_keeps_a_report_clean(fmt):
    data = base(fmt)
    data.cells["t3.granted.natural_person"] += 7
    assert not check(data).valid
    assert_clean(check(rebalance(data)))


# -- S-02 unknown id --------------------------------------------------------------------------------------------


def s02_fail(fmt):
    data = base(fmt)
    data.cells["t3.bogus.natural_person"] = 1
    data.cells["t5.x"] = "无"
    return data


@pytest.mark.parametrize("fmt", FORMATS)
def test_s02_unknown_id(fmt):
    report = check(s02_fail(fmt))
    f = one(report, "S-02")
    assert f.severity == "error" and not report.valid
    assert f.values["ids"] == ["t3.bogus.natural_person", "t5.x"]
    assert "t3.bogus.natural_person" in f.message and "t5.x" in f.message and "共 2 项" in f.message
    assert [x.rule for x in report.findings] == ["S-02"]  # an unknown id is not also an S-04
    assert one(check(s02_fail(fmt), mode="audit"), "S-02").severity == "warning"


@pytest.mark.parametrize("fmt", FORMATS)
def test_s02_passes_group_subtotals(fmt):
    """A group subtotal (never printed) is a known id: T3-06 checks it, S-02 does not flag it."""
    data = base(fmt)
    data.cells["t3.denied.natural_person"] = sum(
        data.cells[f"t3.denied.{r}.natural_person"]
        for r in (
            "state_secret",
            "law_forbidden",
            "three_safety_one_stability",
            "third_party_rights",
            "internal_affairs",
            "process_info",
            "enforcement_file",
            "admin_query",
        )
    )
    assert_clean(check(data))


# -- S-03 format by year; ids of the other format --------------------------------------------------------------


@pytest.mark.parametrize(
    "fmt,year,expected",
    [("2019", 2021, "2021"), ("2019", 2025, "2021"), ("2021", 2020, "2019"), ("2021", 2019, "2019")],
)
def test_s03_wrong_year(fmt, year, expected):
    data = base(fmt)
    data.year = year
    f = one(check(data), "S-03")
    assert f.severity == "error" and f.cells == []
    assert f"{year} 年度的报告应使用 {expected} 格式" in f.message and f"本文件是 {fmt} 格式" in f.message
    assert f.values == {"year": year, "format": fmt, "expected": expected}
    assert one(check(data, mode="audit"), "S-03").severity == "error"


@pytest.mark.parametrize("fmt,year", [("2019", 2019), ("2019", 2020), ("2021", 2021), ("2021", 2030)])
def test_s03_right_year(fmt, year):
    data = base(fmt)
    data.year = year
    assert_clean(check(data))


@pytest.mark.parametrize("fmt", FORMATS)
def test_s03_year_before_2019(fmt):
    data = base(fmt)
    data.year = 2018
    f = one(check(data), "S-03")
    assert f.severity == "error" and "早于 2019" in f.message
    assert "应使用 2019 格式" not in f.message  # not "use the 2019 format" to a 2019-format file


@pytest.mark.parametrize(
    "fmt,ids",
    [
        ("2021", ["t2.procurement.count", "t2.licensing.prev_count"]),
        ("2019", ["t2.regulations.issued", "t3.other.no_fee.natural_person", "info_fee.amount_yuan"]),
    ],
)
def test_s03_other_format_ids(fmt, ids):
    data = base(fmt)
    for i in ids:
        data.cells[i] = 0
    report = check(data)
    f = one(report, "S-03")
    assert f.severity == "error" and f.values["ids"] == ids
    assert all(i in f.message for i in ids) and f"共 {len(ids)} 项" in f.message
    assert not only(report, "S-02")


# -- S-04 every cell a number -------------------------------------------------------------------------------------

S04_TEXTS = ["0件", "无", "—", " 3 ", "/", "3件", "", True]


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("raw", S04_TEXTS, ids=repr)
def test_s04_text_is_not_a_number(fmt, raw):
    cid = "t3.granted.natural_person"
    data = base(fmt).to_json()
    data["cells"][cid] = raw
    report = check(from_json(data))
    found = [f for f in only(report, "S-04") if cid in f.cells]
    assert len(found) == 1 and found[0].severity == "error" and not report.valid
    f = found[0]
    assert f.cells == [cid] and f.addresses == [ref(fmt, cid)]
    assert addr(fmt, cid) in f.message
    if raw == "":  # JSON "" is blank
        assert f.values == {"blank": [cid]}
    else:
        assert f.values == {"stated": raw}
        if isinstance(raw, str):
            assert f"“{raw}”" in f.message and "没有的请填 0" in f.message


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("raw,value", [("3", 3), (3.0, 3), ("0", 0), (0, 0)])
def test_s04_numbers_pass(fmt, raw, value):
    cid = "t3.granted.natural_person"
    data = base(fmt)
    data.cells[cid] = value
    rebalance(data)
    raw_json = data.to_json()
    raw_json["cells"][cid] = raw
    parsed = from_json(raw_json)
    assert parsed.cells[cid] == value
    assert_clean(check(parsed))


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize(
    "cid", ["t3.granted.natural_person", "t4.review.pending", "t3.total.total", "t3.carry_forward.other_org"]
)
def test_s04_blank_cell(fmt, cid):
    data = base(fmt)
    data.cells[cid] = None
    report = check(data)
    f = [f for f in only(report, "S-04") if cid in f.cells][0]
    assert f.severity == "error" and f.cells == [cid] and f.values == {"blank": [cid]}
    assert f"1 个空白单元格（{FORMS[fmt].cells[cid].sheet} {addr(fmt, cid)}）" in f.message
    assert f.addresses == [ref(fmt, cid)]


@pytest.mark.parametrize(
    "total,rule,parts_word",
    [
        ("t3.granted.total", "T3-03", "各类之和"),
        ("t3.total.natural_person", "T3-02", "各项办理结果之和"),
        ("t4.review.total", "T4-01", "四项之和"),
    ],
)
def test_blank_total_with_parts_is_more_than_a_missing_zero(total, rule, parts_word):
    """A 总计 left blank while its parts are not: the sum rule says so with the computed value, besides S-04."""
    data = base("2021")
    form = FORMS["2021"]
    expected = sum(data.cells[p] for p in form.cells[total].parts)
    data.cells[total] = None
    report = check(data)
    f = [f for f in only(report, rule) if f.cells[0] == total][0]
    assert f.severity == "error" and f.case == "blank_total"
    assert f.values == {"stated": None, "computed": expected, "difference": None, "blank": []}
    assert "为空，但" in f.message and parts_word in f.message and f"为 {expected}" in f.message
    assert any(total in x.cells for x in only(report, "S-04"))  # still in the blank list
    assert one(check(data, mode="audit"), rule).severity == "error"


def test_blank_total_with_blank_parts_is_only_a_blank():
    data = base("2021")
    row = [c for c in FORMS["2021"].cells if c.startswith("t3.granted.")]
    for cid in row:
        data.cells[cid] = None
    report = check(data)
    assert not [f for f in report.findings if f.rule == "T3-03" and "t3.granted.total" in f.cells]
    assert any("t3.granted.total" in f.cells for f in only(report, "S-04"))


def test_blank_total_in_a_workbook_is_wb01_not_twice(tmp_path):
    import openpyxl

    from xxgk.build import build_bytes
    from xxgk.read import read_workbook

    path = tmp_path / "清空.xlsx"
    path.write_bytes(build_bytes(FORMS["2021"], base("2021")))
    wb = openpyxl.load_workbook(path)
    cell = FORMS["2021"].cells["t3.granted.total"]
    wb[cell.sheet][cell.address] = None
    wb.save(path)
    report = check(read_workbook(path))
    assert [f.rule for f in report.findings if "t3.granted.total" in f.cells][:1] == ["WB-01"]
    assert not [f for f in report.findings if f.case == "blank_total"]


@pytest.mark.parametrize("fmt", FORMATS)
def test_s04_missing_key_is_blank(fmt):
    data = base(fmt)
    del data.cells["t2.licensing.decisions"]
    f = one(check(data), "S-04")
    assert f.cells == ["t2.licensing.decisions"]


@pytest.mark.parametrize("fmt", FORMATS)
def test_s04_blanks_grouped_by_row(fmt):
    data = base(fmt)
    ids = ["t3.partial.natural_person", "t3.partial.other_org"]
    for i in ids:
        data.cells[i] = 0
    rebalance(data)
    for i in ids:
        data.cells[i] = None
    report = check(data)
    f = one(report, "S-04")
    assert f.cells == ids and f.values == {"blank": ids}
    assert (
        f"有 2 个空白单元格（{FORMS[fmt].cells[ids[0]].sheet} {addr(fmt, ids[0])}、{addr(fmt, ids[1])}）" in f.message
    )


@pytest.mark.parametrize("fmt", FORMATS)
def test_blank_never_silently_becomes_zero(fmt):
    """A blank where 0 would balance every sum is still an S-04 error, not a pass."""
    cid = "t3.denied.admin_query.social_welfare_org"
    data = base(fmt)
    data.cells[cid] = 0
    rebalance(data)
    assert_clean(check(data))
    data.cells[cid] = None
    report = check(data)
    assert not report.valid
    assert [(f.rule, f.cells) for f in report.findings] == [("S-04", [cid])]


@pytest.mark.parametrize("fmt", FORMATS)
def test_sum_reports_blank_contributors(fmt):
    cid = "t3.granted.legal_service_org"
    data = base(fmt)
    data.cells[cid] = 4
    rebalance(data)
    data.cells[cid] = None
    report = check(data)
    f = one(report, "T3-03")
    assert f.cells[0] == "t3.granted.total" and cid in f.cells
    assert f.values["blank"] == [cid] and f.values["difference"] == 4
    assert "其中 1 项空白，按 0 计" in f.message
    t302 = [f for f in only(report, "T3-02") if f.cells[0] == "t3.total.legal_service_org"][0]
    assert t302.values["blank"] == [cid]
    assert [f.cells for f in only(report, "S-04")] == [[cid]]


@pytest.mark.parametrize("fmt", FORMATS)
def test_t3_01_reports_blank_contributors(fmt):
    cid = "t3.carry_forward.research_institution"
    data = base(fmt)
    data.cells[cid] = 5
    rebalance(data)
    data.cells[cid] = None
    report = check(data)
    f = [f for f in only(report, "T3-01") if cid in f.cells][0]
    assert f.values["blank"] == [cid] and f.values["difference"] == 5


@pytest.mark.parametrize("fmt", FORMATS)
def test_audit_lowers_s04_to_warning(fmt):
    raw = base(fmt).to_json()
    raw["cells"]["t3.granted.natural_person"] = None
    raw["cells"]["t3.partial.natural_person"] = "无"
    data = from_json(raw)
    generate = only(check(data), "S-04")
    audit = only(check(data, mode="audit"), "S-04")
    assert [f.severity for f in generate] == ["error", "error"]
    assert [f.severity for f in audit] == ["warning", "warning"]
    assert [f.cells for f in audit] == [f.cells for f in generate]


@pytest.mark.parametrize(
    "rule,build",
    [
        ("S-02", lambda: s02_fail("2021")),
        ("S-04", lambda: _set(base("2019"), "t3.granted.natural_person", None)),
        ("N-05", lambda: n05_fail()),
        ("I-01", lambda: _attr(base("2021"), org="")),
    ],
)
def test_audit_lowers_generate_errors(rule, build):
    assert {f.severity for f in only(check(build()), rule)} == {"error"}
    assert {f.severity for f in only(check(build(), mode="audit"), rule)} == {"warning"}


@pytest.mark.parametrize("rule", sorted(RULES))
def test_severity_table(rule):
    for name, case in RULES[rule].cases.items():
        assert severity(rule, "generate", name) == case.severity and severity(rule, "audit", name) == case.audit
        assert {case.severity, case.audit} <= {"error", "warning", "info"}


# -- V-01 counts -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("cid", ["t3.granted.natural_person", "t4.lit_direct.corrected", "t2.penalty.decisions"])
@pytest.mark.parametrize("value,problem", [(-1, "是负数"), (Decimal("1.5"), "不是整数"), (Decimal("-2.5"), "不是整数")])
def test_v01_counts(fmt, cid, value, problem):
    data = base(fmt)
    data.cells[cid] = value
    report = check(data)
    f = one(report, "V-01")
    assert f.severity == "error" and f.cells == [cid] and f.addresses == [ref(fmt, cid)]
    assert addr(fmt, cid) in f.message and str(value) in f.message
    assert problem in f.message
    assert f.values == {"stated": float(value) if value != int(value) else value}


@pytest.mark.parametrize("fmt", FORMATS)
def test_v01_zero_and_integral_float_pass(fmt):
    data = base(fmt)
    data.cells["t4.review.upheld"] = 0
    rebalance(data)
    assert_clean(check(data))
    raw = data.to_json()
    raw["cells"]["t4.review.upheld"] = 0.0
    assert_clean(check(from_json(raw)))


# -- V-02 本年增/减 (2019) ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("cid", ["t2.licensing.delta", "t2.fees.delta"])
def test_v02_signed_integer(cid):
    data = base("2019")
    data.cells[cid] = -3
    assert_clean(check(data))  # negative is allowed
    data.cells[cid] = Decimal("1.5")
    f = one(check(data), "V-02")
    assert f.severity == "error" and f.cells == [cid] and addr("2019", cid) in f.message and "1.5" in f.message
    assert f.values == {"stated": 1.5}


# -- V-03 money and unit -------------------------------------------------------------------------------------------

MONEY = {"2019": "t2.procurement.amount", "2021": "t2.fees.amount_wan_yuan"}


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize(
    "raw,problem", [(-1, "是负数"), (-0.01, "是负数"), (0.1234567, "超过6位小数"), ("12.3456789", "超过6位小数")]
)
def test_v03_bad_money(fmt, raw, problem):
    cid = MONEY[fmt]
    data = base(fmt).to_json()
    data["cells"][cid] = raw
    f = one(check(from_json(data)), "V-03")
    assert f.severity == "error" and f.cells == [cid] and f.addresses == [ref(fmt, cid)]
    assert problem in f.message and addr(fmt, cid) in f.message


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("raw", [0, 0.123456, "12.345678", 1234567.5])
def test_v03_good_money(fmt, raw):
    data = base(fmt).to_json()
    data["cells"][MONEY[fmt]] = raw
    assert_clean(check(from_json(data)))


def test_v03_info_fee_negative():
    data = base("2021")
    data.cells["info_fee.amount_yuan"] = -5
    f = one(check(data), "V-03")
    assert f.cells == ["info_fee.amount_yuan"] and "C3" in f.message


def test_v03_unit_missing_is_a_warning():
    data = base("2019")
    data.cells["t2.procurement.amount"] = 12.5
    data.units = {}
    report = check(data)
    f = one(report, "V-03")
    assert f.severity == "warning" and report.valid
    assert f.cells == ["t2.procurement.amount"] and "E20" in f.message and "未注明单位" in f.message
    data.cells["t2.procurement.amount"] = 0  # nothing bought: no unit needed
    assert_clean(check(data))


@pytest.mark.parametrize("unit", ["元", "万元"])
def test_v03_valid_units(unit):
    data = base("2019")
    data.units = {"t2.procurement.amount": unit}
    assert_clean(check(data))


@pytest.mark.parametrize("unit", ["美元", "千元", " 元"])
def test_v03_invalid_unit(unit):
    data = base("2019")
    data.units = {"t2.procurement.amount": unit}
    f = one(check(data), "V-03")
    assert f.severity == "error" and f.values == {"unit": unit}
    assert f"“{unit}”" in f.message and "E20" in f.message and "元 或 万元" in f.message


# -- V-04 规章 (2021) -----------------------------------------------------------------------------------------------


def v04_fail():
    data = base("2021")
    data.cells["t2.regulations.issued"] = 2
    data.cells["t2.regulations.in_force"] = 5
    return data


def test_v04_regulations_nonzero():
    report = check(v04_fail())
    f = one(report, "V-04")
    assert f.severity == "warning" and report.valid
    assert f.cells == ["t2.regulations.issued", "t2.regulations.in_force"]
    assert f.values == {"stated": {"t2.regulations.issued": 2, "t2.regulations.in_force": 5}}
    assert [x.rule for x in report.findings] == ["V-04"]


def test_v04_not_in_2019():
    data = base("2019")
    data.cells["t2.regulations.new_made"] = 3
    data.cells["t2.regulations.total_published"] = 30
    assert_clean(check(data))


# -- T3-01 一+二 = 三（七）+四 ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("col", ORG_COLS)
def test_t3_01_balance(fmt, col):
    data = base(fmt)
    data.cells[f"t3.carried_over.{col}"] += 2
    data.cells["t3.carried_over.total"] += 2  # keep the row sum right: only the balance is off
    report = check(data)
    assert {f.rule for f in report.findings} == {"T3-01"}
    f = [f for f in report.findings if f.cells[0] == f"t3.new_received.{col}"][0]
    ids = [f"t3.{r}.{col}" for r in ("new_received", "carried_over", "total", "carry_forward")]
    assert f.severity == "error" and f.cells == ids and f.addresses == [ref(fmt, i) for i in ids]
    v = data.cells
    assert f.values == {
        "stated": v[ids[2]] + v[ids[3]],
        "computed": v[ids[0]] + v[ids[1]],
        "difference": 2,
        "blank": [],
    }
    assert "相差 2" in f.message and all(addr(fmt, i) in f.message for i in ids)
    assert f"上年结转 {v[ids[1]]}" in f.message
    total = [f for f in report.findings if f.cells[0] == "t3.new_received.total"]
    assert len(total) == 1 and total[0].values["difference"] == 2


# -- T3-02 （七）总计 = Σ results ------------------------------------------------------------------------------------

T3_02_ROWS = ["granted", "partial", "denied.admin_query", "unable.not_held", "not_processed.duplicate"]


@pytest.mark.parametrize("fmt,row", [(f, r) for f in FORMATS for r in T3_02_ROWS + other_rows(f)])
def test_t3_02_total_row(fmt, row):
    data = base(fmt)
    data.cells[f"t3.{row}.natural_person"] += 2
    data.cells[f"t3.{row}.total"] += 2  # the row still sums: only （七）总计 is off
    report = check(data)
    assert {f.rule for f in report.findings} == {"T3-02"}
    found = {f.cells[0]: f for f in only(report, "T3-02")}
    assert set(found) == {"t3.total.natural_person", "t3.total.total"}
    f = found["t3.total.natural_person"]
    stated = data.cells["t3.total.natural_person"]
    assert f.severity == "error" and f.values == {
        "stated": stated,
        "computed": stated + 2,
        "difference": -2,
        "blank": [],
    }
    assert f.addresses[0] == ref(fmt, "t3.total.natural_person") and len(f.cells) == len(f.addresses)
    assert f.message.startswith(FORMS[fmt].cells["t3.total.natural_person"].label)
    assert addr(fmt, "t3.total.natural_person") in f.message and "相差 -2" in f.message
    assert f"t3.{row}.natural_person" in f.cells


# -- T3-03 row total = Σ columns ------------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("row", ["new_received", "granted", "denied.state_secret", "carry_forward"])
def test_t3_03_row_total(fmt, row):
    data = base(fmt)
    data.cells[f"t3.{row}.total"] += 3
    report = check(data)
    f = one(report, "T3-03")
    target = f"t3.{row}.total"
    assert f.severity == "error" and f.cells == [target] + [f"t3.{row}.{c}" for c in ORG_COLS]
    assert f.addresses[0] == ref(fmt, target) and addr(fmt, target) in f.message
    assert f.values["difference"] == 3 and f.values["stated"] == data.cells[target]
    assert "相差 3" in f.message and f"为 {data.cells[target]}" in f.message


# -- T3-04 share of （六）其他处理 ---------------------------------------------------------------------------------------


def t304_data(fmt, granted, other):
    """A report whose result rows hold only `granted` 予以公开 and `other` 其他处理 (自然人)."""
    data = base(fmt)
    form = FORMS[fmt]
    keys = [r["key"] for r in form.t3_rows]
    for r in keys[keys.index("granted") : keys.index("total")]:
        for c in ORG_COLS:
            data.cells[f"t3.{r}.{c}"] = 0
    data.cells["t3.granted.natural_person"] = granted
    rows = other_rows(fmt)
    for i, r in enumerate(rows):  # spread over the 2021 sub-rows
        data.cells[f"t3.{r}.natural_person"] = other // len(rows) + (1 if i < other % len(rows) else 0)
    return rebalance(data)


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("granted,other", [(9, 1), (900, 100), (0, 0), (10, 0)])
def test_t3_04_at_most_ten_percent_passes(fmt, granted, other):
    assert_clean(check(t304_data(fmt, granted, other)))


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("granted,other,pct", [(899, 101, "10.1"), (8, 1, "11.1"), (0, 5, "100.0")])
def test_t3_04_above_ten_percent_warns(fmt, granted, other, pct):
    report = check(t304_data(fmt, granted, other))
    f = one(report, "T3-04")
    assert [x.rule for x in report.findings] == ["T3-04"] and report.valid
    assert f.severity == "warning"
    assert f.cells == [f"t3.{r}.total" for r in other_rows(fmt)] + ["t3.total.total"]
    assert f.values["stated"] == other and f.values["total"] == granted + other
    assert f.values["share"] == pytest.approx(other / (granted + other))
    assert f"{pct}%" in f.message and f"{other} 件" in f.message


# -- T3-06 group subtotals supplied in JSON -------------------------------------------------------------------------------


def _groups(fmt):
    groups = {"denied": 8, "unable": 3, "not_processed": 5}
    if fmt == "2021":
        groups["other"] = 3
    return groups


@pytest.mark.parametrize("fmt,group", [(f, g) for f in FORMATS for g in _groups(f)])
@pytest.mark.parametrize("col", ["natural_person", "total"])
def test_t3_06_group_subtotal(fmt, group, col):
    data = base(fmt)
    form = FORMS[fmt]
    parts = [f"t3.{r['key']}.{col}" for r in form.t3_rows if r["key"].startswith(group + ".")]
    assert len(parts) == _groups(fmt)[group]
    target = f"t3.{group}.{col}"
    data.cells[target] = sum(data.cells[p] for p in parts)
    assert_clean(check(data))
    data.cells[target] += 1
    report = check(data)
    f = one(report, "T3-06")
    assert [x.rule for x in report.findings] == ["T3-06"]
    assert f.severity == "error" and f.cells == [target, *parts]
    assert f.addresses == [ref(fmt, p) for p in parts]  # the subtotal itself is not on the form
    assert f.values["difference"] == 1 and f.values["stated"] == data.cells[target]
    assert target in f.message and "相差 1" in f.message


def test_t3_06_other_is_a_cell_in_2019():
    """In 2019 （六）其他处理 is one printed row, so t3.other.* is an ordinary cell, not a subtotal."""
    data = base("2019")
    assert "t3.other.natural_person" in FORMS["2019"].cells
    assert not [s for s in FORMS["2019"].sums if s.target.startswith("t3.other.") and s.kind == "t3.group"]
    assert_clean(check(data))


# -- T4-01/02/03 ---------------------------------------------------------------------------------------------------------

T4 = [("T4-01", "review"), ("T4-02", "lit_direct"), ("T4-03", "lit_after_review")]


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("rule,row", T4)
@pytest.mark.parametrize("col", ["upheld", "pending"])
def test_t4_totals(fmt, rule, row, col):
    data = base(fmt)
    data.cells[f"t4.{row}.{col}"] += 1
    report = check(data)
    f = one(report, rule)
    assert [x.rule for x in report.findings] == [rule]
    target = f"t4.{row}.total"
    parts = [f"t4.{row}.{c}" for c in ("upheld", "corrected", "other", "pending")]
    assert f.severity == "error" and f.cells == [target, *parts]
    assert f.addresses == [ref(fmt, i) for i in (target, *parts)]
    assert addr(fmt, target) in f.message and "相差 -1" in f.message
    assert f.values == {"stated": data.cells[target], "computed": data.cells[target] + 1, "difference": -1, "blank": []}


# -- T2-02 (2021), T2v19-03 (2019) ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("row", ["regulations", "normative_docs"])
def test_t2_02(row):
    data = base("2021")
    ids = [f"t2.{row}.{c}" for c in ("issued", "repealed", "in_force")]
    for i, v in zip(ids, (5, 1, 4)):
        data.cells[i] = v
    assert [x.rule for x in check(data).findings] == (["V-04"] if row == "regulations" else [])  # equal passes
    data.cells[ids[2]] = 3
    report = check(data)
    f = one(report, "T2-02")
    assert f.severity == "warning" and report.valid
    assert f.cells == ids and f.addresses == [ref("2021", i) for i in ids]
    assert f.values == {"stated": 4, "computed": 5, "difference": -1}
    assert "现行有效 3 件 + 本年废止 1 件 = 4" in f.message and "本年制发 5 件" in f.message
    assert one(check(data, mode="audit"), "T2-02").severity == "warning"


@pytest.mark.parametrize("row", ["regulations", "normative_docs"])
def test_t2v19_03(row):
    data = base("2019")
    ids = [f"t2.{row}.new_published", f"t2.{row}.total_published"]
    data.cells[ids[0]], data.cells[ids[1]] = 6, 6
    assert_clean(check(data))
    data.cells[ids[1]] = 5
    report = check(data)
    f = one(report, "T2v19-03")
    assert f.severity == "warning" and report.valid and f.cells == ids
    assert f.values == {"stated": 6, "computed": 5, "difference": 1}
    assert "本年新公开数量 6 大于对外公开总数量 5" in f.message


# -- N-05 信息处理费 (2021) ---------------------------------------------------------------------------------------------------


def n05_fail():
    data = base("2021")
    data.cells["info_fee.amount_yuan"] = None
    data.text["part6"] = "无。"
    return data


def test_n05_blank_fee_and_no_mention():
    report = check(n05_fail())
    f = one(report, "N-05")
    assert f.severity == "error" and not report.valid
    assert f.cells == ["info_fee.amount_yuan"] and f.addresses == [ref("2021", "info_fee.amount_yuan")]
    assert "六、其他需要报告的事项" in f.message and "C3" in f.message
    assert [x.rule for x in report.findings] == ["N-05"]  # the extra cell is not also an S-04
    assert one(check(n05_fail(), mode="audit"), "N-05").severity == "warning"


def test_n05_missing_fee_key_and_no_text():
    data = n05_fail()
    del data.cells["info_fee.amount_yuan"]
    data.text.pop("part6")
    assert one(check(data), "N-05").severity == "error"


@pytest.mark.parametrize(
    "fee,part6",
    [
        (None, "本年度未收取信息处理费。"),
        (None, "（一）收取信息处理费情况\n全年收取信息处理费 0 元。"),
        (0, ""),
        (0, "无。"),
        (3940, "无。"),
    ],
)
def test_n05_passes(fee, part6):
    data = base("2021")
    data.cells["info_fee.amount_yuan"] = fee
    data.text["part6"] = part6
    assert_clean(check(data))


def test_n05_not_in_2019():
    data = base("2019")
    data.text["part6"] = ""
    assert [f.rule for f in check(data).findings] == ["P-01"]  # an empty 六 is P-01, never N-05 in 2019


# -- N-06 总体情况 ≤ 1000 字 (2021) ----------------------------------------------------------------------------------------------


def _part1(n):
    """n non-whitespace characters, with ASCII, full-width and line-break whitespace in between."""
    chars = "政务公开，2025年。" * (n // 10 + 1)
    body = chars[:n]
    return "\n".join(" ".join(body[i : i + 50]) + "\u3000\t" for i in range(0, n, 50))


def test_n06_helper_counts():
    assert len("".join(_part1(1000).split())) == 1000


def test_n06_1000_passes():
    data = base("2021")
    data.text["part1"] = _part1(1000)
    assert_clean(check(data))


def test_n06_1001_warns():
    data = base("2021")
    data.text["part1"] = _part1(1001)
    report = check(data)
    f = one(report, "N-06")
    assert f.severity == "warning" and report.valid and f.cells == []
    assert f.values == {"stated": 1001, "limit": 1000} and "1001 字" in f.message


def test_n06_not_in_2019():
    data = base("2019")
    data.text["part1"] = _part1(5000)
    assert_clean(check(data))


# -- WB-04 paragraph length -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", FORMATS)
def test_wb04_long_paragraph(fmt):
    data = base(fmt)
    data.text["part5"] = "（一）存在的主要问题\n" + "问" * 40000 + "\n（二）改进情况"
    report = check(data)
    f = one(report, "WB-04")
    assert f.severity == "error" and not report.valid
    assert f.values == {"part": "part5", "paragraph": 2, "length": 40000}
    assert "40000" in f.message and "32767" in f.message and "第 2 段" in f.message


@pytest.mark.parametrize("fmt", FORMATS)
def test_wb04_limit_passes(fmt):
    data = base(fmt)
    data.text["part5"] = "问" * 32767
    assert_clean(check(data))
    data.text["part5"] += "问"
    assert one(check(data), "WB-04").values["length"] == 32768


# -- I-01 basic information ----------------------------------------------------------------------------------------------------


def _attr(data, **kw):
    for k, v in kw.items():
        setattr(data, k, v)
    return data


def _set(data, cid, value):
    data.cells[cid] = value
    return data


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("org", ["", "  ", "\u3000"])
def test_i01_blank_org(fmt, org):
    report = check(_attr(base(fmt), org=org))
    f = one(report, "I-01")
    assert f.severity == "error" and f.values == {"field": "org"} and "机关名称" in f.message and "B3" in f.message
    assert one(check(_attr(base(fmt), org=org), mode="audit"), "I-01").severity == "warning"


@pytest.mark.parametrize("fmt", FORMATS)
def test_i01_blank_year(fmt):
    report = check(_attr(base(fmt), year=None))
    f = one(report, "I-01")
    assert f.severity == "error" and f.values == {"field": "year"} and "报告年度" in f.message and "B4" in f.message
    assert [x.rule for x in report.findings] == ["I-01"]


def test_i01_blank_year_from_json():
    raw = base("2021").to_json()
    raw["year"] = None
    raw["org"] = ""
    assert sorted(f.values["field"] for f in only(check(from_json(raw)), "I-01")) == ["org", "year"]


# -- X-01 上年结转 = last year's 结转下年度 -------------------------------------------------------------------------------------------


def previous_of(data, fmt=None, seed=1):
    """Last year's report, whose 结转下年度继续办理 equals this year's 上年结转 column by column."""
    prev = base(fmt or data.format, seed)
    prev.year = data.year - 1
    for c in T3_COLS:
        prev.cells[f"t3.carry_forward.{c}"] = data.cells[f"t3.carried_over.{c}"]
    consistent_stock(prev, data)
    prev.text = {
        "part1": "去年完成门户网站改版，新增专栏三个，培训工作人员二十名。",
        "part5": "人员力量不足，将加强培训并健全考核。",
    }
    prev.source = "last-year.xlsx"
    prev.kind = "workbook"  # X-01 is an error against one of our workbooks
    return prev


def consistent_stock(prev, data):
    """Make last year's 表二 stocks agree with this year's (T2-01, T2v19-01, T2v19-02) when the formats match."""
    if prev.format != data.format:
        return
    v, p = data.cells, prev.cells
    for row in ("regulations", "normative_docs"):
        if data.format == "2021":
            p[f"t2.{row}.in_force"] = v[f"t2.{row}.in_force"] - v[f"t2.{row}.issued"] + v[f"t2.{row}.repealed"]
        else:
            p[f"t2.{row}.total_published"] = v[f"t2.{row}.total_published"] - v[f"t2.{row}.new_published"]
    if data.format == "2019":
        for row in ("licensing", "other_services", "penalty", "coercion", "fees"):
            p[f"t2.{row}.delta"] = v[f"t2.{row}.prev_count"] - p[f"t2.{row}.prev_count"]


def x01_fail():
    data = base("2021")
    prev = previous_of(data)
    prev.cells["t3.carry_forward.natural_person"] += 3
    return data, prev


@pytest.mark.parametrize("fmt", FORMATS)
def test_x01_equal_passes(fmt):
    data = base(fmt)
    assert_clean(check(data, previous=previous_of(data)))


def test_x01_across_the_format_change():
    data = _attr(base("2021"), year=2021)
    prev = previous_of(data, fmt="2019")
    assert prev.year == 2020 and prev.format == "2019"
    found = check(data, previous=prev).findings
    assert [(f.rule, f.severity) for f in found] == [("X-02", "info")]  # 表二 not compared across formats
    prev.cells["t3.carry_forward.other_org"] += 1
    f = one(check(data, previous=prev), "X-01")
    assert f.cells == ["t3.carried_over.other_org"]


@pytest.mark.parametrize("fmt", FORMATS)
def test_x01_differs(fmt):
    data = base(fmt)
    prev = previous_of(data)
    prev.cells["t3.carry_forward.natural_person"] += 3
    report = check(data, previous=prev)
    f = one(report, "X-01")
    cid = "t3.carried_over.natural_person"
    now = data.cells[cid]
    assert f.severity == "error" and not report.valid
    assert f.cells == [cid] and f.addresses == [ref(fmt, cid)] and addr(fmt, cid) in f.message
    assert f.values == {"stated": now, "computed": now + 3, "difference": -3, "previous_file": "last-year.xlsx"}
    assert f"上年结转 {now} 件" in f.message and f"继续办理 {now + 3} 件" in f.message
    assert one(check(data, previous=prev, mode="audit"), "X-01").severity == "warning"


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("delta", [0, -2, 1])
def test_x01_wrong_previous_year(fmt, delta):
    data = base(fmt)
    prev = previous_of(data)
    prev.year = data.year + delta
    prev.cells["t3.carry_forward.natural_person"] += 3  # not compared: the years do not follow
    report = check(data, previous=prev)
    f = one(report, "X-01")
    assert f.severity == "warning" and report.valid and f.cells == []
    assert f.values == {"previous_year": prev.year, "previous_file": "last-year.xlsx"}
    assert f"{prev.year} 年度" in f.message and f"{data.year} 年度" in f.message


# -- I-02 基本信息 of a final report, P-01 parts with no text, P-02 empty sub-heads, V-05 implausible counts -------


def i02_fail():
    data = base("2021")
    for key in ("issuer_mark", "doc_number", "print_date"):
        data.info[key] = ""
    return data


def test_i02_names_the_missing_fields():
    report = check(i02_fail())
    f = one(report, "I-02")
    assert f.severity == "error" and not report.valid
    assert f.values["fields"] == ["issuer_mark", "doc_number", "print_date"]
    assert "发文机关标志、发文字号、印发日期" in f.message and "--draft" in f.message
    assert one(check(i02_fail(), mode="audit"), "I-02").severity == "warning"


def test_i02_not_twice_for_a_date_that_is_no_date():
    raw = base("2021").to_json()
    raw["info"]["date"] = "2026-02-30"
    data = from_json(raw)
    report = check(data)
    assert [f.rule for f in report.findings] == ["I-01"]  # the bad date, not also a missing one
    assert "2026-02-30" in report.findings[0].message and data.info["date"] == ""


@pytest.mark.parametrize("fmt", FORMATS)
def test_p01_parts_one_five_six_need_text(fmt):
    data = base(fmt)
    data.text = {"part1": "", "part5": "（一）存在的主要问题\n（二）改进情况", "part6": ""}
    found = only(check(data), "P-01")
    assert [f.values["part"] for f in found] == ["part1", "part5", "part6"][: 3 if fmt == "2019" else 2]
    assert all(f.severity == "error" for f in found)
    assert "无" in found[-1].message or fmt == "2021"


def test_p01_part6_may_be_the_fee_sentence_or_wu():
    data = base("2021")
    data.text["part6"] = ""
    assert data.cells["info_fee.amount_yuan"] is not None
    assert not only(check(data), "P-01")  # 六 holds the generated sentence on the fee
    data = base("2019")
    data.text["part6"] = "无。"
    assert_clean(check(data))


def p02_fail():
    data = base("2021")
    data.text["part1"] = (
        "（一）主动公开\n（二）依申请公开\n（三）政府信息管理\n本年度完善了政府信息管理制度。\n（五）监督保障"
    )
    return data


def test_p02_names_the_empty_template_subheads():
    report = check(p02_fail())
    f = one(report, "P-02")
    assert f.severity == "warning" and report.valid
    assert f.values["empty"] == ["（一）主动公开", "（二）依申请公开", "（五）监督保障"]
    data = base("2021")
    data.text["part1"] = (
        "（一）主动公开\n本年度主动公开信息 120 条。\n（二）我们的做法"  # a staff sub-head is no template one
    )
    assert not only(check(data), "P-02")


def v05_fail():
    data = base("2021")
    data.cells["t4.review.total"] += 1_000_045 - data.cells["t4.review.upheld"]
    data.cells["t4.review.upheld"] = 1_000_045
    return data


def test_v05_warns_above_the_plausible_count():
    report = check(v05_fail())
    f = one(report, "V-05")
    assert f.severity == "warning" and f.cells == ["t4.review.upheld"] and f.values["threshold"] == 100_000
    assert "1000045" in f.message and "100,000" in f.message and report.valid
    assert not only(check(rebalance(_set(base("2021"), "t3.granted.natural_person", 50_000))), "V-05")
    assert not only(check(_set(base("2021"), "t2.penalty.decisions", 5_000_000)), "V-05")  # 表二 may be large


# -- every rule has a failing fixture ------------------------------------------------------------------------------------------


def _x01_run():
    data, prev = x01_fail()
    return check(data, previous=prev)


def _cross_year_fail(rule):
    """(data, previous=…) breaking one cross-year rule; tests/test_crossyear.py has the passing twins."""
    data = base("2021" if rule in ("T2-01", "X-02", "X-03", "X-04") else "2019")
    if rule == "X-02":
        data.year = 2021
        return data, previous_of(data, fmt="2019")
    prev = previous_of(data)
    if rule == "T2-01":
        prev.cells["t2.normative_docs.in_force"] += 2
    elif rule == "T2v19-01":
        prev.cells["t2.penalty.delta"] -= 1
    elif rule == "T2v19-02":
        prev.cells["t2.regulations.total_published"] += 1
    else:
        prev.text = dict(data.text)
    return data, prev


def _says(text, part="part3"):
    """A 2021 report whose staff text states `text` (tests/test_claims.py covers these rules in depth)."""
    data = base("2021")
    data.text[part] = text
    return check(data)


def _cross_year_run(rule):
    data, prev = _cross_year_fail(rule)
    return check(data, previous=prev)


def _mut(fmt, **cells):
    data = base(fmt)
    for k, v in cells.items():
        data.cells[k.replace("__", ".")] = v
    return data


def _plus(fmt, *ids, by=1):
    data = base(fmt)
    for i in ids:
        data.cells[i] += by
    return data


FAILING = {
    "S-02": lambda: check(s02_fail("2019")),
    "S-03": lambda: check(_attr(base("2019"), year=2022)),
    "S-04": lambda: check(_set(base("2021"), "t3.granted.natural_person", None)),
    "V-01": lambda: check(_set(base("2021"), "t3.granted.natural_person", -1)),
    "V-02": lambda: check(_set(base("2019"), "t2.licensing.delta", Decimal("0.5"))),
    "V-03": lambda: check(_set(base("2021"), "t2.fees.amount_wan_yuan", -1)),
    "V-04": lambda: check(v04_fail()),
    "T3-01": lambda: check(_plus("2019", "t3.carried_over.natural_person", "t3.carried_over.total")),
    "T3-02": lambda: check(_plus("2021", "t3.granted.natural_person", "t3.granted.total")),
    "T3-03": lambda: check(_plus("2021", "t3.granted.total")),
    "T3-04": lambda: check(t304_data("2021", 8, 1)),
    "T3-06": lambda: check(_set(base("2019"), "t3.unable.natural_person", 10**6)),  # ≠ Σ unable.*
    "T4-01": lambda: check(_plus("2021", "t4.review.upheld")),
    "T4-02": lambda: check(_plus("2021", "t4.lit_direct.upheld")),
    "T4-03": lambda: check(_plus("2021", "t4.lit_after_review.upheld")),
    "T2-02": lambda: check(
        _mut("2021", t2__normative_docs__issued=9, t2__normative_docs__in_force=1, t2__normative_docs__repealed=1)
    ),
    "T2v19-03": lambda: check(_mut("2019", t2__regulations__new_published=9, t2__regulations__total_published=1)),
    "N-05": lambda: check(n05_fail()),
    "N-06": lambda: check(_attr(base("2021"), text={"part1": _part1(1001), "part6": "未收取信息处理费"})),
    "X-01": _x01_run,
    "N-01": lambda: _says("本年度共收到政府信息公开申请1件。"),
    "N-01b": lambda: _says("本年度办结政府信息公开申请1件。"),
    "N-01c": lambda: _says("结转下年度继续办理的政府信息公开申请1件。"),
    "N-02": lambda: _says("本年度因政府信息公开被申请行政复议1件。", part="part4"),
    "N-03": lambda: _says("本年制发行政规范性文件1件。", part="part2"),
    "N-04": lambda: _says("政府信息公开申请予以公开1件。"),
    "N-07": lambda: _says("政府信息公开申请中，自然人申请19件，占99%。"),
    **{
        rule: (lambda rule=rule: _cross_year_run(rule))
        for rule in ("T2-01", "T2v19-01", "T2v19-02", "X-02", "X-03", "X-04")
    },
    "WB-04": lambda: check(_attr(base("2019"), text={"part5": "字" * 40000})),
    "I-01": lambda: check(_attr(base("2021"), org="")),
    "I-02": lambda: check(i02_fail()),
    "P-01": lambda: check(_attr(base("2019"), text={"part1": "正文。", "part5": "正文。"})),
    "P-02": lambda: check(p02_fail()),
    "V-05": lambda: check(v05_fail()),
}


@pytest.mark.parametrize("rule", sorted(FAILING))
def test_failing_fixture(rule):
    report = FAILING[rule]()
    found = only(report, rule)
    assert found, [(f.rule, f.message) for f in report.findings]
    assert all(f.message and f.severity == severity(rule, "generate", f.case) for f in found)


def test_every_rule_has_a_failing_fixture():
    """Every id in RULES except the workbook-read rules WB-01 (formula replaced by a constant), WB-02 (sheets
    missing or renamed), WB-03 (workbook from another template version) and WB-05 (macros): check() cannot produce those from
    JSON data; tests/test_bad_input.py exercises them with workbooks."""
    produced = set()
    for build in FAILING.values():
        produced |= {f.rule for f in build().findings}
    assert produced == set(RULES) - set(WORKBOOK_ONLY)
    assert set(WORKBOOK_ONLY) <= set(RULES)


@pytest.mark.parametrize("rule", sorted(WORKBOOK_ONLY))
def test_workbook_rules_have_their_failing_test(rule):
    """The test named for a workbook-read rule exists and makes that rule fail (it names the rule)."""
    file, name = WORKBOOK_ONLY[rule].split("::")
    source = (Path(__file__).parent / file).read_text(encoding="utf-8")
    body = source.split(f"def {name}(", 1)[1].split("\ndef ", 1)[0]
    assert rule in body, f"{file}::{name} does not check {rule}"


@pytest.mark.parametrize("fmt", FORMATS)
def test_every_rule_has_a_passing_fixture(fmt):
    """The valid report of each format passes every rule that applies to it, in both modes, also with last year's
    report beside it (the cross-year rules' failing fixtures above change just one thing of this)."""
    data = base(fmt)
    previous = previous_of(data)
    for mode in ("generate", "audit"):
        assert check(data, previous=previous, mode=mode).findings == []
