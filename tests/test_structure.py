"""Workbooks as users really change them, edited and saved by LibreOffice Calc (tests/lo_edit.py): every
command reads exactly what a person sees, or refuses the file with one finding that names the change.

All the edits of this module run in ONE LibreOffice session (the `edited` fixture). The property test at the
end makes random structural edits a user can make after unprotecting a sheet (rows and columns inserted or
deleted, in the tables and the text sheets, paragraphs typed into new rows) and checks each saved file with an
independent oracle: openpyxl's view of what the sheet shows.
"""

from __future__ import annotations

import json
import random
from pathlib import Path

import openpyxl
import pytest
from conftest import valid_data
from lo_edit import edit

from xxgk.build import build_bytes
from xxgk.cli import main
from xxgk.form import INFO_SHEET, TEXT_SHEET_NOTE, load_form
from xxgk.merge import merge
from xxgk.read import read_workbook

F21 = load_form("2021")
T2, T3, T4, P5, P6 = F21.parts[1], F21.parts[2], F21.parts[3], F21.parts[4], F21.parts[5]
P1 = F21.parts[0]
TEXT = {
    "preamble": "本报告依据《中华人民共和国政府信息公开条例》编制。",
    "part1": "\n".join(
        [
            "（一）主动公开",
            "本年度主动公开政府信息 120 条。",
            "（二）依申请公开",
            "本年度依法办理申请。",
            "（三）政府信息管理",
            "完善了信息发布审核制度。",
            "（四）政府信息公开平台建设",
            "网站运行平稳。",
            "（五）监督保障",
            "开展了培训。",
        ]
    ),
    "part2": "表二说明段落。",
    "part3": "表三说明第一段。\n表三说明第二段。",
    "part4": "表四说明段落。",
    "part5": "（一）存在的主要问题\n问题是人员不足。\n（二）改进情况\n下一步加强培训。",
    "part6": "本年度未收取信息处理费。",
}


def filled(seed: int = 0):
    data = valid_data("2021", seed)
    data.text = dict(TEXT)
    return data


def unprotect(sheet):
    return {"op": "unprotect", "sheet": sheet}


def ins_rows(sheet, row, count=1):
    return {"op": "insert_rows", "sheet": sheet, "row": row, "count": count}


def del_rows(sheet, row, count=1):
    return {"op": "delete_rows", "sheet": sheet, "row": row, "count": count}


def ins_cols(sheet, col, count=1):
    return {"op": "insert_cols", "sheet": sheet, "col": col, "count": count}


def del_cols(sheet, col, count=1):
    return {"op": "delete_cols", "sheet": sheet, "col": col, "count": count}


def put(sheet, cell, value):
    return {"op": "set", "sheet": sheet, "cell": cell, "value": value}


P5_TITLE = 3  # 五: the title row; paragraphs from row 4
PARAGRAPHS_35 = [f"第{i}段：存在的问题和改进情况的说明。" for i in range(1, 36)]

SCENARIOS = {
    # A.3: a row inserted above （七）总计 (2021 表三: rows 5–29, （七）总计 at 28)
    "t3_insert_28": [unprotect(T3), ins_rows(T3, 28)],
    "t3_delete_10": [unprotect(T3), del_rows(T3, 10)],
    "t4_insert_col_c": [unprotect(T4), ins_cols(T4, 3)],
    "t2_delete_col_d": [unprotect(T2), del_cols(T2, 4)],
    # A.2: 35 paragraphs in 五 after inserting rows (the template offers 30)
    "p5_35_paragraphs": [unprotect(P5), ins_rows(P5, 10, 10)]
    + [put(P5, f"B{P5_TITLE + i}", p) for i, p in enumerate(PARAGRAPHS_35, 1)],
    "p1_delete_paragraph": [unprotect(P1), del_rows(P1, 13)],  # part1's second paragraph (its title at 11)
    # 表三's text: title at 31, its two paragraphs at 32–33, five spare rows; 8 rows inserted after them
    "p3_more_paragraphs": [unprotect(T3), ins_rows(T3, 34, 8)]
    + [put(T3, f"A{34 + i}", f"表三补充第{i}段。") for i in range(8)],
    "p6_insert_above_title": [unprotect(P6), ins_rows(P6, 4, 2), put(P6, "B9", "六、插在中间的一段。")],
    "info_insert_row": [unprotect(INFO_SHEET), ins_rows(INFO_SHEET, 5), put(INFO_SHEET, "B4", "2025年")],
    "info_delete_row": [unprotect(INFO_SHEET), del_rows(INFO_SHEET, 7)],  # 发文字号
    "formula_in_input": [unprotect(T3), put(T3, "D7", "=4+4")],
    "note_beside_table": [unprotect(T3), put(T3, "L10", "备注：另有3件未统计")],
}


