"""The workbook's formulas, computed by a real spreadsheet engine (LibreOffice), agree with Python.

Many random reports (both formats) are generated — by hypothesis, by a seeded random loop and a few
hand-made edge cases — built with `build_bytes`, and recalculated together in ONE soffice batch. Then:
  a) every total cell's formula value equals `recompute_totals` (Python's all-blank None ↔ LibreOffice 0);
  b) the 校验 sheet's 错误/警告 rules equal the Python checker's errors/warnings, B2/D2/F2 are the counts,
     and no formula anywhere evaluates to an error value;
  c) the T3-01 conditional format exists on 表三 and its formula is TRUE exactly on the failing columns.
A failure names the case and the seed; rerun the same reports with XXGK_LO_SEED=<seed>.
"""

from __future__ import annotations

import io
import os
import random
from dataclasses import dataclass, field
from decimal import Decimal

import openpyxl
import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import seed as hypothesis_seed
from hypothesis import strategies as st
from lo import all_values, is_error, recalc
from openpyxl.formula.translate import Translator

from xxgk.build import build_bytes
from xxgk.check import check
from xxgk.data import from_json
from xxgk.form import CHECK_SHEET, FORMATS, col_letter, load_form
from xxgk.sums import recompute_totals

SEED = int(os.environ.get("XXGK_LO_SEED") or random.SystemRandom().randrange(2**32))
N_HYPOTHESIS = 20  # LibreOffice needs ≈0.5 s per workbook of ours: the batch stays under ~40 files
N_RANDOM = 6
N_CF = 5  # scratch copies for the conditional-format check

ERROR_RULES = {"T3-01", "T3-02", "T3-03", "T4-01", "T4-02", "T4-03", "S-04", "V-01", "N-05"}
WARNING_RULES = {"T3-04", "T2-02", "T2v19-03", "N-06", "V-03"}  # V-03: 2019 采购总金额 without a unit
STATUSES = {"通过", "错误", "警告", "未填"}
PASTED_TEXT = ["无", "3件", "—", "/", "N/A", "零", " ", "-", "见附件"]
PROSE = "本机关坚持以公开为常态不公开为例外全面推进政务公开工作依申请公开办理规范有序"


def tables(form):
    return [c for c in form.input_cells() if c.table in ("t2", "t3", "t4")]


def t3_org_columns(form):
    return [k for k, _ in form.t3_columns if k != form.raw["t3"]["total_column"]]


@dataclass
class Recipe:
    """What to generate; indices are taken modulo the fitting cell list, so any ints will do."""

    fmt: str
    base: list[int]  # one value per input cell, in form order
    large: dict[int, int] = field(default_factory=dict)
    zero_other: bool = False  # （六）其他处理 all 0: T3-04 passes
    balance: bool = True  # make 一+二 = 三（七）+四 hold in every column before `breaks`
    breaks: dict[int, int] = field(default_factory=dict)  # t3 column → delta added to 一、本年新收 (T3-01)
    negatives: dict[int, int] = field(default_factory=dict)  # count cell → negative value (V-01)
    fractions: set[int] = field(default_factory=set)  # count cell → x.5 (V-01)
    blanks: set[int] = field(default_factory=set)  # any input cell → blank (S-04)
    all_blank: bool = False
    texts: dict[int, str] = field(default_factory=dict)  # table cell → text pasted over validation (S-04)
    fee_blank: bool = False  # 2021 info_fee blank …
    part6_mentions_fee: bool = False  # … unless part 六 mentions 信息处理费 (N-05)
    part1_chars: int = 40  # N-06 threshold is 1000
    unit: str | None = "万元"
    name: str = ""


@dataclass
class Case:
    name: str
    form: object
    data: object  # ReportData as checked by Python, totals recomputed
    texts: dict[str, str]  # cell id → pasted text
    path: object = None
    out: object = None
    cf_path: object = None
    cf_out: object = None


# -- generating reports ----------------------------------------------------------------------------


def prose(n: int, salt: int) -> str:
    """n non-blank characters with half- and full-width spaces, in paragraphs of ≤ 300 characters."""
    paras, para = [], []
    for i in range(n):
        para.append(PROSE[(i * 7 + salt) % len(PROSE)])
        if i % 9 == 4:
            para.append(" ")
        if i % 23 == 11:
            para.append("\u3000")
        if i % 300 == 299:
            paras.append("".join(para))
            para = []
    if para:
        paras.append("".join(para))
    return "\n".join(paras)


