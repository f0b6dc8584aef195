"""`mbv migrate` operations over one database: status, apply (and --dry-run), verify, baseline,
create and hash. Each returns a result dataclass (results.py); nothing here prints.
"""

from __future__ import annotations

import functools
import sqlite3
from collections.abc import Callable, Mapping
from contextlib import suppress
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Concatenate, ParamSpec, TypeVar

from mbv_cli.core.binding_list import display_path
from mbv_cli.core.d1_target import DEFAULT_MIGRATIONS_TABLE, D1Target, resolve_d1_target
from mbv_cli.core.errors import InputError, MbvError, UsageError
from mbv_cli.core.findings import Finding, Severity
from mbv_cli.core.migrations import checksums, local
from mbv_cli.core.migrations.backup import BACKUP_DIR, backup_database
from mbv_cli.core.migrations.d1_rules import remote_warnings
from mbv_cli.core.migrations.executor import pieces_of
from mbv_cli.core.migrations.files import (
    MigrationFile,
    apply_order,
    create_migration_file,
    read_migration_bytes,
)
from mbv_cli.core.migrations.ledger import LedgerRow, check_table_name, create_table_sql, insert_suffix
from mbv_cli.core.migrations.plan import (
    MigrationDirectory,
    load_pending,
    open_directory,
    out_of_order,
    pending_names,
    resolve_to,
)
from mbv_cli.core.migrations.remote import Progress, RemoteDatabase
from mbv_cli.core.migrations.results import (
    ApplyResult,
    BaselineResult,
    FileResult,
    MigrationOutcome,
    MigrationState,
    StatusResult,
    VerifyResult,
)
from mbv_cli.core.migrations.schema import diff_schemas, read_schema
from mbv_cli.core.option_values import check_seconds

PENDING_CODE = "MBV301"
DRIFT_CODE = "MBV302"


@dataclass(slots=True)
class MigrationTarget:
    """A database plus its migrations directory and ledger table."""

    d1: D1Target
    directory: Path | None
    table: str
    environ: Mapping[str, str] | None = None
    _remote: RemoteDatabase | None = field(default=None, repr=False)

    @property
    def label(self) -> str:
        return self.d1.label

    @property
    def is_remote(self) -> bool:
        return self.d1.mode == "remote"

    @property
    def where(self) -> str:
        if self.is_remote:
            return f"remote D1 {self.d1.label} ({self.d1.database_id})"
        assert self.d1.path is not None
        return display_path(self.d1.path)

    @property
    def backup_root(self) -> Path:
        if self.d1.worker is not None:
            return self.d1.worker.directory / BACKUP_DIR
        assert self.d1.path is not None
        return self.d1.path.resolve().parent / BACKUP_DIR

    def __post_init__(self) -> None:
        check_table_name(self.table)  # before anything is opened or created (also for mbv doctor's targets)

    def remote(self) -> RemoteDatabase:
        if self._remote is None:
            from mbv_cli.core.cloudflare import CloudflareClient, credentials_from_env

            assert self.d1.database_id is not None
            client = CloudflareClient(credentials_from_env(self.environ))
            self._remote = RemoteDatabase(client, self.d1.database_id, internal_env=self.d1.internal_env,
                                          label=self.d1.label)
        return self._remote

    def close(self) -> None:
        if self._remote is not None:
            self._remote.client.close()
            self._remote = None

    def __enter__(self) -> MigrationTarget:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def target_dict(self) -> dict[str, Any]:
        data = self.d1.to_dict()
        if data.get("path"):
            data["path"] = display_path(Path(data["path"]))
        return data


