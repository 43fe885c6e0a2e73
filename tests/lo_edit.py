"""Edit workbooks the way a user does in LibreOffice Calc, and save them as .xlsx through LibreOffice.

`edit(jobs)` starts ONE headless soffice listening on a pipe and drives it with the system python3
(python3-uno): for each job it opens the workbook, applies the operations, and stores it with Calc's own
"Calc MS Excel 2007 XML" filter, so what the reader then sees is exactly what LibreOffice writes (its
defined names moved with inserted rows, its merged cells, its cached formula results).

An operation is a dict:
  {"op": "unprotect", "sheet": S}                       the sheet's protection off (our sheets have no password)
  {"op": "insert_rows", "sheet": S, "row": R, "count": N}  N rows inserted before row R (1-based)
  {"op": "delete_rows", "sheet": S, "row": R, "count": N}
  {"op": "insert_cols", "sheet": S, "col": C, "count": N}  columns, C 1-based (1 = A)
  {"op": "delete_cols", "sheet": S, "col": C, "count": N}
  {"op": "set", "sheet": S, "cell": "B40", "value": V}     a number, or a string (typed as text; "=…" is a formula)
Macros are never executed; LibreOffice is required (tests/lo.py), never optional.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import tempfile
import uuid
from pathlib import Path

from lo import LibreOfficeError, soffice_path

_CLIENT = r"""
import json, sys, time
import uno
from com.sun.star.beans import PropertyValue
from com.sun.star.connection import NoConnectException
from com.sun.star.table import CellAddress, CellRangeAddress

def prop(name, value):
    p = PropertyValue()
    p.Name, p.Value = name, value
    return p

pipe, jobs_file = sys.argv[1], sys.argv[2]
local = uno.getComponentContext()
resolver = local.ServiceManager.createInstanceWithContext("com.sun.star.bridge.UnoUrlResolver", local)
for _ in range(1800):  # up to 3 minutes on a loaded machine
    try:
        ctx = resolver.resolve(f"uno:pipe,name={pipe};urp;StarOffice.ComponentContext")
        break
    except NoConnectException:
        time.sleep(0.1)
else:
    sys.exit("soffice did not answer on its pipe")
desktop = ctx.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", ctx)
jobs = json.load(open(jobs_file, encoding="utf-8"))
for job in jobs:
    doc = desktop.loadComponentFromURL(job["in"], "_blank", 0, (prop("Hidden", True), prop("MacroExecutionMode", 0)))
    if doc is None:
        sys.exit("LibreOffice could not open " + job["in"])
    for op in job["ops"]:
        sheet = doc.Sheets.getByName(op["sheet"])
        kind = op["op"]
        if kind == "unprotect":
            sheet.unprotect("")
        elif kind in ("insert_rows", "delete_rows"):
            rows = sheet.getRows()
            (rows.insertByIndex if kind == "insert_rows" else rows.removeByIndex)(op["row"] - 1, op.get("count", 1))
        elif kind in ("insert_cols", "delete_cols"):
            cols = sheet.getColumns()
            (cols.insertByIndex if kind == "insert_cols" else cols.removeByIndex)(op["col"] - 1, op.get("count", 1))
        elif kind == "set":
            cell = sheet.getCellRangeByName(op["cell"])
            value = op["value"]
            if isinstance(value, str):
                if value.startswith("="):
                    cell.setFormula(value)
                else:
                    cell.setString(value)
            else:
                cell.setValue(value)
        else:
            sys.exit("unknown operation " + kind)
    doc.calculateAll()
    doc.storeToURL(job["out"], (prop("FilterName", "Calc MS Excel 2007 XML"),))
    doc.close(True)
print("done", len(jobs))
desktop.terminate()
"""


def edit(jobs, timeout: float = 600) -> None:
    """jobs: [(source path, output path, [operation, …]), …] — all in one LibreOffice session.

    A session whose client dies without a word (soffice or the uno bridge crashing on a loaded machine) is run
    once more from the start; a second failure is raised with what the client said."""
    outputs = [Path(dst) for _, dst, _ in jobs]
    jobs = [
        {"in": Path(src).resolve().as_uri(), "out": Path(dst).resolve().as_uri(), "ops": ops} for src, dst, ops in jobs
    ]
    if not jobs:
        return
    for _attempt in range(2):
        for out in outputs:
            out.unlink(missing_ok=True)
        done = _session(jobs, timeout)
        if done.returncode == 0:
            break
    else:
        raise LibreOfficeError(
            f"the python3-uno editing client failed twice (exit {done.returncode}):\n{done.stderr[-3000:]}"
        )
    missing = [str(p) for p in outputs if not p.exists()]
    if missing:
        raise LibreOfficeError(f"LibreOffice did not write {missing[:3]}")


def _session(jobs: list[dict], timeout: float) -> subprocess.CompletedProcess:
    """One soffice listening on a pipe, driven by the system python3 through the jobs."""
    pipe = f"xxgk_edit_{uuid.uuid4().hex}"
    with tempfile.TemporaryDirectory(prefix="xxgk-lo-edit-") as tmp:
        tmp = Path(tmp)
        client, jobs_file = tmp / "client.py", tmp / "jobs.json"
        client.write_text(_CLIENT, encoding="utf-8")
        jobs_file.write_text(json.dumps(jobs, ensure_ascii=False), encoding="utf-8")
        # stdout to DEVNULL: soffice's children keep inherited pipes open, which would hang a reader
        office = subprocess.Popen(
            [
                soffice_path(),
                "--headless",
                "--norestore",
                "--nolockcheck",
                "--nodefault",
                f"-env:UserInstallation={(tmp / 'profile').as_uri()}",
                f"--accept=pipe,name={pipe};urp;",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        try:
            done = subprocess.run(
                ["/usr/bin/python3", str(client), pipe, str(jobs_file)], capture_output=True, text=True, timeout=timeout
            )
        finally:
            try:
                os.killpg(office.pid, signal.SIGKILL)  # soffice → oosplash → soffice.bin: the whole group
            except ProcessLookupError:
                pass
            office.wait()
    return done
