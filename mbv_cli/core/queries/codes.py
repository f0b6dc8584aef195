"""Stable finding codes of `mbv db queries` and the doctor's "queries" area (MBV320-MBV324).

Data only, shaped like `core.bindings_codes` (`CodeDoc`), so `mbv rules`, docs/rules.md and SARIF
document them. Codes are never reused.
"""

from __future__ import annotations

from mbv_cli.core.bindings_codes import CodeDoc
from mbv_cli.core.findings import Severity

QUERY_CODE_DOCS: dict[str, CodeDoc] = {
    d.code: d
    for d in (
        CodeDoc(
            "MBV320", "query-does-not-prepare", "error",
            "A SQL statement in the Worker's code does not prepare against the binding's schema.",
            "Prepares each statement the code sends to a D1 binding (`EXPLAIN QUERY PLAN`, which compiles and "
            "never runs it) against the binding's local D1 file, or, without local state, against a database "
            "built in memory by replaying `migrations_dir`. An unknown table or column names the migration that "
            "would add it when one does (a migration the local database has not applied yet).",
            "D1 answers `D1_ERROR: no such column: ...` at run time, on the first request that reaches the "
            "statement: a deploy that passes every type check can still fail on every request of a route.",
            'env.DB.prepare("SELECT id, avatar FROM users WHERE id = ?1")   -- users has no column avatar',
            "ALTER TABLE users ADD COLUMN avatar TEXT;   -- in a new migration, applied before the deploy",
            "Statements built at run time (`ORDER BY ${sort}`) cannot be known and are counted as dynamic. "
            "A tagged-template helper's interpolations are taken as bound values. Schema the Worker applies "
            "itself counts: DDL it sends or holds as string literals, and CREATE statements of other `.sql` "
            "files (a `schema.sql` beside or above the Worker). A Durable Object's own SQLite "
            "(`ctx.storage.sql.exec`, an Agent's `this.sql`) is not D1 and is not checked. A review of the "
            "first build on 47 random repositories found 1 of 26 findings right (tables the code created itself, "
            "Durable Object SQL); these cases were fixed after it and are not re-measured yet.",
        ),
        CodeDoc(
            "MBV321", "full-table-scan", "warning",
            "A statement scans a whole table that holds many rows, and an index would serve it.",
            "Reads SQLite's `EXPLAIN QUERY PLAN` for each statement; a `SCAN <table>` of a table with at least "
            "`--min-rows` rows (counted in the local database, or taken from `--assume-rows` / mbv.toml "
            "`query-assume-rows`) is reported when an index on the columns the statement filters on turns the "
            "scan into a SEARCH (mbv tries it on an in-memory copy of the schema), or when the filter is a "
            "`LIKE`, which an ordinary index cannot serve.",
            "D1 bills and limits by rows read: a scan of 20,000 rows on a hot route reads 20,000 rows per "
            "request, and its latency grows with the table.",
            'env.DB.prepare("SELECT * FROM boosts WHERE author_id = ?1")   -- boosts: 20,000 rows, no index',
            "CREATE INDEX idx_boosts_author_id ON boosts (author_id);",
            "Without local data and without --assume-rows, row counts are unknown and no scan is reported. "
            "The plan is SQLite's on the local schema; D1 runs the same SQLite planner.",
        ),
        CodeDoc(
            "MBV322", "column-without-type", "warning",
            "A column is declared without a type, so SQLite stores each value as it was bound.",
            "Lists user-table columns whose declared type is empty (BLOB affinity), from the local database or "
            "the replayed migrations; with local data it says how many rows hold text and how many numbers.",
            "With no type there is no conversion: an id bound from FormData or a URL is TEXT '123', one bound "
            "from a number is INTEGER 123, and `WHERE id = ?` with the other kind finds nothing.",
            "CREATE TABLE post_views (post_id, day TEXT NOT NULL, views INTEGER NOT NULL);",
            "CREATE TABLE post_views (post_id TEXT NOT NULL, day TEXT NOT NULL, views INTEGER NOT NULL);",
            "Columns of virtual tables (FTS5) are untyped by design and are skipped.",
        ),
        CodeDoc(
            "MBV323", "numeric-affinity-for-boolean-or-date", "info",
            "A BOOLEAN or DATE/DATETIME/TIMESTAMP column has NUMERIC affinity in SQLite.",
            "Lists user-table columns whose declared type maps to NUMERIC affinity although its name suggests a "
            "boolean or a date (SQLite has neither type).",
            "NUMERIC affinity turns '1' into 1 but keeps 'true' and ISO dates as TEXT; JavaScript `true` is "
            "bound by D1 as 1. A column fed from both JSON and form data ends up holding 1 and 'true', and "
            "`WHERE active = 1` misses half of them.",
            "CREATE TABLE users (id TEXT PRIMARY KEY, active BOOLEAN);",
            "CREATE TABLE users (id TEXT PRIMARY KEY, active INTEGER NOT NULL CHECK (active IN (0, 1)));",
            "Informational: the column may be fed consistently. MBV324 reports it when the data is mixed.",
        ),
        CodeDoc(
            "MBV324", "mixed-storage-classes", "warning",
            "The rows of a column hold both text and numbers (or blobs beside either).",
            "Samples the local database read-only (`typeof()` over the first --sample rows per table, 2,000 by default) and counts "
            "storage classes per column; NULLs and integer/real mixes are not reported.",
            "Comparisons in SQLite depend on the storage class: `WHERE id = ?` with 123 does not match TEXT "
            "'123', and ORDER BY puts every number before every text value.",
            "posts.id: 120 TEXT ('123' from a form) and 880 INTEGER values",
            "Convert once (`UPDATE posts SET id = CAST(id AS INTEGER) WHERE typeof(id) = 'text'`), then bind "
            "one type from the code and declare the column's type.",
            "A sample: rows past --sample are not read. Local data only: the deployed database may differ.",
        ),
    )
}


def default_severity(code: str) -> Severity:
    return Severity(QUERY_CODE_DOCS[code].severity)