def make_case(r: Recipe) -> Case:
    form = load_form(r.fmt)
    inputs = form.input_cells()
    counts = [c for c in tables(form) if c.type == "count"]
    cells: dict[str, object] = {}
    for i, c in enumerate(inputs):
        v = r.base[i % len(r.base)] if r.base else 0
        cells[c.id] = v / 100 if c.type == "money" else v - 30 if c.type == "signed" else v
    for i, v in r.large.items():
        cells[counts[i % len(counts)].id] = v
    rows = [x["key"] for x in form.t3_rows]
    if r.zero_other:
        for key in rows:
            if key == "other" or key.startswith("other."):
                for col in t3_org_columns(form):
                    cells[f"t3.{key}.{col}"] = 0
    if r.balance:
        work = dict(cells)
        recompute_totals(form, work)
        for col in t3_org_columns(form):
            new = work[f"t3.total.{col}"] + cells[f"t3.carry_forward.{col}"] - cells[f"t3.carried_over.{col}"]
            if new < 0:
                cells[f"t3.carried_over.{col}"] -= new
                new = 0
            cells[f"t3.new_received.{col}"] = new
    org = t3_org_columns(form)
    for i, delta in r.breaks.items():
        cells[f"t3.new_received.{org[i % len(org)]}"] += delta
    for i, v in r.negatives.items():
        cells[counts[i % len(counts)].id] = v
    for i in r.fractions:
        cells[counts[i % len(counts)].id] = abs(int(cells[counts[i % len(counts)].id])) + 0.5
    for i in r.blanks:
        cells[inputs[i % len(inputs)].id] = None
    if r.all_blank:
        cells = dict.fromkeys(cells)
    texts = {}
    for i, t in r.texts.items():
        cid = tables(form)[i % len(tables(form))].id
        cells[cid], texts[cid] = t, t
    if r.fmt == "2021" and r.fee_blank:
        cells["info_fee.amount_yuan"] = None
    part6 = "本年度收取信息处理费情况见下。" if r.part6_mentions_fee else "无其他需要报告的事项。"
    raw = {
        "format": r.fmt,
        "year": 2020 if r.fmt == "2019" else 2025,
        "org": "测试县测试局",
        "cells": cells,
        "units": {"t2.procurement.amount": r.unit} if r.fmt == "2019" and r.unit else {},
        "text": {"part1": prose(r.part1_chars, len(r.base)), "part6": part6},
    }
    data = from_json(raw)  # the pasted texts become bad_values (S-04) and blank cells, as in a read workbook
    assert set(data.bad_values) == set(texts)
    recompute_totals(form, data.cells)
    return Case(r.name, form, data, texts)


def idx(n=10**4):
    return st.integers(0, n)


@st.composite
def recipes(draw):
    fmt = draw(st.sampled_from(FORMATS))
    n = len(load_form(fmt).input_cells())
    return Recipe(
        fmt=fmt,
        base=draw(st.lists(st.integers(0, 60), min_size=n, max_size=n)),
        large=draw(st.dictionaries(idx(), st.integers(10**6, 10**12), max_size=3)),
        zero_other=draw(st.booleans()),
        balance=draw(st.booleans() | st.just(True)),
        breaks=draw(st.dictionaries(idx(), st.integers(1, 9), max_size=2)),
        negatives=draw(st.dictionaries(idx(), st.integers(-50, -1), max_size=1)),
        fractions=draw(st.sets(idx(), max_size=1)),
        blanks=draw(st.sets(idx(), max_size=4)),
        texts=draw(st.dictionaries(idx(), st.sampled_from(PASTED_TEXT), max_size=2)),
        fee_blank=draw(st.booleans()),
        part6_mentions_fee=draw(st.booleans()),
        part1_chars=draw(st.sampled_from([0, 40, 999, 1000, 1001]) | st.integers(0, 1200)),
        unit=draw(st.sampled_from([None, "元", "万元"])),
    )


def hypothesis_recipes(n: int, seed: int) -> list[Recipe]:
    """Run hypothesis' generator and keep what it draws: the workbooks are recalculated later, in one batch."""
    found: list[Recipe] = []

    @hypothesis_seed(seed)
    @settings(
        max_examples=n, database=None, deadline=None, phases=[Phase.generate], suppress_health_check=list(HealthCheck)
    )
    @given(recipes())
    def collect(recipe):
        found.append(recipe)

    collect()
    for i, r in enumerate(found):
        r.name = f"hypothesis-{i}"
    return found[:n]


