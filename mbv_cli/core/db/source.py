"""Where health checks send their SQL: a read-only local connection or Cloudflare's D1 query API.

Both answer `rows(sql)` with a list of dicts; a statement the remote API refuses (D1 forbids
some PRAGMAs, answering SQLITE_AUTH / "not authorized") raises `NotAvailable`, which checks
report as "not available remotely" instead of failing.
"""

from __future__ import annotations

import sqlite3
from typing import Any, Protocol


class NotAvailable(Exception):
    """The source cannot run this statement (refused by the remote API)."""


class QuerySource(Protocol):
    remote: bool

    def rows(self, sql: str) -> list[dict[str, Any]]: ...


class LocalSource:
    remote = False

    def __init__(self, connection: sqlite3.Connection) -> None:
        self.connection = connection

    def rows(self, sql: str) -> list[dict[str, Any]]:
        cursor = self.connection.execute(sql)
        names = [d[0] for d in cursor.description or []]
        return [dict(zip(names, row, strict=False)) for row in cursor.fetchall()]


def quote_ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def quote_text(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"
