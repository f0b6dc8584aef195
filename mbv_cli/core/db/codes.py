"""Stable finding codes of `mbv db health` (MBV3xx), shared with `mbv doctor` and `mbv migrate`.

Codes are never reused. MBV301-MBV305 are named by the doctor issue; MBV306 onwards are the
db capability's own. MBV302 (migration drift: an applied file changed) belongs to `mbv migrate`.
"""

from __future__ import annotations

from mbv_cli.core.findings import Severity

# code -> (name, default severity, one-line summary)
DB_CODES: dict[str, tuple[str, Severity, str]] = {
    "MBV301": ("pending-migrations", Severity.WARNING, "migration files not yet recorded in the ledger table"),
    "MBV302": ("migration-drift", Severity.ERROR, "an applied migration file differs from what was applied"),
    "MBV303": ("database-corrupt", Severity.ERROR, "quick_check/integrity_check failed, or the file is truncated"),
    "MBV304": ("wal-too-large", Severity.WARNING, "the -wal file outgrew the database: checkpoints are starved"),
    "MBV305": ("write-lock-held", Severity.WARNING, "another process holds a lock that blocks a writer"),
    "MBV306": ("foreign-key-violation", Severity.ERROR, "rows whose foreign key points at no parent row"),
    "MBV307": ("foreign-key-without-index", Severity.WARNING, "a foreign key with no index on its child columns"),
    "MBV308": ("table-without-primary-key", Severity.INFO, "a table declares no PRIMARY KEY"),
    "MBV309": ("freelist-share", Severity.WARNING, "a large share of the file is free pages: VACUUM reclaims it"),
    "MBV310": ("ledger-row-without-file", Severity.WARNING, "an applied migration whose file is gone"),
    "MBV311": ("database-locked", Severity.ERROR, "the database could not be read: another process locks it"),
    "MBV312": ("hot-journal", Severity.ERROR, "a crashed writer's -journal must be rolled back before reading"),
}


def code_name(code: str) -> str:
    return DB_CODES[code][0]


def default_severity(code: str) -> Severity:
    return DB_CODES[code][1]
