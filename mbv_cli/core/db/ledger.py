"""Pending migrations, read-only: migration files against the ledger table, as wrangler 4.86 compares them.

wrangler `d1/migrations/helpers.ts` 131-146: the top level of `migrations_dir`, every name ending
in `.sql` (case-sensitive); applied = the `name` column of `migrations_table`; pending = a pure set
difference by file name (no checksums). `mbv migrate` has the full runner; this is only the view
`mbv db health` needs, and it never creates the ledger table.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from mbv_cli.core.db.source import QuerySource, quote_ident, quote_text


@dataclass(frozen=True, slots=True)
class LedgerStatus:
    files: list[str]
    applied: list[str]
    table_exists: bool

    @property
    def pending(self) -> list[str]:
        done = set(self.applied)
        return [f for f in self.files if f not in done]

    @property
    def missing_files(self) -> list[str]:
        present = set(self.files)
        return [a for a in self.applied if a not in present]


def migration_files(directory: Path) -> list[str]:
    """Names of the top-level `*.sql` entries, listed exactly as `mbv migrate` lists them (wrangler's
    UTF-16 code-unit order); no directory means no files."""
    from mbv_cli.core.migrations.files import list_migration_names

    if not directory.is_dir():
        return []
    return list_migration_names(directory)


def read_ledger(source: QuerySource, table: str) -> list[str] | None:
    """Applied names in id order, or None when the ledger table does not exist."""
    found = source.rows(f"SELECT name FROM sqlite_master WHERE type = 'table' AND name = {quote_text(table)}")
    if not found:
        return None
    return [str(r["name"]) for r in source.rows(f"SELECT name FROM {quote_ident(table)} ORDER BY id")]


def ledger_status(source: QuerySource, directory: Path, table: str) -> LedgerStatus:
    applied = read_ledger(source, table)
    return LedgerStatus(files=migration_files(directory), applied=applied or [], table_exists=applied is not None)
