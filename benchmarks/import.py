"""Import every report of the corpus (tests/data/published) and compare with its hand-checked JSON.

Prints, per file and overall: the share of cells read exactly, the share of reports read completely (no
table cell missing), the share of text parts read exactly, and the time per report for each input kind.
Run: python benchmarks/import.py
"""

from __future__ import annotations

import json
import sys
import time
from collections import defaultdict
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
CORPUS = ROOT / "tests" / "data" / "published"

from xxgk.data import from_json  # noqa: E402
from xxgk.published import SUFFIXES, import_file  # noqa: E402


def corpus() -> list[tuple[Path, Path]]:
    """(report file, its expected JSON): <name>.expected.json serves <name>.html, <name>.lo.pdf, …"""
    out = []
    for f in sorted(CORPUS.iterdir()):
        if f.suffix.lower() in SUFFIXES and not f.name.endswith(".expected.json"):
            expected = CORPUS / (f.name.split(".")[0] + ".expected.json")
            if expected.exists():
                out.append((f, expected))
    return out


def compare(path: Path, expected_path: Path):
    expected = from_json(json.loads(expected_path.read_text("utf-8"), parse_float=Decimal))
    t0 = time.perf_counter()
    result = import_file(path)
    seconds = time.perf_counter() - t0
    got = result.data
    diffs = []
    for cid in expected.cells:
        want = expected.bad_values[cid][0] if cid in expected.bad_values else expected.cells[cid]
        have = got.bad_values[cid][0] if cid in got.bad_values else got.cells.get(cid, "（缺少）")
        if cid in result.missing:
            have = "（缺少）"
        if want != have:
            diffs.append((cid, want, have))
    texts = [k for k, v in expected.text.items() if v]
    text_ok = sum(got.text.get(k) == expected.text[k] for k in texts)
    return len(expected.cells), diffs, result.complete, text_ok, len(texts), seconds


def main() -> int:
    kinds = defaultdict(list)
    cells = exact = complete = texts = texts_ok = 0
    files = corpus()
    for path, exp in files:
        n, diffs, full, tok, tn, seconds = compare(path, exp)
        kind = path.suffix.lower().lstrip(".")
        kinds[kind].append(seconds)
        cells, exact, complete = cells + n, exact + n - len(diffs), complete + full
        texts, texts_ok = texts + tn, texts_ok + tok
        print(
            f"{path.name:44} {kind:5} 单元格 {n - len(diffs):3}/{n}  {'完整' if full else '不完整'}  "
            f"文字 {tok}/{tn}  {seconds * 1000:7.0f} ms"
        )
        for cid, want, have in diffs[:5]:
            print(f"    {cid}: 应为 {want!r}，读到 {have!r}")
        if len(diffs) > 5:
            print(f"    …另有 {len(diffs) - 5} 格不同")
    print(
        f"\n{len(files)} 个文件：单元格读对 {exact}/{cells} = {exact / max(cells, 1):.2%}；"
        f"完整读到表格的报告 {complete}/{len(files)} = {complete / max(len(files), 1):.0%}；"
        f"文字部分相同 {texts_ok}/{texts}"
    )
    for kind, times in sorted(kinds.items()):
        print(f"  {kind:5} {len(times)} 份，平均 {sum(times) / len(times) * 1000:.0f} ms/份")
    return 0


if __name__ == "__main__":
    sys.exit(main())