def random_recipe(rng: random.Random, i: int) -> Recipe:
    fmt = FORMATS[i % 2]
    n = len(load_form(fmt).input_cells())
    high = rng.choice([3, 30, 1000])

    def some(k, make):
        return {rng.randrange(10**4): make() for _ in range(rng.choice([0, 0, 0] + list(range(1, k + 1))))}

    return Recipe(
        fmt=fmt,
        base=[rng.randint(0, high) for _ in range(n)],
        large=some(2, lambda: rng.randint(10**6, 10**12)),
        zero_other=rng.random() < 0.5,
        balance=rng.random() < 0.8,
        breaks=some(2, lambda: rng.randint(1, 20)),
        negatives=some(1, lambda: -rng.randint(1, 99)),
        fractions=set(some(1, lambda: 0)),
        blanks=set(some(5, lambda: 0)),
        texts=some(2, lambda: rng.choice(PASTED_TEXT)),
        fee_blank=rng.random() < 0.4,
        part6_mentions_fee=rng.random() < 0.5,
        part1_chars=rng.choice([0, 500, 1000, 1001, rng.randint(0, 1500)]),
        unit=rng.choice([None, "元", "万元"]),
        name=f"random-{i}",
    )


def edge_recipes() -> list[Recipe]:
    def valid(fmt, **kw):
        n = len(load_form(fmt).input_cells())
        return Recipe(fmt=fmt, base=[(i * 37) % 23 for i in range(n)], zero_other=True, **kw)

    return [
        Recipe("2021", [0], all_blank=True, fee_blank=True, part1_chars=0, name="edge-2021-all-blank"),
        Recipe("2019", [0], all_blank=True, unit=None, part1_chars=0, name="edge-2019-all-blank"),
        valid("2021", name="edge-2021-valid"),
        valid("2019", name="edge-2019-valid"),
        # text in a cell a 表二 warning compares (2019: #2 规章 对外公开总数量; 2021: #0 规章 本年制发件数),
        # a fraction alone, text beside a negative in 表四, and text, a negative and a fraction in 表三
        valid("2019", texts={2: "/"}, name="edge-2019-text-in-t2"),
        valid("2019", fractions={5}, name="edge-2019-fraction-only"),
        valid("2021", texts={-1: "无"}, negatives={-2: -1}, name="edge-2021-t4-text-and-negative"),
        valid(
            "2021",
            texts={0: "无", 60: "无"},
            negatives={61: -2},
            fractions={62},
            fee_blank=True,
            part6_mentions_fee=True,
            part1_chars=1001,
            name="edge-2021-text-negative-fraction",
        ),
        valid(
            "2019",
            large={i: 10**12 + i for i in range(0, 160, 7)},
            breaks={3: 1},
            part1_chars=1000,
            name="edge-2019-large-off-by-one",
        ),
    ]


# -- the batch: build all, recalculate all in one soffice call ----------------------------------------


def write_workbook(case: Case, path):
    blob = build_bytes(case.form, case.data)
    if case.texts:  # paste text over the validation, as a user can with copy & paste
        wb = openpyxl.load_workbook(io.BytesIO(blob))
        for cid, text in case.texts.items():
            cell = case.form.cells[cid]
            wb[cell.sheet][cell.address] = text
        wb.save(path)
    else:
        path.write_bytes(blob)


def t3_anchor(form):
    rows = {r["key"]: 5 + i for i, r in enumerate(form.t3_rows)}
    n, c, t, f = (rows[k] for k in ("new_received", "carried_over", "total", "carry_forward"))
    last = col_letter(3 + len(form.t3_columns))
    return n, f"D{n}:{last}{c} D{t}:{last}{f}"


def t3_rule(ws, form):
    """The T3-01 rule of the 表三 sheet: (sqref, rule)."""
    _, sqref = t3_anchor(form)
    found = [(str(cf.sqref), rule) for cf in ws.conditional_formatting for rule in cf.rules if str(cf.sqref) == sqref]
    assert len(found) == 1, (
        f"T3-01 conditional format on {sqref} not found: "
        f"{[(str(cf.sqref), [r.formula for r in cf.rules]) for cf in ws.conditional_formatting]}"
    )
    return found[0]


