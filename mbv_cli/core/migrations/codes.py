"""Documentation of the finding code `mbv migrate verify` reports (MBV301 is documented with db's codes)."""

from __future__ import annotations

from mbv_cli.core.bindings_codes import CodeDoc

MIGRATION_CODE_DOCS: dict[str, CodeDoc] = {
    "MBV302": CodeDoc(
        "MBV302", "migration-drift", "error",
        "The database, the migration files and the ledger no longer tell the same story.",
        "`mbv migrate verify` replays every applied migration into an in-memory database and compares its "
        "schema (tables, columns, indexes, triggers, views) with the target's; it also checks every file "
        "recorded in `migrations/mbv.sum` against its SHA-256 and the ledger against the files. Each "
        "difference is one finding: a column no migration creates, an applied migration whose file is "
        "gone or was edited after it was applied, a stale or hand-edited sum file.",
        "wrangler applies migrations by file name only. When someone runs SQL by hand (`wrangler d1 execute "
        "--file`), edits an applied file or deletes one, the next environment built from the files gets a "
        "different schema than production, and the failure shows up later as 'no such column' at run time.",
        "-- 0003_add_profiles.sql was applied, then edited to add a column:\n"
        "ALTER TABLE profiles ADD COLUMN avatar_url TEXT;",
        "-- leave applied files alone; add a new migration instead:\n"
        "-- 0004_profiles_avatar.sql\n"
        "ALTER TABLE profiles ADD COLUMN avatar_url TEXT;",
        "Data is not compared, only schema. Remote databases are compared through the D1 query API, which "
        "shows `sqlite_schema` but not every PRAGMA. A migration whose effect depends on existing rows "
        "replays on an empty database.",
    ),
}
