"""xxgk merge: exact sums, every unit status, zip/eml inputs, roster, JSON/HTML output, exit codes."""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from decimal import Decimal
from email.message import EmailMessage
from pathlib import Path

import pytest
from conftest import valid_data

from xxgk.build import build_bytes
from xxgk.check import check
from xxgk.cli import main
from xxgk.form import SUMMARY_DETAIL_SHEET, load_form
from xxgk.merge import merge, read_roster
from xxgk.read import load, load_bytes, read_workbook

KEYS = (
    "t3.new_received.total",
    "t3.total.total",
    "t3.carry_forward.total",
    "t4.review.total",
    "t2.normative_docs.issued",
    "info_fee.amount_yuan",
)


def unit(fmt="2021", seed=0, org=None, **changes):
    data = valid_data(fmt, seed)
    data.org = org or f"测试县第{seed}局"
    for key, value in changes.items():
        if key == "info":
            data.info.update(value)  # the other 基本信息 a final report needs stay
        else:
            setattr(data, key, value)
    return data


def write(path: Path, data) -> Path:
    if path.suffix == ".json":
        path.write_text(data.dump(), encoding="utf-8")
    else:
        path.write_bytes(build_bytes(load_form(data.format), data))
    return path


def expected_sum(datas, cid):
    values = [d.cells[cid] for d in datas if d.cells.get(cid) is not None]
    return sum(values) if values else None


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def five(tmp_path):
    """Five valid 2021 units, as workbooks and JSON data files."""
    folder = tmp_path / "in"
    (folder / "sub").mkdir(parents=True)
    datas = [unit(seed=i) for i in range(5)]
    paths = [
        write(folder / ("sub" if i % 2 else "") / f"u{i}.{'json' if i % 2 else 'xlsx'}", d) for i, d in enumerate(datas)
    ]
    return folder, datas, paths


def test_exact_sums_and_summary_passes_check(five, tmp_path, capsys):
    folder, datas, paths = five
    before = {p: sha(p) for p in paths}
    out = tmp_path / "汇总.xlsx"
    assert main(["merge", str(folder), "-o", str(out), "--org", "某某县政务公开办", "--jobs", "1"]) == 0
    summary = read_workbook(out)
    form = load_form("2021")
    for cid in form.cells:
        assert summary.cells[cid] == expected_sum(datas, cid), cid
    assert (summary.org, summary.year, summary.format) == ("某某县政务公开办", 2025, "2021")
    assert all(not v for v in summary.text.values())
    report = check(summary)  # the sums pass; the office's own 基本信息 and text are still to be written
    assert {f.rule for f in report.findings if f.severity == "error"} == {"I-02", "P-01"}
    assert "请在汇总表中填写本机关的内容" in capsys.readouterr().out
    assert main(["check", str(out)]) == 1
    assert main(["report", str(out), "-o", str(tmp_path / "汇总.docx")]) == 1  # refused: it says what to fill
    err = capsys.readouterr().err
    assert "发文机关标志" in err and "一、总体情况" in err and not (tmp_path / "汇总.docx").exists()
    own = tmp_path / "本级.json"
    own.write_text(
        json.dumps(
            {
                "format": "2021",
                "year": 2025,
                "info": valid_data("2021").to_json()["info"],
                "text": valid_data("2021").to_json()["text"],
            },
            ensure_ascii=False,
        ),
        encoding="utf-8",
    )
    assert main(["fill", str(out), str(own), "-o", str(tmp_path / "汇总-已填.xlsx")]) == 0
    assert main(["check", str(tmp_path / "汇总-已填.xlsx")]) == 0
    assert main(["report", str(tmp_path / "汇总-已填.xlsx"), "-o", str(tmp_path / "汇总.docx")]) == 0
    assert {p: sha(p) for p in paths} == before  # inputs never modified
    import openpyxl

    wb = openpyxl.load_workbook(out)
    detail = wb[SUMMARY_DETAIL_SHEET]
    assert detail.protection.sheet
    rows = list(detail.iter_rows(min_row=2, values_only=True))
    assert len(rows) == 5 and {r[2] for r in rows} == {d.org for d in datas}
    row0 = next(r for r in rows if r[2] == datas[0].org)
    assert row0[1] == sha(paths[0]) and row0[9] == datas[0].cells["t3.new_received.total"]
    assert row0[13] == datas[0].cells["t4.lit_direct.total"] + datas[0].cells["t4.lit_after_review.total"]


