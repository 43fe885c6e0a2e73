"""Trust under real use: folders merged twice, empty reports, rosters, dates, JSON without totals, units in
containers, odd names — each case as a user gets there (issue "Trust under real use")."""

from __future__ import annotations

import base64
import io
import json
import zipfile
from pathlib import Path

import pytest
from conftest import EXAMPLE_XLSX, valid_data

from xxgk.build import build_bytes
from xxgk.cli import main, shell_arg
from xxgk.data import from_json
from xxgk.form import load_form
from xxgk.merge import merge, read_roster
from xxgk.pipeline import check_file
from xxgk.read import read_workbook

F21 = load_form("2021")


def unit(seed: int, org: str, fmt: str = "2021"):
    data = valid_data(fmt, seed)
    data.org = org
    return data


def write(path: Path, data) -> Path:
    if path.suffix == ".json":
        path.write_text(data.dump(), encoding="utf-8")
    else:
        path.write_bytes(build_bytes(load_form(data.format), data))
    return path


# -- A.1: an earlier summary among the inputs -------------------------------------------------------------------


def test_merging_a_folder_twice_with_the_old_summary_inside_does_not_double(tmp_path, capsys):
    folder = tmp_path / "收到的"
    folder.mkdir()
    units = [unit(i, f"第{i}局") for i in range(3)]
    for i, u in enumerate(units):
        write(folder / f"u{i}.xlsx", u)
    first = folder / "汇总.xlsx"
    assert main(["merge", str(folder), "-o", str(first), "--org", "县", "--jobs", "1"]) == 0
    late = unit(7, "第7局")
    write(folder / "u7-迟报.xlsx", late)
    second = folder / "汇总-含迟报.xlsx"
    capsys.readouterr()
    assert main(["merge", str(folder), "-o", str(second), "--org", "县", "--jobs", "1", "--json"]) == 0
    shown = json.loads(capsys.readouterr().out)
    status = {Path(u["file"]).name: u for u in shown["units"]}
    old = status["汇总.xlsx"]
    assert old["status"] == "summary_overlap" and not old["included"]
    assert sorted(old["overlap"]) == ["第0局", "第1局", "第2局"] and old["uncovered"] == []
    summed = read_workbook(second)
    for cid in ("t3.new_received.total", "t4.review.total", "t2.normative_docs.in_force"):
        assert summed.cells[cid] == sum(u.cells[cid] for u in [*units, late]), cid  # not doubled
    # merged again into the same file: this run's output is never one of its inputs
    assert main(["merge", str(folder), "-o", str(second), "--org", "县", "--jobs", "1", "--overwrite", "--json"]) == 0
    assert str(second) not in [u["file"] for u in json.loads(capsys.readouterr().out)["units"]]


def test_area_summary_beside_its_own_units_and_one_without_them(tmp_path):
    a = [write(tmp_path / f"a{i}.json", unit(i, f"甲片{i}局")) for i in range(2)]
    b = [write(tmp_path / f"b{i}.json", unit(10 + i, f"乙片{i}局")) for i in range(2)]
    area_a, area_b = tmp_path / "片区甲汇总.xlsx", tmp_path / "片区乙汇总.xlsx"
    merge(a, org="片区甲", jobs=1).write(area_a)
    merge(b, org="片区乙", jobs=1).write(area_b)
    result = merge([*a, area_a, area_b], org="县", jobs=1)  # 甲's units are here, 乙's are not
    status = {Path(u.file).name: u.status for u in result.units}
    assert status == {"a0.json": "ok", "a1.json": "ok", "片区甲汇总.xlsx": "summary_overlap", "片区乙汇总.xlsx": "ok"}
    expected = sum(read_workbook(p).cells["t3.total.total"] for p in (area_a, area_b))
    assert result.summary.cells["t3.total.total"] == expected and result.ok
    # a summary only partly among the inputs: left out, and the units it alone holds are named — exit 1
    partial = merge([a[0], area_a], org="县", jobs=1)
    overlap = next(u for u in partial.units if u.status == "summary_overlap")
    assert overlap.uncovered == ["甲片1局"] and not partial.ok
    assert "甲片1局" in overlap.to_json()["uncovered"]


# -- A.4, A.5: an empty report is no final report; empty sub-heads are not printed ------------------------------


