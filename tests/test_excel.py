"""The ribbon's actions (xxgk.excel) against a fake of the xlwings surface they use (fake_excel.py).

Each action must give what the command line gives on the same workbook: the same findings as
`xxgk check`, the same document as `xxgk report`, the same totals as `xxgk merge`.
"""

from __future__ import annotations

import ast
import hashlib
import inspect
import json
import re
import shutil
import sys
import types
import zipfile
from pathlib import Path

import docx
import openpyxl
import pytest
from conftest import EXAMPLE_XLSX, ROOT, valid_data
from fake_excel import FakeApp, ProtectedError, _cell, load_book

from xxgk.build import INPUT_FILL, TOTAL_FILL, build_bytes
from xxgk.cli import main as cli
from xxgk.excel import ui
from xxgk.excel.__main__ import NotConnected, connect, main, parse
from xxgk.excel.actions import ACTIONS, Call
from xxgk.excel.book import MARK_COLOURS, template_fills
from xxgk.form import GUIDE_SHEET, INFO_SHEET, RESULT_SHEET, load_form
from xxgk.fsutil import zip_parts
from xxgk.read import read_workbook

SEED_ORG = "福州市鼓楼区审计局"


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def rgb(fill) -> tuple:
    value = fill.fgColor.rgb[-6:]
    return tuple(int(value[i : i + 2], 16) for i in (0, 2, 4))


@pytest.fixture
def opened(monkeypatch):
    """Files the actions open with the system's program (Word, a PDF reader, a browser)."""
    shown = []
    monkeypatch.setattr(ui, "open_file", lambda path: shown.append(Path(path)))
    return shown


@pytest.fixture(autouse=True)
def own_config(tmp_path, monkeypatch):
    """The per-user add-in folder lives in the test's own %APPDATA%."""
    monkeypatch.setenv("APPDATA", str(tmp_path / "appdata"))
    return tmp_path / "appdata" / "xxgk"


def seed_copy(folder: Path, name="年报.xlsx") -> Path:
    target = folder / name
    shutil.copy(EXAMPLE_XLSX, target)
    return target


def type_into(book, cid: str, value) -> None:
    """What the user does: type into an input cell (unlocked, so protection allows it)."""
    form = load_form(read_workbook(EXAMPLE_XLSX).format) if cid.startswith("t") else None
    cell = (form or load_form("2019")).cells[cid]
    book.sheets[cell.sheet].write(_cell(cell.address), value)


def cli_findings(path: Path, capsys, *extra) -> list[dict]:
    capsys.readouterr()
    cli(["check", str(path), "--json", *extra])
    return json.loads(capsys.readouterr().out)["findings"]


def as_set(findings) -> list:
    return sorted(
        json.dumps({k: f[k] for k in ("rule", "severity", "addresses", "message")}, ensure_ascii=False)
        for f in findings
    )


def document_text(path: Path) -> str:
    document = docx.Document(str(path))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        parts += [c.text for row in table.rows for c in row.cells]
    return "\n".join(parts)


# -- 校验 -----------------------------------------------------------------------------------------------