def scratch_copy(case: Case, path):
    """A copy with the T3-01 rule's formula in a scratch row, one cell per column (relative column moved)."""
    wb = openpyxl.load_workbook(case.path)
    form = case.form
    ws = wb[form.sheet_of("t3")]
    first_row, _ = t3_anchor(form)
    _, rule = t3_rule(ws, form)
    row = ws.max_row + 5
    case.cf_row = row
    for j in range(len(form.t3_columns)):
        col = col_letter(4 + j)
        ws[f"{col}{row}"] = Translator("=" + rule.formula[0], origin=f"D{first_row}").translate_formula(f"{col}{row}")
    wb.save(path)


@pytest.fixture(scope="module")
def batch(tmp_path_factory):
    folder = tmp_path_factory.mktemp("lo-batch")
    rng = random.Random(SEED)
    recipes_ = (
        hypothesis_recipes(N_HYPOTHESIS, SEED) + [random_recipe(rng, i) for i in range(N_RANDOM)] + edge_recipes()
    )
    cases = [make_case(r) for r in recipes_]
    for case in cases:
        case.path = folder / f"{case.name}.xlsx"
        write_workbook(case, case.path)
        (folder / f"{case.name}.json").write_text(case.data.dump(), encoding="utf-8")
    # the conditional-format copies: cases with T3-01 failures first, then passing ones, both formats
    failing = [c for c in cases if any(f.rule == "T3-01" for f in py_findings(c))]
    passing = [c for c in cases if c not in failing]
    cf_cases = (failing[: N_CF - 2] + passing[:2])[:N_CF]
    for case in cf_cases:
        case.cf_path = folder / f"{case.name}-cf.xlsx"
        scratch_copy(case, case.cf_path)
    inputs = [c.path for c in cases] + [c.cf_path for c in cf_cases]
    out = recalc(inputs, folder / "recalculated", timeout=240)
    for case in cases:
        case.out = out[case.path]
        if case.cf_path:
            case.cf_out = out[case.cf_path]
    print(f"\nLibreOffice batch: {len(inputs)} workbooks, seed {SEED}, in {folder}")
    return cases


def py_findings(case: Case):
    if not hasattr(case, "_report"):
        case._report = check(case.data, case.form)
    return case._report.findings


def where(case: Case) -> str:
    return f"[case {case.name}, XXGK_LO_SEED={SEED}, workbook {case.path}, LibreOffice copy {case.out}]"


# -- a) totals -------------------------------------------------------------------------------------


def test_batch_covers_both_formats_and_failures(batch):
    assert len(batch) >= 30
    assert {c.form.format for c in batch} == set(FORMATS)
    rules = [{f.rule for f in py_findings(c) if f.severity == "error"} for c in batch]
    assert sum("T3-01" in r for r in rules) >= 2 and sum("T3-01" not in r for r in rules) >= 2
    assert any("S-04" in r for r in rules) and any("V-01" in r for r in rules)


def test_total_formulas_equal_python_totals(batch):
    for case in batch:
        got = all_values(case.out)
        for cell in case.form.total_cells():
            lo_value = got[cell.sheet].get(cell.address)
            expected = case.data.cells[cell.id]
            if expected is None:  # every part blank (or text): Python says blank, the SUM formula says 0
                assert all(case.data.cells[p] is None for p in cell.parts)
                assert lo_value == 0, (
                    f"{cell.id} ({cell.address}) all parts blank: LibreOffice {lo_value!r} {where(case)}"
                )
            else:
                assert isinstance(lo_value, (int, float)) and not isinstance(lo_value, bool), (
                    f"{cell.id}: LibreOffice {lo_value!r} {where(case)}"
                )
                assert Decimal(repr(lo_value)) == expected, (
                    f"{cell.id} ({cell.sheet} {cell.address}): LibreOffice {lo_value!r}, Python {expected} {where(case)}"
                )


# -- b) 校验 agrees with the Python checker ----------------------------------------------------------


def check_rows(case: Case):
    v = all_values(case.out)[CHECK_SHEET]
    rows, r = [], 5
    while isinstance(v.get(f"A{r}"), str):
        rows.append((r, v[f"A{r}"], v.get(f"F{r}")))
        r += 1
    assert rows, f"no rows on {CHECK_SHEET} {where(case)}"
    return v, rows


