"""Across years: carry-over, 表二 stocks, copied text, the 2020 → 2021 format change, and prefill."""

from __future__ import annotations

import json

import pytest
from conftest import EXAMPLE_XLSX, valid_data
from test_rules import previous_of

from xxgk.check import check
from xxgk.cli import main
from xxgk.read import load
from xxgk.rules.crossyear import similarity


def rules(report):
    return {f.rule for f in report.findings}


def test_a_consistent_pair_of_years_is_clean():
    for fmt in ("2019", "2021"):
        data = valid_data(fmt, 7)
        assert check(data, previous=previous_of(data, seed=8)).findings == []


def test_t2_01_stock_of_normative_documents():
    data = valid_data("2021", 3)
    prev = previous_of(data)
    prev.cells["t2.normative_docs.in_force"] += 4
    f = next(f for f in check(data, previous=prev).findings if f.rule == "T2-01")
    v = data.cells
    expected = (
        prev.cells["t2.normative_docs.in_force"] + v["t2.normative_docs.issued"] - v["t2.normative_docs.repealed"]
    )
    assert f.severity == "warning" and f.cells == ["t2.normative_docs.in_force"]
    assert f.values["computed"] == expected and f.values["difference"] == -4
    assert "本年制发" in f.message and "本年废止" in f.message and "D6" in f.message


def test_t2v19_rules_2019_to_2020():
    data = valid_data("2019", 3)
    prev = previous_of(data)
    prev.cells["t2.fees.delta"] += 2
    prev.cells["t2.normative_docs.total_published"] -= 1
    found = {f.rule: f for f in check(data, previous=prev).findings}
    assert found["T2v19-01"].cells == ["t2.fees.prev_count"] and found["T2v19-01"].values["difference"] == -2
    assert found["T2v19-02"].cells == ["t2.normative_docs.total_published"]
    assert found["T2v19-02"].values["difference"] == 1


def test_format_change_keeps_x01_and_skips_table_two():
    data = valid_data("2021", 4)
    data.year = 2021
    prev = previous_of(data, fmt="2019")
    prev.cells["t2.regulations.total_published"] += 99  # 表二 is not compared across the change
    report = check(data, previous=prev)
    assert [(f.rule, f.severity) for f in report.findings] == [("X-02", "info")] and report.valid
    prev.cells["t3.carry_forward.total"] += 1
    assert "X-01" in rules(check(data, previous=prev))


def test_x01_severity_depends_on_where_last_year_comes_from():
    data = valid_data("2021", 2)
    prev = previous_of(data)
    prev.cells["t3.carry_forward.natural_person"] += 1
    assert next(f for f in check(data, previous=prev).findings if f.rule == "X-01").severity == "error"
    prev.kind = "json"  # a data file may come from another system
    assert next(f for f in check(data, previous=prev).findings if f.rule == "X-01").severity == "warning"


def test_part_five_copied_from_last_year():
    data = valid_data("2021", 5)
    data.text["part5"] = (
        "（一）存在的主要问题\n信息公开的及时性有待提高，部分栏目更新不够及时。\n"
        "（二）改进情况\n下一步将建立栏目更新台账，明确责任人，按月检查。"
    )
    prev = previous_of(data)
    prev.text["part5"] = data.text["part5"].replace("按月检查", "按季度检查")
    found = {f.rule: f for f in check(data, previous=prev).findings}
    ratio = found["X-03"].values["similarity"]
    assert found["X-03"].severity == "warning" and ratio > 0.9 and f"{ratio:.0%}" in found["X-03"].message
    prev.text["part5"] = "（一）存在的主要问题\n人员变动频繁，业务培训不足。\n（二）改进情况\n举办两期专题培训。"
    assert "X-03" not in rules(check(data, previous=prev))


def test_parts_one_and_five_together():
    data = valid_data("2021", 6)
    data.text["part1"] = "本年度围绕优化营商环境，公开政策文件并加强解读，回应社会关切。" * 5
    data.text["part5"] = "培训不足，将加强培训。"
    prev = previous_of(data)
    prev.text = {"part1": data.text["part1"], "part5": "网站栏目设置不合理，将调整栏目。"}
    found = {f.rule for f in check(data, previous=prev).findings}
    assert "X-04" in found and "X-03" not in found


def test_similarity_is_the_documented_metric():
    import difflib

    a, b = "信息公开工作取得成效", "信息公开工作仍有不足"
    assert similarity(a, b) == difflib.SequenceMatcher(None, a, b, autojunk=False).ratio()


def _write(tmp_path, data, name):
    path = tmp_path / name
    path.write_text(data.dump(), encoding="utf-8")
    return path