def test_parallel_equals_inline_and_two_levels_equal_one(five, tmp_path, capsys):
    folder, datas, paths = five
    one = merge([folder], org="县", jobs=2)
    inline = merge([folder], org="县", jobs=1)
    assert one.summary.cells == inline.summary.cells
    a, b = tmp_path / "a.xlsx", tmp_path / "b.xlsx"
    merge(paths[:2], org="片区甲", jobs=1).write(a)
    merge(paths[2:], org="片区乙", jobs=1).write(b)
    two = merge([a, b], org="县", jobs=1)
    assert [u.status for u in two.units] == ["ok", "ok"]
    assert two.summary.cells == one.summary.cells
    for key in KEYS:
        assert two.summary.cells[key] == expected_sum(datas, key)


def test_statuses_duplicate_wrong_year_format_unreadable_lock(tmp_path, capsys):
    folder = tmp_path / "in"
    folder.mkdir()
    good = unit(seed=1, org="甲局")
    write(folder / "a-甲.json", good)
    write(folder / "b-甲-later.json", unit(seed=2, org="甲局", info={"date": "2026-01-25"}))
    write(folder / "c-甲-early.json", unit(seed=3, org="甲局", info={"date": "2026-01-02"}))
    write(
        folder / "d-乙-warn.json",
        unit(seed=4, org="乙局", text={"part6": "本年度未收取信息处理费。", "part1": "x" * 1100, "part5": "问题。"}),
    )
    bad = unit(seed=5, org="丙局")
    bad.cells["t3.total.total"] += 1
    write(folder / "e-丙-errors.json", bad)
    write(folder / "f-丁-2024.json", unit(seed=6, org="丁局", year=2024))
    old = unit("2019", seed=7, org="戊局", year=2025)
    write(folder / "g-戊-2019format.json", old)
    (folder / "h-broken.xlsx").write_bytes(b"not a workbook")
    (folder / "~$a-甲.xlsx").write_bytes(b"lock")
    (folder / "notes.txt").write_text("x", encoding="utf-8")
    result = merge([folder], org="县", jobs=1)
    status = {Path(u.file).name: u for u in result.units}
    assert status["b-甲-later.json"].status == "ok" and status["b-甲-later.json"].included
    assert status["a-甲.json"].status == "duplicate" and not status["a-甲.json"].included
    assert status["a-甲.json"].kept.endswith("b-甲-later.json")
    assert status["a-甲.json"].duplicate_rule == "成文日期较晚"
    assert status["c-甲-early.json"].status == "duplicate"
    assert status["d-乙-warn.json"].status == "warnings"
    assert status["e-丙-errors.json"].status == "errors" and status["e-丙-errors.json"].included
    assert status["f-丁-2024.json"].status == "wrong_year" and not status["f-丁-2024.json"].included
    assert status["g-戊-2019format.json"].status == "wrong_format"
    assert status["h-broken.xlsx"].status == "unreadable" and status["h-broken.xlsx"].error
    assert {Path(s.file).name for s in result.skipped} == {"~$a-甲.xlsx", "notes.txt"}
    assert not result.ok
    # statuses equal what `xxgk check` says
    assert main(["check", str(folder / "e-丙-errors.json")]) == 1
    assert main(["check", str(folder / "d-乙-warn.json")]) == 0
    # the sum counts 甲 once (the kept file), 乙 and 丙
    kept = [load(folder / n) for n in ("b-甲-later.json", "d-乙-warn.json", "e-丙-errors.json")]
    assert result.summary.cells["t3.new_received.total"] == expected_sum(kept, "t3.new_received.total")


def test_duplicate_rule_fewer_errors_then_path_order(tmp_path):
    bad = unit(seed=1, org="甲局", info={"date": "2026-01-30"})
    bad.cells["t3.total.total"] += 1
    write(tmp_path / "a.json", bad)
    write(tmp_path / "b.json", unit(seed=2, org=" 甲局 "))
    write(tmp_path / "c.json", unit(seed=3, org="甲局"))
    result = merge([tmp_path / "c.json", tmp_path / "a.json", tmp_path / "b.json"], org="县", jobs=1)
    by = {Path(u.file).name: u for u in result.units}
    assert by["b.json"].status == "ok"
    assert by["a.json"].duplicate_rule == "错误较少"
    assert by["c.json"].duplicate_rule == "文件名排序在前"
    assert [Path(u.file).name for u in result.units] == ["a.json", "b.json", "c.json"]


