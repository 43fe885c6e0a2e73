"""The README stays in step with the product: the two commands at the top, every rule id documented."""

from __future__ import annotations

import re

from conftest import ROOT

from xxgk.rules import RULES
from xxgk.rules.__main__ import readme_with_catalogue

README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_two_setup_commands_at_the_top():
    first_block = re.search(r"```sh\n(.*?)```", README, re.S).group(1)
    commands = [line.split("#")[0].strip() for line in first_block.splitlines() if line.strip()]
    assert commands == ["make demo", "make test"]
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "make test" in ci


def test_every_rule_documented():
    table = {m.group(1) for m in re.finditer(r"^\| (\S+) \| (?:错误|警告|提示)", README, re.M)}
    assert table == set(RULES)


def test_readme_rule_table_is_generated_from_the_registry():
    """The table is the registry's catalogue, never retyped: `python -m xxgk.rules --readme` regenerates it."""
    assert readme_with_catalogue(README) == README, "README's rule table is stale: run python -m xxgk.rules --readme"


def test_installing_on_office_pcs_in_five_steps():
    section = README.split("\n## 在单位电脑上安装\n", 1)[1].split("\n## ", 1)[0]
    steps = re.findall(r"^(\d)\. \*\*", section, re.M)
    assert steps == ["1", "2", "3", "4", "5"]
    assert "xxgk bundle" in section and "安装.cmd" in section and "卸载.cmd" in section
    assert (ROOT / "addin" / "验收清单.md").is_file() and "addin/验收清单.md" in section
