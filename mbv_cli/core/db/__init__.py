"""Local D1 / SQLite diagnosis: locate a binding's file, check its health, name who holds its locks.

Modules, one concept each: `sqlite_file` (read-only opening), `locks` + `proc_locks` (lock
probing), `health` (checks and findings), `schema_lint`, `ledger` (pending migrations, read-only),
`remote` (D1 over the API), `locate`, `codes` (MBV3xx).
"""

from __future__ import annotations

# Nothing is imported here: `mbv db locks` must start fast, so import from the modules themselves.
