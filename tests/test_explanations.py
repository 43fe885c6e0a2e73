"""Warnings that are explained (issue 12 §3): the unit's 情况说明, in JSON and in the workbook's 校验 sheet and the
ribbon's 校验结果; shown as 已说明 and not counted as open; never for errors; carried by fill/export; listed by
merge for the office above; never printed in the report."""

from __future__ import annotations

import json

import openpyxl
from conftest import valid_data
from fake_excel import FakeApp, load_book

from xxgk.build import build_bytes
from xxgk.check import check
from xxgk.cli import main
from xxgk.data import from_json
from xxgk.excel.actions import ACTIONS, Call
from xxgk.form import CHECK_SHEET, RESULT_SHEET, load_form
from xxgk.merge import merge
from xxgk.read import read_workbook

F21 = load_form("2021")
WHY = "本年度对规范性文件集中清理，12 件宣布失效，未列入废止。"


def long_part1():
    data = valid_data("2021")
    data.text["part1"] = "总体情况" * 300  # N-06: a warning
    return data


def test_an_explained_warning_is_shown_and_not_open(capsys, tmp_path):
    raw = long_part1().to_json()
    raw["explanations"] = [{"rule": "N-06", "cells": [], "text": "按市政府要求写明了各项工作。"}]
    src = tmp_path / "说明.json"
    src.write_text(json.dumps(raw, ensure_ascii=False), encoding="utf-8")
    assert main(["check", str(src)]) == 0
    out = capsys.readouterr().out
    assert "✓ 通过（1 个警告已说明）" in out and "已说明：按市政府要求写明了各项工作。" in out
    assert main(["check", str(src), "--json"]) == 0
    [f] = json.loads(capsys.readouterr().out)["findings"]
    assert f["rule"] == "N-06" and f["explained"] == "按市政府要求写明了各项工作。"


def test_an_explanation_applies_to_warnings_whose_cells_include_its_cells():
    data = valid_data("2021", 3)
    data.cells["t2.normative_docs.repealed"] = 0
    data.cells["t2.normative_docs.issued"] = data.cells["t2.normative_docs.in_force"] + 5  # T2-02 for 规范性文件
    data.cells["t2.regulations.issued"] = 9  # … and for 规章
    data.explanations = [{"rule": "T2-02", "cells": ["t2.normative_docs.in_force"], "text": WHY}]
    report = check(data)
    found = {tuple(f.cells): f.explained for f in report.findings if f.rule == "T2-02"}
    assert sorted(found.values()) == ["", WHY] and report.warnings == 2  # V-04 and the unexplained T2-02
    assert [f.cells for f in report.findings if f.explained][0][2] == "t2.normative_docs.in_force"


def test_an_error_cannot_be_explained_away():
    data = valid_data("2021")
    data.cells["t3.granted.total"] += 1
    data.explanations = [{"rule": "T3-03", "cells": [], "text": "系统导出的数字。"}]
    report = check(data)
    assert not report.valid and not any(f.explained for f in report.findings)


def test_fill_and_export_carry_explanations_through_the_workbook(tmp_path, capsys):
    data = long_part1()
    data.explanations = [{"rule": "N-06", "cells": [], "text": "写明了各项工作。"}]
    src = tmp_path / "数据.json"
    src.write_text(data.dump(), encoding="utf-8")
    book = tmp_path / "新.xlsx"
    assert main(["new", "--year", "2025", "--org", data.org, "-o", str(book)]) == 0
    filled = tmp_path / "已填.xlsx"
    assert main(["fill", str(book), str(src), "-o", str(filled)]) == 0
    assert read_workbook(filled).explanations == data.explanations
    capsys.readouterr()
    assert main(["export", str(filled)]) == 0
    assert json.loads(capsys.readouterr().out)["explanations"] == data.explanations
    assert main(["check", str(filled)]) == 0  # the warning is explained in the workbook too


def test_a_reason_typed_in_the_ribbons_results_survives_a_recheck(tmp_path):
    path = tmp_path / "年报.xlsx"
    path.write_bytes(build_bytes(F21, long_part1()))
    app = FakeApp()
    book = load_book(path, app)
    report = ACTIONS["check"](Call(app, book))
    assert report.warnings == 1
    results = book.sheets[RESULT_SHEET]
    row = next(r for r in range(4, 20) if results.cell(f"C{r}") == "N-06")
    assert not results.cell(f"G{row}")  # N-06 names no cells
    results.write((row, 8), "总体情况按要求写明了各项工作。")  # the user types the reason in 情况说明
    report = ACTIONS["check"](Call(app, book))
    assert report.warnings == 0 and report.explained == 1
    row = next(r for r in range(4, 20) if results.cell(f"C{r}") == "N-06")
    assert results.cell(f"H{row}") == "总体情况按要求写明了各项工作。"
    table = book.sheets[CHECK_SHEET]
    assert "总体情况按要求写明了各项工作。" in [table.cell(f"B{r}") for r in range(1, 200)]


def test_merge_lists_the_units_reasons(tmp_path):
    data = long_part1()
    data.explanations = [{"rule": "N-06", "cells": [], "text": "写明了各项工作。"}]
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "甲.json").write_text(data.dump(), encoding="utf-8")
    result = merge([tmp_path / "in"], org="县", jobs=1)
    assert result.units[0].status == "ok"
    out = tmp_path / "汇总.xlsx"
    result.write(out)
    detail = openpyxl.load_workbook(out)["汇总明细"]
    assert "N-06：写明了各项工作。" in [c.value for c in next(detail.iter_rows(min_row=2, max_row=2))]
    from xxgk.merge import render_html

    assert "单位的情况说明：</strong>写明了各项工作。" in render_html(result)


def test_the_report_never_prints_explanations(tmp_path):
    data = long_part1()
    data.explanations = [{"rule": "N-06", "cells": [], "text": "不应出现在报告中的说明。"}]
    src = tmp_path / "数据.json"
    src.write_text(data.dump(), encoding="utf-8")
    assert main(["report", str(src), "-o", str(tmp_path / "r.docx"), "--html"]) == 0
    from docx import Document

    assert not any("不应出现" in p.text for p in Document(tmp_path / "r.docx").paragraphs)
    assert "不应出现" not in (tmp_path / "r.html").read_text(encoding="utf-8")


def test_explanations_in_json_are_validated():
    raw = valid_data("2021").to_json()
    raw["explanations"] = [{"rule": "N-06", "text": "缺少 cells"}]
    import pytest

    from xxgk.errors import XxgkError

    with pytest.raises(XxgkError, match="explanations"):
        from_json(raw)
