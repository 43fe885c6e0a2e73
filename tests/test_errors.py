"""Error codes: every error xxgk raises has a stable code (its kind), listed in errors.ERROR_KINDS and in the
README, and given in the JSON outputs, like the rule ids."""

from __future__ import annotations

import ast
import json
import re

from conftest import ROOT

from xxgk.cli import main
from xxgk.errors import ERROR_KINDS

README = (ROOT / "README.md").read_text(encoding="utf-8")


def raise_sites():
    for path in sorted((ROOT / "xxgk").rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "XxgkError":
                yield path.relative_to(ROOT), node


def test_every_error_has_a_known_code():
    sites = list(raise_sites())
    assert len(sites) > 100
    for path, node in sites:
        kinds = [k.value for k in node.keywords if k.arg == "kind"]
        assert kinds, f"{path}:{node.lineno} raises XxgkError without kind="
        assert isinstance(kinds[0], ast.Constant) and kinds[0].value in ERROR_KINDS, f"{path}:{node.lineno}"


def test_every_code_is_used_and_documented():
    used = {k.value.value for _, node in raise_sites() for k in node.keywords if k.arg == "kind"}
    assert used == set(ERROR_KINDS)
    table = README.split("| 代码 | 含义 |", 1)[1].split("\n\n", 1)[0]
    documented = set(re.findall(r"^\| `([a-z_]+)` \|", table, re.M))
    assert documented == set(ERROR_KINDS) | {"internal"}


def test_codes_in_the_json_outputs(tmp_path, capsys):
    bad = tmp_path / "坏.xlsx"
    bad.write_bytes(b"not a workbook")
    assert main(["check", str(bad), "--json"]) == 2
    assert json.loads(capsys.readouterr().out)["code"] == "unreadable"
    (tmp_path / "u").mkdir()
    (tmp_path / "u" / "x.xlsx").write_bytes(b"PK\x03\x04broken")
    assert main(["merge", str(tmp_path / "u"), "-o", str(tmp_path / "s.xlsx"), "--json", "--jobs", "1"]) == 1
    units = json.loads(capsys.readouterr().out)["units"]
    assert [u["error_code"] for u in units] == ["unreadable"]