def open_target(database: str, *, path: str | Path | None = None, config: str | Path | None = None,
                env: str | None = None, remote: bool = False, persist_to: str | Path | None = None,
                db_file: str | Path | None = None, directory: str | Path | None = None,
                table: str | None = None, environ: Mapping[str, str] | None = None) -> MigrationTarget:
    """DATABASE (a binding or database_name, or an SQLite file) and the options, as a target."""
    if remote and (db_file or persist_to):
        raise UsageError("--remote cannot be combined with --db-file or --persist-to")
    d1 = resolve_d1_target(database, path=path, config=config, env=env, remote=remote, persist_to=persist_to,
                           environ=environ)
    if db_file is not None:
        d1.mode, d1.path = "file", Path(db_file)
    mig_dir = Path(directory) if directory is not None else d1.migrations_dir
    if mig_dir is None:
        mig_dir = Path("migrations")
    ledger = table or d1.migrations_table or DEFAULT_MIGRATIONS_TABLE
    check_table_name(ledger)
    return MigrationTarget(d1, mig_dir, ledger, environ)


_P = ParamSpec("_P")
_R = TypeVar("_R")


def _sqlite_errors(func: Callable[Concatenate[MigrationTarget, _P], _R]) -> Callable[Concatenate[MigrationTarget, _P], _R]:
    """An SQLite error the operation did not expect ends as one InputError line (exit 2), never a crash."""
    @functools.wraps(func)
    def wrapper(target: MigrationTarget, /, *args: _P.args, **kwargs: _P.kwargs) -> _R:
        try:
            return func(target, *args, **kwargs)
        except sqlite3.Error as exc:
            where = target.where
            raise InputError(f"{where}: SQLite error: {exc}",
                             hint="check the database file and migrations_table; nothing further was done") from None
    return wrapper


def _display(migration: MigrationFile) -> str:
    return display_path(migration.path)


def _ledger(target: MigrationTarget) -> list[LedgerRow]:
    if target.is_remote:
        return target.remote().read_ledger(target.table)
    assert target.d1.path is not None
    conn = local.open_readonly(target.d1.path)
    if conn is None:
        return []
    try:
        return local.read_ledger(conn, target.table, where=target.where)
    finally:
        conn.close()


def _current_hashes(directory: MigrationDirectory) -> dict[str, str]:
    return dict(checksums.compute_entries(directory.path, directory.names))


@_sqlite_errors
def status(target: MigrationTarget) -> StatusResult:
    directory = open_directory(target.directory)
    rows = _ledger(target)
    sums = checksums.read_sum(directory.path)
    hashes = _current_hashes(directory) if sums is not None else {}
    recorded = sums.hashes if sums is not None else {}
    result = StatusResult(target.label, target.target_dict(), display_path(directory.path), target.table,
                          warnings=list(directory.warnings))
    applied = {row.name for row in rows}

    def checksum(name: str) -> str | None:
        if sums is None:
            return None
        if name not in recorded:
            return "unrecorded"
        return "ok" if recorded[name] == hashes.get(name) else "changed"

    for row in rows:
        if row.name not in directory.names:
            result.migrations.append(MigrationState(row.name, "missing_file", row.applied_at))
            continue
        state = "modified" if checksum(row.name) == "changed" else "applied"
        result.migrations.append(MigrationState(row.name, state, row.applied_at, checksum(row.name)))
    pending = pending_names(directory, applied)
    late = set(out_of_order(directory, applied, pending))
    for name in pending:
        result.migrations.append(MigrationState(name, "out_of_order" if name in late else "pending",
                                                None, checksum(name)))
    return result


def _warnings_for(target: MigrationTarget, directory: MigrationDirectory, applied: set[str],
                  names: list[str], files: list[MigrationFile]) -> list[str]:
    warnings = list(directory.warnings)
    for name in out_of_order(directory, applied, names):
        warnings.append(f"{name} is numbered below a migration already applied; it runs now, out of order")
    for migration in files:
        for warning in remote_warnings(migration.name, migration.text):
            warnings.append(f"{display_path(migration.path)}:{warning.line}: {warning.message}")
    sums = checksums.read_sum(directory.path)
    if sums is not None:
        recorded = sums.hashes
        for migration in files:
            current = checksums.file_hash(read_migration_bytes(migration.path.parent, migration.name))
            if migration.name in recorded and recorded[migration.name] != current:
                warnings.append(f"{migration.name} changed since mbv.sum was written (run mbv migrate hash)")
    return warnings


