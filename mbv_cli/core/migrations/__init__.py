"""`mbv migrate`: wrangler-compatible D1 migrations (listing, order, ledger, splitting as wrangler
4.86 does them) with dry-run, checksums, drift detection, backups and a run lock.

Modules, one concept each: files (listing/order/create), splitter (wrangler's SQL splitter),
ledger (the d1_migrations table), checksums (mbv.sum), schema (snapshot and diff), d1_rules (what
D1 refuses), executor (one atomic migration), local / remote (targets), plan (pending, --to),
backup, results, service (the operations).
"""

from __future__ import annotations

from mbv_cli.core.migrations.service import (
    MigrationTarget,
    apply,
    baseline,
    baseline_names,
    create,
    hash_directory,
    open_target,
    status,
    verify,
)

__all__ = ["MigrationTarget", "apply", "baseline", "baseline_names", "create", "hash_directory", "open_target",
           "status", "verify"]
