"""wrangler's ledger table (`d1_migrations` unless `migrations_table` says otherwise), byte for byte.

wrangler 4.86 `d1/migrations/helpers.ts` initMigrationsTable and `apply.ts`: the CREATE TABLE text,
`SELECT * FROM <table> ORDER BY id`, and the INSERT appended to each migration's text (4.86 does
not escape the name; mbv doubles single quotes, as wrangler >= 4.105 does, which changes nothing
for ordinary names).
"""

from __future__ import annotations

import re
import sqlite3
from dataclasses import dataclass
from typing import Any

from mbv_cli.core.errors import InputError

LEDGER_COLUMNS = ("id", "name", "applied_at")
_IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def create_table_sql(table: str) -> str:
    return (f"CREATE TABLE IF NOT EXISTS {table}(\n"
            "\t\tid         INTEGER PRIMARY KEY AUTOINCREMENT,\n"
            "\t\tname       TEXT UNIQUE,\n"
            "\t\tapplied_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP NOT NULL\n"
            ");")


def select_sql(table: str) -> str:
    return f"SELECT *\n\t\tFROM {table}\n\t\tORDER BY id"


def insert_suffix(table: str, name: str) -> str:
    """What wrangler appends to a migration's text before running it."""
    quoted = name.replace("'", "''")
    return (f"\n\t\t\t\t\t\t\t\tINSERT INTO {table} (name)\n"
            f"\t\t\t\t\t\t\t\tvalues ('{quoted}');\n\t\t\t\t\t\t")


def check_table_name(table: str) -> None:
    """Called before anything is opened or created: the name must work pasted unquoted, as wrangler pastes it.

    Besides the character check, the statements wrangler builds are tried on an empty in-memory
    database, which rejects exactly the SQL keywords SQLite will not take as a bare name (`order`).
    """
    if not _IDENTIFIER.match(table):
        raise InputError(f"migrations_table {table!r} is not a plain SQL identifier",
                         hint="use letters, digits and underscores (wrangler pastes it into SQL unquoted)")
    probe = sqlite3.connect(":memory:")
    try:
        probe.execute(create_table_sql(table))
        probe.execute(select_sql(table)).fetchall()
        probe.execute(insert_suffix(table, "0001_probe.sql").strip())
        probe.execute(f"SELECT id, name, applied_at FROM {table} WHERE name = ? ORDER BY id", ("x",)).fetchall()
    except sqlite3.Error:
        raise InputError(f"migrations_table {table!r} is an SQL keyword, not usable as a bare table name",
                         hint="choose another name, e.g. d1_migrations (wrangler pastes it into SQL unquoted)") from None
    finally:
        probe.close()


@dataclass(frozen=True, slots=True)
class LedgerRow:
    id: int
    name: str
    applied_at: str | None

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "name": self.name, "applied_at": self.applied_at}


def rows_from_dicts(rows: list[dict[str, Any]]) -> list[LedgerRow]:
    return [LedgerRow(int(r.get("id") or 0), str(r.get("name")), r.get("applied_at")) for r in rows]


def check_ledger_columns(table: str, columns: list[str], *, where: str) -> None:
    """The ledger must have wrangler's three columns; anything else would make wrangler or mbv misread it."""
    found = [c.lower() for c in columns]
    if sorted(found) != sorted(LEDGER_COLUMNS):
        raise InputError(
            f"ledger table {table} in {where} has columns ({', '.join(columns) or 'none'}), not wrangler's "
            "(id, name, applied_at)",
            hint=f"point migrations_table at a free name, or rename the table {table} out of the way",
        )