def test_an_empty_report_does_not_pass_and_report_says_what_to_fill(tmp_path, capsys):
    book = tmp_path / "空.xlsx"
    assert main(["new", "--year", "2025", "--org", "某某县某某局", "-o", str(book)]) == 0
    data = from_json(
        {"format": "2021", "year": 2025, "org": "某某县某某局", "cells": {c.id: 0 for c in F21.input_cells()}}
    )
    filled = tmp_path / "全零.json"
    filled.write_text(data.dump(), encoding="utf-8")
    zero = tmp_path / "全零.xlsx"
    assert main(["fill", str(book), str(filled), "-o", str(zero)]) == 0
    capsys.readouterr()
    assert main(["check", str(zero)]) == 1
    out = capsys.readouterr().out
    assert "I-02" in out and "发文机关标志、发文字号、成文日期、印发机关、印发日期" in out
    assert out.count("P-01") == 2  # 一 and 五 (六 holds the generated fee sentence: 0 元)
    assert main(["report", str(zero), "-o", str(tmp_path / "r.docx")]) == 1
    err = capsys.readouterr().err
    assert "未生成报告" in err and "I-02" in err and "P-01" in err and not (tmp_path / "r.docx").exists()
    assert main(["report", str(zero), "-o", str(tmp_path / "r.docx"), "--draft"]) == 1
    assert (tmp_path / "r.docx").exists()


def test_template_subheads_left_empty_are_warned_and_not_printed(tmp_path, capsys):
    data = valid_data("2021")
    data.text["part1"] = (
        "（一）主动公开\n（二）依申请公开\n（三）政府信息管理\n（四）政府信息公开平台建设\n（五）监督保障\n全部文字写在最后。"
    )
    src = tmp_path / "小标题.json"
    src.write_text(data.dump(), encoding="utf-8")
    assert main(["report", str(src), "-o", str(tmp_path / "r.docx")]) == 0
    out = capsys.readouterr().out
    assert "1 个警告" in out
    from docx import Document

    printed = [p.text for p in Document(tmp_path / "r.docx").paragraphs]
    assert "（五）监督保障" in printed and "全部文字写在最后。" in printed
    assert not any(h in printed for h in ("（一）主动公开", "（二）依申请公开", "（四）政府信息公开平台建设"))


# -- B.6 a roster with a title row; B.7 dates; B.8 JSON without totals -------------------------------------------


@pytest.mark.parametrize("suffix", [".xlsx", ".csv"])
def test_roster_with_a_title_row(tmp_path, suffix):
    rows = [
        ["2025年度应报单位名单", "", ""],
        ["序号", "单位名称", "联系人"],
        [1, "甲局", "张三"],
        [2, "乙局", "李四"],
        [3, "丙镇人民政府", "王五"],
    ]
    path = tmp_path / f"名单{suffix}"
    _write_rows(path, rows)
    assert read_roster(path) == ["甲局", "乙局", "丙镇人民政府"]


def test_roster_of_numbers_is_refused(tmp_path):
    path = tmp_path / "名单.xlsx"
    _write_rows(path, [["1"], ["2"], ["3"]])
    with pytest.raises(Exception) as exc:
        read_roster(path)
    assert "不像单位名称" in str(exc.value) and "1、2、3" in str(exc.value)


def _write_rows(path: Path, rows):
    if path.suffix == ".csv":
        path.write_text("\n".join(",".join(str(v) for v in r) for r in rows), encoding="utf-8-sig")
    else:
        import openpyxl

        wb = openpyxl.Workbook()
        for r in rows:
            wb.active.append(r)
        wb.save(path)


def test_invalid_date_in_json_is_the_same_finding_as_in_a_workbook(tmp_path, capsys):
    raw = valid_data("2021").to_json()
    raw["info"]["date"] = "2026-02-30"
    src = tmp_path / "日期.json"
    src.write_text(json.dumps(raw, ensure_ascii=False), encoding="utf-8")
    assert main(["check", str(src), "--json"]) == 1
    found = json.loads(capsys.readouterr().out)["findings"]
    assert [(f["rule"], f["values"]["field"]) for f in found] == [("I-01", "date")]
    assert "2026-02-30" in found[0]["message"]
    assert main(["report", str(src), "-o", str(tmp_path / "r.docx")]) == 1  # never printed in the signature
    raw["info"]["date"] = "2026年1月8日"
    src.write_text(json.dumps(raw, ensure_ascii=False), encoding="utf-8")
    assert main(["check", str(src)]) == 0


