"""The built workbook: committed and fresh, deterministic, protected, validated, named, printable."""

from __future__ import annotations

import io

import openpyxl
import pytest
from conftest import EXAMPLE_JSON, EXAMPLE_XLSX, valid_data

from xxgk.build import blank_workbook_path, build_bytes
from xxgk.cli import main
from xxgk.data import load_json
from xxgk.fill import merge_into
from xxgk.form import (
    CHECK_SHEET,
    FORMATS,
    GUIDE_SHEET,
    INFO_SHEET,
    META_SHEET,
    defined_name,
    formula_of,
    load_form,
    text_layout,
)
from xxgk.read import read_workbook

FORMS = {f: load_form(f) for f in FORMATS}


@pytest.fixture(scope="module", params=FORMATS)
def built(request):
    form = FORMS[request.param]
    blob = build_bytes(form, valid_data(form.format, seed=3))
    return form, openpyxl.load_workbook(io.BytesIO(blob))


@pytest.mark.parametrize("fmt", FORMATS)
def test_committed_blank_workbook_is_fresh(fmt):
    assert blank_workbook_path(fmt).read_bytes() == build_bytes(FORMS[fmt]), (
        "blank workbook is stale: run `xxgk workbook build` and commit"
    )


def test_workbook_build_check_command(capsys):
    assert main(["workbook", "build", "--check"]) == 0


def test_committed_example_is_fresh():
    """workbook/examples/gulou-audit-2020.xlsx = the blank 2019 workbook filled with the example JSON."""
    base = read_workbook(blank_workbook_path("2019"))
    merged, form = merge_into(base, load_json(EXAMPLE_JSON))
    assert EXAMPLE_XLSX.read_bytes() == build_bytes(form, merged), "example workbook is stale: run `make workbooks`"


@pytest.mark.parametrize("fmt", FORMATS)
def test_builder_is_deterministic(fmt):
    data = valid_data(fmt, seed=1)
    assert build_bytes(FORMS[fmt], data) == build_bytes(FORMS[fmt], data)
    assert build_bytes(FORMS[fmt], data) != build_bytes(FORMS[fmt], valid_data(fmt, seed=2))


def test_sheets_in_order_and_metadata_hidden(built):
    form, wb = built
    assert wb.sheetnames == [GUIDE_SHEET, INFO_SHEET, *form.parts, CHECK_SHEET, META_SHEET]
    meta = wb[META_SHEET]
    assert meta.sheet_state == "hidden"
    values = {r[0].value: r[1].value for r in meta.iter_rows(max_col=2)}
    assert values["format"] == form.format and values["form_hash"] == form.hash
    for key, place in text_layout(form, {}).items():
        assert values[f"text.{key}"].startswith(place.col)


def test_every_sheet_and_the_structure_protected(built):
    _, wb = built
    assert wb.security.lockStructure
    for ws in wb.worksheets:
        assert ws.protection.sheet, ws.title


def test_input_cells_unlocked_shaded_validated_everything_else_locked(built):
    form, wb = built
    for cell in form.cells.values():
        c = wb[cell.sheet][cell.address]
        if cell.is_total:
            assert c.protection.locked and c.value == formula_of(form, cell)
            continue
        assert not c.protection.locked, cell.id
        assert c.fill.fgColor.rgb.endswith("FFF2CC"), cell.id
        rules = [dv for dv in wb[cell.sheet].data_validations.dataValidation if cell.address in dv.sqref]
        assert len(rules) == 1, cell.id
        dv = rules[0]
        assert dv.showErrorMessage and dv.error and "整数" in dv.error or "金额" in dv.error
        expected = {"count": ("whole", "0"), "signed": ("whole", "-1000000000"), "money": ("decimal", "0")}[cell.type]
        assert (dv.type, dv.formula1) == expected, cell.id
    for label in form.labels:
        if label.text:
            c = wb[label.sheet][label.address]
            assert c.value == label.text and c.protection.locked


def test_merged_headers_as_the_format_prints_them(built):
    form, wb = built
    t3 = wb[form.parts[2]]
    merged = {str(r) for r in t3.merged_cells.ranges}
    assert {"A2:C4", "D2:J2", "D3:D4", "E3:I3", "J3:J4"} <= merged
    t4 = wb[form.parts[3]]
    assert {"A2:E2", "F2:O2", "F3:J3", "K3:O3", "A3:A4"} <= {str(r) for r in t4.merged_cells.ranges}
    assert t3["A2"].value == "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"


def test_defined_name_for_every_cell_id(built):
    form, wb = built
    for cell in form.cells.values():
        dn = wb.defined_names[defined_name(cell.id)]
        sheet, ref = next(iter(dn.destinations))
        assert sheet == cell.sheet and ref.replace("$", "") == cell.address


def test_print_setup(built):
    form, wb = built
    for sheet in form.parts[1:4]:
        ws = wb[sheet]
        assert int(ws.page_setup.paperSize) == int(ws.PAPERSIZE_A4) and ws.page_setup.fitToWidth == 1
    assert wb[form.parts[3]].page_setup.orientation == "landscape"
    assert wb[form.parts[2]].print_title_rows.replace("$", "") == "2:4"


def test_check_sheet_has_live_t3_01_per_column_and_red_formatting(built):
    form, wb = built
    ws = wb[CHECK_SHEET]
    rules = [ws[f"A{r}"].value for r in range(5, ws.max_row + 1)]
    assert rules.count("T3-01") == 7
    for rule in ("T3-02", "T3-03", "T4-01", "T4-02", "T4-03", "T3-04", "S-04", "V-01"):
        assert rule in rules
    assert ("T2-02" in rules) == (form.format == "2021") and ("T2v19-03" in rules) == (form.format == "2019")
    assert ("N-05" in rules) == ("N-06" in rules) == (form.format == "2021")
    fills = [r.dxf.fill.fgColor.rgb for cf in ws.conditional_formatting for r in cf.rules]
    assert any(f.endswith("FFC7CE") for f in fills)
    t3_rules = [r for cf in wb[form.parts[2]].conditional_formatting for r in cf.rules]
    assert t3_rules and "SUM(D$5,D$6)" in t3_rules[0].formula[0]


def test_text_one_paragraph_per_cell_and_more_rows_when_needed():
    form = FORMS["2021"]
    data = valid_data("2021")
    data.text["part5"] = "\n".join(f"第{i}段。" for i in range(80))
    wb = openpyxl.load_workbook(io.BytesIO(build_bytes(form, data)))
    place = text_layout(form, {"part5": 85})["part5"]
    ws = wb[place.sheet]
    assert ws[f"B{place.first_row}"].value == "第0段。" and ws[f"B{place.first_row + 79}"].value == "第79段。"
    assert not ws[f"B{place.first_row}"].protection.locked


def test_user_text_is_never_a_formula(tmp_path):
    """Text that looks like a formula (or a template tag, or markup) is stored and read back as text."""
    form = FORMS["2021"]
    data = valid_data("2021")
    data.org = '=HYPERLINK("http://x")'
    data.info["cc"] = "=1+1"
    data.text["part5"] = "=cmd|' /C calc'!A0\n<测试&转义>\n{{ 7*7 }}"
    path = tmp_path / "t.xlsx"
    path.write_bytes(build_bytes(form, data))
    wb = openpyxl.load_workbook(path)
    place = text_layout(form, {})["part5"]
    assert wb[place.sheet][f"B{place.first_row}"].data_type == "s"
    back = read_workbook(path)
    assert back.org == data.org and back.info["cc"] == "=1+1" and back.text["part5"] == data.text["part5"]
