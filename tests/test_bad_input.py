"""Bad and hostile input, through the CLI: a clear Chinese message naming the file (and sheet and cell
where there is one), exit 2 or a finding, never a traceback, and the input's bytes never changed.

The hostile files are generated at test time by badfiles.py.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import subprocess
import time
import zipfile
from pathlib import Path

import badfiles as bad
import pytest
from conftest import EXAMPLE_JSON, EXAMPLE_XLSX

from xxgk.cli import main

CJK = re.compile(r"[\u4e00-\u9fff]{4}")


def digest(path: Path):
    path = Path(path)
    if path.is_dir():
        return ("dir", sorted(os.listdir(path)))
    return hashlib.sha256(path.read_bytes()).hexdigest() if path.exists() else None


def run(capsys, *argv, inputs=()) -> tuple[int, str]:
    """main(argv) → (exit code, stdout + stderr); asserts no traceback and that `inputs` are unchanged."""
    before = {p: digest(p) for p in inputs}
    rc = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    text = out + err
    assert "Traceback" not in text
    assert "内部错误" not in text, text[:2000]
    assert {p: digest(p) for p in inputs} == before, "an input file was modified"
    return rc, text


def refused(capsys, path: Path, *words: str, command: str = "check", tmp: Path | None = None) -> str:
    """`command` on `path` exits 2 with a Chinese message naming the file and containing `words`."""
    if command == "check":
        argv = ["check", path]
    elif command == "export":
        argv = ["export", path, "-o", tmp / "导出.json"]
    else:
        argv = ["fill", path, EXAMPLE_JSON, "-o", tmp / "输出.xlsx"]
    rc, text = run(capsys, *argv, inputs=[path, EXAMPLE_JSON])
    assert rc == 2, text[:2000]
    assert str(path) in text
    assert CJK.search(text)
    for word in words:
        assert word in text, f"{word!r} not in {text[:2000]!r}"
    if tmp is not None:
        assert not (tmp / "导出.json").exists() and not (tmp / "输出.xlsx").exists()
    return text


def findings(capsys, path: Path, *, expect_rc: int) -> tuple[list[dict], str]:
    """`check --json` and `check` on `path`: the findings, and the human report (which names the file)."""
    rc, text = run(capsys, "check", "--json", path, inputs=[path])
    assert rc == expect_rc, text[:3000]
    result = json.loads(text)
    rc2, human = run(capsys, "check", path, inputs=[path])
    assert rc2 == expect_rc and str(path) in human
    return result["findings"], human


def having(found: list[dict], rule: str, *words: str) -> dict:
    """The first finding of `rule` whose message contains all `words`."""
    for f in found:
        if f["rule"] == rule and all(w in f["message"] for w in words):
            assert CJK.search(f["message"])
            return f
    raise AssertionError(f"no {rule} finding with {words}: {[(f['rule'], f['message'][:120]) for f in found]}")


# -- files that are not a workbook -------------------------------------------------------------------

NOT_WORKBOOKS = {
    "text": (bad.text_renamed, ["不是 Excel 工作簿"]),
    "truncated": (bad.truncated, ["损坏", "不完整"]),
    "empty": (bad.empty, ["空的"]),
    "directory": (bad.directory, ["文件夹"]),
    "missing": (lambda d: d / "不存在.xlsx", ["不存在"]),
    "xls": (bad.legacy_xls, [".xls", "旧", "另存为"]),
    "encrypted": (bad.encrypted, ["密码", "加密"]),
}


@pytest.mark.parametrize("command", ["check", "export", "fill"])
@pytest.mark.parametrize("kind", list(NOT_WORKBOOKS))
def test_not_a_workbook(capsys, tmp_path, kind, command):
    make, words = NOT_WORKBOOKS[kind]
    out = tmp_path / "out"
    out.mkdir()
    refused(capsys, make(tmp_path), *words, command=command, tmp=out)


def test_generated_ole_files_are_real(tmp_path):
    """The .xls is a real compound file with a Workbook stream; the encrypted one really decrypts."""
    import io

    import msoffcrypto
    import olefile

    with olefile.OleFileIO(str(bad.legacy_xls(tmp_path))) as ole:
        assert ole.listdir() == [["Workbook"]]
        assert ole.openstream("Workbook").read(2) == b"\x09\x08"  # BIFF8 BOF
    path = bad.encrypted(tmp_path)
    with path.open("rb") as fh:
        office = msoffcrypto.OfficeFile(fh)
        assert office.is_encrypted()
        office.load_key(password="1234")
        plain = io.BytesIO()
        office.decrypt(plain)
    assert plain.getvalue() == EXAMPLE_XLSX.read_bytes()


def test_check_json_output_reports_unreadable_file(capsys, tmp_path):
    path = bad.truncated(tmp_path)
    rc, text = run(capsys, "check", "--json", path, EXAMPLE_XLSX, inputs=[path])
    assert rc == 2
    first, second = json.loads(text)
    assert first["file"] == str(path) and not first["valid"] and "损坏" in first["error"]
    assert second["valid"]


def test_json_path_that_is_a_directory_or_missing(capsys, tmp_path):
    refused(capsys, bad.directory(tmp_path, "数据.json"), "文件夹")
    refused(capsys, tmp_path / "没有.json", "不存在")


# -- macros: read, never run ----------------------------------------------------------------------------


def test_xlsm_with_macros_is_read_and_nothing_runs(capsys, tmp_path, monkeypatch):
    marker = tmp_path / "macro-ran"
    path = bad.with_macros(tmp_path, marker)
    with zipfile.ZipFile(path) as z:
        assert b"Sub AutoOpen()" in z.read("xl/vbaProject.bin")

    def forbidden(*args, **kwargs):
        raise AssertionError(f"xxgk tried to run something: {args!r}")

    for name in ("system", "popen", "execv", "execve", "execvp", "posix_spawn", "posix_spawnp", "startfile"):
        monkeypatch.setattr(os, name, forbidden, raising=False)
    monkeypatch.setattr(subprocess, "Popen", forbidden)

    found, human = findings(capsys, path, expect_rc=0)
    macro = having(found, "WB-05", "宏", "不会运行")
    assert macro["severity"] == "info"
    assert "宏" in human
    out = tmp_path / "去宏.xlsx"
    rc, text = run(capsys, "fill", path, EXAMPLE_JSON, "-o", out, inputs=[path])
    assert rc == 0, text
    with zipfile.ZipFile(out) as z:
        assert not any("vba" in n.lower() for n in z.namelist())
    rc, text = run(capsys, "fill", path, EXAMPLE_JSON, "-o", tmp_path / "仍含宏.xlsm", inputs=[path])
    assert rc == 2 and ".xlsx" in text and not (tmp_path / "仍含宏.xlsm").exists()
    assert not marker.exists()


# -- zip and XML limits -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "make", [bad.zip_bomb_ratio, bad.zip_bomb_large, bad.zip_bomb_lying], ids=["ratio", "300MB", "lying-header"]
)
def test_zip_bomb(capsys, tmp_path, make):
    path = make(tmp_path)
    assert path.stat().st_size < 1 << 20
    start = time.monotonic()
    refused(capsys, path, "压缩炸弹")
    assert time.monotonic() - start < 5


def test_lying_header_cannot_smuggle_data_past_the_checks(capsys, tmp_path):
    """An entry whose real content is longer than its headers say: calamine would read the hidden rest."""
    part = "xl/worksheets/sheet5.xml"
    with zipfile.ZipFile(EXAMPLE_XLSX) as z:
        xml = z.read(part)
    at = xml.index(b"<v>", xml.index(b'<c r="D5"'))
    actual = xml[:at] + b"<v>7" + xml[at + 4 :]
    path = bad.lying_entry(tmp_path / "夹带.xlsx", part, [actual], actual[:-300])
    refused(capsys, path, "sheet5.xml", "声明的大小")


def test_corrupt_entry_data(capsys, tmp_path):
    part = "xl/worksheets/sheet5.xml"
    with zipfile.ZipFile(EXAMPLE_XLSX) as z:
        xml = z.read(part)
    path = bad.lying_entry(tmp_path / "校验失败.xlsx", part, [xml.replace(b"<v>0</v>", b"<v>9</v>", 1)], xml)
    refused(capsys, path, "损坏", "sheet5.xml")


LAUGHS = {
    "workbook.xml": lambda d: bad.laughs_in(d, "xl/workbook.xml"),
    "sheet": lambda d: bad.laughs_in(d, "xl/worksheets/sheet5.xml"),
    "sheet-after-4KB-comment": lambda d: bad.laughs_in(d, "xl/worksheets/sheet5.xml", padding=5000),
    "workbook-after-4KB-comment": lambda d: bad.laughs_in(d, "xl/workbook.xml", padding=5000),
    "meta-sheet-after-4KB-comment": lambda d: bad.laughs_in(d, "xl/worksheets/sheet10.xml", padding=5000),
    "sharedStrings": bad.laughs_in_shared_strings,
    "sharedStrings-after-4KB-comment": lambda d: bad.laughs_in_shared_strings(d, padding=5000),
    "part-without-xml-extension": bad.laughs_in_renamed_part,
}


@pytest.mark.parametrize("kind", list(LAUGHS))
def test_entity_expansion_refused_quickly(capsys, tmp_path, kind):
    path = LAUGHS[kind](tmp_path)
    start = time.monotonic()
    text = refused(capsys, path, "DTD", "实体膨胀")
    assert time.monotonic() - start < 5
    assert len(text) < 2000


def test_dtd_without_entity_use_after_long_comment(capsys, tmp_path):
    """A DTD that is declared but never used: calamine would not notice; it is refused all the same."""
    path = bad.rezip(
        EXAMPLE_XLSX,
        tmp_path / "仅声明.xlsx",
        {"xl/worksheets/sheet5.xml": lambda x: b"<!--" + b"x" * 8000 + b"-->" + bad.LAUGHS + x},
    )
    refused(capsys, path, "sheet5.xml", "DTD")


@pytest.mark.parametrize(
    "edit",
    [
        lambda x: x + b"<<junk",
        lambda x: x.replace(b"</worksheet>", b""),
        lambda x: x.replace(b"<sheetData>", b"<sheetData><x>&bogus;</x>"),
    ],
    ids=["junk-after-root", "unclosed", "undefined-entity"],
)
def test_broken_sheet_xml(capsys, tmp_path, edit):
    path = bad.rezip(EXAMPLE_XLSX, tmp_path / "坏XML.xlsx", {"xl/worksheets/sheet5.xml": edit})
    refused(capsys, path, bad.T3)


# -- not our workbook; our workbook damaged ---------------------------------------------------------------


def test_another_programs_workbook(capsys, tmp_path):
    refused(capsys, bad.foreign_workbook(tmp_path), "不是 xxgk 年报工作簿")


def test_damaged_metadata_sheet(capsys, tmp_path):
    path = bad.set_cells(tmp_path / "元数据坏.xlsx", "_xxgk", {"B1": "2099"})
    refused(capsys, path, "_xxgk", "损坏")


@pytest.mark.parametrize("how", ["zip", "openpyxl-rename", "openpyxl-delete"])
def test_renamed_or_deleted_sheet(capsys, tmp_path, how):
    if how == "zip":
        path = bad.renamed_sheet_zip(tmp_path)
    elif how == "openpyxl-rename":
        path = bad.edit_workbook(tmp_path / "改名2.xlsx", lambda wb: setattr(wb[bad.T3], "title", "表三（改）"))
    else:
        path = bad.edit_workbook(tmp_path / "删表.xlsx", lambda wb: wb.remove(wb[bad.T3]))
    found, _ = findings(capsys, path, expect_rc=1)
    f = having(found, "WB-02", bad.T3, "缺少工作表")
    assert f["severity"] == "error"
    if how != "openpyxl-delete":
        assert "表三（改）" in f["message"]


def test_total_formula_overwritten_by_constant(capsys, tmp_path):
    path = bad.set_cells(tmp_path / "总计常数.xlsx", bad.T3, {"J26": 5})
    found, human = findings(capsys, path, expect_rc=1)
    having(found, "WB-01", "J26", "常数", "5", "SUM(D26:I26)")
    having(found, "T3-02", "J26")
    having(found, "T3-03", "J26")
    assert "J26" in human


def test_total_formula_changed_to_another_formula(capsys, tmp_path):
    path = bad.set_cells(tmp_path / "公式被改.xlsx", bad.T3, {"J5": "=SUM(D5:H5)"})
    found, _ = findings(capsys, path, expect_rc=1)
    f = having(found, "WB-01", "J5", "SUM(D5:H5)", "SUM(D5:I5)")
    assert f["addresses"] == [f"{bad.T3}!J5"]


@pytest.mark.parametrize("value", ["0件", "无", "—", " 3 "])
def test_text_in_number_cell(capsys, tmp_path, value):
    path = bad.set_cells(tmp_path / "文字.xlsx", bad.T3, {"D5": value})
    found, _ = findings(capsys, path, expect_rc=1)
    f = having(found, "S-04", "D5", value.strip(), "不是数字")
    assert f["addresses"] == [f"{bad.T3}!D5"]


@pytest.mark.parametrize("value,shown", [(-1, "-1"), (1.5, "1.5")])
def test_negative_or_fractional_count(capsys, tmp_path, value, shown):
    path = bad.set_cells(tmp_path / "负数小数.xlsx", bad.T3, {"D5": value})
    found, _ = findings(capsys, path, expect_rc=1)
    having(found, "V-01", "D5", shown)


def test_date_in_number_cell(capsys, tmp_path):
    import datetime as dt

    path = bad.set_cells(tmp_path / "日期.xlsx", bad.T3, {"D5": dt.datetime(2020, 3, 1)})
    found, _ = findings(capsys, path, expect_rc=1)
    having(found, "S-04", "D5", "日期")


def test_label_changed(capsys, tmp_path):
    path = bad.set_cells(tmp_path / "标签.xlsx", bad.T3, {"D3": "自然人员"})
    found, _ = findings(capsys, path, expect_rc=1)
    having(found, "S-02", "D3", "自然人员", "自然人")


def test_huge_values_in_label_total_and_info_cells_are_not_echoed(capsys, tmp_path):
    def edit(wb):
        wb[bad.T3]["D3"] = "自" * 32767
        wb[bad.T3]["J26"] = "总" * 32767
        wb["基本信息"]["B4"] = "年" * 32767

    path = bad.edit_workbook(tmp_path / "长值.xlsx", edit)
    rc, text = run(capsys, "check", path, inputs=[path])
    assert rc == 1
    assert "D3" in text and "J26" in text and "B4" in text
    assert len(text) < 20000


# -- 50 MB strings ------------------------------------------------------------------------------------------

BIG = 50 * (1 << 20) // 3  # characters: 50 MB of UTF-8


@pytest.fixture(scope="module")
def huge_workbook(tmp_path_factory):
    return bad.huge_paragraph(tmp_path_factory.mktemp("huge"), BIG)


def test_50mb_paragraph_in_workbook(capsys, tmp_path, huge_workbook):
    start = time.monotonic()
    found, human = findings(capsys, huge_workbook, expect_rc=1)
    having(found, "WB-04", "part1", str(BIG))
    assert len(human) < 20000
    # fill would have to truncate it silently: refused, naming the workbook
    data = bad.json_file(tmp_path, "无文字.json", edit=lambda d: d["text"].update(part1=""))
    rc, text = run(capsys, "fill", huge_workbook, data, "-o", tmp_path / "o.xlsx", inputs=[huge_workbook, data])
    assert rc == 2 and str(huge_workbook) in text and "32767" in text
    assert not (tmp_path / "o.xlsx").exists()
    assert time.monotonic() - start < 20


def test_50mb_paragraph_in_json(capsys, tmp_path):
    data = bad.json_file(tmp_path, "超长.json", edit=lambda d: d["text"].update(part1=bad.random_cjk(BIG)))
    assert data.stat().st_size > 50_000_000
    found, human = findings(capsys, data, expect_rc=1)
    having(found, "WB-04", "part1", str(BIG))
    assert len(human) < 20000
    rc, text = run(capsys, "fill", EXAMPLE_XLSX, data, "-o", tmp_path / "o.xlsx", inputs=[EXAMPLE_XLSX, data])
    assert rc == 2 and str(data) in text and "32767" in text and "分段" in text
    assert len(text) < 2000 and not (tmp_path / "o.xlsx").exists()


# -- JSON data files ------------------------------------------------------------------------------------------


def test_unknown_ids(capsys, tmp_path):
    data = bad.json_file(
        tmp_path,
        "未知编号.json",
        edit=lambda d: d["cells"].update({"t9.bogus.total": 1, "t3.nonsense.natural_person": 2}),
    )
    rc, text = run(capsys, "fill", EXAMPLE_XLSX, data, "-o", tmp_path / "o.xlsx", inputs=[EXAMPLE_XLSX, data])
    assert rc == 2 and str(data) in text and "t9.bogus.total" in text and "t3.nonsense.natural_person" in text
    assert not (tmp_path / "o.xlsx").exists()
    found, _ = findings(capsys, data, expect_rc=1)
    having(found, "S-02", "t9.bogus.total", "t3.nonsense.natural_person")


@pytest.mark.parametrize("value", ["0件", "无", "—", " 3 ", -1, 1.5])
def test_bad_values_in_json(capsys, tmp_path, value):
    def edit(d):
        d["cells"]["t3.new_received.natural_person"] = value
        if not isinstance(value, str):
            d["cells"]["t3.new_received.total"] = value  # the row's total stays consistent

    data = bad.json_file(tmp_path, "坏值.json", edit=edit)
    found, _ = findings(capsys, data, expect_rc=1)
    rule = "S-04" if isinstance(value, str) else "V-01"
    having(found, rule, "D5", str(value).strip())
    rc, text = run(capsys, "fill", EXAMPLE_XLSX, data, "-o", tmp_path / "o.xlsx", inputs=[EXAMPLE_XLSX, data])
    if isinstance(value, str):  # not a number: cannot be written
        assert rc == 2 and "t3.new_received.natural_person" in text and str(data) in text
    else:  # a number the workbook can hold: written, and checking the result flags it again
        assert rc == 0, text
        found, _ = findings(capsys, tmp_path / "o.xlsx", expect_rc=1)
        having(found, "V-01", "D5", str(value))


BAD_JSON = {
    "not-json": ("这不是 JSON", ["不是有效的 JSON"]),
    "not-object": ("[1, 2, 3]", ["顶层应为对象"]),
    "wrong-format": (json.dumps({"format": "2020"}), ["format", "2019", "2021"]),
    "format-as-number": (json.dumps({"format": 2021}), ["format"]),
    "unknown-key": (json.dumps({"format": "2021", "cellz": {}}), ["cellz"]),
    "cells-not-object": (json.dumps({"format": "2021", "cells": [1]}), ["cells"]),
    "units-not-text": (json.dumps({"format": "2019", "units": {"t2.procurement.amount": ["元"]}}), ["units"]),
    "deeply-nested": ("[" * 100_000 + "]" * 100_000, ["嵌套过深"]),
    "5000-digit-number": ('{"format": "2021", "cells": {"t3.other.natural_person": ' + "9" * 5000 + "}}", ["位数过多"]),
    "huge-year": ('{"format": "2021", "year": 1e999999999}', ["year"]),
}


@pytest.mark.parametrize("command", ["check", "fill"])
@pytest.mark.parametrize("kind", list(BAD_JSON))
def test_bad_json_file(capsys, tmp_path, kind, command):
    text, words = BAD_JSON[kind]
    data = bad.json_file(tmp_path, "坏.json", text=text)
    if command == "check":
        refused(capsys, data, *words)
    else:
        rc, out = run(capsys, "fill", EXAMPLE_XLSX, data, "-o", tmp_path / "o.xlsx", inputs=[EXAMPLE_XLSX, data])
        assert rc == 2 and str(data) in out and all(w in out for w in words), out
        assert not (tmp_path / "o.xlsx").exists()


def test_json_not_utf8(capsys, tmp_path):
    data = tmp_path / "gbk.json"
    data.write_bytes(json.dumps({"format": "2019", "org": "鼓楼区"}, ensure_ascii=False).encode("gbk"))
    refused(capsys, data, "UTF-8")


def test_json_number_with_huge_exponent_does_not_hang(capsys, tmp_path):
    text = EXAMPLE_JSON.read_text(encoding="utf-8").replace(
        '"t3.new_received.natural_person": 0', '"t3.new_received.natural_person": 1e999999999', 1
    )
    data = bad.json_file(tmp_path, "大指数.json", text=text)
    start = time.monotonic()
    found, _ = findings(capsys, data, expect_rc=1)
    having(found, "S-04", "D5", "1E+999999999 过大")
    rc, out = run(capsys, "fill", EXAMPLE_XLSX, data, "-o", tmp_path / "o.xlsx", inputs=[EXAMPLE_XLSX, data])
    assert rc == 2 and "t3.new_received.natural_person" in out
    assert time.monotonic() - start < 5


def test_control_characters_cannot_be_filled(capsys, tmp_path):
    data = bad.json_file(
        tmp_path, "控制字符.json", edit=lambda d: (d.update(org="鼓楼区\x02审计局"), d["text"].update(part5="问题\x01"))
    )
    rc, text = run(capsys, "fill", EXAMPLE_XLSX, data, "-o", tmp_path / "o.xlsx", inputs=[EXAMPLE_XLSX, data])
    assert rc == 2 and str(data) in text and "org" in text and "text.part5" in text and "控制字符" in text
    assert not (tmp_path / "o.xlsx").exists()
    # the same character inside the received workbook (Excel escapes it as _x0002_), kept by a fill
    wb = bad.rezip(
        EXAMPLE_XLSX,
        tmp_path / "控制字符.xlsx",
        {"xl/worksheets/sheet2.xml": lambda x: bad.replace_text(x, "福州市鼓楼区审计局", "福州市鼓楼区_x0002_审计局")},
    )
    keep = bad.json_file(tmp_path, "无机关名.json", edit=lambda d: d.update(org=""))
    rc, text = run(capsys, "fill", wb, keep, "-o", tmp_path / "o.xlsx", inputs=[wb, keep])
    assert rc == 2 and str(wb) in text and "org" in text
    assert not (tmp_path / "o.xlsx").exists()


# -- outputs are never overwritten silently -----------------------------------------------------------------


def test_new_does_not_overwrite(capsys, tmp_path):
    out = tmp_path / "已有.xlsx"
    out.write_bytes(b"precious")
    rc, text = run(capsys, "new", "--year", "2025", "--org", "测试局", "-o", out, inputs=[out])
    assert rc == 2 and str(out) in text and "--overwrite" in text
    rc, text = run(capsys, "new", "--year", "2025", "--org", "测试局", "-o", out, "--overwrite")
    assert rc == 0 and out.read_bytes() != b"precious"


def test_fill_and_export_do_not_overwrite(capsys, tmp_path):
    out = tmp_path / "已有.xlsx"
    out.write_bytes(b"precious")
    rc, text = run(capsys, "fill", EXAMPLE_XLSX, EXAMPLE_JSON, "-o", out, inputs=[out, EXAMPLE_XLSX, EXAMPLE_JSON])
    assert rc == 2 and str(out) in text and "已存在" in text
    js = tmp_path / "已有.json"
    js.write_text("{}")
    rc, text = run(capsys, "export", EXAMPLE_XLSX, "-o", js, inputs=[js, EXAMPLE_XLSX])
    assert rc == 2 and str(js) in text and "已存在" in text


@pytest.mark.parametrize("spelling", ["same", "dotted"])
def test_fill_output_equal_to_input_is_refused(capsys, tmp_path, spelling):
    wb = tmp_path / "收到.xlsx"
    wb.write_bytes(EXAMPLE_XLSX.read_bytes())
    (tmp_path / "sub").mkdir()
    out = wb if spelling == "same" else tmp_path / "sub" / ".." / "收到.xlsx"
    rc, text = run(capsys, "fill", wb, EXAMPLE_JSON, "-o", out, "--overwrite", inputs=[wb, EXAMPLE_JSON])
    assert rc == 2 and "不能与输入文件相同" in text