def test_year_option_and_most_common_year(tmp_path):
    write(tmp_path / "a.json", unit(seed=1))
    write(tmp_path / "b.json", unit(seed=2))
    write(tmp_path / "c.json", unit(seed=3, year=2024))
    assert merge([tmp_path], org="县", jobs=1).year == 2025
    result = merge([tmp_path], org="县", year=2024, jobs=1)
    assert [u.status for u in result.units] == ["wrong_year", "wrong_year", "ok"]


def test_blank_contributors_reported(tmp_path):
    a, b = unit(seed=1, org="甲局"), unit(seed=2, org="乙局")
    a.cells["t4.review.upheld"] = None
    a.cells["t4.review.total"] = None
    for d in (a, b):
        d.cells["t2.normative_docs.issued"] = None
    write(tmp_path / "a.json", a)
    write(tmp_path / "b.xlsx", b)
    result = merge([tmp_path], org="县", jobs=1)
    assert result.blanks["t4.review.upheld"] == ["甲局"]
    assert result.blanks["t2.normative_docs.issued"] == ["甲局", "乙局"]
    assert result.summary.cells["t4.review.upheld"] == b.cells["t4.review.upheld"]
    assert result.summary.cells["t2.normative_docs.issued"] is None  # blank everywhere stays blank


def test_2019_mixed_procurement_units(tmp_path):
    a, b = unit("2019", seed=1, org="甲局"), unit("2019", seed=2, org="乙局")
    a.cells["t2.procurement.amount"], a.units = Decimal("12345.67"), {"t2.procurement.amount": "元"}
    b.cells["t2.procurement.amount"] = Decimal("3.5")
    write(tmp_path / "a.xlsx", a)
    write(tmp_path / "b.json", b)
    result = merge([tmp_path], org="区", jobs=1)
    assert result.summary.cells["t2.procurement.amount"] == Decimal("4.734567")
    assert result.summary.units["t2.procurement.amount"] == "万元"
    out = tmp_path.parent / "sum2019.xlsx"
    result.write(out)
    back = read_workbook(out)
    assert back.cells["t2.procurement.amount"] == Decimal("4.734567")
    assert back.units["t2.procurement.amount"] == "万元"
    assert {f.rule for f in check(back).findings if f.severity == "error"} == {"I-02", "P-01"}  # the sums pass


def test_zip_and_eml_inputs_read_in_memory(tmp_path, monkeypatch):
    datas = [unit(seed=i) for i in range(4)]
    wb = {i: build_bytes(load_form("2021"), d) for i, d in enumerate(datas)}
    archive = tmp_path / "收到.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("第0局.xlsx", wb[0])
        zf.writestr("子目录/第1局.json", datas[1].dump())
        zf.writestr("子目录/~$第0局.xlsx", b"lock")
        zf.writestr("说明.txt", b"x")
    msg = EmailMessage()
    msg["Subject"] = "报送年报"
    msg["From"], msg["To"] = "a@example.cn", "b@example.cn"
    msg.set_content("附件为年报。")
    msg.add_attachment(
        wb[2],
        maintype="application",
        subtype="vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        filename="第2局政府信息公开年报.xlsx",
    )
    inner = io.BytesIO()
    with zipfile.ZipFile(inner, "w") as zf:
        zf.writestr("第3局.xlsx", wb[3])
    msg.add_attachment(inner.getvalue(), maintype="application", subtype="zip", filename="打包.zip")
    eml = tmp_path / "邮件.eml"
    eml.write_bytes(bytes(msg))
    before = {archive: sha(archive), eml: sha(eml)}
    written = []
    real_open = Path.open

    def spy(self, mode="r", *a, **k):
        if "w" in mode:
            written.append(self)
        return real_open(self, mode, *a, **k)

    monkeypatch.setattr(Path, "open", spy)
    result = merge([archive, eml], org="县", jobs=1)
    monkeypatch.undo()
    assert not written
    files = [u.file for u in result.units]
    assert f"{archive}!第0局.xlsx" in files and f"{archive}!子目录/第1局.json" in files
    assert f"{eml}!第2局政府信息公开年报.xlsx" in files and f"{eml}!打包.zip!第3局.xlsx" in files
    assert all(u.status == "ok" for u in result.units), [(u.file, u.status, u.error) for u in result.units]
    assert {s.file for s in result.skipped} == {f"{archive}!子目录/~$第0局.xlsx", f"{archive}!说明.txt"}
    for key in KEYS:
        assert result.summary.cells[key] == expected_sum(datas, key)
    assert {archive: sha(archive), eml: sha(eml)} == before


