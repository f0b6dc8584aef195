"""A local stand-in for Cloudflare's API on 127.0.0.1, backed by real SQLite files.

Speaks the documented JSON of the endpoints mbv uses (wrangler.md section 7):
- POST /accounts/{acct}/d1/database/{id}/query  {"sql", "params"} -> envelope, one result per statement
- GET  /accounts/{acct}/storage/kv/namespaces/{ns}/values/{key} -> raw bytes or 404 envelope
- GET  /accounts/{acct}/workers/scripts/{script}/settings | /secrets | /deployments | /versions/{id}
  (Workers scripts, see `FakeScript`)
Databases are files `<root>/d1/<id>.sqlite`; KV values are rows in `<root>/kv.sqlite`.
`refused_pragmas` lists PRAGMA names answered with an API error, as D1 refuses some.

Workers scripts: response bodies shaped as the API reference documents them (developers.cloudflare.com/
api/resources/workers/subresources/scripts/, generated into cloudflare-typescript
`src/resources/workers/scripts/{script-and-version-settings,secrets,deployments,versions}.ts`, and read by
workers-sdk `packages/deploy-helpers/src/deploy/helpers/versions-api.ts` / `versions-types.ts`):
envelope `{success, errors, messages, result}`; an unknown script is HTTP 404 with error 10007
"This Worker does not exist on your account." (deploy-helpers `worker-not-found-error.ts`); a wrong token
HTTP 401 (error 10001 "Unable to authenticate request"); a token without the Workers Scripts Read
permission HTTP 403 (error 10000 "Authentication error"). `faults` are answers served (once each, in
order) before the normal one for a matching path: 429 with Retry-After, 500, a delay (a timeout).
"""

from __future__ import annotations

import json
import re
import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import unquote

TOKEN = "test-token-not-a-secret"
ACCOUNT = "0123456789abcdef0123456789abcdef"


@dataclass
class FakeScript:
    """One deployed Worker script: API binding objects (secrets as `secret_text`, no value), compatibility,
    deployments newest first, and the versions they name."""

    bindings: list[dict[str, Any]] = field(default_factory=list)
    compatibility_date: str | None = None
    compatibility_flags: list[str] = field(default_factory=list)
    deployments: list[dict[str, Any]] = field(default_factory=list)
    versions: dict[str, dict[str, Any]] = field(default_factory=dict)

    def settings(self) -> dict[str, Any]:
        return {"bindings": self.bindings, "compatibility_date": self.compatibility_date,
                "compatibility_flags": self.compatibility_flags, "logpush": False, "placement": {},
                "tail_consumers": [], "usage_model": "standard", "observability": {"enabled": True}, "tags": []}

    def secrets(self) -> list[dict[str, Any]]:
        return [{"name": b["name"], "type": "secret_text"} for b in self.bindings if b["type"] == "secret_text"]

    def binding(self, name: str) -> dict[str, Any] | None:
        return next((b for b in self.bindings if b["name"] == name), None)

    def drop(self, name: str) -> None:
        self.bindings = [b for b in self.bindings if b["name"] != name]


@dataclass
class Fault:
    """An answer served instead of the normal one, once, for the first request whose path matches."""

    path: str  # a regular expression searched in the request path
    status: int = 500
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0  # seconds before answering (a client with a shorter timeout gives up)