def test_check_gives_the_cli_findings_and_shows_them(tmp_path, capsys):
    path = seed_copy(tmp_path)
    before = sha(path)
    app = FakeApp()
    book = load_book(path, app)
    type_into(book, "t3.new_received.natural_person", 99)  # typed, not saved
    report = ACTIONS["check"](Call(app, book))
    assert sha(path) == before  # the action never writes the file: Excel keeps the edit until the user saves

    # The same findings as `xxgk check` on the workbook holding the same numbers.
    edited = tmp_path / "edited.xlsx"
    data = read_workbook(path)
    data.cells["t3.new_received.natural_person"] = 99
    edited.write_bytes(build_bytes(load_form(data.format), data))
    assert as_set(f.to_json() for f in report.findings) == as_set(cli_findings(edited, capsys))
    assert report.errors == 2 and report.warnings == 1

    # 校验结果: one row per finding, errors first, a link to each cell, the cells it marked.
    sheet = book.sheets[RESULT_SHEET]
    assert "未通过：2 个错误，1 个警告" in sheet.cell("A2")
    assert [sheet.cell(f"{c}3") for c in "ABCDEF"] == ["序号", "级别", "规则", "位置", "说明", "涉及单元格"]
    rows = [[sheet.cell(f"{c}{r}") for c in "ABCDEF"] for r in range(4, 4 + len(report.findings))]
    assert [r[1] for r in rows] == ["错误", "错误", "警告"] and sheet.cell("A7") is None
    t3 = load_form("2019").cells["t3.new_received.natural_person"]
    assert rows[0][3] == f'=HYPERLINK("#\'{t3.sheet}\'!{t3.address}","表三 {t3.address}")'
    assert sheet.range("E4:F6").wrap_text and sheet.range("A3:F3").font.bold and sheet.range("A1").font.bold
    assert rows[0][4] == report.findings[0].message and rows[0][5].startswith(f"{t3.sheet}!{t3.address} ")

    # The failing cells are red (the warning's cell too: red wins), the first error is selected.
    marked = {cell for f in report.findings for cell in f.addresses}
    table = book.sheets[t3.sheet]
    for ref in marked:
        assert table.colors[_cell(ref.split("!")[1])] == MARK_COLOURS["error"], ref
    assert book.selection == (t3.sheet, t3.address)

    # Protection: every sheet and the structure as the template has them.
    assert book.structure_protected and all(s.protected for s in book.sheets)
    assert (
        sheet.protect_options
        == table.protect_options
        == {
            "DrawingObjects": True,
            "Contents": True,
            "Scenarios": True,
            "AllowFormattingColumns": True,
            "AllowFormattingRows": True,
        }
    )

    alert = app.alerts[-1]
    assert alert["mode"] == "critical" and "2 个错误，1 个警告" in alert["prompt"] and "上年报告" in alert["prompt"]

    # Corrected and checked again: the marks come off (the template's fills), the sheet is reused.
    type_into(book, "t3.new_received.natural_person", read_workbook(path).cells["t3.new_received.natural_person"])
    report = ACTIONS["check"](Call(app, book))
    assert report.valid and report.findings == []
    fills = template_fills(load_form("2019"))
    for ref in marked:
        assert table.colors[_cell(ref.split("!")[1])] == fills[ref] in (rgb(INPUT_FILL), rgb(TOTAL_FILL))
    assert [s.name for s in book.sheets].count(RESULT_SHEET) == 1
    assert book.sheets[RESULT_SHEET].cell("A2") == "✓ 通过" and book.sheets[RESULT_SHEET].cell("A4") is None
    assert app.alerts[-1]["mode"] == "info" and "校验通过" in app.alerts[-1]["prompt"]
    assert book.active_sheet == RESULT_SHEET


def test_check_reads_each_sheet_once(tmp_path):
    app = FakeApp()
    book = load_book(seed_copy(tmp_path), app)
    ACTIONS["check"](Call(app, book))
    form = load_form("2019")
    assert book.reads == 3 + len(form.parts)  # _xxgk, 基本信息, the six part sheets and 校验 (情况说明): once each


def test_check_finds_a_total_formula_typed_over(tmp_path, capsys):
    """The formulas are read from Excel too: a total overwritten with a number is WB-01, as in `xxgk check`."""
    path = seed_copy(tmp_path)
    app = FakeApp()
    book = load_book(path, app)
    total = load_form("2019").cells["t3.new_received.total"]
    sheet = book.sheets[total.sheet]
    sheet.protected = False  # the user lifted the protection and typed over the formula
    sheet.write(_cell(total.address), 7)
    report = ACTIONS["check"](Call(app, book))
    assert [f.rule for f in report.findings if f.rule == "WB-01"] == ["WB-01"]
    typed = tmp_path / "typed.xlsx"
    wb = openpyxl.load_workbook(path)
    wb[total.sheet][total.address] = 7
    wb.save(typed)
    assert as_set(f.to_json() for f in report.findings) == as_set(cli_findings(typed, capsys))


