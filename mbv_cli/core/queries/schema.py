"""The schema a binding's statements are checked against, in an in-memory database mbv owns.

With a local D1 file (where wrangler keeps it), its schema is copied into memory from `sqlite_master`
(opened read-only by `db.sqlite_file`: nothing is created or written), and the file is kept open only for
row counts and storage-class samples. Without one, the migrations of `migrations_dir` are replayed in
memory in wrangler's order. Either way the migrations are replayed once more to learn which migration
adds which table and column, so a statement that fails can name the migration that would fix it.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field
from pathlib import Path

from mbv_cli.core.errors import MbvError

INTERNAL_PREFIXES = ("sqlite_", "_cf_")


@dataclass(slots=True)
class ColumnOrigin:
    migration: str
    path: Path
    line: int


@dataclass(slots=True)
class BindingSchema:
    """An in-memory copy of the schema, where mbv may create probe indexes, plus what it came from."""

    conn: sqlite3.Connection
    mode: str  # "local" (the local D1 file) or "migrations" (replayed in memory)
    data: sqlite3.Connection | None  # the local file, read-only, for counts and samples
    path: Path | None
    migrations_table: str
    added_by: dict[str, ColumnOrigin] = field(default_factory=dict)  # "table" / "table.column" -> origin
    applied: set[str] | None = None  # ledger names of the local file
    notes: list[str] = field(default_factory=list)
    _rows: dict[str, int | None] = field(default_factory=dict)

    def close(self) -> None:
        self.conn.close()
        if self.data is not None:
            self.data.close()

    def user_tables(self) -> list[str]:
        kinds = {row[1]: row[2] for row in self.conn.execute("PRAGMA table_list")}
        virtual_parents = [name for name, kind in kinds.items() if kind == "virtual"]
        out = []
        for name, kind in kinds.items():
            if kind != "table" or name.startswith(INTERNAL_PREFIXES) or name == self.migrations_table:
                continue
            if any(name.startswith(parent + "_") for parent in virtual_parents):
                continue  # FTS5 shadow tables on older SQLite, where table_list says "table"
            out.append(name)
        return sorted(out)

    def row_count(self, table: str) -> int | None:
        """Rows in the local file's table (None: no local data)."""
        if self.data is None:
            return None
        if table not in self._rows:
            try:
                row = self.data.execute(f'SELECT count(*) FROM "{_ident(table)}"').fetchone()
                self._rows[table] = int(row[0])
            except sqlite3.Error:
                self._rows[table] = None
        return self._rows[table]


def _ident(name: str) -> str:
    return name.replace('"', '""')


def build_schema(*, local_file: Path | None, migrations_dir: Path | None, migrations_table: str,
                 busy_timeout_ms: int = 500) -> BindingSchema | None:
    """The schema of a binding: its local file when it exists, else its replayed migrations; None when
    there is neither."""
    replay, added_by, notes = _replay_migrations(migrations_dir)
    if local_file is not None and local_file.is_file():
        from mbv_cli.core.db.sqlite_file import inspect_file, open_read_only

        opened = open_read_only(inspect_file(local_file), busy_timeout_ms=busy_timeout_ms)
        data = opened.connection
        try:
            copy = _copy_schema(data)
            applied = _applied(data, migrations_table)
        except sqlite3.Error as exc:
            data.close()
            replay.close()
            raise MbvError(f"{local_file}: cannot read the schema ({exc})",
                           hint="mbv db health TARGET says what is wrong with the file") from None
        replay.close()
        return BindingSchema(copy, "local", data, local_file, migrations_table, added_by, applied, notes)
    if migrations_dir is None or not migrations_dir.is_dir():
        replay.close()
        return None
    return BindingSchema(replay, "migrations", None, None, migrations_table, added_by, None, notes)


def _copy_schema(source: sqlite3.Connection) -> sqlite3.Connection:
    copy = sqlite3.connect(":memory:", isolation_level=None)
    rows = source.execute(
        "SELECT type, name, sql FROM sqlite_master WHERE sql IS NOT NULL AND name NOT LIKE 'sqlite_%' "
        "ORDER BY CASE type WHEN 'table' THEN 0 WHEN 'view' THEN 1 WHEN 'index' THEN 2 ELSE 3 END, rowid"
    ).fetchall()
    virtual = [name for kind, name, sql in rows if kind == "table" and str(sql).upper().startswith("CREATE VIRTUAL")]
    for kind, name, sql in rows:
        if kind == "table" and any(name.startswith(v + "_") for v in virtual):
            continue  # shadow tables come back with their virtual table
        try:
            copy.execute(sql)
        except sqlite3.Error:
            continue  # a module this SQLite lacks: the statements on it will say so
    return copy


def _applied(source: sqlite3.Connection, table: str) -> set[str] | None:
    found = source.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (table,)).fetchone()
    if not found:
        return None
    return {str(r[0]) for r in source.execute(f'SELECT name FROM "{_ident(table)}"')}


