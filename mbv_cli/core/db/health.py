"""`mbv db health`: read-only checks of a D1/SQLite database, each an ok/warn/fail line plus findings.

Local files are opened by `sqlite_file.open_read_only` (never created, never written, waits
bounded); the lock probe runs before SQLite opens the file (see `locks`). Remote D1 runs the
same SQL through the query API; what the API refuses is "not available remotely".
Thresholds: a `-wal` file above 16 MiB and larger than the database (checkpoints starved;
SQLite's auto-checkpoint keeps it near 1000 pages); free pages above 25% and 1 MiB (VACUUM).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mbv_cli.core.d1_target import D1Target
from mbv_cli.core.db.codes import default_severity
from mbv_cli.core.db.ledger import ledger_status
from mbv_cli.core.db.locks import probe_locks
from mbv_cli.core.db.schema_lint import lint_schema, user_tables
from mbv_cli.core.db.source import LocalSource, NotAvailable, QuerySource
from mbv_cli.core.db.sqlite_file import (
    DEFAULT_BUSY_TIMEOUT_MS,
    FileFacts,
    header_cut_short,
    inspect_file,
    open_read_only,
)
from mbv_cli.core.db.storage_classes import ColumnClasses, sample_database
from mbv_cli.core.findings import Finding, FindingsReport, Severity

WAL_FLOOR_BYTES = 16 * 1024 * 1024
FREELIST_SHARE = 0.25
FREELIST_FLOOR_BYTES = 1024 * 1024
CHECK_LINES = 20


@dataclass(slots=True)
class Check:
    name: str
    status: str  # ok, warn, fail, skipped
    detail: str

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "status": self.status, "detail": self.detail}


@dataclass(frozen=True, slots=True)
class TableStats:
    table: str
    rows: int
    bytes: int | None

    def to_dict(self) -> dict[str, Any]:
        return {"table": self.table, "rows": self.rows, "bytes": self.bytes}


@dataclass(slots=True)
class HealthResult:
    target: D1Target
    checks: list[Check] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    stats: list[TableStats] | None = None
    columns: list[ColumnClasses] | None = None  # with --stats: storage classes per column, sampled
    notes: list[str] = field(default_factory=list)

    def to_report(self) -> FindingsReport:
        return FindingsReport(findings=list(self.findings), notes=list(self.notes), title="mbv db health")

    def fails(self, fail_on: Severity) -> bool:
        return self.to_report().fails(fail_on)

    def to_dict(self) -> dict[str, Any]:
        return {
            "schema": "mbv.db.health/1",
            "target": self.target.to_dict(),
            "checks": [c.to_dict() for c in self.checks],
            "findings": [f.to_dict() for f in self.to_report().sorted()],
            "summary": self.to_report().summary(),
            "stats": None if self.stats is None else [s.to_dict() for s in self.stats],
            "columns": None if self.columns is None else [c.to_dict() for c in self.columns],
            "notes": list(self.notes),
        }


class _Stop(Exception):
    """The database cannot be read further (locked or not a database): skip the remaining checks."""


def display_path(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


class _Run:
    def __init__(self, target: D1Target, source: QuerySource | None,
                 progress: Callable[[str], None] | None = None) -> None:
        self.target = target
        self.source = source
        self.progress = progress  # hears each query before it runs (a terminal shows it with a timer)
        self.current = ""
        self.result = HealthResult(target)
        self.file = display_path(target.path) if target.path else None
        self.stopped: str | None = None

    def finding(self, code: str, message: str, *, hint: str | None = None, file: str | None = None,
                severity: Severity | None = None) -> Finding:
        worker = self.target.worker
        f = Finding(code=code, severity=severity or default_severity(code), message=message, hint=hint,
                    worker=worker.name if worker else None, env=worker.env if worker else None,
                    binding=self.target.binding, file=file or self.file)
        self.result.findings.append(f)
        return f

    def check(self, name: str, body: Callable[[], tuple[str, list[Finding]]]) -> None:
        self.current = name
        if self.progress is not None:
            self.progress(name)
        if self.stopped:
            self.result.checks.append(Check(name, "skipped", self.stopped))
            return
        try:
            detail, found = body()
        except NotAvailable:
            self.result.checks.append(Check(name, "skipped", "not available remotely"))
            return
        except _Stop as stop:
            self.stopped = str(stop)
            self.result.checks.append(Check(name, "fail", str(stop)))
            return
        except sqlite3.OperationalError as exc:
            if "locked" in str(exc) or "busy" in str(exc):
                self.stopped = "skipped: the database is locked"
                self.finding("MBV311", f"the database is locked by another process ({exc})",
                             hint="run `mbv db locks` to see who holds it; mbv does not wait")
                self.result.checks.append(Check(name, "fail", f"locked: {exc}"))
                return
            if "readonly" in str(exc).replace(" ", "") or "read-only" in str(exc):
                # SQLITE_READONLY_ROLLBACK: a hot journal must be rolled back, which a reader may not do
                self.stopped = "skipped: an unfinished transaction must be rolled back first"
                self.finding("MBV312", "a crashed writer left a hot -journal: SQLite must roll it back "
                             "before anyone can read the database", hint="open it once read-write (e.g. "
                             "`sqlite3 FILE 'PRAGMA quick_check'`, or start the app): that rolls it back")
                self.result.checks.append(Check(name, "fail", f"hot journal: {exc}"))
                return
            self.result.checks.append(Check(name, "skipped", f"cannot run here: {exc}"))
            self.result.notes.append(f"{name}: SQLite refused the check ({exc})")
            return
        except sqlite3.DatabaseError as exc:
            self._corrupt(name, exc)
            return
        worst = max((f.severity.rank for f in found), default=0)
        status = "fail" if worst >= Severity.ERROR.rank else "warn" if worst >= Severity.WARNING.rank else "ok"
        self.result.checks.append(Check(name, status, detail))

    def _corrupt(self, name: str, exc: Exception) -> None:
        self.stopped = "skipped: the file cannot be read as a database"
        self.finding("MBV303", f"SQLite cannot read the database: {exc}",
                     hint="restore from a backup or try `sqlite3 FILE .recover`")
        self.result.checks.append(Check(name, "fail", str(exc)))

    def rows(self, sql: str) -> list[dict[str, Any]]:
        assert self.source is not None
        if self.progress is not None:
            self.progress(f"{self.current}: {sql}")
        return self.source.rows(sql)

    def scalar(self, sql: str) -> Any:
        rows = self.rows(sql)
        return next(iter(rows[0].values())) if rows else None


def _human(n: float) -> str:
    for unit in ("bytes", "KiB", "MiB", "GiB"):
        if n < 1024 or unit == "GiB":
            return f"{n:.0f} {unit}" if unit == "bytes" else f"{n:.1f} {unit}"
        n /= 1024
    return f"{n:.1f} GiB"


# --- the checks ------------------------------------------------------------------------------------

def _layout(run: _Run, facts: FileFacts | None) -> tuple[str, list[Finding]]:
    page_size = int(run.scalar("PRAGMA page_size") or 0)
    page_count = int(run.scalar("PRAGMA page_count") or 0)
    size = f", file {_human(facts.size)}" if facts else ""
    return f"{page_count} pages of {page_size} bytes ({_human(page_size * page_count)}){size}", []


def _user_version(run: _Run) -> tuple[str, list[Finding]]:
    return f"user_version {int(run.scalar('PRAGMA user_version') or 0)}", []


def _journal(run: _Run, facts: FileFacts | None) -> tuple[str, list[Finding]]:
    mode = str(run.scalar("PRAGMA journal_mode") or "?")
    if facts is not None and facts.header is not None and facts.header.wal:
        mode = "wal"  # an immutable=1 connection reports "delete"; the header is the truth
    if facts is None or facts.wal_size is None:
        return mode, []
    found: list[Finding] = []
    detail = f"{mode}, -wal {_human(facts.wal_size)} against a {_human(facts.size)} database"
    if facts.wal_size > WAL_FLOOR_BYTES and facts.wal_size > facts.size:
        found.append(run.finding(
            "MBV304", f"the -wal file is {_human(facts.wal_size)}, larger than the database ({_human(facts.size)})",
            hint="a long-running reader starves checkpoints: end it, then run PRAGMA wal_checkpoint(TRUNCATE)"))
    return detail, found


def _integrity(run: _Run, full: bool, facts: FileFacts | None) -> tuple[str, list[Finding]]:
    found: list[Finding] = []
    if facts is not None and (header_cut_short(facts) or facts.truncated_by):
        missing = facts.truncated_by
        found.append(run.finding("MBV303", "the file is truncated" + (
            f": the header counts {facts.header.page_count} pages of {facts.header.page_size} bytes, "
            f"{_human(missing)} are missing" if facts.header and missing else ": the header is cut short"),
            hint="restore from a backup; the end of the file is gone"))
        if header_cut_short(facts):
            raise _Stop("the file is truncated")
    pragma = "integrity_check" if full else "quick_check"
    rows = run.rows(f"PRAGMA {pragma}({CHECK_LINES})")
    lines = [str(next(iter(r.values()))) for r in rows]
    if lines == ["ok"] and not found:
        return f"{pragma}: ok", found
    if lines != ["ok"]:
        found.append(run.finding("MBV303", f"{pragma} reports corruption: {lines[0]}"
                                 + (f" (and {len(lines) - 1} more)" if len(lines) > 1 else ""),
                                 hint="restore from a backup or try `sqlite3 FILE .recover`"))
    return f"{pragma}: " + "; ".join(lines[:3]), found


def _foreign_keys(run: _Run) -> tuple[str, list[Finding]]:
    found: list[Finding] = []
    if run.source is not None and run.source.remote:
        counts: dict[tuple[str, str], int] = {}
        for r in run.rows("PRAGMA foreign_key_check"):
            key = (str(r.get("table")), str(r.get("parent")))
            counts[key] = counts.get(key, 0) + 1
        groups = [(t, p, n) for (t, p), n in counts.items()]
    else:
        try:
            groups = [(str(r["t"]), str(r["parent"]), int(r["n"])) for r in run.rows(
                'SELECT "table" AS t, parent, count(*) AS n FROM pragma_foreign_key_check GROUP BY 1, 2 ORDER BY 1, 2')]
        except sqlite3.OperationalError as exc:
            if "foreign key mismatch" not in str(exc):
                raise
            found.append(run.finding("MBV306", f"foreign keys cannot be checked: {exc}",
                                     hint="a foreign key must reference the parent's PRIMARY KEY or UNIQUE columns"))
            return f"cannot check: {exc}", found
    for table, parent, n in groups:
        found.append(run.finding("MBV306", f"{n} row(s) of {table} reference missing rows of {parent}",
                                 hint=f"PRAGMA foreign_key_check({table}) lists their rowids"))
    total = sum(n for _, _, n in groups)
    return ("no violations" if not total else f"{total} violation(s) in {len(groups)} table pair(s)"), found


def _freelist(run: _Run) -> tuple[str, list[Finding]]:
    free = int(run.scalar("PRAGMA freelist_count") or 0)
    pages = int(run.scalar("PRAGMA page_count") or 0)
    page_size = int(run.scalar("PRAGMA page_size") or 0)
    share = free / pages if pages else 0.0
    found: list[Finding] = []
    if share > FREELIST_SHARE and free * page_size > FREELIST_FLOOR_BYTES:
        found.append(run.finding("MBV309", f"{share:.0%} of the pages are free ({_human(free * page_size)})",
                                 hint="VACUUM rewrites the file without them (it needs exclusive access)"))
    return f"{free} free of {pages} pages ({share:.1%})", found


def _schema(run: _Run) -> tuple[str, list[Finding]]:
    assert run.source is not None
    lint = lint_schema(run.source, user_tables(run.source))
    found: list[Finding] = []
    for fk in lint.unindexed_foreign_keys:
        found.append(run.finding(
            "MBV307", f"foreign key {fk.table}({', '.join(fk.columns)}) -> {fk.parent} has no covering index",
            hint=f"each delete from {fk.parent} scans {fk.table}; add {fk.suggestion()}"))
    for table in lint.tables_without_primary_key:
        found.append(run.finding("MBV308", f"table {table} has no PRIMARY KEY",
                                 hint="declare one, so rows have a stable identity"))
    detail = (f"{len(lint.tables)} tables, {len(lint.unindexed_foreign_keys)} foreign key(s) without index, "
              f"{len(lint.tables_without_primary_key)} without primary key")
    return detail, found


def _migrations(run: _Run) -> tuple[str, list[Finding]]:
    assert run.source is not None and run.target.migrations_dir is not None
    directory = run.target.migrations_dir
    status = ledger_status(run.source, directory, run.target.migrations_table)
    found: list[Finding] = []
    shown_dir = display_path(directory)
    if status.pending:
        names = ", ".join(status.pending[:5]) + (" ..." if len(status.pending) > 5 else "")
        label = run.target.database_name or run.target.binding or "DB"
        flag = "--remote" if run.target.mode == "remote" else "--local"
        found.append(run.finding("MBV301", f"{len(status.pending)} migration(s) not applied: {names}",
                                 hint=f"wrangler d1 migrations apply {label} {flag}",
                                 file=display_path(directory / status.pending[0])))
    for name in status.missing_files:
        found.append(run.finding("MBV310", f"{run.target.migrations_table} records {name}, "
                                 f"but {shown_dir}/{name} does not exist",
                                 hint="restore the file from version control, or explain why it was removed"))
    table = run.target.migrations_table
    if not status.table_exists:
        detail = f"no {table} table; {len(status.files)} file(s) in {shown_dir}"
    else:
        detail = (f"{len(status.applied)} applied, {len(status.pending)} pending, "
                  f"{len(status.missing_files)} recorded without a file ({shown_dir})")
    return detail, found


def _locks(run: _Run) -> tuple[str, list[Finding]]:
    assert run.target.path is not None
    state = probe_locks(run.target.path)
    if not state.writer_would_block:
        return "no lock blocks a writer", []
    who = "; ".join(h.describe() for h in state.holders) or state.reason or "unknown holder"
    return f"a writer would wait: {who}", [run.finding(
        "MBV305", f"a writer would block: {who}",
        hint="finish or stop that process (wrangler dev, a shell, a test runner) before migrating")]


def table_stats(run: _Run, connection: sqlite3.Connection | None) -> list[TableStats]:
    assert run.source is not None
    tables = user_tables(run.source)
    if connection is None:  # remote: counts only
        from mbv_cli.core.db.source import quote_ident

        return [TableStats(t, int(run.scalar(f"SELECT count(*) FROM {quote_ident(t)}") or 0), None) for t in tables]
    import sqlite_utils

    db = sqlite_utils.Database(connection)
    sizes: dict[str, int] = {}
    try:
        for row in connection.execute("SELECT name, sum(pgsize) FROM dbstat GROUP BY name"):
            sizes[str(row[0])] = int(row[1])
    except sqlite3.Error:
        pass
    return [TableStats(t, db.table(t).count, sizes.get(t)) for t in tables]


def check_health(target: D1Target, *, full: bool = False, stats: bool = False,
                 busy_timeout_ms: int = DEFAULT_BUSY_TIMEOUT_MS,
                 remote_source: QuerySource | None = None,
                 progress: Callable[[str], None] | None = None) -> HealthResult:
    """Run every check on `target`; local targets need `target.path`, remote ones `remote_source`.

    `progress(message)` hears each check and query (PRAGMA ...) before it runs."""
    if remote_source is not None:
        return _run_checks(_Run(target, remote_source, progress), None, full, stats, None)
    assert target.path is not None
    if target.mode == "local":
        from mbv_cli.core.db.locate import require_local_file

        require_local_file(target)
    facts = inspect_file(target.path)
    run = _Run(target, None, progress)
    run.check("locks", lambda: _locks(run))  # before SQLite opens the file: see locks.py
    opened = open_read_only(facts, busy_timeout_ms=busy_timeout_ms)
    if opened.immutable:
        run.result.notes.append("opened immutable=1: the database is in WAL mode and its -wal/-shm are absent")
    run.source = LocalSource(opened.connection)
    try:
        return _run_checks(run, facts, full, stats, opened.connection)
    finally:
        opened.connection.close()


def _run_checks(run: _Run, facts: FileFacts | None, full: bool, stats: bool,
                connection: sqlite3.Connection | None) -> HealthResult:
    run.check("integrity", lambda: _integrity(run, full, facts))
    run.check("layout", lambda: _layout(run, facts))
    run.check("user_version", lambda: _user_version(run))
    run.check("journal", lambda: _journal(run, facts))
    run.check("freelist", lambda: _freelist(run))
    run.check("foreign_key_check", lambda: _foreign_keys(run))
    run.check("schema", lambda: _schema(run))
    if run.target.migrations_dir is not None:
        run.check("migrations", lambda: _migrations(run))
    if stats and not run.stopped:
        try:
            run.result.stats = table_stats(run, connection)
        except (sqlite3.Error, NotAvailable) as exc:
            run.result.notes.append(f"--stats could not count rows: {exc}")
        if connection is not None and run.result.stats is not None:
            run.result.columns = sample_database(connection, [s.table for s in run.result.stats])
        elif connection is None:
            run.result.notes.append("--stats does not sample storage classes remotely (it would read rows you pay for)")
    return run.result
