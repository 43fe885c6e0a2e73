"""Reading the units: each report read and checked as `xxgk check` does, in a pool of processes; then, among
all the inputs, the cross-year checks against last year's report named in each unit's 基本信息."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from ..errors import XxgkError
from ..findings import Report
from ..rules import REFUSING
from .inputs import resolved
from .model import TO_FILL, Progress, Source, Unit


def read_unit(src: Source) -> Unit:
    """Read and check one report as `xxgk check` does (last year's report is looked up afterwards, by
    `merge`, among all the inputs: see check_across_years). Never raises."""
    from ..pipeline import check_loaded
    from ..read import load_bytes

    unit = Unit(src.name)
    try:
        blob = src.blob if src.blob is not None else Path(src.path).read_bytes()
    except OSError as exc:
        unit.error, unit.error_code = f"无法读取文件（{exc.strerror}）", "unreadable"
        return unit
    unit.sha256 = hashlib.sha256(blob).hexdigest()
    try:
        data = load_bytes(blob, src.name)
        report = check_loaded(data, find=lambda location: None)
    except XxgkError as exc:
        unit.error, unit.error_code = exc.message, exc.kind
        return unit
    except MemoryError:
        unit.error, unit.error_code = "内存不足，文件可能过大或已损坏", "too_large"
        return unit
    except Exception as exc:  # a bad unit never stops the batch
        unit.error, unit.error_code = f"内部错误：{exc.__class__.__name__}: {exc}", "internal"
        return unit
    unit.data = data
    unit.org, unit.year, unit.format = data.org.strip(), data.year, data.format
    unit.date = data.info.get("date", "") or ""
    _set_report(unit, report)
    return unit


def _set_report(unit: Unit, report: Report) -> None:
    if unit.data is not None and unit.data.summary_of is not None:  # a lower level's summary: only its numbers count
        report.findings = [f for f in report.findings if f.rule not in TO_FILL]
    unit.findings = report.findings
    unit.errors, unit.warnings = report.errors, report.warnings
    unit.status = (
        "wrong_structure"
        if any(f.rule in REFUSING for f in report.findings)
        else "imported"
        if unit.data is not None and unit.data.kind == "published"
        else "errors"
        if report.errors
        else "warnings"
        if report.warnings
        else "ok"
    )


def check_across_years(units: list[Unit]) -> None:
    """Check again, with last year's report, the units whose 基本信息 names one: looked up beside the unit in
    the same folder of the same container (a unit's findings never depend on whether it came as a file, in a
    .zip or in an e-mail), among the inputs already read, else on disk."""
    from ..pipeline import check_loaded, load, previous_location

    by_location = {}
    for u in units:
        by_location[u.file if "!" in u.file else resolved(u.file)] = u

    def find(location: str):
        unit = by_location.get(location if "!" in location else resolved(location))
        if unit is not None:
            if unit.data is None:
                raise XxgkError(unit.error or "无法读取", kind="unreadable")
            return unit.data
        return None if "!" in location else load(location)

    for u in units:
        if u.data is not None and u.status != "wrong_structure" and previous_location(u.data):
            _set_report(u, check_loaded(u.data, find=find))


def read_all(sources: list[Source], jobs: int | None, progress: Progress | None) -> list[Unit]:
    total = len(sources)
    jobs = os.cpu_count() or 1 if jobs is None else jobs
    jobs = max(1, min(jobs, total))
    out: list[Unit | None] = [None] * total
    if jobs == 1:
        for i, src in enumerate(sources):
            out[i] = read_unit(src)
            if progress:
                progress(i + 1, total, src.name)
        return out  # type: ignore[return-value]
    from concurrent.futures import ProcessPoolExecutor, as_completed

    import python_calamine  # noqa: F401

    from .. import check, pipeline, read  # noqa: F401 - imported once here, inherited by forked workers
    from ..rules import claims  # noqa: F401

    # Batches, not single units: one task per unit spends more time in inter-process traffic than reading.
    size = max(1, min(BATCH, total // (jobs * 4) or 1))
    batches = [list(range(i, min(i + size, total))) for i in range(0, total, size)]
    done = 0
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        futures = {pool.submit(read_units, [sources[i] for i in batch]): batch for batch in batches}
        for future in as_completed(futures):
            batch = futures[future]
            try:
                units = future.result()
            except Exception as exc:  # a worker died (BrokenProcessPool …): that batch only
                units = [
                    Unit(sources[i].name, error=f"读取进程异常退出（{exc.__class__.__name__}）", error_code="internal")
                    for i in batch
                ]
            for i, unit in zip(batch, units):
                out[i] = unit
            done += len(batch)
            if progress:
                progress(done, total, sources[batch[-1]].name)
    return out  # type: ignore[return-value]


BATCH = 32


def read_units(sources: list[Source]) -> list[Unit]:
    return [read_unit(src) for src in sources]