def random_scenarios(count: int, seed: int = 20261129):
    """Structural edits a user can make after unprotecting a sheet, drawn at random (repeatable)."""
    rng = random.Random(seed)
    sheets = [INFO_SHEET, *F21.parts]
    out = {}
    for n in range(count):
        sheet = rng.choice(sheets)
        ops = [unprotect(sheet)]
        for _ in range(rng.randint(1, 2)):
            kind = rng.choice(["insert_rows", "insert_rows", "delete_rows", "insert_cols", "delete_cols"])
            if kind.endswith("rows"):
                op = {"op": kind, "sheet": sheet, "row": rng.randint(1, 45), "count": rng.randint(1, 3)}
            else:
                op = {"op": kind, "sheet": sheet, "col": rng.randint(1, 12), "count": 1}
            ops.append(op)
            if kind == "insert_rows" and rng.random() < 0.6:  # and type a paragraph into the new row
                ops.append(put(sheet, f"{rng.choice('AB')}{op['row']}", f"随机插入的第{n}段文字。"))
        out[f"random_{n:02d}"] = ops
    return out


RANDOM = random_scenarios(24)


@pytest.fixture(scope="module")
def edited(tmp_path_factory):
    """{scenario: (original data, the edited file saved by LibreOffice)} — one LibreOffice session for all."""
    folder = tmp_path_factory.mktemp("structure")
    source = folder / "原件.xlsx"
    data = filled()
    source.write_bytes(build_bytes(F21, data))
    jobs = [(source, folder / f"{name}.xlsx", ops) for name, ops in {**SCENARIOS, **RANDOM}.items()]
    edit(jobs)
    return {name: folder / f"{name}.xlsx" for name in {**SCENARIOS, **RANDOM}}, data, source


def rules(data):
    return [p.rule for p in data.problems]


def test_untouched_workbook_saved_by_libreoffice_reads_as_written(edited, tmp_path):
    files, original, source = edited
    again = tmp_path / "只另存.xlsx"
    edit([(source, again, [])])
    data = read_workbook(again)
    assert data.problems == []
    assert {k: data.cells[k] for k in F21.cells} == {k: original.cells[k] for k in F21.cells}
    assert data.text == original.text


# -- A.3: a row inserted in 表三 --------------------------------------------------------------------------------


