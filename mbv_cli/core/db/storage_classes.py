"""How many rows of each column hold each SQLite storage class (`typeof()`), sampled read-only.

SQLite stores a value with the storage class its column's affinity gives it (datatype3.html): a column
without a type keeps whatever the code bound, so '123' and 123 can sit side by side and compare unequal.
Used by `mbv db health --stats` (a per-column table) and by the queries check (MBV324).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

DEFAULT_SAMPLE_ROWS = 2_000
CLASSES = ("integer", "real", "text", "blob", "null")


@dataclass(frozen=True, slots=True)
class ColumnClasses:
    """How many sampled rows of a column hold each storage class."""

    table: str
    column: str
    declared: str
    counts: Mapping[str, int]

    def to_dict(self) -> dict[str, Any]:
        return {"table": self.table, "column": self.column, "declared": self.declared, "counts": dict(self.counts)}

    @property
    def mixed(self) -> bool:
        """Text beside numbers, or blobs beside anything: comparisons then depend on the row."""
        kinds = {k for k, n in self.counts.items() if n and k != "null"}
        return ("text" in kinds and bool(kinds & {"integer", "real"})) or ("blob" in kinds and len(kinds) > 1)


def _q(name: str) -> str:
    return name.replace('"', '""')


def sample_table(conn: sqlite3.Connection, table: str, columns: Sequence[tuple[str, str]],
                 limit: int = DEFAULT_SAMPLE_ROWS) -> list[ColumnClasses]:
    """(column, declared type) pairs of `table` -> their storage classes over at most `limit` rows."""
    if not columns:
        return []
    # one pass in SQLite, counted there: five sums per column over the first `limit` rows
    sums = ", ".join(f"""sum(typeof("{_q(name)}") = '{kind}')""" for name, _ in columns for kind in CLASSES)
    try:
        # the first `limit` rows by rowid, read in place (typeof() does not load the values)
        row = conn.execute(f'SELECT {sums} FROM "{_q(table)}" WHERE rowid <= coalesce((SELECT rowid FROM '
                           f'"{_q(table)}" ORDER BY rowid LIMIT 1 OFFSET {int(limit) - 1}), 9223372036854775807)'
                           ).fetchone()
    except sqlite3.OperationalError:  # WITHOUT ROWID: a subquery, which copies the values
        try:
            row = conn.execute(f'SELECT {sums} FROM (SELECT * FROM "{_q(table)}" LIMIT {int(limit)})').fetchone()
        except sqlite3.Error:
            return []
    except sqlite3.Error:
        return []
    counts: list[dict[str, int]] = []
    for index in range(len(columns)):
        values = row[index * len(CLASSES):(index + 1) * len(CLASSES)]
        counts.append({kind: int(n) for kind, n in zip(CLASSES, values, strict=True) if n})
    return [ColumnClasses(table, name, declared, bucket) for (name, declared), bucket in zip(columns, counts, strict=True)]


def sample_database(conn: sqlite3.Connection, tables: Sequence[str], limit: int = DEFAULT_SAMPLE_ROWS) -> list[ColumnClasses]:
    out: list[ColumnClasses] = []
    for table in tables:
        columns = [(str(r[1]), str(r[2] or "")) for r in conn.execute(f'PRAGMA table_xinfo("{_q(table)}")')
                   if not int(r[6])]
        out.extend(sample_table(conn, table, columns, limit))
    return out
