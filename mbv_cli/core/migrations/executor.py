"""Run one migration on an SQLite connection as wrangler's local apply does, atomically.

wrangler 4.86 appends the ledger INSERT to the file's text, splits the whole with its splitter and
runs the pieces as one `db.batch()`, which Miniflare wraps in one transaction: all or nothing. mbv
does the same inside `BEGIN IMMEDIATE` (the write lock is taken first, then the ledger is re-read,
so two runs never apply one migration twice) behind an authorizer refusing what D1 refuses.
"""

from __future__ import annotations

import re
import sqlite3
import time
from dataclasses import dataclass

from mbv_cli.core.errors import InputError, LockTimeoutError
from mbv_cli.core.migrations import d1_rules
from mbv_cli.core.migrations.files import MigrationFile
from mbv_cli.core.migrations.ledger import insert_suffix
from mbv_cli.core.migrations.results import MigrationOutcome
from mbv_cli.core.migrations.splitter import Statement, line_column, split_statements


@dataclass(frozen=True, slots=True)
class Piece:
    """One statement SQLite will prepare, with where it starts in the combined text."""

    sql: str
    offset: int


def combined_text(migration: MigrationFile, table: str) -> str:
    return migration.text + insert_suffix(table, migration.name)


def pieces_of(migration: MigrationFile, table: str) -> list[Piece]:
    """The statements of the migration plus its ledger INSERT, split as wrangler splits them.

    A piece of wrangler's split may still hold several statements (workerd runs them all);
    SQLite's own completeness test separates those so Python can run them one by one."""
    try:
        statements = split_statements(combined_text(migration, table))
    except InputError as exc:
        raise InputError(f"{migration.name}: {exc.message}", file=migration.path, hint=exc.hint) from None
    out: list[Piece] = []
    for statement in statements:
        out.extend(_sqlite_pieces(statement))
    return out


def _sqlite_pieces(statement: Statement) -> list[Piece]:
    text = statement.text
    out: list[Piece] = []
    start = 0
    for at in [m.start() for m in re.finditer(";", text)] + [len(text)]:
        chunk = text[start:at + 1]
        if at < len(text) and not sqlite3.complete_statement(chunk):
            continue
        body = chunk.strip()
        if body.strip(";").strip():
            lead = len(chunk) - len(chunk.lstrip())
            index = min(start + lead, len(statement.offsets) - 1)
            out.append(Piece(body, statement.offsets[index] if statement.offsets else 0))
        start = at + 1
    return out


def begin_immediate(conn: sqlite3.Connection, lock_timeout: float, where: str) -> None:
    """Take the write lock, waiting up to `lock_timeout` seconds for another writer."""
    conn.execute(f"PRAGMA busy_timeout = {int(max(lock_timeout, 0) * 1000)}")
    try:
        conn.execute("BEGIN IMMEDIATE")
    except sqlite3.OperationalError as exc:
        if "locked" in str(exc) or "busy" in str(exc):
            raise LockTimeoutError(
                f"{where} is locked by another process; gave up after {lock_timeout:g}s",
                hint="another `mbv migrate apply`, wrangler or `wrangler dev` holds it: wait, stop it "
                     "(mbv db locks shows who), or raise --lock-timeout",
            ) from None
        raise


def locate(migration: MigrationFile, table: str, piece: Piece, message: str) -> tuple[int, int, str | None]:
    """Line and column in the file for an error in `piece`, refined by SQLite's `near "X"`."""
    text = migration.text
    offset = piece.offset
    near = re.search(r'near "([^"]+)"', message)
    if near:
        at = piece.sql.find(near.group(1))
        if at >= 0:
            combined = combined_text(migration, table)
            found = combined.find(near.group(1), offset)
            if found >= 0:
                offset = found
    hint = None
    if offset >= len(text):
        hint = ("the failing statement is the ledger INSERT mbv appends like wrangler: does the file's "
                "last statement lack its ';'?")
        offset = len(text.rstrip())
    line, column = line_column(text, offset)
    return line, column, hint


def run_migration(conn: sqlite3.Connection, migration: MigrationFile, table: str, pieces: list[Piece],
                  *, display: str) -> MigrationOutcome:
    """Run the pieces inside the caller's open transaction; roll back and report on failure."""
    started = time.perf_counter()
    authorizer = d1_rules.install(conn)
    current: Piece | None = None
    try:
        for piece in pieces:
            current = piece
            conn.execute(piece.sql).fetchall()
    except (sqlite3.Error, sqlite3.Warning) as exc:
        conn.set_authorizer(None)
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        message = str(exc)
        if "not authorized" in message and authorizer.reason:
            message = f"{authorizer.reason} (not authorized: SQLITE_AUTH)"
        assert current is not None
        line, column, hint = locate(migration, table, current, message)
        return MigrationOutcome(migration.name, "failed", (time.perf_counter() - started) * 1000, message,
                                display, line, column, _snippet(current.sql), hint)
    conn.set_authorizer(None)
    return MigrationOutcome(migration.name, "applied", (time.perf_counter() - started) * 1000, file=display)


def _snippet(sql: str, limit: int = 160) -> str:
    one = " ".join(sql.split())
    return one if len(one) <= limit else one[: limit - 1] + "…"
