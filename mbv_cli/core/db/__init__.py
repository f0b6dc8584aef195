"""Local D1 / SQLite diagnosis: locate a binding's file, check its health, name who holds its locks.

Modules, one concept each: `sqlite_file` (read-only opening), `locks` + `proc_locks` (lock
probing), `health` (checks and findings), `schema_lint`, `ledger` (pending migrations, read-only),
`remote` (D1 over the API), `locate`, `codes` (MBV3xx), `doctor` (the doctor's local databases area).
Nothing heavy is imported here (`mbv db locks` must start fast): import from the modules themselves.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from mbv_cli.core.findings import Finding
    from mbv_cli.core.wrangler.environments import ResolvedWorker


def doctor_findings(workers: Sequence[ResolvedWorker]) -> list[Finding]:
    """Findings of the doctor's "local databases" area (see `mbv_cli.core.db.doctor`)."""
    from mbv_cli.core.db.doctor import doctor_findings as run

    return run(workers)