def test_check_on_a_2021_workbook_with_text_and_info_problems(tmp_path, capsys):
    data = valid_data("2021", seed=3)
    data.org = "某某县人民政府办公室"
    data.info["date"] = "不是日期"
    path = tmp_path / "u.xlsx"
    path.write_bytes(build_bytes(load_form("2021"), data))
    app = FakeApp()
    book = load_book(path, app)
    report = ACTIONS["check"](Call(app, book))
    assert as_set(f.to_json() for f in report.findings) == as_set(cli_findings(path, capsys))
    assert any(f.rule == "I-01" for f in report.findings)


def test_check_uses_last_years_workbook_named_in_info(tmp_path, capsys):
    last = seed_copy(tmp_path, "2020.xlsx")
    current = tmp_path / "2021.xlsx"
    assert cli(["new", "--year", "2021", "--org", SEED_ORG, "--previous", str(last), "-o", str(current)]) == 0
    app = FakeApp()
    book = load_book(current, app)
    form = load_form("2021")
    carried = form.cells["t3.carried_over.natural_person"]
    book.sheets[carried.sheet].write(_cell(carried.address), 5)  # differs from last year's 结转
    report = ACTIONS["check"](Call(app, book))
    assert any(f.rule == "X-01" and f.severity == "error" for f in report.findings)
    data = read_workbook(current)
    data.cells["t3.carried_over.natural_person"] = 5
    edited = tmp_path / "edited.xlsx"
    edited.write_bytes(build_bytes(form, data))
    assert as_set(f.to_json() for f in report.findings) == as_set(cli_findings(edited, capsys))
    assert "上年报告" not in app.alerts[-1]["prompt"]  # last year's is known


def test_check_on_a_workbook_that_is_not_ours(tmp_path):
    path = tmp_path / "其他.xlsx"
    wb = openpyxl.Workbook()
    wb.active.title = "Sheet1"
    wb.save(path)
    app = FakeApp()
    book = load_book(path, app)
    assert main(["check", f"--wb={book.name}", "--from_xl=1", "--hwnd=1"], connect=lambda o: (app, book)) == 0
    assert app.alerts[-1]["mode"] == "critical" and "不是 xxgk 年报工作簿" in app.alerts[-1]["prompt"]
    assert str(path) in app.alerts[-1]["prompt"] and RESULT_SHEET not in [s.name for s in book.sheets]


# -- 生成报告 / 生成PDF ---------------------------------------------------------------------------------


def test_report_is_the_cli_report_beside_the_workbook(tmp_path, opened):
    path = seed_copy(tmp_path)
    app = FakeApp()
    book = load_book(path, app)
    outputs = ACTIONS["report"](Call(app, book))
    expected = tmp_path / f"{SEED_ORG}2020年政府信息公开工作年度报告.docx"
    assert outputs.docx == expected and outputs.written == [expected] and opened == [expected]
    assert not outputs.draft and app.alerts == []  # valid, no warnings: the document simply opens
    assert cli(["report", str(path), "-o", str(tmp_path / "cli.docx")]) == 0
    assert expected.read_bytes() == (tmp_path / "cli.docx").read_bytes()
    assert app.status_history[-1] is False  # the status bar is given back to Excel


def test_report_blocked_by_errors_unless_a_draft_is_chosen(tmp_path, opened):
    path = seed_copy(tmp_path)
    app = FakeApp(answers=["no"])
    book = load_book(path, app)
    type_into(book, "t3.new_received.natural_person", 99)
    assert ACTIONS["report"](Call(app, book)) is None
    ask = app.alerts[-1]
    assert ask["buttons"] == "yes_no" and "2 个错误" in ask["prompt"] and "1. T3-01：" in ask["prompt"]
    assert list(tmp_path.glob("*.docx")) == [] and opened == []
    assert book.sheets[RESULT_SHEET].cell("B4") == "错误"  # the list is in the workbook too

    app.answers = ["yes"]
    outputs = ACTIONS["report"](Call(app, book))
    assert outputs.draft and opened == [outputs.docx]
    assert "草稿" in app.alerts[-1]["prompt"] and app.alerts[-1]["mode"] == "critical"
    data = read_workbook(path)
    data.cells["t3.new_received.natural_person"] = 99
    edited = tmp_path / "edited.xlsx"
    edited.write_bytes(build_bytes(load_form(data.format), data))
    assert cli(["report", str(edited), "--draft", "-o", str(tmp_path / "cli.docx")]) == 1
    assert document_text(outputs.docx) == document_text(tmp_path / "cli.docx")
    assert "草稿（校验未通过）" in document_text(outputs.docx) + "".join(
        p.text for s in docx.Document(str(outputs.docx)).sections for p in s.header.paragraphs
    )


