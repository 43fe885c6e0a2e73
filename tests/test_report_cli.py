"""`xxgk report` end to end: outputs, blocking errors, drafts, no overwriting, and the seed reproduced."""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import unicodedata
from difflib import SequenceMatcher
from pathlib import Path

import docx
import pytest
from conftest import EXAMPLE_XLSX, ROOT, seed_dict

from xxgk.cli import main

SEED_TEXT = (
    next((ROOT.parent / "shared" / "seed").glob("*.txt"), None) if (ROOT.parent / "shared" / "seed").is_dir() else None
)
SEED_COPY = ROOT / "tests" / "data" / "seed-gulou-audit-2020.txt"
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def sha(path):
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def document_text(path) -> str:
    """Every paragraph of the body, tables and headers/footers, in order."""
    document = docx.Document(str(path))
    body = document.element.body
    out = []
    for el in body.iter():
        if el.tag.endswith("}p"):
            out.append("".join(t.text or "" for t in el.iter() if t.tag.endswith("}t")))
    return "\n".join(out)


def header_text(path) -> str:
    document = docx.Document(str(path))
    return "\n".join(
        p.text
        for s in document.sections
        for h in (s.header, s.even_page_header, s.first_page_header)
        for p in h.paragraphs
    )


@pytest.fixture
def seed_copy(tmp_path):
    target = tmp_path / "gulou-audit-2020.xlsx"
    shutil.copyfile(EXAMPLE_XLSX, target)
    return target


def test_report_default_name_beside_the_input(seed_copy, capsys):
    assert main(["report", str(seed_copy)]) == 0
    out = seed_copy.parent / "福州市鼓楼区审计局2020年政府信息公开工作年度报告.docx"
    assert out.exists() and "草稿" not in header_text(out)
    assert "已生成报告" in capsys.readouterr().out


def test_report_with_pdf_puts_the_banji_on_an_even_page(seed_copy, capsys):
    """The seed's text ends on page 9: the 版记 goes to page 10, in the Word file as in the PDF."""
    from xxgk.report.layout import pdf_pages

    out = seed_copy.parent / "r.docx"
    assert main(["report", str(seed_copy), "-o", str(out), "--pdf"]) == 0
    assert pdf_pages(out.with_suffix(".pdf").read_bytes()) == 10
    assert len(docx.Document(str(out)).sections) == 2  # a section break after the 成文日期
    assert "注意" not in capsys.readouterr().out


def test_without_libreoffice_the_docx_is_made_and_the_user_told(seed_copy, tmp_path, monkeypatch, capsys):
    monkeypatch.delenv("SOFFICE", raising=False)
    monkeypatch.setenv("PATH", str(tmp_path / "nothing"))
    out = seed_copy.parent / "r.docx"
    assert main(["report", str(seed_copy), "-o", str(out)]) == 0
    assert "没有核对版记所在页的奇偶" in capsys.readouterr().out
    d = docx.Document(str(out))
    assert len(d.sections) == 1 and d.tables[-1]._element.find(f"{W}tblPr/{W}tblpPr") is not None  # at the foot
    assert main(["report", str(seed_copy), "-o", str(out), "--pdf", "--overwrite"]) == 2
    assert "找不到 LibreOffice" in capsys.readouterr().err
    assert out.is_file() and not out.with_suffix(".pdf").exists()


def test_report_never_overwrites_without_permission(seed_copy, capsys):
    out = seed_copy.parent / "r.docx"
    out.write_bytes(b"keep me")
    assert main(["report", str(seed_copy), "-o", str(out), "--html"]) == 2
    assert out.read_bytes() == b"keep me" and not out.with_suffix(".html").exists()
    assert "--overwrite" in capsys.readouterr().err
    assert main(["report", str(seed_copy), "-o", str(out), "--overwrite"]) == 0
    assert out.read_bytes() != b"keep me"


def test_errors_block_the_report_and_a_draft_is_marked(tmp_path, capsys):
    raw = seed_dict()
    raw["cells"]["t3.new_received.natural_person"] = 1  # T3-01 and T3-03 fail
    src = tmp_path / "bad.json"
    src.write_text(json.dumps(raw, ensure_ascii=False), encoding="utf-8")
    before = sha(src)
    out = tmp_path / "bad.docx"
    assert main(["report", str(src), "-o", str(out)]) == 1
    captured = capsys.readouterr()
    assert not out.exists() and "T3-01" in captured.err and "--draft" in captured.err
    assert main(["report", str(src), "-o", str(out), "--draft", "--html"]) == 1
    assert out.exists() and "草稿（校验未通过）" in header_text(out)
    assert "草稿" in out.with_suffix(".html").read_text(encoding="utf-8")
    assert sha(src) == before


