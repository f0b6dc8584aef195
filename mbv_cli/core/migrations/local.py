"""Local targets: wrangler's Miniflare file for a binding, or any SQLite file.

Inspection opens the file read-only and never creates or writes it (db/sqlite_file.py: the path
URI-quoted, `immutable=1` for a WAL file with no `-wal`/`-shm`, which `mode=ro` alone would create). `apply` opens it for writing,
creates the ledger exactly as wrangler does, and runs each migration in its own `BEGIN IMMEDIATE`
transaction (executor.py). A new file is put in WAL mode, as Miniflare's are.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable
from contextlib import suppress
from pathlib import Path
from typing import Any

from mbv_cli.core.db.sqlite_file import sidecar
from mbv_cli.core.errors import InputError, LockTimeoutError
from mbv_cli.core.migrations.executor import begin_immediate, pieces_of, run_migration
from mbv_cli.core.migrations.files import MigrationFile
from mbv_cli.core.migrations.ledger import (
    LedgerRow,
    check_ledger_columns,
    create_table_sql,
    insert_suffix,
)
from mbv_cli.core.migrations.results import MigrationOutcome
from mbv_cli.core.migrations.schema import Schema, read_schema

Progress = Callable[[int, int, str, MigrationOutcome | None], None]  # index, total, name, outcome


def open_readonly(path: Path) -> sqlite3.Connection | None:
    """A read-only connection, or None when the file does not exist yet (nothing applied)."""
    from mbv_cli.core.db.sqlite_file import header_cut_short, inspect_file, open_read_only

    if not _exists(path):
        return None
    facts = inspect_file(path)
    if header_cut_short(facts):
        raise InputError(f"cannot read {path.name} as SQLite: the header is cut short", file=path,
                         hint="is it a D1/SQLite database file?")
    conn = open_read_only(facts, busy_timeout_ms=5000).connection
    try:
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except sqlite3.DatabaseError as exc:
        conn.close()
        raise InputError(f"cannot read {path.name} as SQLite: {exc}", file=path,
                         hint="is it a D1/SQLite database file?") from None
    return conn


def ledger_exists(conn: sqlite3.Connection, table: str) -> bool:
    row = conn.execute("SELECT type FROM sqlite_master WHERE name = ? COLLATE NOCASE", (table,)).fetchone()
    if row is None:
        return False
    if row[0] != "table":
        raise InputError(f"ledger {table} is a {row[0]}, not a table",
                         hint="point migrations_table at a free name")
    return True


def read_ledger(conn: sqlite3.Connection, table: str, *, where: str) -> list[LedgerRow]:
    if not ledger_exists(conn, table):
        return []
    columns = [r[1] for r in conn.execute(f'PRAGMA table_info("{table}")')]
    check_ledger_columns(table, columns, where=where)
    rows = conn.execute(f"SELECT id, name, applied_at FROM {table} ORDER BY id").fetchall()
    return [LedgerRow(int(r[0]), str(r[1]), r[2]) for r in rows]


def database_schema(conn: sqlite3.Connection | None, table: str) -> Schema:
    return Schema() if conn is None else read_schema(conn, table)


def _exists(path: Path) -> bool:
    """Whether the database file exists; a symlink loop or an unreachable path is an InputError."""
    try:
        os.stat(path)
    except FileNotFoundError:
        return False
    except OSError as exc:
        from mbv_cli.core.input_files import os_error_text

        raise InputError(f"cannot open {path.name}: {os_error_text(exc)}", file=path) from None
    return True


def open_for_apply(path: Path, lock_timeout: float = 0) -> sqlite3.Connection:
    try:
        if not _exists(path):
            path.parent.mkdir(parents=True, exist_ok=True)
            create_wal_database(path)
        conn = sqlite3.connect(path, isolation_level=None, timeout=max(lock_timeout, 0))
        conn.execute("PRAGMA foreign_keys = ON")  # D1 and Miniflare enforce foreign keys
    except sqlite3.DatabaseError as exc:
        raise InputError(f"cannot open {path.name} as SQLite: {exc}", file=path) from None
    except OSError as exc:
        raise InputError(f"cannot create {path.name}: {exc.strerror or exc}", file=path,
                         hint="check that its directory exists and is writable") from None
    return conn


def create_wal_database(path: Path) -> None:
    """Make an empty WAL database at `path` in one step, unless another process got there first.

    Two fresh `apply` runs must not both switch the new file to WAL: that switch upgrades a shared
    lock to an exclusive one, and SQLite answers "database is locked" at once instead of calling the
    busy handler (it would deadlock otherwise). So the file is built under a private name and
    hard-linked into place, which fails harmlessly when the other run was first.
    """
    scratch = path.with_name(f"{path.name}.mbv-new-{os.getpid()}")
    scratch.unlink(missing_ok=True)
    try:
        conn = sqlite3.connect(scratch, isolation_level=None)
        try:
            conn.execute("PRAGMA journal_mode = WAL")
        finally:
            conn.close()
        try:
            os.link(scratch, path)
        except FileExistsError:
            pass
        except OSError:  # a file system without hard links: a rename, which only loses a narrower race
            if not path.exists():
                os.replace(scratch, path)
    finally:
        for leftover in (scratch, sidecar(scratch, "-wal"), sidecar(scratch, "-shm")):
            leftover.unlink(missing_ok=True)


def ensure_ledger(conn: sqlite3.Connection, table: str, *, lock_timeout: float, where: str) -> None:
    if ledger_exists(conn, table):
        read_ledger(conn, table, where=where)  # checks its columns
        return
    begin_immediate(conn, lock_timeout, where)
    try:
        conn.execute(create_table_sql(table))
        conn.execute("COMMIT")
    except sqlite3.Error:
        conn.execute("ROLLBACK")
        raise


def apply_files(conn: sqlite3.Connection, files: list[MigrationFile], table: str, *, lock_timeout: float,
                where: str, display: Callable[[MigrationFile], str], locked: bool = True,
                progress: Progress | None = None) -> list[MigrationOutcome]:
    """Apply `files` in order, each atomically with its ledger row; stop at the first failure.
    Ctrl-C rolls back the migration in progress and raises `Interrupted` naming the committed ones."""
    outcomes: list[MigrationOutcome] = []
    plans = [(m, pieces_of(m, table)) for m in files]
    try:
        _apply_plans(conn, plans, outcomes, table, lock_timeout=lock_timeout, where=where, display=display,
                     locked=locked, progress=progress)
    except KeyboardInterrupt:
        if conn.in_transaction:
            with suppress(sqlite3.Error):
                conn.execute("ROLLBACK")
        # the ledger is the truth (a COMMIT may have landed just before the signal)
        skipped = {o.name for o in outcomes if o.status == "skipped"}
        try:
            recorded = {row[0] for row in conn.execute(f"SELECT name FROM {table}")}
        except sqlite3.Error:
            recorded = {o.name for o in outcomes if o.status == "applied"}
        done = [m.name for m, _ in plans if m.name in recorded and m.name not in skipped]
        current = next((m.name for m, _ in plans if m.name not in recorded), None)
        raise Interrupted(interrupted_message(done, current, rolled_back=True)) from None
    return outcomes


class Interrupted(KeyboardInterrupt):
    """Ctrl-C during an apply; the message says what was committed (the CLI prints it, exit 130)."""


def interrupted_message(done: list[str], current: str | None, *, rolled_back: bool) -> str:
    applied = f"committed {len(done)}: {', '.join(done)}" if done else "no migration was committed"
    if current is None:
        return f"interrupted; {applied}"
    fate = "was rolled back" if rolled_back else "was being sent and may have been applied (check migrate status)"
    return f"interrupted; {applied}; {current} {fate}"


def _apply_plans(conn: sqlite3.Connection, plans: list[tuple[MigrationFile, Any]], outcomes: list[MigrationOutcome],
                 table: str, *, lock_timeout: float, where: str, display: Callable[[MigrationFile], str],
                 locked: bool, progress: Progress | None) -> None:
    files = [m for m, _ in plans]
    for index, (migration, pieces) in enumerate(plans):
        if progress:
            progress(index, len(files), migration.name, None)
        if locked:
            try:
                begin_immediate(conn, lock_timeout, where)
            except LockTimeoutError as exc:
                done = [o.name for o in outcomes if o.status == "applied"]
                if done:
                    exc.message += f" (applied before the wait: {', '.join(done)}; {migration.name} is next)"
                raise
        else:
            conn.execute("BEGIN")
        already = conn.execute(f"SELECT 1 FROM {table} WHERE name = ?", (migration.name,)).fetchone()
        if already:
            conn.execute("ROLLBACK")
            outcome = MigrationOutcome(migration.name, "skipped", file=display(migration),
                                       hint="applied meanwhile by another run")
        else:
            outcome = run_migration(conn, migration, table, pieces, display=display(migration))
            if outcome.status == "applied":
                conn.execute("COMMIT")
        outcomes.append(outcome)
        if progress:
            progress(index, len(files), migration.name, outcome)
        if outcome.status == "failed":
            outcomes.extend(MigrationOutcome(m.name, "not_run", file=display(m)) for m, _ in plans[index + 1:])
            break


def memory_copy(path: Path | None) -> sqlite3.Connection:
    """An in-memory copy of the database (empty when the file does not exist) for --dry-run."""
    mem = sqlite3.connect(":memory:", isolation_level=None)
    mem.execute("PRAGMA foreign_keys = ON")
    source = open_readonly(path) if path is not None else None
    if source is not None:
        try:
            source.backup(mem)
        finally:
            source.close()
    return mem


def record_applied(conn: sqlite3.Connection, table: str, names: list[str], *, lock_timeout: float,
                   where: str) -> list[str]:
    """baseline: add ledger rows for `names` (skipping recorded ones) in one transaction."""
    begin_immediate(conn, lock_timeout, where)
    recorded: list[str] = []
    try:
        for name in names:
            if conn.execute(f"SELECT 1 FROM {table} WHERE name = ?", (name,)).fetchone():
                continue
            conn.execute(insert_suffix(table, name).strip())
            recorded.append(name)
        conn.execute("COMMIT")
    except sqlite3.Error:
        conn.execute("ROLLBACK")
        raise
    return recorded