def test_new_with_previous_prefills_what_carries_over_and_no_text(tmp_path, capsys):
    prev = valid_data("2019", 9)
    prev.year = 2019
    prev.info.update({"issuer_mark": "某某局文件", "doc_number": "某发〔2020〕3号", "phone": "0591-1"})
    prev.text["part5"] = "去年的问题。"
    src = _write(tmp_path, prev, "2019.json")
    out = tmp_path / "2020.xlsx"
    assert main(["new", "--year", "2020", "--org", "某某局", "--previous", str(src), "-o", str(out)]) == 0
    data = load(out)
    for col in ("natural_person", "commercial_enterprise", "other_org", "total"):
        assert data.cells[f"t3.carried_over.{col}"] == prev.cells[f"t3.carry_forward.{col}"]
    for row in ("licensing", "fees"):
        assert data.cells[f"t2.{row}.prev_count"] == prev.cells[f"t2.{row}.prev_count"] + prev.cells[f"t2.{row}.delta"]
    assert data.cells["t3.new_received.natural_person"] is None  # nothing else is filled in
    assert data.info["issuer_mark"] == "某某局文件" and data.info["phone"] == "0591-1"
    assert data.info["doc_number"] == "" and data.info["previous_file"] == "2019.json"
    assert all(text == "" for text in data.text.values())  # no text is copied


def test_new_with_previous_across_the_format_change(tmp_path, capsys):
    out = tmp_path / "2021.xlsx"
    assert (
        main(["new", "--year", "2021", "--org", "福州市鼓楼区审计局", "--previous", str(EXAMPLE_XLSX), "-o", str(out)])
        == 0
    )
    data = load(out)
    assert data.format == "2021" and data.cells["t3.carried_over.total"] == 0
    assert not any(c.endswith("prev_count") for c in data.cells)


def test_new_refuses_a_previous_report_of_the_wrong_year(tmp_path, capsys):
    src = _write(tmp_path, valid_data("2021"), "2025.json")
    assert main(["new", "--year", "2027", "--org", "某局", "--previous", str(src), "-o", str(tmp_path / "x.xlsx")]) == 2
    assert "2026 年度" in capsys.readouterr().err and not (tmp_path / "x.xlsx").exists()


def test_check_uses_the_previous_file_named_in_the_workbook(tmp_path, capsys):
    prev = valid_data("2021", 11)
    prev.year = 2024
    src = _write(tmp_path, prev, "2024.json")
    out = tmp_path / "2025.xlsx"
    assert main(["new", "--year", "2025", "--org", "测试县测试局", "--previous", str(src), "-o", str(out)]) == 0
    now = valid_data("2021", 12)
    for col in (
        "natural_person",
        "commercial_enterprise",
        "research_institution",
        "social_welfare_org",
        "legal_service_org",
        "other_org",
        "total",
    ):
        now.cells[f"t3.carried_over.{col}"] = prev.cells[f"t3.carry_forward.{col}"]
    now.cells["t3.carried_over.natural_person"] += 1  # X-01 must catch this via the 上一年度报告文件 of 基本信息
    now.cells["t3.carried_over.total"] += 1
    now.info["previous_file"] = "2024.json"
    now_json = _write(tmp_path, now, "now.json")
    assert main(["fill", str(out), str(now_json), "-o", str(tmp_path / "filled.xlsx")]) == 0
    capsys.readouterr()
    main(["check", str(tmp_path / "filled.xlsx"), "--json"])
    found = json.loads(capsys.readouterr().out)["findings"]
    assert any(f["rule"] == "X-01" and f["cells"] == ["t3.carried_over.natural_person"] for f in found)
    (tmp_path / "2024.json").unlink()
    main(["check", str(tmp_path / "filled.xlsx"), "--json"])
    found = json.loads(capsys.readouterr().out)["findings"]
    assert any(f["rule"] == "X-01" and "无法使用" in f["message"] for f in found)


@pytest.mark.parametrize(
    "before,now,rule_case",
    [
        ("某某区人民政府", "某某市某某区人民政府", "org_spelling"),
        ("福州市鼓楼区审计局", "鼓楼区审计局", "org_spelling"),
        ("广东省广州市天河区人民政府", "天河区人民政府", "org_spelling"),
        ("某某区人民政府", "某某县人民政府", "other_org"),
        ("审计局", "某某区财政局", "other_org"),
    ],
)
def test_same_body_spelt_with_its_area_is_info(before, now, rule_case):
    """X-01: a name that is the other with a leading 省/市/县/区 is the same body written two ways (info);
    any other difference stays a warning."""
    data = valid_data("2021", 7)
    prev = previous_of(data, seed=8)
    data.org, prev.org = now, before
    found = [f for f in check(data, previous=prev).findings if f.rule == "X-01"]
    assert [f.case for f in found] == [rule_case]
    assert found[0].severity == ("info" if rule_case == "org_spelling" else "warning")
    if rule_case == "org_spelling":
        assert "机关名称写法不同" in found[0].message and check(data, previous=prev).warnings == 0