def test_report_asks_before_overwriting(tmp_path, opened):
    path = seed_copy(tmp_path)
    existing = tmp_path / f"{SEED_ORG}2020年政府信息公开工作年度报告.docx"
    existing.write_bytes(b"staff's own edits")
    app = FakeApp(answers=["no"])
    book = load_book(path, app)
    assert ACTIONS["report"](Call(app, book)) is None
    assert existing.read_bytes() == b"staff's own edits" and str(existing) in app.alerts[-1]["prompt"]
    app.answers = ["yes"]
    assert ACTIONS["report"](Call(app, book)).docx == existing and existing.read_bytes()[:2] == b"PK"


def test_report_needs_a_saved_workbook(tmp_path, opened):
    app = FakeApp()
    book = load_book(seed_copy(tmp_path), app, fullname="工作簿1")
    assert main(["report", "--wb=工作簿1", "--from_xl=1", "--hwnd=1"], connect=lambda o: (app, book)) == 0
    assert "请先保存工作簿" in app.alerts[-1]["prompt"] and opened == []
    ACTIONS["check"](Call(app, book))  # checking an unsaved workbook works
    assert "校验通过" in app.alerts[-1]["prompt"]


def test_pdf_button(tmp_path, opened):
    path = seed_copy(tmp_path)
    app = FakeApp()
    outputs = ACTIONS["pdf"](Call(app, load_book(path, app)))
    assert outputs.pdf == tmp_path / f"{SEED_ORG}2020年政府信息公开工作年度报告.pdf"
    assert outputs.pdf.read_bytes()[:5] == b"%PDF-" and outputs.docx.is_file()
    assert opened == [outputs.pdf]


# -- 上年报告 -------------------------------------------------------------------------------------------


def test_previous_button_records_last_year_and_checks_across_years(tmp_path, capsys):
    folder = tmp_path / "年报"
    (folder / "2020").mkdir(parents=True)
    last = seed_copy(folder / "2020", "鼓楼审计2020.xlsx")
    current = folder / "2021.xlsx"
    assert cli(["new", "--year", "2021", "--org", SEED_ORG, "-o", str(current)]) == 0
    app = FakeApp(choices=[str(last)])
    book = load_book(current, app)
    form = load_form("2021")
    carried = form.cells["t3.carried_over.natural_person"]
    book.sheets[carried.sheet].write(_cell(carried.address), 5)  # last year carried 0 forward
    report = ACTIONS["previous"](Call(app, book))
    field = next(f for f in form.info if f.key == "previous_file")
    assert book.sheets[INFO_SHEET].cell(field.address) == str(Path("2020") / "鼓楼审计2020.xlsx")
    assert app.dialogs[0][0] == ui.MSO_FILE_PICKER and "2020 年度" in app.dialogs[0][1]
    # The cross-year rules ran, as `xxgk check --previous` gives them.
    assert any(f.rule == "X-01" for f in report.findings)
    data = read_workbook(current)
    data.cells["t3.carried_over.natural_person"] = 5
    edited = folder / "edited.xlsx"
    edited.write_bytes(build_bytes(form, data))
    expected = cli_findings(edited, capsys, "--previous", str(last))
    assert as_set(f.to_json() for f in report.findings) == as_set(expected)


