"""Findings and the report of one check."""

from __future__ import annotations

from dataclasses import dataclass, field

SEVERITIES = ("error", "warning", "info")
SEVERITY_NAMES = {"error": "错误", "warning": "警告", "info": "提示"}


@dataclass
class Finding:
    rule: str  # an id of rules.md (T3-01 …) or of our workbook rules (WB-01 …)
    severity: str  # error | warning | info
    message: str  # Chinese: what is wrong and what to do
    cells: list[str] = field(default_factory=list)  # cell ids
    addresses: list[str] = field(default_factory=list)  # "sheet!A1"
    values: dict = field(default_factory=dict)  # stated, computed, difference, blank …
    case: str = ""  # the situation of the rule (its registry entry's case) that gave the message and severity
    explained: str = ""  # a warning the unit has explained (its 情况说明): shown, not counted as open

    @property
    def sheet(self) -> str:
        return self.addresses[0].split("!")[0] if self.addresses else ""

    def to_json(self) -> dict:
        return {
            "rule": self.rule,
            "severity": self.severity,
            "cells": self.cells,
            "addresses": self.addresses,
            "message": self.message,
            "values": self.values,
            **({"explained": self.explained} if self.explained else {}),
        }


@dataclass
class Report:
    file: str
    format: str
    year: int | None
    org: str
    findings: list[Finding]

    def count(self, severity: str) -> int:
        """Open findings of a severity: an explained warning is not open."""
        return sum(1 for f in self.findings if f.severity == severity and not f.explained)

    @property
    def errors(self) -> int:
        return self.count("error")

    @property
    def warnings(self) -> int:
        return self.count("warning")

    @property
    def explained(self) -> int:
        return sum(1 for f in self.findings if f.explained)

    @property
    def valid(self) -> bool:
        return self.errors == 0

    def verdict(self) -> str:
        """✓ 通过 / ✓ 通过（N 个警告） / ✗ 未通过：N 个错误，M 个警告 — as every output says it."""
        said = f"，{self.explained} 个警告已说明" if self.explained else ""
        if not self.valid:
            return f"✗ 未通过：{self.errors} 个错误，{self.warnings} 个警告{said}"
        counts = "，".join(([f"{self.warnings} 个警告"] if self.warnings else []) + ([said[1:]] if said else []))
        return f"✓ 通过（{counts}）" if counts else "✓ 通过"

    def to_json(self) -> dict:
        return {"file": self.file, "valid": self.valid, "findings": [f.to_json() for f in self.findings]}
