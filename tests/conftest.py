"""Shared fixtures: the seed example and generators of consistent reports."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest

from xxgk.data import ReportData, from_json
from xxgk.form import load_form
from xxgk.sums import recompute_totals

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE_JSON = ROOT / "workbook" / "examples" / "gulou-audit-2020.json"
EXAMPLE_XLSX = ROOT / "workbook" / "examples" / "gulou-audit-2020.xlsx"


def seed_dict() -> dict:
    return json.loads(EXAMPLE_JSON.read_text(encoding="utf-8"))


def valid_data(fmt: str = "2021", seed: int = 0, high: int = 30) -> ReportData:
    """A report that passes every rule: random inputs, totals computed, T3-01 balanced per column."""
    rng = random.Random(seed)
    form = load_form(fmt)
    year = 2020 if fmt == "2019" else 2025
    cells = {}
    for cell in form.input_cells():
        if cell.type == "money":
            cells[cell.id] = rng.randint(0, 10**6) / 100
        elif cell.type == "signed":
            cells[cell.id] = rng.randint(-high, high)
        else:
            cells[cell.id] = rng.randint(0, high)
    # 表二 within-year warnings hold: in_force/total_published large enough.
    for row in ("regulations", "normative_docs"):
        if fmt == "2021":
            cells[f"t2.{row}.in_force"] = cells[f"t2.{row}.issued"] + rng.randint(0, high)
        else:
            cells[f"t2.{row}.total_published"] = cells[f"t2.{row}.new_published"] + rng.randint(0, high)
    if fmt == "2021":
        for c in form.cells:
            if c.startswith("t2.regulations."):
                cells[c] = 0  # V-04: most bodies have no rule-making power
    # keep （六）其他处理 rare (T3-04) and balance 一+二 = 三（七）+四 column by column (T3-01)
    for r in form.t3_rows:
        if r["key"] == "other" or r["key"].startswith("other."):
            for ckey, _ in form.t3_columns[:-1]:
                cells[f"t3.{r['key']}.{ckey}"] = 0
    recompute_totals(form, cells)
    for ckey, _ in form.t3_columns[:-1]:
        total = cells[f"t3.total.{ckey}"]
        carried = rng.randint(0, high)
        forward = rng.randint(0, high)
        new = total + forward - carried
        if new < 0:
            carried, new = carried - new, 0
        cells[f"t3.new_received.{ckey}"] = new
        cells[f"t3.carried_over.{ckey}"] = carried
        cells[f"t3.carry_forward.{ckey}"] = forward
    recompute_totals(form, cells)
    units = {"t2.procurement.amount": "万元"} if fmt == "2019" else {}
    raw = {
        "format": fmt,
        "year": year,
        "org": "测试县测试局",
        "cells": _plain(cells),
        "units": units,
        "info": {
            "issuer_mark": "测试县测试局文件",
            "doc_number": f"测发〔{year + 1}〕1号",
            "date": f"{year + 1}-01-20",
            "printer": "测试县测试局办公室",
            "print_date": f"{year + 1}-01-20",
        },
        "text": {
            "part1": "（一）主动公开\n本年度主动公开政府信息。",
            "part5": "（一）存在的主要问题\n问题。",
            "part6": "本年度未收取信息处理费。" if fmt == "2021" else "无。",
        },
    }
    return from_json(raw)


def _plain(cells):
    return {k: (float(v) if not isinstance(v, int) else v) for k, v in cells.items()}


@pytest.fixture
def seed() -> dict:
    return seed_dict()