def test_previous_button_takes_a_published_report_in_a_units_first_year(tmp_path):
    """No workbook of last year: the published page of 2021 is picked; 上年结转 is checked against its 结转下年度."""
    published = tmp_path / "2021年报.html"
    published.write_bytes((Path(__file__).parent / "data/published/pingtan-gaj-2021.html").read_bytes())
    current = tmp_path / "2022.xlsx"
    assert cli(["new", "--year", "2022", "--org", "平潭综合实验区公安局", "-o", str(current)]) == 0
    app = FakeApp(choices=[str(published)])
    book = load_book(current, app)
    carried = load_form("2021").cells["t3.carried_over.natural_person"]
    book.sheets[carried.sheet].write(_cell(carried.address), 0)  # last year carried 1 forward
    report = ACTIONS["previous"](Call(app, book))
    assert "*.html" in app.filters[0][1] and "*.pdf" in app.filters[0][1] and "*.xlsx" in app.filters[0][1]
    field = next(f for f in load_form("2021").info if f.key == "previous_file")
    assert book.sheets[INFO_SHEET].cell(field.address) == "2021年报.html"
    assert any(f.rule == "X-01" and f.cells == ["t3.carried_over.natural_person"] for f in report.findings)


def test_previous_button_refuses_the_wrong_year_and_cancel_changes_nothing(tmp_path):
    current = tmp_path / "2022.xlsx"
    assert cli(["new", "--year", "2022", "--org", SEED_ORG, "-o", str(current)]) == 0
    app = FakeApp(choices=[str(seed_copy(tmp_path)), None])
    book = load_book(current, app)
    assert main(["previous", f"--wb={book.name}"], connect=lambda o: (app, book)) == 0
    assert "2020 年度的报告" in app.alerts[-1]["prompt"] and "请选择 2021 年度" in app.alerts[-1]["prompt"]
    assert ACTIONS["previous"](Call(app, book)) is None  # cancelled
    assert RESULT_SHEET not in [s.name for s in book.sheets]
    field = next(f for f in load_form("2021").info if f.key == "previous_file")
    assert book.sheets[INFO_SHEET].cell(field.address) is None


# -- 汇总下级报表 ----------------------------------------------------------------------------------------


def test_merge_button_sums_a_folder_like_the_cli(tmp_path, capsys):
    folder = tmp_path / "2025收文"
    folder.mkdir()
    datas = [valid_data("2021", seed=i) for i in range(3)]
    for i, d in enumerate(datas):
        d.org = f"测试县第{i}局"
        (folder / f"u{i}.xlsx").write_bytes(build_bytes(load_form("2021"), d))
    (folder / "应报单位名单.csv").write_text(
        "机关名称\n测试县第0局\n测试县第1局\n测试县第2局\n测试县第9局\n", encoding="utf-8"
    )
    before = {p.name: sha(p) for p in folder.iterdir()}
    own = tmp_path / "本级.xlsx"
    mine = valid_data("2021", seed=7)
    mine.org = "测试县人民政府办公室"
    own.write_bytes(build_bytes(load_form("2021"), mine))
    app = FakeApp(choices=[str(folder)])
    result = ACTIONS["merge"](Call(app, load_book(own, app)))
    summary = tmp_path / "2025收文_汇总表.xlsx"
    assert app.opened == [str(summary)] and (tmp_path / "2025收文_汇总情况.html").is_file()
    assert {p.name: sha(p) for p in folder.iterdir()} == before  # inputs untouched, nothing written into the folder
    assert len(result.included) == 3 and result.missing == ["测试县第9局"]
    text = app.alerts[-1]["prompt"]
    assert "共 3 份报表，计入 3 份" in text and "未报送 1 个单位：测试县第9局" in text and str(summary) in text
    merged = read_workbook(summary)
    assert merged.org == "测试县人民政府办公室"  # the office's own workbook names the summary
    assert (
        cli(
            [
                "merge",
                str(folder),
                "-o",
                str(tmp_path / "cli.xlsx"),
                "--org",
                "测试县人民政府办公室",
                "--roster",
                str(folder / "应报单位名单.csv"),
            ]
        )
        == 1
    )  # a unit is missing
    assert merged.cells == read_workbook(tmp_path / "cli.xlsx").cells
    assert any(isinstance(s, str) and "读取并校验" in s for s in app.status_history) and app.status_history[-1] is False