@dataclass
class FakeCloudflare:
    root: Path
    token: str = TOKEN
    account: str = ACCOUNT
    refused_pragmas: set[str] = field(default_factory=lambda: {"integrity_check", "journal_mode", "wal_checkpoint"})
    requests: list[dict[str, Any]] = field(default_factory=list)
    base_url: str = ""
    # D1 runs one query batch at a time per database (a single Durable Object); so does the fake
    d1_lock: threading.Lock = field(default_factory=threading.Lock)
    scripts: dict[str, FakeScript] = field(default_factory=dict)
    can_read_workers: bool = True  # the token's Workers Scripts Read permission
    faults: list[Fault] = field(default_factory=list)
    page_size: int = 0  # > 0: lists (secrets) answered in pages of this size with `result_info`
    lock: threading.Lock = field(default_factory=threading.Lock)

    def take_fault(self, path: str) -> Fault | None:
        with self.lock:
            for fault in self.faults:
                if re.search(fault.path, path):
                    self.faults.remove(fault)
                    return fault
        return None

    def d1_file(self, database_id: str) -> Path:
        (self.root / "d1").mkdir(parents=True, exist_ok=True)
        return self.root / "d1" / f"{database_id}.sqlite"

    def kv_put(self, namespace: str, key: str, value: bytes) -> None:
        with sqlite3.connect(self.root / "kv.sqlite") as db:
            db.execute("CREATE TABLE IF NOT EXISTS kv(ns TEXT, key TEXT, value BLOB, PRIMARY KEY(ns, key))")
            db.execute("INSERT OR REPLACE INTO kv VALUES (?,?,?)", (namespace, key, value))

    def kv_get(self, namespace: str, key: str) -> bytes | None:
        path = self.root / "kv.sqlite"
        if not path.exists():
            return None
        with sqlite3.connect(path) as db:
            row = db.execute("SELECT value FROM kv WHERE ns=? AND key=?", (namespace, key)).fetchone()
        return None if row is None else bytes(row[0])

    def env(self) -> dict[str, str]:
        return {"CLOUDFLARE_API_TOKEN": self.token, "CLOUDFLARE_ACCOUNT_ID": self.account,
                "CLOUDFLARE_API_BASE_URL": self.base_url}


def _split_statements(sql: str) -> list[str]:
    statements, current = [], ""
    for piece in sql.split(";"):
        current += piece
        if sqlite3.complete_statement(current + ";"):
            if current.strip():
                statements.append(current.strip())
            current = ""
        else:
            current += ";"
    if current.strip():
        statements.append(current.strip())
    return statements