def test_user_text_appears_literally(tmp_path, capsys):
    raw = seed_dict()
    raw["text"]["part6"] = "<测试&转义>\n{{ 7*7 }}"
    src = tmp_path / "t.json"
    src.write_text(json.dumps(raw, ensure_ascii=False), encoding="utf-8")
    out = tmp_path / "t.docx"
    assert main(["report", str(src), "-o", str(out), "--html"]) == 0
    text = document_text(out)
    assert "<测试&转义>" in text and "{{ 7*7 }}" in text and "49" not in text.split("{{ 7*7 }}")[0][-5:]
    html = out.with_suffix(".html").read_text(encoding="utf-8")
    assert "&lt;测试&amp;转义&gt;" in html and "{{ 7*7 }}" in html


def normalise(text: str) -> str:
    """Compare words, not layout: NFKC (full/half width), no whitespace, one kind of quotes and brackets."""
    text = unicodedata.normalize("NFKC", text)
    text = text.replace("<", "").replace(">", "").replace("〔", "[").replace("〕", "]")
    return re.sub(r"\s+", "", text)


def test_seed_document_reproduced(tmp_path, capsys):
    """The generated report carries the seed's words: print the coverage of the seed text."""
    seed = (SEED_TEXT or SEED_COPY).read_text(encoding="utf-8")
    if SEED_TEXT:
        assert SEED_COPY.read_text(encoding="utf-8") == seed, "tests/data copy of the seed is stale"
    out = tmp_path / "seed.docx"
    assert main(["report", str(EXAMPLE_XLSX), "-o", str(out)]) == 0
    ours = normalise(document_text(out) + "\n" + header_text(out))
    theirs = normalise(seed)
    matcher = SequenceMatcher(None, theirs, ours, autojunk=False)
    covered = sum(block.size for block in matcher.get_matching_blocks())
    coverage = covered / len(theirs)
    print(f"\nseed coverage: {coverage:.1%} of {len(theirs)} characters")
    # the fixed parts, word for word
    for piece in (
        "福州市鼓楼区审计局文件",
        "鼓审发[2021]1号",
        "鼓楼区审计局2020年政府信息公开工作年度报告",
        "一、总体情况",
        "二、主动公开政府信息情况",
        "三、收到和处理政府信息公开申请情况",
        "四、政府信息公开行政复议、行政诉讼情况",
        "五、存在的主要问题及改进情况",
        "六、其他需要报告的事项",
        "2021年1月8日",
        "抄送:区数字办(信息公开办)",
        "本列数据的勾稽关系为:第一项加第二项之和,等于第三项加第四项之和",
    ):
        assert normalise(piece) in ours, piece
    assert coverage >= 0.9


def _expand_docx(tbl) -> list[list[str]]:
    from test_report_docx import actual_grid

    grid = {}
    for (r, c), (text, rs, cs) in actual_grid(tbl).items():
        for i in range(rs):
            for j in range(cs):
                grid[(r + i, c + j)] = text
    rows = max(r for r, _ in grid) + 1
    return [[grid[(r, c)] for c in range(max(cc for rr, cc in grid if rr == r) + 1)] for r in range(rows)]


@pytest.mark.parametrize("source", ["seed", "2021"])
def test_html_tables_have_the_docx_tables_shape(tmp_path, source, capsys):
    """The portal page and the Word document print the same three tables: same grid, same texts."""
    import lxml.html
    from conftest import valid_data
    from test_report_html import grid_of

    if source == "seed":
        src = EXAMPLE_XLSX
    else:
        src = tmp_path / "d.json"
        src.write_text(valid_data("2021", 3).dump(), encoding="utf-8")
    out = tmp_path / "r.docx"
    assert main(["report", str(src), "-o", str(out), "--html"]) == 0
    word = docx.Document(str(out)).tables[:3]
    web = lxml.html.fromstring(out.with_suffix(".html").read_text(encoding="utf-8")).findall(".//table")
    assert len(web) == 3

    def clean(grid):
        return [[re.sub(r"\s+", "", text or "") for text in row] for row in grid]

    for w, h in zip(word, web):
        assert clean(_expand_docx(w)) == clean(grid_of(h))