def test_merge_button_cancel_and_no_workbook_open(tmp_path, opened):
    app = FakeApp(choices=[None])
    assert ACTIONS["merge"](Call(app, None)) is None and app.alerts == [] and app.opened == []
    folder = tmp_path / "空"
    folder.mkdir()
    app = FakeApp(choices=[str(folder)])
    assert main(["merge", "--wb="], connect=lambda o: (app, None)) == 0
    assert "没有找到可汇总的年报文件" in app.alerts[-1]["prompt"]


# -- 使用说明, the entry point, the contract with the ribbon -------------------------------------------------


def test_help_names_every_button_and_shows_the_guide_sheet(tmp_path):
    app = FakeApp()
    book = load_book(seed_copy(tmp_path), app)
    ACTIONS["help"](Call(app, book))
    labels = re.findall(r'<button [^>]*label="([^"]+)"', (ROOT / "addin" / "customUI.xml").read_text(encoding="utf-8"))
    assert len(labels) == len(ACTIONS)
    for label in labels:
        assert label in app.alerts[-1]["prompt"], label
    assert book.active_sheet == GUIDE_SHEET
    ACTIONS["help"](Call(app, None))  # also with no workbook open


def test_every_button_has_an_action():
    tags = re.findall(r'\btag="([^"]+)"', (ROOT / "addin" / "customUI.xml").read_text(encoding="utf-8"))
    assert sorted(tags) == sorted(ACTIONS)


def test_entry_point_reports_what_it_cannot_show_in_excel(own_config):
    def unreachable(options):
        raise NotConnected("无法连接到 Excel 中的工作簿“a.xlsx”")

    assert main(["check", "--wb=a.xlsx", "--from_xl=1", "--hwnd=5"], connect=unreachable) == 2
    assert (own_config / "last-error.txt").read_bytes()[:2] == b"\xff\xfe"  # UTF-16 with BOM, as the VBA reads it
    assert "a.xlsx" in (own_config / "last-error.txt").read_text(encoding="utf-16")
    assert main(["rm_rf"], connect=unreachable) == 2
    assert "未知的按钮操作" in (own_config / "last-error.txt").read_text(encoding="utf-16")
    app = FakeApp()
    assert main(["help", "--wb="], connect=lambda o: (app, None)) == 0
    assert not (own_config / "last-error.txt").exists()  # cleared by the next run


def test_internal_errors_are_a_message_box_and_a_log(own_config, monkeypatch):
    app = FakeApp()
    monkeypatch.setitem(ACTIONS, "help", lambda call: 1 / 0)
    assert main(["help"], connect=lambda o: (app, None)) == 0
    assert "内部错误：ZeroDivisionError" in app.alerts[-1]["prompt"]
    assert "ZeroDivisionError" in (own_config / "excel.log").read_text(encoding="utf-8")


def test_protection_is_restored_when_an_action_fails(tmp_path, monkeypatch):
    app = FakeApp()
    book = load_book(seed_copy(tmp_path), app)
    from xxgk.excel import book as live

    monkeypatch.setattr(live, "result_rows", lambda *a: 1 / 0)
    with pytest.raises(ZeroDivisionError):
        ACTIONS["check"](Call(app, book))
    assert book.structure_protected and all(s.protected for s in book.sheets)


def test_fake_refuses_what_excel_refuses(tmp_path):
    """The fake would let a forgotten Unprotect pass silently if it did not refuse like Excel."""
    book = load_book(seed_copy(tmp_path))
    with pytest.raises(ProtectedError):
        book.sheets.add(name="x")
    with pytest.raises(ProtectedError):
        book.sheets[GUIDE_SHEET].range("A1").value = "x"
    with pytest.raises(ProtectedError):
        book.sheets[INFO_SHEET].range("A1").color = (1, 2, 3)