def test_row_inserted_in_t3_is_one_finding_and_every_command_refuses(edited, tmp_path, capsys):
    files, original, _ = edited
    path = files["t3_insert_28"]
    data = read_workbook(path)
    assert rules(data) == ["WB-06"]
    message = data.problems[0].message
    assert "表三" in message and "第 28 行是插入的行" in message and "未读取" in message
    assert all(data.cells[c] is None for c in F21.cells if c.startswith("t3."))  # nothing shifted is read
    assert main(["check", str(path), "--json"]) == 1
    found = json.loads(capsys.readouterr().out)["findings"]
    assert [f["rule"] for f in found if f["rule"] not in ("I-02",)] == ["WB-06"]  # no cascade of T3/WB-01/S-02
    for argv in (
        ["export", str(path), "-o", str(tmp_path / "x.json")],
        ["report", str(path), "-o", str(tmp_path / "x.docx"), "--draft"],
        ["new", "--year", "2026", "--org", original.org, "--previous", str(path), "-o", str(tmp_path / "n.xlsx")],
        ["fill", str(path), str(tmp_path / "none.json"), "-o", str(tmp_path / "f.xlsx")],
    ):
        if argv[0] == "fill":
            (tmp_path / "none.json").write_text('{"format": "2021"}', encoding="utf-8")
        assert main(argv) == 2, argv
        err = capsys.readouterr().err
        assert "第 28 行是插入的行" in err and "Traceback" not in err
    assert not any((tmp_path / n).exists() for n in ("x.json", "x.docx", "n.xlsx", "f.xlsx"))
    result = merge([path], org="县", jobs=1)
    assert result.units[0].status == "wrong_structure" and not result.included and not result.ok


@pytest.mark.parametrize(
    "name,words",
    [
        ("t3_delete_10", ["表三", "原第 10 行", "被删除"]),
        ("t4_insert_col_c", ["表四", "第 C 列是插入的列"]),
        ("t2_delete_col_d", ["表二", "原第 D 列", "被删除"]),
    ],
)
def test_rows_and_columns_inserted_or_deleted_are_named(edited, name, words):
    data = read_workbook(edited[0][name])
    assert rules(data) == ["WB-06"], [(p.rule, p.message) for p in data.problems]
    for word in words:
        assert word in data.problems[0].message


# -- A.2: paragraphs beyond the template's rows ---------------------------------------------------------------


def test_35_paragraphs_in_inserted_rows_all_reach_export_and_report(edited, tmp_path, capsys):
    files, original, _ = edited
    path = files["p5_35_paragraphs"]
    data = read_workbook(path)
    assert data.problems == []
    assert data.paragraphs("part5") == PARAGRAPHS_35
    assert main(["export", str(path), "-o", str(tmp_path / "d.json")]) == 0
    assert json.loads((tmp_path / "d.json").read_text(encoding="utf-8"))["text"]["part5"].split("\n") == PARAGRAPHS_35
    assert main(["report", str(path), "-o", str(tmp_path / "r.docx")]) == 0
    from docx import Document

    printed = [p.text for p in Document(tmp_path / "r.docx").paragraphs]
    assert [p for p in printed if p.startswith("第") and p.endswith("说明。")] == PARAGRAPHS_35


def test_deleted_and_added_paragraphs_in_every_kind_of_text_area(edited):
    files, original, _ = edited
    data = read_workbook(files["p1_delete_paragraph"])
    assert data.problems == []
    expected = original.paragraphs("part1")
    del expected[1]  # the row deleted held the second paragraph
    assert data.paragraphs("part1") == expected and data.paragraphs("preamble") == original.paragraphs("preamble")
    data = read_workbook(files["p3_more_paragraphs"])  # a table sheet's text below the table: 2 + 8 paragraphs
    assert data.problems == []
    assert data.paragraphs("part3") == original.paragraphs("part3") + [f"表三补充第{i}段。" for i in range(8)]
    data = read_workbook(files["p6_insert_above_title"])  # rows inserted between the fee cell and the title (5 → 7)
    assert data.problems == []
    assert data.paragraphs("part6") == [*original.paragraphs("part6"), "六、插在中间的一段。"]
    assert data.cells["info_fee.amount_yuan"] == original.cells["info_fee.amount_yuan"]


# -- 基本信息 by its labels; a formula and a note where numbers belong --------------------------------------------


