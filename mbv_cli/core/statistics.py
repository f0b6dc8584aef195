"""`--statistics`: how many findings of each code and severity, as ruff's `--statistics` counts them."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from mbv_cli.core.findings import Finding


@dataclass(frozen=True, slots=True)
class CodeCount:
    code: str
    name: str
    severity: str
    count: int
    workers: int  # in how many Workers the code occurs

    def to_dict(self) -> dict[str, Any]:
        return {"code": self.code, "name": self.name, "severity": self.severity, "count": self.count,
                "workers": self.workers}


@dataclass(slots=True)
class StatisticsResult:
    counts: list[CodeCount] = field(default_factory=list)
    summary: dict[str, int] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {"schema": "mbv.statistics/1", "statistics": [c.to_dict() for c in self.counts],
                "summary": dict(self.summary)}


def count_findings(findings: Iterable[Finding]) -> StatisticsResult:
    """One row per (code, severity), most frequent first, then by code."""
    from mbv_cli.core.rules_catalog import all_rule_infos

    names = {info.code: info.name for info in all_rule_infos()}
    rows: dict[tuple[str, str], list[Finding]] = {}
    summary = {"error": 0, "warning": 0, "info": 0}
    for f in findings:
        rows.setdefault((f.code, f.severity.value), []).append(f)
        summary[f.severity.value] += 1
    counts = [CodeCount(code=code, name=names.get(code, ""), severity=severity, count=len(items),
                        workers=len({f.worker for f in items if f.worker}))
              for (code, severity), items in rows.items()]
    counts.sort(key=lambda c: (-c.count, c.code, c.severity))
    return StatisticsResult(counts=counts, summary=summary)
