"""What a merge tells its user: the text on the terminal, the JSON output, and the HTML page (templates/merge.html.j2)."""

from __future__ import annotations

import json

from ..findings import SEVERITY_NAMES
from ..form import load_form
from .model import STATUS_NAMES, STATUSES, MergeResult, unit_note


def render_html(result: MergeResult, summary_path: str | None = None) -> str:
    """The page (templates/merge.html.j2), from plain data: everything a unit's file may hold is escaped."""
    from jinja2 import FileSystemLoader

    from ..report.jinja import make_env
    from ..resources import data_dir

    form = load_form(result.format) if result.format else None
    units = [
        {
            "file": u.file,
            "org": u.org,
            "year": u.year or "",
            "format": u.format,
            "status": u.status,
            "rank": STATUSES.index(u.status),
            "status_name": STATUS_NAMES[u.status],
            "included": u.included,
            "errors": u.errors,
            "warnings": u.warnings,
            "sha": u.sha256[:12],
            "note": unit_note(u),
            "findings": [
                {"severity": SEVERITY_NAMES[f.severity], "rule": f.rule, "message": f.message, "explained": f.explained}
                for f in u.findings
            ],
        }
        for u in result.units
    ]
    blanks = [
        {"id": c, "label": form.cells[c].label if form else c, "units": "、".join(names)}
        for c, names in result.blanks.items()
    ]
    env = make_env(FileSystemLoader(str(data_dir("templates"))), trim_blocks=True, lstrip_blocks=True)
    return env.get_template("merge.html.j2").render(
        title=f"{result.org} {result.year or ''} 年度政府信息公开工作年度报告汇总情况",
        units=units,
        included=len(result.included),
        summary_path=summary_path,
        roster=result.roster is not None,
        missing=result.missing,
        skipped=[{"file": s.file, "reason": s.reason} for s in result.skipped],
        blanks=blanks,
        notes=result.notes + ([result.summary_todo] if result.summary_todo else []),
    )


def render_text(result: MergeResult) -> str:
    marks = {
        "ok": "✓",
        "warnings": "✓",
        "imported": "✓",
        "errors": "✗",
        "duplicate": "=",
        "summary_overlap": "=",
        "wrong_year": "✗",
        "wrong_format": "✗",
        "wrong_structure": "✗",
        "unreadable": "✗",
    }
    lines = [f"{result.org}：{result.year or '?'} 年度汇总，{len(result.units)} 份报表，计入 {len(result.included)} 份"]
    for u in result.units:
        counts = f"（{u.errors} 个错误，{u.warnings} 个警告）" if u.data is not None else ""
        note = unit_note(u)
        lines.append(
            f"  {marks[u.status]} {u.file}：{u.org or '—'}，{STATUS_NAMES[u.status]}{counts}"
            + (f"：{note}" if note else "")
        )
    if result.roster is not None:
        lines.append(
            f"未报送 {len(result.missing)} 个单位" + (f"：{'、'.join(result.missing)}" if result.missing else "")
        )
    for s in result.skipped:
        lines.append(f"  已跳过 {s.file}：{s.reason}")
    if result.blanks:
        lines.append(f"有 {len(result.blanks)} 个单元格在部分单位空白（未按 0 计），例如：")
        for cid, names in list(result.blanks.items())[:5]:
            lines.append(f"  {cid}：{'、'.join(names[:5])}{' 等' if len(names) > 5 else ''}")
    lines += result.notes
    if result.summary_todo:
        lines.append(result.summary_todo)
    return "\n".join(lines) + "\n"


def to_json_text(result: MergeResult, summary_path: str | None) -> str:
    return json.dumps(result.to_json(summary_path), ensure_ascii=False, indent=2, default=str) + "\n"