def test_info_rows_are_found_by_their_labels(edited):
    files, original, _ = edited
    data = read_workbook(files["info_insert_row"])
    assert data.problems == [] and data.year == 2025  # "2025年" is a year
    assert (data.org, data.info) == (original.org, {**{k: "" for k in data.info}, **original.info})
    data = read_workbook(files["info_delete_row"])
    assert rules(data) == ["WB-02"] and "发文字号" in data.problems[0].message


def test_formula_in_an_input_cell_is_one_finding_with_its_result(edited):
    data = read_workbook(edited[0]["formula_in_input"])
    s05 = [p for p in data.problems if p.rule == "S-05"]
    assert len(s05) == 1 and s05[0].cells == ["t3.granted.natural_person"]
    assert "=4+4" in s05[0].message and "8" in s05[0].message and "不要填写公式" in s05[0].message


def test_note_beside_a_table_is_not_silently_dropped(edited, capsys):
    data = read_workbook(edited[0]["note_beside_table"])
    assert rules(data) == ["WB-07"]
    assert "L10" in data.problems[0].message and "备注：另有3件未统计" in data.problems[0].message


# -- the property: read exactly, or refuse naming the change ---------------------------------------------------


def shown_paragraphs(path: Path) -> list[str]:
    """An independent view (openpyxl) of the texts a person sees on the text-bearing sheets, in reading order:
    every string on them that is not a label, a part's title or the sheets' note."""
    fixed = {lab.text for lab in F21.labels} | {b.title for b in F21.texts} | {TEXT_SHEET_NOTE}
    wb = openpyxl.load_workbook(path, data_only=True)  # formulas as the numbers they show
    out = []
    for sheet in F21.parts:
        ws = wb[sheet]
        for row in ws.iter_rows():
            for c in row:
                if isinstance(c.value, str) and c.value.strip() and c.value.strip() not in fixed:
                    out.append(c.value.strip())
    return out


@pytest.mark.parametrize("name", sorted(RANDOM))
def test_random_structural_edit_reads_exactly_or_refuses(edited, name, tmp_path, capsys):
    files, original, _ = edited
    path = files[name]
    data = read_workbook(path)
    refusing = [p for p in data.problems if p.rule in ("WB-02", "WB-06", "WB-07")]
    code = main(["export", str(path), "-o", str(tmp_path / "out.json")])
    capsys.readouterr()
    if refusing:
        sheets = {RANDOM[name][0]["sheet"]}
        assert all(p.values.get("sheet") in sheets or any(s in p.message for s in sheets) for p in refusing), [
            p.message for p in refusing
        ]
        assert code == 2 and not (tmp_path / "out.json").exists()
        return
    assert code == 0
    # numbers: exactly the original ones, never a shifted value
    assert {k: data.cells[k] for k in F21.cells} == {k: original.cells[k] for k in F21.cells}
    assert (data.org, data.year) == (original.org, original.year)
    assert {k: v for k, v in data.info.items() if v} == {k: v for k, v in original.info.items() if v}
    # texts: every paragraph a person sees, in order, none lost, none invented
    read = [
        p for key in ("preamble", "part1", "part2", "part3", "part4", "part5", "part6") for p in data.paragraphs(key)
    ]
    assert read == shown_paragraphs(path)


def test_workbook_from_another_template_version_is_read_with_a_warning(tmp_path):
    """WB-03: the metadata's form hash is not this version's (a workbook made by an older xxgk): read, and said."""
    path = tmp_path / "旧模板.xlsx"
    path.write_bytes(build_bytes(F21, filled()))
    wb = openpyxl.load_workbook(path)
    meta = wb["_xxgk"]
    row = next(r for r in meta.iter_rows() if r[0].value == "form_hash")
    row[1].value = "0000000000000000"
    wb.save(path)
    data = read_workbook(path)
    assert rules(data) == ["WB-03"] and data.problems[0].severity == "warning"
    assert "另一版本" in data.problems[0].message and "2021 格式" in data.problems[0].message
    assert data.cells["t3.total.total"] == filled().cells["t3.total.total"]
