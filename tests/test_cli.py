"""The command line: new, fill, export, check — round trips, exit codes, output shapes."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys

import pytest
from conftest import EXAMPLE_JSON, EXAMPLE_XLSX, seed_dict, valid_data

from xxgk.cli import main
from xxgk.form import FORMATS


def sha(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.mark.parametrize("year,fmt", [(2019, "2019"), (2020, "2019"), (2021, "2021"), (2025, "2021")])
def test_new_infers_format_from_year(tmp_path, year, fmt, capsys):
    out = tmp_path / "a.xlsx"
    assert main(["new", "--year", str(year), "--org", "某某局", "-o", str(out)]) == 0
    assert main(["export", str(out), "-o", str(tmp_path / "a.json")]) == 0
    data = json.loads((tmp_path / "a.json").read_text(encoding="utf-8"))
    assert (data["format"], data["year"], data["org"]) == (fmt, year, "某某局")
    assert all(v is None for v in data["cells"].values())  # blank stays blank


def test_new_refuses_wrong_format_and_existing_output(tmp_path, capsys):
    out = tmp_path / "a.xlsx"
    assert main(["new", "--year", "2022", "--org", "某局", "--format", "2019", "-o", str(out)]) == 2
    assert "2021 格式" in capsys.readouterr().err and not out.exists()
    assert main(["new", "--year", "2022", "--org", "某局", "-o", str(out)]) == 0
    before = sha(out)
    assert main(["new", "--year", "2023", "--org", "某局", "-o", str(out)]) == 2
    assert "已存在" in capsys.readouterr().err and sha(out) == before
    assert main(["new", "--year", "2023", "--org", "某局", "-o", str(out), "--overwrite"]) == 0


@pytest.mark.parametrize("fmt,seed", [(f, s) for f in FORMATS for s in range(3)])
def test_json_fill_export_round_trip(tmp_path, fmt, seed, capsys):
    data = valid_data(fmt, seed)
    data.info.update({"issuer_mark": "某某局文件", "doc_number": "某发〔2026〕1号", "postcode": "350001"})
    src = tmp_path / "in.json"
    src.write_text(data.dump(), encoding="utf-8")
    year = str(data.year)
    assert main(["new", "--year", year, "--org", "x", "-o", str(tmp_path / "blank.xlsx")]) == 0
    assert main(["fill", str(tmp_path / "blank.xlsx"), str(src), "-o", str(tmp_path / "f.xlsx")]) == 0
    assert main(["export", str(tmp_path / "f.xlsx"), "-o", str(tmp_path / "out.json")]) == 0
    assert json.loads((tmp_path / "out.json").read_text(encoding="utf-8")) == json.loads(data.dump())


def test_seed_example_round_trip(tmp_path, capsys):
    assert main(["export", str(EXAMPLE_XLSX), "-o", str(tmp_path / "s.json")]) == 0
    assert json.loads((tmp_path / "s.json").read_text(encoding="utf-8")) == seed_dict()


def test_seed_example_checks_clean(capsys):
    for path in (EXAMPLE_JSON, EXAMPLE_XLSX):
        assert main(["check", str(path), "--json"]) == 0
        out = json.loads(capsys.readouterr().out)
        assert out["valid"] and out["findings"] == []


def test_fill_accepts_totals_equal_to_parts_and_refuses_others(tmp_path, capsys):
    raw = seed_dict()
    raw["cells"]["t3.new_received.natural_person"] = 2
    raw["cells"]["t3.new_received.total"] = 2  # equal to its parts: accepted
    src = tmp_path / "d.json"
    src.write_text(json.dumps(raw, ensure_ascii=False), encoding="utf-8")
    assert main(["fill", str(EXAMPLE_XLSX), str(src), "-o", str(tmp_path / "ok.xlsx")]) == 0
    raw["cells"]["t3.new_received.total"] = 3
    src.write_text(json.dumps(raw, ensure_ascii=False), encoding="utf-8")
    before = sha(EXAMPLE_XLSX)
    assert main(["fill", str(EXAMPLE_XLSX), str(src), "-o", str(tmp_path / "bad.xlsx")]) == 2
    err = capsys.readouterr().err
    assert "t3.new_received.total = 3" in err and "分项之和为 2" in err
    assert not (tmp_path / "bad.xlsx").exists() and sha(EXAMPLE_XLSX) == before


def test_fill_refuses_other_format(tmp_path, capsys):
    src = tmp_path / "d.json"
    src.write_text(valid_data("2021").dump(), encoding="utf-8")
    assert main(["fill", str(EXAMPLE_XLSX), str(src), "-o", str(tmp_path / "x.xlsx")]) == 2
    assert "2021 格式" in capsys.readouterr().err


def test_check_json_output_and_exit_codes(tmp_path, capsys):
    raw = seed_dict()
    raw["cells"]["t3.new_received.natural_person"] = 1  # breaks T3-01 and T3-03
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(raw, ensure_ascii=False), encoding="utf-8")
    assert main(["check", str(bad), "--json"]) == 1
    out = json.loads(capsys.readouterr().out)
    assert set(out) == {"file", "valid", "findings"} and out["valid"] is False
    rules = {f["rule"] for f in out["findings"]}
    assert {"T3-01", "T3-03"} <= rules
    f = next(f for f in out["findings"] if f["rule"] == "T3-01")
    assert set(f) == {"rule", "severity", "cells", "addresses", "message", "values"}
    assert f["addresses"][0] == "三、收到和处理政府信息公开申请情况!D5"
    assert f["values"]["difference"] == 1
    # several files: a list, the worst exit code
    missing = tmp_path / "missing.xlsx"
    assert main(["check", str(EXAMPLE_JSON), str(bad), str(missing), "--json"]) == 2
    out = json.loads(capsys.readouterr().out)
    assert [o["valid"] for o in out] == [True, False, False] and "error" in out[2]


def test_check_human_output_grouped_by_sheet(tmp_path, capsys):
    raw = seed_dict()
    raw["cells"]["t4.review.upheld"] = 1
    raw["cells"]["t2.regulations.new_published"] = 2
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(raw, ensure_ascii=False), encoding="utf-8")
    assert main(["check", str(bad)]) == 1
    out = capsys.readouterr().out
    assert "✗ 未通过" in out
    assert out.index("【二、主动公开政府信息情况】") < out.index("【四、政府信息公开行政复议、行政诉讼情况】")
    assert "错误 T4-01" in out and "警告 T2v19-03" in out


def test_check_previous_year_carry_over(tmp_path, capsys):
    prev = valid_data("2019", 5)
    now = valid_data("2021", 6)
    prev.year, now.year = 2020, 2021
    (tmp_path / "prev.json").write_text(prev.dump(), encoding="utf-8")
    (tmp_path / "now.json").write_text(now.dump(), encoding="utf-8")
    code = main(["check", str(tmp_path / "now.json"), "--previous", str(tmp_path / "prev.json"), "--json"])
    out = json.loads(capsys.readouterr().out)
    differs = any(
        prev.cells[f"t3.carry_forward.{c}"] != now.cells[f"t3.carried_over.{c}"] for c in ("natural_person", "total")
    )
    x01 = [f for f in out["findings"] if f["rule"] == "X-01"]
    assert bool(x01) == differs and code == 0  # a JSON previous may come from another system: warnings only
    assert all(f["severity"] == "warning" for f in x01)


def test_usage_errors_are_chinese_exit_2(capsys):
    assert main(["new", "--year", "abc", "--org", "x", "-o", "x.xlsx"]) == 2
    assert "命令用法有误" in capsys.readouterr().err
    assert main([]) == 2


def test_console_script_runs_as_module(tmp_path):
    run = subprocess.run([sys.executable, "-m", "xxgk", "check", str(EXAMPLE_XLSX)], capture_output=True, text=True)
    assert run.returncode == 0 and "通过" in run.stdout and "Traceback" not in run.stderr


def test_openpyxl_fallback_reads_the_same(monkeypatch):
    """When python-calamine cannot read a workbook, openpyxl reads the same data."""
    import python_calamine

    from xxgk.read import read_workbook

    expected = read_workbook(EXAMPLE_XLSX)

    calls = []

    def refuse(*args, **kwargs):
        calls.append(args)
        raise python_calamine.CalamineError("simulated")

    monkeypatch.setattr(python_calamine.CalamineWorkbook, "from_path", refuse)
    assert read_workbook(EXAMPLE_XLSX).to_json() == expected.to_json()
    assert calls  # calamine was asked first, and refused


def test_outputs_get_the_usual_permissions(tmp_path, capsys):
    import os
    import stat

    out = tmp_path / "a.xlsx"
    assert main(["new", "--year", "2025", "--org", "某局", "-o", str(out)]) == 0
    mask = os.umask(0)
    os.umask(mask)
    assert stat.S_IMODE(out.stat().st_mode) == 0o666 & ~mask


def test_progress_bar_only_on_a_terminal(monkeypatch):
    import io
    import sys

    from xxgk.cli import _progress_bar

    monkeypatch.setattr(sys, "stderr", io.StringIO())
    with _progress_bar("读取") as show:
        assert show is None  # quiet when not a TTY

    class Tty(io.StringIO):
        def isatty(self):
            return True

    monkeypatch.setattr(sys, "stderr", Tty())
    with _progress_bar("读取") as show:
        show(1, 2, "a.xlsx")
        show(2, 2, "b.xlsx")


def test_rules_lists_the_catalogue(capsys):
    from xxgk.rules import RULES

    assert main(["rules"]) == 0
    out = capsys.readouterr().out
    assert all(rule_id in out for rule_id in RULES) and "Python 与校验表" in out