def test_json_without_totals_computes_them(tmp_path, capsys):
    data = valid_data("2021")
    raw = data.to_json()
    raw["cells"] = {c.id: raw["cells"][c.id] for c in F21.input_cells()}
    src = tmp_path / "无合计.json"
    src.write_text(json.dumps(raw, ensure_ascii=False), encoding="utf-8")
    assert main(["check", str(src)]) == 0
    raw["cells"]["t3.granted.natural_person"] += 1  # now T3-01 must still be found, through the computed totals
    src.write_text(json.dumps(raw, ensure_ascii=False), encoding="utf-8")
    capsys.readouterr()
    assert main(["check", str(src), "--json"]) == 1
    rules = {f["rule"] for f in json.loads(capsys.readouterr().out)["findings"]}
    assert rules == {"T3-01"}


def test_formula_without_a_cached_value_is_no_blank(tmp_path):
    import openpyxl

    path = tmp_path / "公式.xlsx"
    path.write_bytes(build_bytes(F21, valid_data("2021")))
    wb = openpyxl.load_workbook(path)
    cell = F21.cells["t3.granted.natural_person"]
    wb[cell.sheet][cell.address] = "=4+4"  # openpyxl writes no result
    wb.save(path)
    data = read_workbook(path)
    s05 = [p for p in data.problems if p.rule == "S-05"]
    assert len(s05) == 1 and "没有计算结果" in s05[0].message


# -- B.10: the same unit, on disk or in a .zip, with last year's report beside it -------------------------------


def test_a_units_findings_do_not_depend_on_its_container(tmp_path):
    folder = tmp_path / "甲局"
    folder.mkdir()
    last = unit(1, "甲局")
    last.year = 2024
    write(folder / "2024.xlsx", last)
    now = unit(2, "甲局")
    now.info["previous_file"] = "2024.xlsx"
    now.cells["t3.carried_over.natural_person"] = last.cells["t3.carry_forward.natural_person"] + 1
    write(folder / "2025.xlsx", now)
    archive = tmp_path / "报送.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for name in ("2024.xlsx", "2025.xlsx"):
            zf.write(folder / name, f"甲局/{name}")
    on_disk = merge([folder], org="县", year=2025, jobs=1)
    zipped = merge([archive], org="县", year=2025, jobs=1)

    def findings(result):
        u = next(u for u in result.units if u.year == 2025)
        return [(f.rule, f.severity, f.cells) for f in u.findings], u.status

    assert findings(on_disk) == findings(zipped)
    assert any(rule == "X-01" for rule, _, _ in findings(on_disk)[0])
    _, report = check_file(folder / "2025.xlsx")  # and `xxgk check` says the same
    assert [(f.rule, f.severity, f.cells) for f in report.findings] == findings(on_disk)[0]


# -- D.15: names in archives and e-mails; D.16 .ods ------------------------------------------------------------


@pytest.mark.parametrize("encoding", ["utf-8", "gbk"])
def test_zip_member_names_without_the_utf8_flag(tmp_path, encoding):
    name = "某某县市场监管局年报.xlsx"
    payload = build_bytes(F21, unit(1, "某某县市场监管局"))
    raw_name = name.encode(encoding)
    placeholder = "a" * (len(raw_name) - 5) + ".xlsx"  # as long as the raw name: no offset moves
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as zf:
        zf.writestr(placeholder, payload)
    # the name stored as raw bytes without the UTF-8 flag, as Info-ZIP (UTF-8) or Windows archivers (GBK) write it
    raw = out.getvalue().replace(placeholder.encode(), raw_name)
    archive = tmp_path / "报送.zip"
    archive.write_bytes(raw)
    with zipfile.ZipFile(archive) as zf:
        assert not zf.infolist()[0].flag_bits & 0x800
    result = merge([archive], org="县", jobs=1)
    assert result.units[0].file == f"{archive}!{name}" and result.units[0].status == "ok"


