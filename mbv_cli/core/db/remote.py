"""Remote D1 as a `QuerySource`: SQL sent through `CloudflareClient.d1_query`.

D1 refuses some PRAGMAs with an authorization error (SQLITE_AUTH, "not authorized"); those become
`NotAvailable` so the check reads "not available remotely". Every other API error (bad token,
unknown database, unreachable API) stays a `RemoteError`: one line, exit 2.
"""

from __future__ import annotations

from typing import Any

from mbv_cli.core.cloudflare import CloudflareClient
from mbv_cli.core.db.source import NotAvailable
from mbv_cli.core.errors import RemoteError

_REFUSED_MARKERS = ("sqlite_auth", "not authorized")


def is_refusal(error: RemoteError) -> bool:
    text = error.message.lower()
    return any(marker in text for marker in _REFUSED_MARKERS)


class RemoteSource:
    remote = True

    def __init__(self, client: CloudflareClient, database_id: str, internal_env: str | None = None) -> None:
        self.client = client
        self.database_id = database_id
        self.internal_env = internal_env
        self.requests = 0

    def rows(self, sql: str) -> list[dict[str, Any]]:
        self.requests += 1
        try:
            results = self.client.d1_query(self.database_id, sql, internal_env=self.internal_env)
        except RemoteError as exc:
            if is_refusal(exc):
                raise NotAvailable(exc.message) from None
            raise
        if not results:
            return []
        rows = results[0].get("results") or []
        return [dict(r) for r in rows if isinstance(r, dict)]