def _replay_migrations(directory: Path | None) -> tuple[sqlite3.Connection, dict[str, ColumnOrigin], list[str]]:
    conn = sqlite3.connect(":memory:", isolation_level=None)
    added: dict[str, ColumnOrigin] = {}
    notes: list[str] = []
    if directory is None or not directory.is_dir():
        return conn, added, notes
    from mbv_cli.core.migrations.files import apply_order, list_migration_names, read_migration

    try:
        names = apply_order(list_migration_names(directory))
    except MbvError as exc:
        notes.append(exc.message)
        return conn, added, notes
    before = _columns(conn)
    for name in names:
        try:
            migration = read_migration(directory, name)
        except MbvError as exc:
            notes.append(exc.message)
            continue
        try:
            conn.executescript(migration.text)
        except sqlite3.Error as exc:
            notes.append(f"{name} does not apply in memory ({exc}); later statements may look unknown")
            if conn.in_transaction:
                conn.execute("ROLLBACK")
        after = _columns(conn)
        for key in after.keys() - before.keys():
            added[key] = ColumnOrigin(name, migration.path, _line_of(migration.text, key))
        before = after
    return conn, added, notes


def _columns(conn: sqlite3.Connection) -> dict[str, None]:
    keys: dict[str, None] = {}
    for (table,) in conn.execute("SELECT name FROM sqlite_master WHERE type IN ('table', 'view')").fetchall():
        keys[str(table).lower()] = None
        try:
            rows = conn.execute(f'PRAGMA table_xinfo("{_ident(str(table))}")').fetchall()
        except sqlite3.Error:  # a view over a column no migration creates: SQLite cannot list its columns
            continue
        for row in rows:
            keys[f"{str(table).lower()}.{str(row[1]).lower()}"] = None
    return keys


def _line_of(text: str, key: str) -> int:
    """The line of a migration that defines `table` or `table.column` (1 when it cannot be told)."""
    import re

    table, _, column = key.partition(".")
    lines = text.splitlines()
    start = 0
    for index, line in enumerate(lines):
        if re.search(rf'\b(?:TABLE|VIEW)\s+(?:IF\s+NOT\s+EXISTS\s+)?["`\[]?{re.escape(table)}\b', line, re.I):
            start = index
            if not column:
                return index + 1
            break
    if column:
        for index in range(start, len(lines)):
            if re.search(rf'(?:^|[\s(,])["`\[]?{re.escape(column)}["`\]]?(?:\s|,|$)', lines[index], re.I):
                return index + 1
    return start + 1 if start else 1


SCHEMA_FILE_SKIP = frozenset({"node_modules", ".wrangler", ".git", "dist", "build", ".open-next", "migrations"})
MAX_SCHEMA_FILE_BYTES = 2 * 1024 * 1024


def apply_schema_files(schema: BindingSchema, directory: Path, migrations_dir: Path | None) -> list[str]:
    """DDL of the Worker's other `.sql` files (a `schema.sql` applied with `wrangler d1 execute
    --file`), applied to mbv's in-memory copy so the tables they create count; returns their names.

    Only CREATE and ALTER TABLE statements are taken, at most two folders deep (and the top level of
    the two folders above the Worker's), never from migrations_dir (already replayed) or build and
    dependency folders."""
    import re
    import sqlite3

    used: list[str] = []
    skip_dir = migrations_dir.resolve() if migrations_dir is not None else None
    candidates = [p for depth in ("*.sql", "*/*.sql", "*/*/*.sql") for p in sorted(directory.glob(depth))]
    # a monorepo keeps its schema.sql beside or above the Worker's folder (workers/wrangler.toml, ./schema.sql)
    candidates += [p for parent in list(directory.resolve().parents)[:2] for p in sorted(parent.glob("*.sql"))]
    for path in candidates:
        try:
            rel = path.relative_to(directory).parts
        except ValueError:
            rel = (path.name,)
        if any(part in SCHEMA_FILE_SKIP for part in rel[:-1]):
            continue
        if skip_dir is not None and skip_dir in path.resolve().parents:
            continue
        try:
            if not path.is_file() or path.stat().st_size > MAX_SCHEMA_FILE_BYTES:
                continue
            text = path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            continue
        if not re.search(r"\bCREATE\s+(?:VIRTUAL\s+)?TABLE\b", text, re.I):
            continue
        start = 0
        applied = False
        for match in re.finditer(";", text):
            chunk = text[start:match.end()]
            if not sqlite3.complete_statement(chunk):
                continue
            start = match.end()
            body = re.sub(r"^(?:\s*--[^\n]*\n|\s+)+", "", chunk)
            if re.match(r"(?:CREATE|ALTER\s+TABLE)\b", body, re.I):
                try:
                    schema.conn.execute(body)
                    applied = True
                except (sqlite3.Error, sqlite3.Warning):
                    continue
        if applied:
            used.append(path.name)
    return used
