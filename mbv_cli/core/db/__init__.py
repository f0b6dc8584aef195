"""Local D1 / SQLite diagnosis: locate a binding's file, check its health, name who holds its locks.

Modules, one concept each: `sqlite_file` (read-only opening), `locks` + `proc_locks` (lock
probing), `health` (checks and findings), `schema_lint`, `ledger` (pending migrations, read-only),
`remote` (D1 over the API), `locate`, `codes` (MBV3xx).
"""

from __future__ import annotations

from mbv_cli.core.db.health import Check, HealthResult, check_health
from mbv_cli.core.db.locate import LocateResult, locate
from mbv_cli.core.db.locks import LockHolder, LocksResult, probe_locks, watch_locks

__all__ = ["Check", "HealthResult", "LocateResult", "LockHolder", "LocksResult", "check_health", "locate",
           "probe_locks", "watch_locks"]