def test_zip_limits_and_unreadable_archive(tmp_path):
    bomb = tmp_path / "bomb.zip"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("big.xlsx", b"\0" * (8 * 1024 * 1024))
    (tmp_path / "broken.zip").write_bytes(b"PK\x03\x04garbage")
    write(tmp_path / "ok.json", unit(seed=1))
    result = merge([tmp_path], org="县", jobs=1)
    assert any("压缩炸弹" in s.reason for s in result.skipped)
    broken = next(u for u in result.units if u.file.endswith("broken.zip"))
    assert broken.status == "unreadable" and broken.error
    assert len(result.included) == 1


def test_load_bytes_has_the_file_checks():
    data = valid_data("2021", 1)
    blob = build_bytes(load_form("2021"), data)
    assert load_bytes(blob, "内存.xlsx").cells == data.cells
    from xxgk.errors import XxgkError

    with pytest.raises(XxgkError, match="旧版"):
        load_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, "x.xlsx")
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf, zipfile.ZipFile(io.BytesIO(blob)) as src:
        for info in src.infolist():
            body = src.read(info)
            if info.filename == "xl/workbook.xml":
                body = b'<!DOCTYPE x [<!ENTITY a "b">]>' + body
            zf.writestr(info.filename, body)
    with pytest.raises(XxgkError, match="DTD"):
        load_bytes(buf.getvalue(), "dtd.xlsx")


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_roster_missing_units(tmp_path, suffix, capsys):
    write(tmp_path / "a.json", unit(seed=1, org="甲局"))
    write(tmp_path / "b.json", unit(seed=2, org="乙 局"))
    roster = tmp_path.parent / f"名单{suffix}"
    rows = [["序号", "单位名称"], ["1", " 甲局"], ["2", "乙局"], ["3", "丙局"]]
    if suffix == ".csv":
        roster.write_text("\n".join(",".join(r) for r in rows), encoding="utf-8-sig")
    else:
        import openpyxl

        wb = openpyxl.Workbook()
        for r in rows:
            wb.active.append(r)
        wb.save(roster)
    assert read_roster(roster) == ["甲局", "乙局", "丙局"]
    out = tmp_path.parent / f"s{suffix}.xlsx"
    code = main(
        ["merge", str(tmp_path), "-o", str(out), "--org", "县", "--roster", str(roster), "--json", "--jobs", "1"]
    )
    assert code == 1
    shown = json.loads(capsys.readouterr().out)
    assert shown["missing"] == ["丙局"]
    assert out.exists()


def test_json_shape_and_html(five, tmp_path, capsys):
    folder, datas, paths = five
    evil = unit(seed=9, org='<script>alert("x")</script>局')
    write(folder / "evil.json", evil)
    out, page = tmp_path / "s.xlsx", tmp_path / "s.html"
    assert (
        main(["merge", str(folder), "-o", str(out), "--org", "县", "--json", "--html", str(page), "--jobs", "2"]) == 0
    )
    shown = json.loads(capsys.readouterr().out)
    assert set(shown) >= {"units", "missing", "summary", "skipped"}
    assert shown["summary"] == str(out)
    assert len(shown["units"]) == 6
    for u in shown["units"]:
        assert set(u) >= {"file", "org", "year", "status", "included", "errors", "warnings", "sha256"}
    text = page.read_text(encoding="utf-8")
    assert '<html lang="zh-CN">' in text and "<table" in text and "<script>alert" not in text
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;局" in text and "<script>alert" not in text
    assert "addEventListener('click'" in text and "u0.xlsx" in text


