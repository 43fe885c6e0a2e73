"""installer/使用说明.pdf: current with its Markdown source, and it explains every ribbon button."""

from __future__ import annotations

import re
import subprocess

from conftest import ROOT

from xxgk.guide import build, source_digest

SOURCE = ROOT / "installer" / "使用说明.md"
PDF = ROOT / "installer" / "使用说明.pdf"


def _keywords(pdf) -> str:
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    return re.search(r"^Keywords:\s*(.*)$", info, re.M).group(1)


def _text(pdf) -> str:
    return re.sub(
        r"\s+", "", subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    )


def test_committed_guide_is_current():
    digest = source_digest(SOURCE.read_text(encoding="utf-8"))
    assert digest in _keywords(PDF), "installer/使用说明.md changed: run `python -m xxgk.guide` (or make workbooks)"


def test_guide_names_every_button_and_the_yearly_steps(tmp_path):
    built = build(tmp_path)
    assert source_digest(SOURCE.read_text(encoding="utf-8")) in _keywords(built)
    text = _text(built)
    labels = re.findall(r'<button [^>]*label="([^"]+)"', (ROOT / "addin" / "customUI.xml").read_text(encoding="utf-8"))
    for label in labels:
        assert label in text, label
    for step in ("新建本年度工作簿", "填写", "校验", "生成报告", "报送上级", "Excel拦截加载项时怎么办", "受保护的视图"):
        assert step in text, step
    assert text == _text(PDF)  # the committed PDF says the same
