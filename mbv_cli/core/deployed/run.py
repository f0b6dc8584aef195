"""`--remote` for bindings and doctor: credentials, one client, fetch every Worker/env, compare, merge.

Nothing here writes: every request is a GET (`core.cloudflare.CloudflareClient.worker_*`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from mbv_cli.core.code.scan import WorkerCode
from mbv_cli.core.deployed.compare import (
    RemoteWorker,
    account_for,
    check_deployed,
    script_name,
    settle_mbv004,
)
from mbv_cli.core.findings import Finding, FindingsReport
from mbv_cli.core.wrangler.environments import ResolvedWorker

if TYPE_CHECKING:
    import httpx


def remote_bindings(workers: Sequence[ResolvedWorker], codes: Mapping[Path, WorkerCode], *,
                    environ: Mapping[str, str] | None = None, transport: httpx.BaseTransport | None = None
                    ) -> tuple[list[RemoteWorker], list[Finding], list[str]]:
    """The deployed state of each Worker/env, compared with its code and config: (views, findings, notes).

    CLOUDFLARE_ACCOUNT_ID is needed only for a Worker whose config sets no `account_id`.
    """
    from mbv_cli.core.cloudflare import CloudflareClient, credentials_from_env
    from mbv_cli.core.deployed.state import fetch_deployed

    needs_account = any(script_name(w)[0] is not None and not account_for(w, "") for w in workers)
    creds = credentials_from_env(environ, account_required=needs_account)
    with CloudflareClient(creds, transport=transport) as client:
        return check_deployed(workers, codes, lambda script, account: fetch_deployed(client, script, account),
                              default_account=creds.account_id)


def merge_remote(findings: list[Finding], remotes: Sequence[RemoteWorker], found: Sequence[Finding]) -> list[Finding]:
    """The local findings with MBV004 settled by the deployed state, then the remote findings."""
    return [*settle_mbv004(findings, remotes), *found]


def apply_to_report(report: FindingsReport, remotes: Sequence[RemoteWorker], found: Sequence[Finding],
                    notes: Sequence[str]) -> None:
    report.findings = merge_remote(report.findings, remotes, found)
    report.notes.extend(notes)
