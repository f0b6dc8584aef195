"""The "local databases" area of `mbv doctor`: health and locks of every local D1 file that exists.

For each resolved Worker's `d1_databases`, the file wrangler uses under `<config dir>/.wrangler/state`
is checked when it exists (a file shared by several Workers or envs is checked once). Migrations are
left to the migrations area (MBV301/MBV302), so the ledger check does not run here. A file that is
not a readable database becomes an MBV303 finding instead of stopping the doctor.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from mbv_cli.core.d1_target import D1Target, target_from_entry
from mbv_cli.core.db.health import check_health, display_path
from mbv_cli.core.errors import MbvError
from mbv_cli.core.findings import Finding, Severity

if TYPE_CHECKING:
    from mbv_cli.core.wrangler.environments import ResolvedWorker


def local_targets(workers: Sequence[ResolvedWorker]) -> Iterable[D1Target]:
    seen: set[str] = set()
    for worker in workers:
        for binding in worker.bindings:
            if binding.kind != "d1_database":
                continue
            target = target_from_entry(worker, binding.entry, remote=False)
            path = target.path
            assert path is not None
            key = str(path.resolve())
            if key in seen or not path.is_file():
                continue
            seen.add(key)
            target.migrations_dir = None  # the ledger is the migrations area's (MBV301/MBV302)
            yield target


def doctor_findings(workers: Sequence[ResolvedWorker]) -> list[Finding]:
    findings: list[Finding] = []
    for target in local_targets(workers):
        try:
            findings.extend(check_health(target, busy_timeout_ms=200).findings)
        except MbvError as exc:
            assert target.path is not None and target.worker is not None
            findings.append(Finding(code="MBV303", severity=Severity.ERROR,
                                    message=f"the local database of {target.label} cannot be read: {exc.message}",
                                    hint=exc.hint, worker=target.worker.name, env=target.worker.env,
                                    binding=target.binding, file=display_path(target.path)))
    return findings