def _handler(fake: FakeCloudflare) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:
            pass

        def _send(self, status: int, body: Any, raw: bytes | None = None) -> None:
            data = raw if raw is not None else json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/octet-stream" if raw is not None else "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def _error(self, status: int, code: int, message: str) -> None:
            self._send(status, {"success": False, "errors": [{"code": code, "message": message}],
                                "messages": [], "result": None})

        def _authorised(self) -> bool:
            if self.headers.get("Authorization") != f"Bearer {fake.token}":
                self._error(403, 10000, "Authentication error")
                return False
            return True

        def do_GET(self) -> None:
            self.path = self.path.removeprefix("/client/v4")
            fake.requests.append({"method": "GET", "path": self.path,
                                  "authorization": self.headers.get("Authorization")})
            fault = fake.take_fault(self.path)
            if fault is not None:
                time.sleep(fault.delay)
                body = fault.body if fault.body is not None else {
                    "success": False, "errors": [{"code": 10013, "message": "An unknown error has occurred"}],
                    "messages": [], "result": None}
                data = json.dumps(body).encode()
                try:
                    self.send_response(fault.status)
                    for key, value in {"Content-Type": "application/json", **fault.headers}.items():
                        self.send_header(key, value)
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError):  # the client gave up (a timeout)
                    pass
                return
            if "/workers/scripts/" in self.path:
                self._workers_get()
                return
            if not self._authorised():
                return
            m = re.fullmatch(r"/accounts/([^/]+)/storage/kv/namespaces/([^/]+)/values/(.+)", self.path)
            if not m or m.group(1) != fake.account:
                self._error(404, 7003, "Could not route to /path")
                return
            value = fake.kv_get(unquote(m.group(2)), unquote(m.group(3)))
            if value is None:
                self._error(404, 10009, "get: 'key not found'")
                return
            self._send(200, None, raw=value)

        def _workers_get(self) -> None:
            if self.headers.get("Authorization") != f"Bearer {fake.token}":
                self._error(401, 10001, "Unable to authenticate request")
                return
            if not fake.can_read_workers:
                self._error(403, 10000, "Authentication error")
                return
            m = re.fullmatch(r"/accounts/([^/]+)/workers/scripts/([^/?]+)/(settings|secrets|deployments|versions/[^/?]+)"
                             r"(?:\?.*)?", self.path)
            if not m or m.group(1) != fake.account:
                self._error(404, 7003, "Could not route to /path, perhaps your object identifier is invalid?")
                return
            script = fake.scripts.get(unquote(m.group(2)))
            if script is None:
                self._error(404, 10007, "This Worker does not exist on your account.")
                return
            what = m.group(3)
            result: Any
            if what == "settings":
                result = script.settings()
            elif what == "secrets":
                result = script.secrets()
                if fake.page_size:  # paged as the v4 envelope pages lists: result_info page/total_pages
                    from urllib.parse import parse_qs, urlsplit

                    page = int(parse_qs(urlsplit(self.path).query).get("page", ["1"])[0])
                    total = max(1, -(-len(result) // fake.page_size))
                    chunk = result[(page - 1) * fake.page_size: page * fake.page_size]
                    self._send(200, {"success": True, "errors": [], "messages": [], "result": chunk,
                                     "result_info": {"page": page, "per_page": fake.page_size, "count": len(chunk),
                                                     "total_count": len(result), "total_pages": total}})
                    return
            elif what == "deployments":
                result = {"deployments": script.deployments}
            else:
                result = script.versions.get(unquote(what.removeprefix("versions/")))
                if result is None:
                    self._error(404, 10217, "version not found")
                    return
            self._send(200, {"success": True, "errors": [], "messages": [], "result": result})

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            payload = self.rfile.read(length)
            self.path = self.path.removeprefix("/client/v4")
            fake.requests.append({"method": "POST", "path": self.path, "body": payload.decode(errors="replace")})
            if not self._authorised():
                return
            m = re.fullmatch(r"/accounts/([^/]+)/d1/database/([^/]+)/query", self.path)
            if not m or m.group(1) != fake.account:
                self._error(404, 7003, "Could not route to /path")
                return
            try:
                body = json.loads(payload)
                sql, params = body["sql"], body.get("params") or []
            except (ValueError, KeyError, TypeError):
                self._error(400, 7400, "Bad request body")
                return
            pragma = re.search(r"\bPRAGMA\s+(\w+)", sql, re.I)
            if pragma and pragma.group(1).lower() in fake.refused_pragmas:
                self._error(400, 7500, f"not authorized: SQLITE_AUTH (PRAGMA {pragma.group(1)})")
                return
            with fake.d1_lock:
                self._run_d1(unquote(m.group(2)), sql, params)

        def _run_d1(self, database_id: str, sql: str, params: list[Any]) -> None:
            db = sqlite3.connect(fake.d1_file(database_id), isolation_level=None)
            results = []
            try:
                db.execute("BEGIN")
                statements = _split_statements(sql)
                for i, statement in enumerate(statements):
                    cur = db.execute(statement, params if len(statements) == 1 else [])
                    cols = [d[0] for d in cur.description or []]
                    rows = [dict(zip(cols, r, strict=False)) for r in cur.fetchall()]
                    results.append({"results": rows, "success": True,
                                    "meta": {"changes": db.total_changes, "last_row_id": cur.lastrowid or 0,
                                             "duration": 0.1, "rows_read": len(rows), "rows_written": 0,
                                             "served_by": "mbv-test", "statement": i}})
                db.execute("COMMIT")
            except sqlite3.Error as exc:
                db.execute("ROLLBACK") if db.in_transaction else None
                self._error(400, 7500, f"{exc}: SQLITE_ERROR")
                return
            finally:
                db.close()
            self._send(200, {"success": True, "errors": [], "messages": [], "result": results})

    return Handler


@contextmanager
def serve_fake_cloudflare(root: Path) -> Iterator[FakeCloudflare]:
    fake = FakeCloudflare(root)
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(fake))
    fake.base_url = f"http://127.0.0.1:{server.server_address[1]}/client/v4"
    server.RequestHandlerClass.path_prefix = "/client/v4"  # type: ignore[attr-defined]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield fake
    finally:
        server.shutdown()
        server.server_close()
