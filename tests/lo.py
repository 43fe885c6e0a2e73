"""LibreOffice as a formula engine for the tests: recalculate many workbooks in one soffice call.

`recalc(paths)` copies the inputs to unique names, runs ONE headless `soffice --convert-to xlsx` over all
of them with a private throw-away profile that forces recalculation on load, and returns where each
recalculated copy is. `values(path, sheet)` reads a sheet's cell values (openpyxl, data_only: formula
cells give LibreOffice's results, error cells their error text such as '#NAME?').

LibreOffice is required, never optional: when soffice is missing these helpers raise, so a test that
uses them fails instead of skipping silently (CI installs LibreOffice).
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import tempfile
from functools import lru_cache
from pathlib import Path

# Recalculate OOXML/ODF formulas on load ("always"), instead of trusting cached values (openpyxl writes none).
RECALC_XCU = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema" \
xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="OOXMLRecalcMode" oor:op="fuse"><value>0</value></prop></item>
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="ODFRecalcMode" oor:op="fuse"><value>0</value></prop></item>
</oor:items>
"""

ERROR_VALUES = ("#NAME?", "#VALUE!", "#REF!", "#DIV/0!", "#N/A", "#NUM!", "#NULL!", "#GETTING_DATA")


class LibreOfficeError(RuntimeError):
    pass


def soffice_path() -> str:
    """The soffice executable: $SOFFICE, else soffice / libreoffice on PATH. Raises when there is none."""
    for candidate in (os.environ.get("SOFFICE"), "soffice", "libreoffice"):
        if candidate and shutil.which(candidate):
            return shutil.which(candidate)
    raise LibreOfficeError(
        "LibreOffice (soffice) is not installed or not on PATH: the formula tests need it to recalculate the "
        "workbooks. Install it (Debian/Ubuntu: apt-get install libreoffice-calc) or set SOFFICE=/path/to/soffice."
    )


def recalc(paths, outdir: str | Path | None = None, timeout: float = 300) -> dict:
    """Recalculate every workbook in ONE soffice call; {input path: Path of its recalculated copy}.

    The copies go to `outdir` (a new temporary directory when None; the caller removes it).
    """
    paths = list(paths)
    if not paths:
        return {}
    exe = soffice_path()
    outdir = Path(outdir) if outdir is not None else Path(tempfile.mkdtemp(prefix="xxgk-lo-out-"))
    outdir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="xxgk-lo-") as tmp:
        tmp = Path(tmp)
        profile, staged_dir = tmp / "profile", tmp / "in"
        (profile / "user").mkdir(parents=True)
        staged_dir.mkdir()
        (profile / "user" / "registrymodifications.xcu").write_text(RECALC_XCU, encoding="utf-8")
        staged = {}
        for i, p in enumerate(paths):  # unique ASCII names: --outdir keeps only the basename
            dst = staged_dir / f"lo{i:05d}.xlsx"
            shutil.copyfile(p, dst)
            staged[p] = dst
            (outdir / dst.name).unlink(missing_ok=True)  # a stale copy must not pass for a result
        cmd = [
            exe,
            "--headless",
            "--norestore",
            "--nolockcheck",
            "--nodefault",
            f"-env:UserInstallation={profile.as_uri()}",
            "--convert-to",
            "xlsx",
            "--outdir",
            str(outdir),
            *map(str, staged.values()),
        ]
        proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True)
        try:
            out, err = proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)  # soffice → oosplash → soffice.bin: the whole group
            proc.communicate()
            raise LibreOfficeError(
                f"soffice did not finish recalculating {len(paths)} workbooks in {timeout:.0f} s"
            ) from None
    result, failed = {}, []
    for p, dst in staged.items():
        o = outdir / dst.name
        # soffice exits 0 even when a conversion fails: the output file is the only evidence
        if o.exists() and o.stat().st_size > 0:
            result[p] = o
        else:
            failed.append(str(p))
    if failed:
        raise LibreOfficeError(
            f"soffice (exit {proc.returncode}) did not convert {len(failed)} of {len(paths)} "
            f"workbooks, e.g. {failed[:3]}.\nstdout: {out[-2000:]}\nstderr: {err[-2000:]}"
        )
    return result


@lru_cache(maxsize=256)
def _all_values(path: str, mtime: float) -> dict:
    import openpyxl

    wb = openpyxl.load_workbook(path, data_only=True, read_only=True)
    try:
        return {
            ws.title: {
                c.coordinate: c.value for row in ws.iter_rows() for c in row if getattr(c, "value", None) is not None
            }
            for ws in wb.worksheets
        }
    finally:
        wb.close()


def all_values(path) -> dict:
    """{sheet: {A1: value}} of every sheet (non-empty cells only)."""
    path = Path(path)
    return _all_values(str(path), path.stat().st_mtime)


def values(path, sheet: str) -> dict:
    """{A1: value} of one sheet: LibreOffice's results for formulas, '#NAME?' etc. for error cells."""
    return all_values(path)[sheet]


def is_error(value) -> bool:
    return isinstance(value, str) and (value in ERROR_VALUES or value.startswith("Err:"))
