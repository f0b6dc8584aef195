"""Schema smells: foreign keys without a covering index, tables without a primary key.

The index rule is the logic of the sqlite3 shell's `.lint fkey-indexes` (shell.c `lintFkeyIndexes`):
a foreign key's child columns are covered when some index's leftmost columns are exactly those
columns (in any order), or when the key is the table's INTEGER PRIMARY KEY (the rowid). Without
that index every delete or key update of a parent row scans the child table.
Internal tables are skipped: `sqlite_*`, wrangler/workerd's `_cf_*` (e.g. `_cf_METADATA`),
virtual tables and their shadow tables.
"""

from __future__ import annotations

from dataclasses import dataclass

from mbv_cli.core.db.source import QuerySource, quote_ident, quote_text


@dataclass(frozen=True, slots=True)
class UnindexedForeignKey:
    table: str
    columns: tuple[str, ...]
    parent: str

    def suggestion(self) -> str:
        name = f"idx_{self.table}_{'_'.join(self.columns)}"
        cols = ", ".join(quote_ident(c) for c in self.columns)
        return f"CREATE INDEX {quote_ident(name)} ON {quote_ident(self.table)}({cols});"


@dataclass(frozen=True, slots=True)
class SchemaLint:
    tables: list[str]
    unindexed_foreign_keys: list[UnindexedForeignKey]
    tables_without_primary_key: list[str]


def is_internal(name: str) -> bool:
    lowered = name.lower()
    return lowered.startswith("sqlite_") or lowered.startswith("_cf_")


def user_tables(source: QuerySource) -> list[str]:
    rows = source.rows("SELECT name, sql FROM sqlite_master WHERE type = 'table' ORDER BY name")
    virtual = [str(r["name"]) for r in rows if str(r.get("sql") or "").upper().startswith("CREATE VIRTUAL")]
    names = []
    for r in rows:
        name = str(r["name"])
        if is_internal(name) or name in virtual or any(name.startswith(v + "_") for v in virtual):
            continue
        names.append(name)
    return names


def _without_rowid(source: QuerySource, table: str) -> bool:
    rows = source.rows(f"SELECT sql FROM sqlite_master WHERE type = 'table' AND name = {quote_text(table)}")
    sql = str(rows[0].get("sql") or "") if rows else ""
    return "WITHOUT ROWID" in " ".join(sql.upper().split())


def _index_prefixes(source: QuerySource, table: str) -> list[list[str]]:
    prefixes = []
    for index in source.rows(f"PRAGMA index_list({quote_ident(table)})"):
        cols = source.rows(f"PRAGMA index_info({quote_ident(str(index['name']))})")
        ordered = [str(c["name"]) for c in sorted(cols, key=lambda c: int(c["seqno"])) if c.get("name") is not None]
        prefixes.append(ordered)
    return prefixes


def lint_schema(source: QuerySource, tables: list[str] | None = None) -> SchemaLint:
    tables = user_tables(source) if tables is None else tables
    unindexed: list[UnindexedForeignKey] = []
    no_pk: list[str] = []
    for table in tables:
        info = source.rows(f"PRAGMA table_info({quote_ident(table)})")
        pk_cols = [str(c["name"]) for c in sorted(info, key=lambda c: int(c["pk"])) if int(c["pk"] or 0) > 0]
        if not pk_cols and not _without_rowid(source, table):
            no_pk.append(table)
        rowid_alias = (pk_cols[0] if len(pk_cols) == 1 and any(
            str(c["name"]) == pk_cols[0] and str(c.get("type") or "").upper() == "INTEGER" for c in info) else None)
        fks: dict[int, list[tuple[int, str, str]]] = {}
        for fk in source.rows(f"PRAGMA foreign_key_list({quote_ident(table)})"):
            fks.setdefault(int(fk["id"]), []).append((int(fk["seq"]), str(fk["from"]), str(fk["table"])))
        if not fks:
            continue
        prefixes = _index_prefixes(source, table)
        for parts in fks.values():
            columns = tuple(c for _, c, _ in sorted(parts))
            if len(columns) == 1 and columns[0] == rowid_alias:
                continue
            wanted = set(columns)
            if any(len(p) >= len(columns) and set(p[: len(columns)]) == wanted for p in prefixes):
                continue
            unindexed.append(UnindexedForeignKey(table, columns, parts[0][2]))
    return SchemaLint(tables, unindexed, no_pk)