@_sqlite_errors
def apply(target: MigrationTarget, *, to: str | None = None, dry_run: bool = False, backup: bool = True,
          lock_timeout: float = 30.0, allow_empty: bool = False, progress: Progress | None = None,
          on_warnings: Callable[[list[str]], None] | None = None) -> ApplyResult:
    """Apply the pending migrations (up to `to`); `on_warnings` hears the warnings before anything runs."""
    check_seconds(lock_timeout, "--lock-timeout")
    directory = open_directory(target.directory)
    rows = _ledger(target)
    applied = {row.name for row in rows}
    names = pending_names(directory, applied, to)
    files = load_pending(directory, names, allow_empty=allow_empty)
    for migration in files:
        pieces_of(migration, target.table)  # a file wrangler cannot split stops the run before it starts
    result = ApplyResult(target.label, target.target_dict(), display_path(directory.path), target.table,
                         dry_run=dry_run, warnings=_warnings_for(target, directory, applied, names, files))
    if on_warnings is not None and result.warnings:
        on_warnings(result.warnings)
    if not files:
        result.notes.append("no migrations to apply")
        return result
    if dry_run:
        conn = _dry_run_copy(target, rows)
        try:
            result.outcomes = local.apply_files(conn, files, target.table, lock_timeout=0, where="memory",
                                                display=_display, locked=False, progress=progress)
        finally:
            conn.close()
        result.notes.append("dry run: applied to an in-memory copy; nothing was changed")
        if target.is_remote:
            result.notes.append("the copy holds the remote schema and ledger, not its rows")
        return result
    if target.is_remote:
        remote = target.remote()
        remote.ensure_ledger(target.table)
        result.outcomes = remote.apply_files(files, target.table, display=_display, progress=progress)
        _locate_remote_failure(target, result, files)
        return result
    assert target.d1.path is not None
    if backup and target.d1.path.exists():
        try:
            result.backup = display_path(backup_database(target.d1.path, target.backup_root, target.label))
        except OSError as exc:
            from mbv_cli.core.input_files import os_error_text

            raise InputError(f"cannot write the backup in {display_path(target.backup_root)}: "
                             f"{os_error_text(exc)}", hint="make it writable, or pass --no-backup; "
                             "nothing was applied") from None
    conn = local.open_for_apply(target.d1.path, lock_timeout)
    try:
        local.ensure_ledger(conn, target.table, lock_timeout=lock_timeout, where=target.where)
        result.outcomes = local.apply_files(conn, files, target.table, lock_timeout=lock_timeout,
                                            where=target.where, display=_display, progress=progress)
    finally:
        conn.close()
    return result


def _locate_remote_failure(target: MigrationTarget, result: ApplyResult, files: list[MigrationFile]) -> None:
    """D1's error names no line: replay the failed file on a copy of the remote schema to find it."""
    failed = result.failed
    if failed is None or failed.line is not None:
        return
    migration = next(m for m in files if m.name == failed.name)
    try:
        conn = _dry_run_copy(target, target.remote().read_ledger(target.table))
    except MbvError:
        return
    try:
        replay = local.apply_files(conn, [migration], target.table, lock_timeout=0, where="memory",
                                   display=_display, locked=False)
    finally:
        conn.close()
    if replay and replay[0].status == "failed":
        failed.line, failed.column, failed.statement = replay[0].line, replay[0].column, replay[0].statement
        return
    suspects = remote_warnings(migration.name, migration.text)
    if suspects:  # it runs locally: the likely culprit is what only D1 refuses
        failed.line = suspects[0].line
        failed.hint = f"{suspects[0].message}; {failed.hint}"


