"""Benchmark of `xxgk merge`: generate N unit workbooks, merge them, and load the same files with a plain
openpyxl loop in the same run. The last line is

    units N merged in X s; openpyxl loop Y s; ratio Z

Usage: python benchmarks/merge.py --units 1000 [--jobs 2] [--keep DIR]

Generation is fast on purpose: one workbook is built with xxgk's builder, and each unit is a copy whose
organisation name and two balancing 表三 cells (一、本年新收 and 四、结转下年度, 自然人 column) are patched in
the sheet XML, so every unit is valid and different.
"""

from __future__ import annotations

import argparse
import io
import re
import resource
import shutil
import sys
import tempfile
import time
import zipfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from xxgk.build import build_bytes  # noqa: E402
from xxgk.data import ReportData  # noqa: E402
from xxgk.form import load_form  # noqa: E402

MARK = "UNIT000000"


def base_workbook(fmt: str = "2021") -> tuple[bytes, dict]:
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
    from conftest import valid_data

    data: ReportData = valid_data(fmt, seed=1)
    data.org = f"测试{MARK}"
    return build_bytes(load_form(fmt), data), data.cells


def sheet_parts(blob: bytes) -> dict[str, str]:
    """sheet name → part name, read from the package (the sheets are numbered in workbook order)."""
    with zipfile.ZipFile(io.BytesIO(blob)) as z:
        wb = z.read("xl/workbook.xml").decode()
        rels = z.read("xl/_rels/workbook.xml.rels").decode()
    targets = dict(re.findall(r'Id="(rId\d+)"[^>]*Target="/?(?:xl/)?([^"]+)"', rels))
    targets.update({k: v for v, k in re.findall(r'Target="/?(?:xl/)?([^"]+)"[^>]*Id="(rId\d+)"', rels)})
    out = {}
    for name, rid in re.findall(r'<sheet [^>]*name="([^"]+)"[^>]*r:id="(rId\d+)"', wb):
        out[re.sub(r"&#(\d+);", lambda m: chr(int(m.group(1))), name)] = "xl/" + targets[rid]
    return out


def patch_value(xml: bytes, address: str, value: int) -> bytes:
    pattern = re.compile(rb'(<c r="' + address.encode() + rb'"[^>]*>)<v>[^<]*</v>')
    new, n = pattern.subn(lambda m: m.group(1) + b"<v>%d</v>" % value, xml, count=1)
    assert n == 1, address
    return new


def generate(folder: Path, units: int, fmt: str = "2021") -> list[Path]:
    form = load_form(fmt)
    blob, cells = base_workbook(fmt)
    parts = sheet_parts(blob)
    info_part, t3_part = parts["基本信息"], parts[form.sheet_of("t3")]
    new_cell = form.cells["t3.new_received.natural_person"]
    fwd_cell = form.cells["t3.carry_forward.natural_person"]
    with zipfile.ZipFile(io.BytesIO(blob)) as z:
        entries = [(i, z.read(i.filename)) for i in z.infolist()]
    paths = []
    for n in range(units):
        k = n % 7  # the same k on both sides keeps 一+二 = 三（七）+四
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as dst:
            for info, data in entries:
                if info.filename == info_part:
                    data = data.replace(MARK.encode(), f"UNIT{n:06d}".encode())
                elif info.filename == t3_part:
                    data = patch_value(data, new_cell.address, cells[new_cell.id] + k)
                    data = patch_value(data, fwd_cell.address, cells[fwd_cell.id] + k)
                dst.writestr(info, data)
        path = folder / f"unit{n:06d}.xlsx"
        path.write_bytes(out.getvalue())
        paths.append(path)
    return paths


def openpyxl_loop(paths: list[Path], fmt: str = "2021") -> float:
    """What a script without xxgk would do: open each workbook with openpyxl and add up the input cells."""
    import openpyxl

    form = load_form(fmt)
    cells = form.input_cells()
    totals: dict[str, float] = {}
    start = time.perf_counter()
    for path in paths:
        wb = openpyxl.load_workbook(path, data_only=True)
        for cell in cells:
            value = wb[cell.sheet][cell.address].value
            if isinstance(value, (int, float)):
                totals[cell.id] = totals.get(cell.id, 0) + value
        wb.close()
    return time.perf_counter() - start


def peak_mb() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return max(own, children) / 1024  # Linux reports KiB


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, default=1000)
    parser.add_argument("--jobs", type=int, default=None)
    parser.add_argument("--keep", help="generate into this folder and keep it")
    args = parser.parse_args()
    from xxgk.merge import merge

    folder = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="xxgk-bench-"))
    folder.mkdir(parents=True, exist_ok=True)
    try:
        t = time.perf_counter()
        paths = generate(folder, args.units)
        print(f"generated {len(paths)} workbooks in {time.perf_counter() - t:.1f} s", flush=True)
        summary = Path(tempfile.mkdtemp(prefix="xxgk-bench-out-")) / "汇总.xlsx"
        start = time.perf_counter()
        result = merge([folder], org="基准测试汇总", jobs=args.jobs)
        result.write(summary)  # the whole job: read, check, sum, and write the summary workbook
        merged = time.perf_counter() - start
        shutil.rmtree(summary.parent, ignore_errors=True)
        included = sum(1 for u in result.units if u.included)
        print(
            f"merge: {included} of {len(result.units)} units included, summary written; "
            f"peak memory {peak_mb():.0f} MB (largest process)",
            flush=True,
        )
        loop = openpyxl_loop(paths)
        print(f"units {args.units} merged in {merged:.2f} s; openpyxl loop {loop:.2f} s; ratio {loop / merged:.1f}")
    finally:
        if not args.keep:
            shutil.rmtree(folder, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
