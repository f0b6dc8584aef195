"""Findings: the one data shape every diagnosis (bindings, db, migrate, doctor) returns.

Renderers turn a `FindingsReport` into text, JSON (`mbv.findings/1`), SARIF, GitHub annotations
and JUnit; the CLI turns its worst severity into the exit code with `--fail-on`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from enum import Enum
from typing import Any


class Severity(str, Enum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"

    @property
    def rank(self) -> int:
        return {"error": 3, "warning": 2, "info": 1}[self.value]

    @classmethod
    def parse(cls, text: str) -> Severity:
        try:
            return cls(text.lower())
        except ValueError:
            from mbv_cli.core.errors import UsageError

            raise UsageError(
                f"unknown severity {text!r}", hint="use one of: error, warning, info"
            ) from None


Site = tuple[str, int | None, int | None]  # (file, line, column) of one more place a finding is about


@dataclass(frozen=True, slots=True)
class Finding:
    """One problem (or observation) found by a check, with where it is and what to do.

    `file`/`line`/`column` are the first place; `related` the other places the same problem shows
    (one finding per binding name, listing every read), in order.
    """

    code: str
    severity: Severity
    message: str
    hint: str | None = None
    worker: str | None = None
    env: str | None = None
    binding: str | None = None
    file: str | None = None
    line: int | None = None
    column: int | None = None
    snippet: str | None = None
    related: tuple[Site, ...] = ()

    @property
    def where(self) -> str:
        """`file:line:col` (as much as is known), or "" when the finding has no file."""
        if not self.file:
            return ""
        from mbv_cli.core.errors import Location

        return str(Location(self.file, self.line or None, self.column or None if self.line else None))

    @property
    def related_where(self) -> list[str]:
        """`file:line:col` of each related place."""
        from mbv_cli.core.errors import Location

        return [str(Location(file, line or None, column or None if line else None)) for file, line, column in self.related]

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["severity"] = self.severity.value
        data["related"] = [{"file": file, "line": line, "column": column} for file, line, column in self.related]
        return data

    def sort_key(self) -> tuple[str, str, str, int, int, str]:
        return (
            self.worker or "",
            self.env or "",
            self.file or "",
            self.line or 0,
            self.column or 0,
            self.code,
        )


@dataclass(slots=True)
class FindingsReport:
    """The result of a findings command: the findings plus notes about what could not be checked."""

    findings: list[Finding] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    title: str = "mbv"
    baseline: Any = None  # a core.baseline.BaselineOutcome when --baseline was given

    def extend(self, items: Iterable[Finding]) -> None:
        self.findings.extend(items)

    def sorted(self) -> list[Finding]:
        return sorted(self.findings, key=Finding.sort_key)

    def summary(self) -> dict[str, int]:
        counts = {"error": 0, "warning": 0, "info": 0}
        for finding in self.findings:
            counts[finding.severity.value] += 1
        return counts

    def fails(self, fail_on: Severity) -> bool:
        """True when any finding is at or above `fail_on`: the command then exits 1."""
        return any(f.severity.rank >= fail_on.rank for f in self.findings)

    def to_dict(self) -> dict[str, Any]:
        return {
            "schema": "mbv.findings/1",
            "findings": [f.to_dict() for f in self.sorted()],
            "summary": self.summary(),
            "notes": list(self.notes),
            **({"baseline": self.baseline.to_dict()} if self.baseline is not None else {}),
        }