@pytest.mark.parametrize("style", ["raw-utf8", "raw-gbk", "rfc2047", "rfc2231"])
def test_eml_attachment_names(tmp_path, style):
    name = "某某镇人民政府2025年报.xlsx"
    payload = build_bytes(F21, unit(2, "某某镇人民政府"))
    encoded = base64.encodebytes(payload).decode("ascii")
    if style.startswith("raw"):
        header = f'attachment; filename="{name}"'.encode("utf-8" if style == "raw-utf8" else "gbk")
    elif style == "rfc2047":
        header = ('attachment; filename="=?UTF-8?B?' + base64.b64encode(name.encode()).decode() + '?="').encode()
    else:
        from urllib.parse import quote

        header = f"attachment; filename*=UTF-8''{quote(name)}".encode()
    mail = (
        b"MIME-Version: 1.0\r\nSubject: report\r\nContent-Type: multipart/mixed; boundary=XX\r\n\r\n--XX\r\n"
        b"Content-Type: application/octet-stream\r\nContent-Disposition: "
        + header
        + b"\r\nContent-Transfer-Encoding: base64\r\n\r\n"
        + encoded.encode()
        + b"\r\n--XX--\r\n"
    )
    path = tmp_path / "报送.eml"
    path.write_bytes(mail)
    result = merge([path], org="县", jobs=1)
    assert [u.file for u in result.units] == [f"{path}!{name}"] and result.units[0].status == "ok"


def test_ods_is_named_as_such(tmp_path, capsys):
    import subprocess

    from lo import soffice_path

    subprocess.run(
        [
            soffice_path(),
            "--headless",
            "--norestore",
            "--convert-to",
            "ods",
            "--outdir",
            str(tmp_path),
            f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}",
            str(EXAMPLE_XLSX),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    ods = tmp_path / (EXAMPLE_XLSX.stem + ".ods")
    assert main(["check", str(ods)]) == 2
    err = capsys.readouterr().err
    assert "OpenDocument 电子表格" in err and "另存为" in err and ".xlsx" in err and str(ods) in err
    from xxgk.merge import collect

    _, skipped, _ = collect([ods])  # merge skips it by name, saying the same
    assert "OpenDocument 电子表格" in skipped[0].reason


# -- D.17 a year written with 年; D.19 last year's file of another body; D.20 pasteable hints -------------------


def test_year_with_nian_and_a_year_that_is_no_year(tmp_path, capsys):
    import openpyxl

    path = tmp_path / "年度.xlsx"
    path.write_bytes(build_bytes(F21, valid_data("2021")))
    wb = openpyxl.load_workbook(path)
    wb["基本信息"]["B4"] = "２０２５年度"
    wb.save(path)
    assert read_workbook(path).year == 2025
    wb["基本信息"]["B4"] = "二〇二五年"
    wb.save(path)
    assert main(["check", str(path), "--json"]) == 1
    found = [f for f in json.loads(capsys.readouterr().out)["findings"] if f["rule"] == "I-01"]
    assert len(found) == 1 and "四位年份" in found[0]["message"]
    from xxgk.merge import render_text

    text = render_text(merge([path], org="县", year=2025, jobs=1))
    assert "未填报告年度" in text and "None" not in text


def test_new_from_another_bodys_file_warns(tmp_path, capsys):
    last = unit(1, "乙局")
    last.year = 2024
    src = write(tmp_path / "乙局2024.json", last)
    assert main(["new", "--year", "2025", "--org", "甲局", "--previous", str(src), "-o", str(tmp_path / "n.xlsx")]) == 0
    err = capsys.readouterr().err
    assert "乙局" in err and "甲局" in err and "核对" in err


def test_hints_quote_paths_with_spaces(tmp_path, capsys):
    data = valid_data("2021")
    data.text["part1"] = "x" * 1100  # N-06: a warning
    src = tmp_path / "某某县 市场监管局 2025年报（最终版）.json"
    src.write_text(data.dump(), encoding="utf-8")
    assert main(["report", str(src), "-o", str(tmp_path / "r.docx")]) == 0
    out = capsys.readouterr().out
    assert f'xxgk check "{src}"' in out
    assert shell_arg("a b.xlsx") == '"a b.xlsx"' and shell_arg("年报.xlsx") == "年报.xlsx"