def _dry_run_copy(target: MigrationTarget, rows: list[LedgerRow]) -> sqlite3.Connection:
    if not target.is_remote:
        conn = local.memory_copy(target.d1.path)
    else:
        conn = sqlite3.connect(":memory:", isolation_level=None)
        conn.execute("PRAGMA foreign_keys = ON")
        order = {"table": 0, "index": 1, "view": 2, "trigger": 3}
        for _kind, name, _tbl, sql in sorted(target.remote().master_rows(), key=lambda r: order.get(r[0], 9)):
            if sql and not name.lower().startswith(("sqlite_", "_cf_")):
                with suppress(sqlite3.Error):  # FTS5 shadow tables come with their virtual table
                    conn.execute(sql)
    conn.execute(create_table_sql(target.table))
    if target.is_remote:
        for row in rows:
            conn.execute(insert_suffix(target.table, row.name).strip())
    return conn


@_sqlite_errors
def verify(target: MigrationTarget) -> VerifyResult:
    directory = open_directory(target.directory)
    result = VerifyResult(target.label, target.target_dict(), display_path(directory.path))
    shown = display_path(directory.path)
    rows = _ledger(target)
    applied_names = [row.name for row in rows]
    _verify_checksums(directory, result, shown, set(applied_names))
    for name in applied_names:
        if name not in directory.names:
            result.findings.append(Finding(DRIFT_CODE, Severity.ERROR, f"applied migration {name} has no file",
                                           hint="restore it from version control, or the schema cannot be "
                                                "rebuilt from the migrations", file=f"{shown}/{name}"))
    pending = pending_names(directory, set(applied_names))
    if pending:
        result.findings.append(Finding(PENDING_CODE, Severity.WARNING,
                                       f"{len(pending)} migration(s) not applied: {', '.join(pending[:5])}"
                                       + (" …" if len(pending) > 5 else ""),
                                       hint=f"mbv migrate apply {target.label}"))
    replay = sqlite3.connect(":memory:", isolation_level=None)
    try:
        replay.execute("PRAGMA foreign_keys = ON")
        replay.execute(create_table_sql(target.table))
        files = [directory.read(n) for n in applied_names if n in directory.names]
        outcomes = local.apply_files(replay, files, target.table, lock_timeout=0, where="memory",
                                     display=_display, locked=False)
        failed = next((o for o in outcomes if o.status == "failed"), None)
        if failed is not None:
            result.findings.append(Finding(DRIFT_CODE, Severity.ERROR,
                                           f"replaying the applied migrations fails at {failed.name}: {failed.error}",
                                           hint="the files no longer build the schema they built; "
                                                "the comparison stops there", file=failed.file,
                                           line=failed.line, column=failed.column))
        expected = read_schema(replay, target.table)
    finally:
        replay.close()
    actual = _target_schema(target)
    for diff in diff_schemas(expected, actual):
        result.findings.append(Finding(DRIFT_CODE, Severity.ERROR, diff.message,
                                       hint="a change made outside the migrations (d1 execute, a console?): "
                                            "write a migration for it or undo it"))
    worker = target.d1.worker
    if worker is not None:
        result.findings = [replace(f, worker=worker.name, env=worker.env, binding=target.d1.binding)
                           for f in result.findings]
    if not result.findings:
        result.notes.append(f"{len(applied_names)} applied migration(s) match the database schema")
    return result


def _target_schema(target: MigrationTarget) -> Any:
    if target.is_remote:
        return target.remote().schema(target.table)
    assert target.d1.path is not None
    conn = local.open_readonly(target.d1.path)
    try:
        return local.database_schema(conn, target.table)
    finally:
        if conn is not None:
            conn.close()