def test_exit_codes_and_usage_errors(five, tmp_path, capsys):
    folder, datas, paths = five
    out = tmp_path / "s.xlsx"
    empty = tmp_path / "empty"
    empty.mkdir()
    (empty / "x.txt").write_text("x", encoding="utf-8")
    assert main(["merge", str(empty), "-o", str(out), "--org", "县"]) == 2
    assert "没有找到" in capsys.readouterr().err
    assert main(["merge", str(folder), "-o", str(tmp_path / "nodir" / "s.xlsx"), "--org", "县"]) == 2
    assert main(["merge", str(folder), "-o", str(out), "--org", "县", "--roster", str(tmp_path / "无.csv")]) == 2
    assert main(["merge", str(folder), "-o", str(out), "--org", "县", "--jobs", "0"]) == 2
    assert main(["merge", str(folder), "-o", str(out), "--org", "县", "--jobs", "1"]) == 0
    first = sha(out)
    assert main(["merge", str(folder), "-o", str(out), "--org", "县"]) == 2
    assert "已存在" in capsys.readouterr().err and sha(out) == first
    assert main(["merge", str(folder), "-o", str(out), "--org", "县", "--overwrite", "--jobs", "1"]) == 0
    bad = unit(seed=8, org="错局")
    bad.cells["t3.total.total"] += 1
    write(folder / "bad.json", bad)
    assert main(["merge", str(folder), "-o", str(out), "--org", "县", "--overwrite", "--jobs", "1"]) == 1


def test_output_inside_input_folder_is_not_merged_into_itself(five, capsys):
    folder, datas, paths = five
    out = folder / "汇总.xlsx"
    assert main(["merge", str(folder), "-o", str(out), "--org", "县", "--jobs", "1"]) == 0
    capsys.readouterr()
    assert main(["merge", str(folder), "-o", str(out), "--org", "县", "--jobs", "1", "--overwrite", "--json"]) == 0
    assert len(json.loads(capsys.readouterr().out)["units"]) == 5


def test_org_is_optional(tmp_path, capsys):
    """Without --org the summary names a placeholder office (and says so), and still passes check."""
    from conftest import valid_data

    from xxgk.cli import main
    from xxgk.read import load

    src = tmp_path / "a.json"
    src.write_text(valid_data("2021", 1).dump(), encoding="utf-8")
    out = tmp_path / "s.xlsx"
    assert main(["merge", str(src), "-o", str(out), "--jobs", "1"]) == 0
    assert "--org" in capsys.readouterr().err
    assert load(out).org == "汇总单位"
    assert main(["check", str(out)]) == 1
    assert "I-02" in capsys.readouterr().out


PUBLISHED = Path(__file__).parent / "data" / "published"


def test_published_reports_are_summed_as_imported_units(tmp_path):
    """An office with no workbooks sums last year's published reports: each is a unit of status `imported`,
    read and checked as `xxgk check REPORT` reads it (audit mode); a .docx that is no report is skipped."""
    import shutil

    from docx import Document

    folder = tmp_path / "已发布"
    folder.mkdir()
    for name in ("pingtan-czj-2024.html", "pingtan-gaj-2024.docx"):
        shutil.copy(PUBLISHED / name, folder / name)
    letter = Document()
    letter.add_paragraph("关于报送2024年度政府信息公开工作年度报告的函")
    letter.save(folder / "报送函.docx")
    result = merge([folder], org="平潭综合实验区", jobs=1)
    status = {Path(u.file).name: u for u in result.units}
    assert {n: u.status for n, u in status.items()} == {
        "pingtan-czj-2024.html": "imported",
        "pingtan-gaj-2024.docx": "imported",
    }
    assert [Path(s.file).name for s in result.skipped] == ["报送函.docx"]
    expected = [
        json.loads((PUBLISHED / f"{n}.expected.json").read_text(encoding="utf-8"))
        for n in ("pingtan-czj-2024", "pingtan-gaj-2024")
    ]
    for cid in ("t3.new_received.total", "t4.review.total"):
        values = [e["cells"][cid] for e in expected]
        assert result.summary.cells[cid] == sum(v for v in values if isinstance(v, int)), cid
    from xxgk.merge.model import unit_note

    assert "由已发布的报告导入" in unit_note(status["pingtan-czj-2024.html"])


def test_a_submitted_workbook_is_preferred_to_the_same_units_published_report(tmp_path):
    import shutil

    published = PUBLISHED / "pingtan-czj-2024.html"
    data = load(published)
    folder = tmp_path / "收到的"
    folder.mkdir()
    shutil.copy(published, folder / "财政金融局-网页.html")
    write(folder / "财政金融局.json", data)
    result = merge([folder], org="区", jobs=1)
    status = {Path(u.file).name: u for u in result.units}
    assert status["财政金融局.json"].included and status["财政金融局-网页.html"].status == "duplicate"
    assert status["财政金融局-网页.html"].duplicate_rule == "报送的工作簿或数据文件优先"
