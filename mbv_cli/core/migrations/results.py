"""The result dataclasses of `mbv migrate`; each renders as text or as JSON (`mbv.migrate.*/1`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from mbv_cli.core.findings import Finding, Severity


@dataclass(slots=True)
class MigrationState:
    """One row of `status`: a file, a ledger row, or both."""

    name: str
    state: str  # applied | pending | missing_file | modified | out_of_order
    applied_at: str | None = None
    checksum: str | None = None  # ok | changed | unrecorded | None (no mbv.sum)

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "state": self.state, "applied_at": self.applied_at, "checksum": self.checksum}


@dataclass(slots=True)
class StatusResult:
    database: str
    target: dict[str, Any]
    directory: str
    table: str
    migrations: list[MigrationState] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def count(self, state: str) -> int:
        return sum(1 for m in self.migrations if m.state == state)

    def to_dict(self) -> dict[str, Any]:
        return {"schema": "mbv.migrate.status/1", "database": self.database, "target": self.target,
                "directory": self.directory, "table": self.table,
                "migrations": [m.to_dict() for m in self.migrations], "warnings": list(self.warnings)}


@dataclass(slots=True)
class MigrationOutcome:
    """What happened (or would happen, with --dry-run) to one pending migration."""

    name: str
    status: str  # applied | failed | skipped (applied meanwhile by another run) | not_run
    duration_ms: float = 0.0
    error: str | None = None
    file: str | None = None
    line: int | None = None
    column: int | None = None
    statement: str | None = None
    hint: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "status": self.status, "duration_ms": round(self.duration_ms, 3),
                "error": self.error, "file": self.file, "line": self.line, "column": self.column,
                "statement": self.statement, "hint": self.hint}


@dataclass(slots=True)
class ApplyResult:
    database: str
    target: dict[str, Any]
    directory: str
    table: str
    dry_run: bool = False
    backup: str | None = None
    outcomes: list[MigrationOutcome] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def failed(self) -> MigrationOutcome | None:
        return next((o for o in self.outcomes if o.status == "failed"), None)

    def to_dict(self) -> dict[str, Any]:
        return {"schema": "mbv.migrate.apply/1", "database": self.database, "target": self.target,
                "directory": self.directory, "table": self.table, "dry_run": self.dry_run,
                "backup": self.backup, "ok": self.failed is None,
                "migrations": [o.to_dict() for o in self.outcomes],
                "warnings": list(self.warnings), "notes": list(self.notes)}


@dataclass(slots=True)
class VerifyResult:
    database: str
    target: dict[str, Any]
    directory: str
    findings: list[Finding] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def drift(self) -> bool:
        return any(f.severity is Severity.ERROR for f in self.findings)

    def to_dict(self) -> dict[str, Any]:
        return {"schema": "mbv.migrate.verify/1", "database": self.database, "target": self.target,
                "directory": self.directory, "ok": not self.drift,
                "findings": [f.to_dict() for f in self.findings], "notes": list(self.notes)}


@dataclass(slots=True)
class BaselineResult:
    database: str
    target: dict[str, Any]
    table: str
    recorded: list[str] = field(default_factory=list)
    already: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {"schema": "mbv.migrate.baseline/1", "database": self.database, "target": self.target,
                "table": self.table, "recorded": list(self.recorded), "already_applied": list(self.already)}


@dataclass(slots=True)
class FileResult:
    """`create` and `hash`: the files written."""

    kind: str  # create | hash
    path: str
    sum_file: str | None = None
    files: int = 0

    def to_dict(self) -> dict[str, Any]:
        return {"schema": f"mbv.migrate.{self.kind}/1", "path": self.path, "sum_file": self.sum_file,
                "files": self.files}
