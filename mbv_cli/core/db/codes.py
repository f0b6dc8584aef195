"""Stable finding codes of `mbv db health` (MBV3xx), each documented with fixed sections.

Data only, shaped like `core.bindings_codes` (`CodeDoc`), so the doctor's rule registry and the
SARIF renderer can document these codes too. Codes are never reused. MBV301-MBV305 are named by
the doctor issue; MBV306 onwards are the db capability's own. MBV302 (migration drift) belongs to
`mbv migrate`, which documents it.
"""

from __future__ import annotations

from mbv_cli.core.bindings_codes import CodeDoc
from mbv_cli.core.findings import Severity

DB_CODE_DOCS: dict[str, CodeDoc] = {
    d.code: d
    for d in (
        CodeDoc(
            "MBV301", "pending-migrations", "warning",
            "Migration files are not yet recorded in the database's ledger table.",
            "Compares the top-level `*.sql` files of the binding's `migrations_dir` with the `name` column of "
            "its `migrations_table` (default `d1_migrations`), as `wrangler d1 migrations list` does.",
            "The code is usually written against the newest schema; a database that lacks a migration fails "
            "at run time with `no such table` or `no such column`.",
            "migrations/0002_add_email.sql exists; d1_migrations has only 0001_init.sql",
            "wrangler d1 migrations apply <DB> --local   (or --remote)",
            "File names only, like wrangler: a renamed file looks pending and its old name looks gone (MBV310).",
        ),
        CodeDoc(
            "MBV303", "database-corrupt", "error",
            "SQLite reports the database as corrupt, truncated or unreadable.",
            "Runs `PRAGMA quick_check` (`--full`: `integrity_check`) and compares the file's size with the page "
            "count in its header; a file SQLite cannot read at all is reported here too.",
            "Queries on damaged pages fail with `database disk image is malformed` or return wrong rows; "
            "writes can spread the damage.",
            "quick_check: *** in database main *** Page 9: btreeInitPage() returns error code 11",
            "Restore from a backup (for D1: Time Travel), or salvage with `sqlite3 FILE .recover`.",
            "quick_check skips index-content checks that integrity_check does; remote D1 may refuse "
            "integrity_check (\"not available remotely\").",
        ),
        CodeDoc(
            "MBV304", "wal-too-large", "warning",
            "The -wal file is larger than 16 MiB and larger than the database itself.",
            "Compares the size of `<db>-wal` with the database file.",
            "SQLite checkpoints the WAL back into the database every ~1000 pages, unless a reader keeps an old "
            "snapshot open: then the WAL only grows, reads slow down and disk fills (checkpoint starvation).",
            "app.sqlite 2 MiB, app.sqlite-wal 300 MiB",
            "End the long-lived reader (a stuck `wrangler dev`, a shell), then `PRAGMA wal_checkpoint(TRUNCATE)`.",
            "A WAL file keeps its high-water size after a checkpoint unless truncated, so the warning can "
            "outlive its cause until the next TRUNCATE checkpoint.",
        ),
        CodeDoc(
            "MBV305", "write-lock-held", "warning",
            "Another process holds a lock that would make a writer wait right now.",
            "Probes SQLite's lock bytes with `fcntl(F_GETLK)` (rollback journal: RESERVED, PENDING, EXCLUSIVE, "
            "and SHARED, since a commit waits for readers; WAL: the write and recovery locks in `-shm`) and names "
            "the holder from `/proc/locks`.",
            "`wrangler d1 migrations apply --local` or a test run against the same file then fails with "
            "SQLITE_BUSY / `database is locked`.",
            "RESERVED on db held by python seed.py (PID 4242)",
            "Finish or stop that process before migrating; `mbv db locks TARGET --watch` shows when it lets go.",
            "A snapshot: the lock may be released a moment later. POSIX and OFD locks only.",
        ),
        CodeDoc(
            "MBV306", "foreign-key-violation", "error",
            "Rows reference parent rows that do not exist, or a foreign key cannot be checked.",
            "Runs `PRAGMA foreign_key_check` and counts violations per child and parent table; a foreign key "
            "whose parent columns are not a PRIMARY KEY or UNIQUE (\"foreign key mismatch\") is reported too.",
            "D1 enforces foreign keys; rows that already violate them make later updates and migrations fail, "
            "and joins silently drop the orphans.",
            "posts.author_id = 99, but authors has no row 99",
            "Delete or fix the orphans (PRAGMA foreign_key_check(posts) lists their rowids), then add the "
            "missing parent rows or ON DELETE actions.",
            "Checks what SQLite checks: deferred and disabled constraints are included, CHECK constraints are not.",
        ),
        CodeDoc(
            "MBV307", "foreign-key-without-index", "warning",
            "A foreign key's child columns have no index.",
            "The sqlite3 shell's `.lint fkey-indexes` logic: some index's leftmost columns must be exactly the "
            "child columns (in any order), or the key must be the table's INTEGER PRIMARY KEY.",
            "Every delete or key update of a parent row scans the whole child table to enforce the key; on D1 "
            "that costs rows read and time.",
            "CREATE TABLE posts (id INTEGER PRIMARY KEY, author_id INTEGER REFERENCES authors(id));",
            'CREATE INDEX "idx_posts_author_id" ON "posts"("author_id");',
            "Collations are not compared; an index with a different collation still counts as covering.",
        ),
        CodeDoc(
            "MBV308", "table-without-primary-key", "info",
            "A table declares no PRIMARY KEY.",
            "Lists rowid tables whose columns have no PRIMARY KEY (internal `_cf_*`, `sqlite_*` and virtual "
            "tables are skipped).",
            "Rows have no stable identity: duplicates creep in and updates cannot target one row safely.",
            "CREATE TABLE events (name TEXT, at TEXT);",
            "CREATE TABLE events (id INTEGER PRIMARY KEY, name TEXT, at TEXT);",
            "Intentional append-only logs are fine; select or ignore the code in mbv.toml.",
        ),
        CodeDoc(
            "MBV309", "freelist-share", "warning",
            "More than 25% of the file (and over 1 MiB) is free pages.",
            "Compares `PRAGMA freelist_count` with `page_count`.",
            "Free pages take disk and backup space and slow full scans until VACUUM rewrites the file.",
            "12000 of 40000 pages free after a large DELETE",
            "VACUUM (needs exclusive access), or PRAGMA auto_vacuum = INCREMENTAL for future deletes.",
            "Remote D1 manages its storage itself; the figure is informative there.",
        ),
        CodeDoc(
            "MBV310", "ledger-row-without-file", "warning",
            "The migrations ledger records a file that no longer exists in migrations_dir.",
            "Lists `name`s in the ledger table with no top-level `.sql` file of that name.",
            "A deleted or renamed migration means a fresh database (a new developer, a preview) gets a different "
            "schema than the ones that applied it.",
            "d1_migrations has 0003_tags.sql; migrations/ has no such file",
            "Restore the file from version control; never rename applied migrations.",
            "Cannot tell a rename from a deletion.",
        ),
        CodeDoc(
            "MBV311", "database-locked", "error",
            "The database could not be read within --busy-timeout: another process locks it.",
            "Reported when SQLite answers SQLITE_BUSY to a read-only connection (an EXCLUSIVE or PENDING lock, "
            "or a WAL recovery in progress); mbv waits at most --busy-timeout ms.",
            "Every reader of the database is stalled too; the remaining checks could not run.",
            "EXCLUSIVE on db held by python import.py (PID 777)",
            "Find the holder with `mbv db locks TARGET` and let it finish.",
            "Transient during a large commit; run again.",
        ),
        CodeDoc(
            "MBV312", "hot-journal", "error",
            "A crashed writer left a hot -journal that must be rolled back before anyone can read.",
            "Reported when SQLite refuses a read-only connection because a rollback journal needs replaying "
            "(SQLITE_READONLY_ROLLBACK).",
            "The database content is the half-written transaction until the journal is rolled back; mbv, which "
            "never writes, cannot check it.",
            "app.sqlite-journal left by a killed process",
            "Open the database once read-write (`sqlite3 FILE 'PRAGMA quick_check'`, or start the app): SQLite "
            "rolls the journal back. Do not delete the -journal file.",
            "None known.",
        ),
    )
}


def code_doc(code: str) -> CodeDoc | None:
    return DB_CODE_DOCS.get(code)


def default_severity(code: str) -> Severity:
    return Severity(DB_CODE_DOCS[code].severity)
