"""A database's schema as comparable data, and the differences between two of them.

Tables (columns from `PRAGMA table_xinfo`), indexes (`index_xinfo`, uniqueness, partial WHERE),
triggers and views (their SQL with whitespace folded). Internal tables are left out: `sqlite_*`,
D1's `_cf_*` (`_cf_METADATA` in every local file) and the migrations ledger.
"""

from __future__ import annotations

import re
import sqlite3
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True, slots=True)
class Column:
    name: str
    type: str
    notnull: bool
    default: str | None
    pk: int
    hidden: int

    def describe(self) -> str:
        parts = [self.type or "(no type)"]
        if self.notnull:
            parts.append("NOT NULL")
        if self.default is not None:
            parts.append(f"DEFAULT {self.default}")
        if self.pk:
            parts.append("PRIMARY KEY")
        return " ".join(parts)


@dataclass(frozen=True, slots=True)
class Index:
    name: str
    table: str
    unique: bool
    columns: tuple[str, ...]
    where: str | None


@dataclass(slots=True)
class Schema:
    tables: dict[str, list[Column]] = field(default_factory=dict)
    indexes: dict[str, Index] = field(default_factory=dict)
    triggers: dict[str, str] = field(default_factory=dict)
    views: dict[str, str] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "tables": {t: [c.name for c in cols] for t, cols in sorted(self.tables.items())},
            "indexes": sorted(self.indexes),
            "triggers": sorted(self.triggers),
            "views": sorted(self.views),
        }


def _fold(sql: str | None) -> str:
    return re.sub(r"\s+", " ", sql or "").strip().rstrip(";").strip()


def is_internal(name: str, ledger: str) -> bool:
    lowered = name.lower()
    return lowered.startswith("sqlite_") or lowered.startswith("_cf_") or lowered == ledger.lower()


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def read_schema(conn: sqlite3.Connection, ledger: str) -> Schema:
    """The schema of the main database of `conn`."""
    schema = Schema()
    rows = conn.execute("SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY type, name").fetchall()
    for kind, name, table, sql in rows:
        if is_internal(name, ledger) or is_internal(table, ledger):
            continue
        if kind == "table":
            cols = conn.execute(f"PRAGMA table_xinfo({_quote(name)})").fetchall()
            schema.tables[name] = [Column(c[1], (c[2] or "").upper(), bool(c[3]), c[4], int(c[5]),
                                          int(c[6]) if len(c) > 6 else 0) for c in cols]
        elif kind == "index" and sql:
            info = conn.execute(f"PRAGMA index_xinfo({_quote(name)})").fetchall()
            columns = tuple(str(r[2]) if r[2] is not None else "<expr>" for r in info if r[5])
            where_at = _fold(sql).upper().rfind(" WHERE ")
            where = _fold(sql)[where_at + 7:] if where_at >= 0 else None
            unique = bool(re.match(r"\s*CREATE\s+UNIQUE\b", sql, re.I))
            schema.indexes[name] = Index(name, table, unique, columns, where)
        elif kind == "trigger":
            schema.triggers[name] = _fold(sql)
        elif kind == "view":
            schema.views[name] = _fold(sql)
    return schema


def schema_from_master_rows(rows: list[tuple[str, str, str, str | None]], ledger: str) -> Schema:
    """Rebuild a schema from `sqlite_master` rows (e.g. fetched from remote D1) in memory."""
    conn = sqlite3.connect(":memory:")
    try:
        order = {"table": 0, "index": 1, "view": 2, "trigger": 3}
        for _kind, name, _table, sql in sorted(rows, key=lambda r: order.get(r[0], 9)):
            if not sql or name.lower().startswith("sqlite_"):
                continue
            try:
                conn.execute(sql)
            except sqlite3.Error:
                continue  # e.g. an FTS5 shadow table, already made by its virtual table
        return read_schema(conn, ledger)
    finally:
        conn.close()


@dataclass(frozen=True, slots=True)
class SchemaDifference:
    kind: str  # table, column, index, trigger, view
    name: str
    message: str

    def to_dict(self) -> dict[str, str]:
        return {"kind": self.kind, "name": self.name, "message": self.message}


def diff_schemas(expected: Schema, actual: Schema) -> list[SchemaDifference]:
    """How `actual` (the database) differs from `expected` (the applied migrations, replayed)."""
    out: list[SchemaDifference] = []
    for table in sorted(set(expected.tables) | set(actual.tables)):
        if table not in actual.tables:
            out.append(SchemaDifference("table", table, f"table {table} is missing: a migration creates it"))
            continue
        if table not in expected.tables:
            out.append(SchemaDifference("table", table, f"table {table} exists but no migration creates it"))
            continue
        want = {c.name: c for c in expected.tables[table]}
        have = {c.name: c for c in actual.tables[table]}
        for col in have:
            if col not in want:
                out.append(SchemaDifference("column", f"{table}.{col}",
                                            f"table {table} has column {col} that no migration creates"))
        for col, spec in want.items():
            if col not in have:
                out.append(SchemaDifference("column", f"{table}.{col}",
                                            f"table {table} lacks column {col} that the migrations create"))
            elif have[col] != spec:
                out.append(SchemaDifference("column", f"{table}.{col}",
                                            f"column {table}.{col} is {have[col].describe()}, the migrations "
                                            f"make it {spec.describe()}"))
    for label, want_map, have_map in (("index", expected.indexes, actual.indexes),
                                      ("trigger", expected.triggers, actual.triggers),
                                      ("view", expected.views, actual.views)):
        for name in sorted(set(want_map) | set(have_map)):
            if name not in have_map:
                out.append(SchemaDifference(label, name, f"{label} {name} is missing: a migration creates it"))
            elif name not in want_map:
                out.append(SchemaDifference(label, name, f"{label} {name} exists but no migration creates it"))
            elif want_map[name] != have_map[name]:  # type: ignore[comparison-overlap]
                out.append(SchemaDifference(label, name, f"{label} {name} differs from what the migrations create"))
    return out