def test_parse_and_connect_follow_book_caller(monkeypatch):
    assert parse(["check", "--wb=年报 (1).xlsx", "--from_xl=1", "--hwnd=66"]) == (
        "check",
        {"wb": "年报 (1).xlsx", "from_xl": "1", "hwnd": "66"},
    )
    book = types.SimpleNamespace(app="the app")
    fake = types.ModuleType("xlwings")
    fake.Book = types.SimpleNamespace(caller=lambda: book)
    monkeypatch.setitem(sys.modules, "xlwings", fake)
    assert connect({"wb": "年报.xlsx"}) == ("the app", book)

    def protected_view():
        raise KeyError("年报.xlsx")

    fake.Book = types.SimpleNamespace(caller=protected_view)
    with pytest.raises(NotConnected, match="受保护的视图"):
        connect({"wb": "年报.xlsx"})


def test_the_fake_matches_real_xlwings():
    """Every attribute the actions use on the fake exists on xlwings' own classes, with the same parameters."""
    import xlwings

    for cls, names in (
        (xlwings.Book, ("name", "fullname", "app", "sheets", "api")),
        (xlwings.Sheet, ("name", "range", "used_range", "activate", "clear", "api")),
        (
            xlwings.Range,
            (
                "options",
                "value",
                "formula",
                "color",
                "font",
                "column_width",
                "select",
                "wrap_text",
                "last_cell",
                "row",
                "column",
            ),
        ),
        (xlwings.App, ("alert", "status_bar", "books", "api")),
    ):
        for name in names:
            assert hasattr(cls, name), f"{cls.__name__}.{name}"
    assert list(inspect.signature(xlwings.App.alert).parameters)[:5] == ["self", "prompt", "title", "buttons", "mode"]
    assert {"name", "after"} <= set(inspect.signature(xlwings.main.Sheets.add).parameters)
    assert "open" in dir(xlwings.main.Books)


def test_xlwings_is_imported_only_by_the_excel_package():
    for path in (ROOT / "xxgk").rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        imported = {a.name.split(".")[0] for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
        imported |= {n.module.split(".")[0] for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and n.module}
        if "xlwings" in imported:
            assert path.relative_to(ROOT / "xxgk").parts[0] == "excel", path


def _installed_addin_of_version(tmp_path, version: str | None) -> Path:
    """`xxgk addin install` into the test's APPDATA, then the add-in file replaced by one built for `version`
    (None: built before versions were recorded, no cp:version)."""
    assert cli(["addin", "install", "--startup-dir", str(tmp_path / "XLSTART")]) == 0
    target = tmp_path / "XLSTART" / "xxgk.xlam"
    with zipfile.ZipFile(target) as zf:
        parts = [(i.filename, zf.read(i)) for i in zf.infolist()]
    old = f"<cp:version>{version}</cp:version>" if version else ""
    parts = [(n, re.sub(rb"<cp:version>[^<]*</cp:version>", old.encode(), d)) for n, d in parts]
    target.write_bytes(zip_parts(parts))
    return target


def test_the_ribbon_warns_when_addin_and_package_disagree(tmp_path):
    from xxgk import __version__

    _installed_addin_of_version(tmp_path, __version__)
    app = FakeApp()
    assert main(["help", "--wb="], connect=lambda o: (app, None)) == 0
    assert len(app.alerts) == 1 and f"版本：xxgk {__version__}；加载项 {__version__}（" in app.alerts[0]["prompt"]
    for version, shown in (("0.0.9", "版本 0.0.9"), (None, "版本 未知")):
        target = _installed_addin_of_version(tmp_path, version)
        app = FakeApp()
        assert main(["help", "--wb="], connect=lambda o, app=app: (app, None)) == 0
        warning, guide = (a["prompt"] for a in app.alerts)  # the warning first, then the action itself
        assert f"加载项文件（{target}，{shown}）与已安装的 xxgk（{__version__}）版本不一致" in warning
        assert "安装.cmd" in warning and "使用说明" in guide