def test_check_sheet_agrees_with_python(batch):
    for case in batch:
        v, rows = check_rows(case)
        bad = [(r, rule, s) for r, rule, s in rows if s not in STATUSES]
        assert not bad, f"{CHECK_SHEET} rows with a status that is not {STATUSES}: {bad} {where(case)}"
        wb_errors = {rule for _, rule, s in rows if s == "错误"}
        wb_warnings = {rule for _, rule, s in rows if s == "警告"}
        findings = py_findings(case)
        py_errors = {f.rule for f in findings if f.severity == "error" and f.rule in ERROR_RULES}
        py_warnings = {f.rule for f in findings if f.severity == "warning" and f.rule in WARNING_RULES}
        assert wb_errors <= ERROR_RULES and wb_warnings <= WARNING_RULES, where(case)
        detail = "\n".join(
            f"  python {f.severity} {f.rule}: {f.message}" for f in findings if f.rule in ERROR_RULES | WARNING_RULES
        )
        assert wb_errors == py_errors, (
            f"错误 on {CHECK_SHEET}: {sorted(wb_errors)}, Python errors: {sorted(py_errors)} {where(case)}\n{detail}"
        )
        assert wb_warnings == py_warnings, (
            f"警告 on {CHECK_SHEET}: {sorted(wb_warnings)}, Python warnings: {sorted(py_warnings)} {where(case)}\n{detail}"
        )
        # formulas are totals in an intact workbook: the sum rules can never fail there
        assert not wb_errors & {"T3-02", "T3-03", "T4-01", "T4-02", "T4-03"}, where(case)
        counts = {s: sum(1 for _, _, x in rows if x == s) for s in ("错误", "警告", "未填")}
        assert (v.get("B2"), v.get("D2"), v.get("F2")) == (counts["错误"], counts["警告"], counts["未填"]), where(case)
        # T3-01 column by column, not only as a rule id
        failing_py = {f.cells[0] for f in findings if f.rule == "T3-01"}
        t3_rows = [r for r, rule, _ in rows if rule == "T3-01"]
        failing_wb = {
            f"t3.new_received.{k}" for (k, _), r in zip(case.form.t3_columns, t3_rows) if v.get(f"F{r}") == "错误"
        }
        assert failing_wb == failing_py, where(case)


def test_no_formula_evaluates_to_an_error(batch):
    for case in batch:
        built = openpyxl.load_workbook(case.path, read_only=True)
        try:
            formulas = {
                ws.title: {
                    c.coordinate: c.value
                    for row in ws.iter_rows()
                    for c in row
                    if isinstance(getattr(c, "value", None), str) and c.value.startswith("=")
                }
                for ws in built.worksheets
            }
        finally:
            built.close()
        got = all_values(case.out)
        assert sum(map(len, formulas.values())) > 100, where(case)
        errors = {(s, a): v for s, cells in got.items() for a, v in cells.items() if is_error(v)}
        assert not errors, f"error values: {dict(list(errors.items())[:10])} {where(case)}"
        # a formula that may give "" (T3-04's share when there is no total) reads back as None
        missing = [
            (s, a)
            for s, cells in formulas.items()
            for a, f in cells.items()
            if got.get(s, {}).get(a) is None and '""' not in f
        ]
        assert not missing, f"formula cells without a value after recalculation: {missing[:10]} {where(case)}"


# -- c) the live T3-01 conditional format ---------------------------------------------------------------


def test_t3_conditional_format_marks_the_failing_columns(batch):
    cf_cases = [c for c in batch if c.cf_out]
    assert len(cf_cases) == N_CF
    assert any(any(f.rule == "T3-01" for f in py_findings(c)) for c in cf_cases)
    for case in cf_cases:
        form = case.form
        wb = openpyxl.load_workbook(case.path)
        sqref, rule = t3_rule(wb[form.sheet_of("t3")], form)
        assert rule.type == "expression" and rule.dxf is not None and rule.dxf.fill is not None, where(case)
        assert rule.dxf.fill.bgColor.rgb.endswith("FFC7CE"), where(case)
        got = all_values(case.cf_out)[form.sheet_of("t3")]
        failing = {f.cells[0] for f in py_findings(case) if f.rule == "T3-01"}
        for j, (ckey, ctext) in enumerate(form.t3_columns):
            col = col_letter(4 + j)
            assert form.cells[f"t3.new_received.{ckey}"].address == f"{col}5"
            value = got.get(f"{col}{case.cf_row}")
            assert value is (f"t3.new_received.{ckey}" in failing), (
                f"T3-01 format formula in column {col}「{ctext}」 gives {value!r} {where(case)}"
            )