def _verify_checksums(directory: MigrationDirectory, result: VerifyResult, shown: str,
                      applied: set[str]) -> None:
    sums = checksums.read_sum(directory.path)
    if sums is None:
        result.notes.append(f"no {checksums.SUM_FILE} in {shown}: checksums not checked (mbv migrate hash writes it)")
        return
    sum_shown = display_path(sums.path)
    if not sums.intact:
        result.findings.append(Finding(DRIFT_CODE, Severity.ERROR, f"{checksums.SUM_FILE} was edited by hand",
                                       hint="run mbv migrate hash", file=sum_shown, line=1))
    recorded = sums.hashes
    current = _current_hashes(directory)
    for number, (name, value) in enumerate(sums.entries, start=2):
        if name not in current:
            result.findings.append(Finding(DRIFT_CODE, Severity.ERROR,
                                           f"{name} is recorded in {checksums.SUM_FILE} but the file is gone",
                                           hint="restore it, or run mbv migrate hash if the removal is wanted",
                                           file=sum_shown, line=number))
        elif current[name] != value:
            hint = ("an applied migration must not change: write a new one; if the edit is wanted, run "
                    "mbv migrate hash" if name in applied else
                    "it is not applied yet, so editing it is fine: run mbv migrate hash to record the new checksum")
            result.findings.append(Finding(DRIFT_CODE, Severity.ERROR,
                                           f"{name} changed since {checksums.SUM_FILE} was written",
                                           hint=hint, file=f"{shown}/{name}"))
    for name in apply_order([n for n in directory.names if n not in recorded]):
        result.findings.append(Finding(DRIFT_CODE, Severity.ERROR,
                                       f"{name} is not in {checksums.SUM_FILE} (the sum is stale)",
                                       hint="run mbv migrate hash", file=f"{shown}/{name}"))


@_sqlite_errors
def baseline_names(target: MigrationTarget, to: str) -> tuple[list[str], list[str]]:
    """The migrations `baseline --to` would record, and those already recorded."""
    directory = open_directory(target.directory)
    stop = resolve_to(directory, to)
    ordered = directory.ordered
    wanted = ordered[: ordered.index(stop) + 1]
    applied = {row.name for row in _ledger(target)}
    return [n for n in wanted if n not in applied], [n for n in wanted if n in applied]


@_sqlite_errors
def baseline(target: MigrationTarget, to: str, *, lock_timeout: float = 30.0) -> BaselineResult:
    check_seconds(lock_timeout, "--lock-timeout")
    todo, already = baseline_names(target, to)
    result = BaselineResult(target.label, target.target_dict(), target.table, already=already)
    if not todo:
        return result
    if target.is_remote:
        remote = target.remote()
        remote.ensure_ledger(target.table)
        result.recorded = remote.record_applied(target.table, todo)
        return result
    assert target.d1.path is not None
    conn = local.open_for_apply(target.d1.path, lock_timeout)
    try:
        local.ensure_ledger(conn, target.table, lock_timeout=lock_timeout, where=target.where)
        result.recorded = local.record_applied(conn, target.table, todo, lock_timeout=lock_timeout,
                                               where=target.where)
    finally:
        conn.close()
    return result


def create(target: MigrationTarget, message: str) -> FileResult:
    if target.directory is None:
        raise InputError("no migrations directory for this database", hint="pass --dir")
    path = create_migration_file(target.directory, message)
    names = open_directory(target.directory).names
    sum_path = checksums.write_sum(target.directory, apply_order(names))
    return FileResult("create", display_path(path), display_path(sum_path), len(names))


def hash_directory(target: MigrationTarget) -> FileResult:
    directory = open_directory(target.directory)
    sum_path = checksums.write_sum(directory.path, directory.ordered)
    return FileResult("hash", display_path(sum_path), display_path(sum_path), len(directory.names))


def close_quietly(target: MigrationTarget) -> None:
    with suppress(Exception):
        target.close()


__all__ = ["MigrationOutcome", "MigrationTarget", "apply", "baseline", "baseline_names", "close_quietly",
           "create", "hash_directory", "open_target", "status", "verify"]
