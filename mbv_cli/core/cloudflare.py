"""The one HTTP client for Cloudflare's API (D1 query, KV values, a Worker's deployed state), as
wrangler 4.86 calls it.

Base URL `https://api.cloudflare.com/client/v4`, overridden by CLOUDFLARE_API_BASE_URL; token from
CLOUDFLARE_API_TOKEN (Bearer) and account from CLOUDFLARE_ACCOUNT_ID (wrangler.md section 7).
A 429 is retried after its Retry-After (at most MAX_RETRY_AFTER seconds, MAX_ATTEMPTS tries);
MBV_API_TIMEOUT sets the seconds to wait for a response (default 30).
Workers scripts (GET only; cloudflare-typescript `resources/workers/scripts/`, workers-sdk
deploy-helpers `versions-api.ts`): `.../workers/scripts/{name}/settings`, `/secrets`, `/deployments`,
`/versions/{id}`; a missing Worker is API error 10007 (10090: a legacy service environment), raised
as `WorkerNotFound` so a caller can tell "not deployed" from a failure.
Tests pass a transport or point the base URL at a local server that speaks the same JSON.
The token is never put in a message or an exception.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from mbv_cli.core.errors import RemoteError, UsageError

if TYPE_CHECKING:
    import httpx

DEFAULT_BASE_URL = "https://api.cloudflare.com/client/v4"
MAX_RESPONSE_BYTES = 64 * 1024 * 1024  # decoded; D1 results are capped far below (a KV value at 25 MiB)
DEFAULT_TIMEOUT = 30.0
MAX_ATTEMPTS = 4  # a 429 is tried again up to 3 times
MAX_PAGES = 100  # of one list (`result_info` paging)
MAX_RETRY_AFTER = 60.0  # seconds; a longer Retry-After is an error that says when to come back
WORKER_NOT_FOUND_CODES = frozenset({10007, 10090})  # workers-sdk deploy-helpers worker-not-found-error.ts
WORKERS_READ_PERMISSION = "Workers Scripts Read"


class WorkerNotFound(RemoteError):
    """The account has no Worker (or legacy service environment) of that name: API error 10007/10090."""

    def __init__(self, script: str, account_id: str, api_message: str) -> None:
        super().__init__(f"Cloudflare has no Worker named {script} on account {account_id} ({api_message})",
                         hint="check the Worker's name and the account id (CLOUDFLARE_ACCOUNT_ID or `account_id`)")
        self.script = script
        self.account_id = account_id
        self.api_message = api_message


@dataclass(frozen=True, slots=True)
class Credentials:
    token: str
    account_id: str
    base_url: str

    def __repr__(self) -> str:  # never show the token
        return f"Credentials(account_id={self.account_id!r}, base_url={self.base_url!r}, token=<hidden>)"


def credentials_from_env(environ: Mapping[str, str] | None = None, *, account_required: bool = True) -> Credentials:
    """Token, account and base URL from the environment; `account_required=False` when every
    config names its `account_id` (the account is then "" here and given per call)."""
    environ = os.environ if environ is None else environ
    token = environ.get("CLOUDFLARE_API_TOKEN", "").strip()
    account = environ.get("CLOUDFLARE_ACCOUNT_ID", "").strip()
    missing = [n for n, v in (("CLOUDFLARE_API_TOKEN", token), ("CLOUDFLARE_ACCOUNT_ID", account))
               if not v and (account_required or n != "CLOUDFLARE_ACCOUNT_ID")]
    if missing:
        raise UsageError(
            f"--remote needs {' and '.join(missing)} in the environment",
            hint="export them as for wrangler (an API token: D1/KV access for db and migrate, Workers Scripts "
                 "Read for bindings and doctor; and your account id)",
        )
    if not all("\x21" <= char <= "\x7e" for char in token):  # never echo the value: it is the secret
        raise UsageError("CLOUDFLARE_API_TOKEN has characters an API token cannot have (non-ASCII, spaces "
                         "or control characters)", hint="copy the token again from the Cloudflare dashboard")
    base = environ.get("CLOUDFLARE_API_BASE_URL", "").strip() or DEFAULT_BASE_URL
    from mbv_cli.core.httpcheck import url_problem

    problem = url_problem(base)
    if problem:
        raise UsageError(f"CLOUDFLARE_API_BASE_URL is not a usable http(s) URL: {problem}",
                         hint=f"unset it to use {DEFAULT_BASE_URL}, or fix the host, brackets and port")
    from urllib.parse import urlsplit

    from mbv_cli.core.httpcheck import is_loopback_host

    parts = urlsplit(base)
    if parts.scheme.lower() == "http" and not is_loopback_host(parts.hostname or ""):
        # the API token would cross the network in clear text
        raise UsageError(f"CLOUDFLARE_API_BASE_URL {parts.scheme}://{parts.netloc} is plain HTTP to another "
                         "machine and would send CLOUDFLARE_API_TOKEN unencrypted",
                         hint="use https:// (plain http:// is accepted only for localhost/127.0.0.1)")
    return Credentials(token, account, base.rstrip("/"))


class CloudflareClient:
    """Synchronous client for the few endpoints mbv uses."""

    def __init__(self, creds: Credentials, *, transport: httpx.BaseTransport | None = None,
                 timeout: float | None = None, sleep: Callable[[float], None] | None = None) -> None:
        import httpx

        if timeout is None:
            timeout = timeout_from_env()
        self.creds = creds
        self._sleep = sleep or time.sleep
        self._http = httpx.Client(
            base_url=creds.base_url,
            headers={"Authorization": f"Bearer {creds.token}", "User-Agent": "mbv"},
            timeout=httpx.Timeout(timeout, connect=5.0),
            transport=transport,
        )

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> CloudflareClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _request(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        """The response, after waiting out up to MAX_ATTEMPTS - 1 answers 429 (Retry-After honoured)."""
        for attempt in range(1, MAX_ATTEMPTS + 1):
            response = self._request_once(method, path, **kwargs)
            if response.status_code != 429:
                return response
            wait = retry_after_seconds(response.headers.get("Retry-After"))
            if attempt == MAX_ATTEMPTS or wait > MAX_RETRY_AFTER:
                later = f"; Cloudflare asks to wait {wait:.0f}s" if wait > MAX_RETRY_AFTER else ""
                raise RemoteError(f"Cloudflare API rate limit (HTTP 429) on {method} {path} after {attempt} "
                                  f"tr{'y' if attempt == 1 else 'ies'}{later}",
                                  hint="retry in a few minutes (the limit is per token and account)")
            self._sleep(wait)
        raise AssertionError("unreachable")  # pragma: no cover

    def _request_once(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        import httpx

        try:
            return self._send_capped(method, path, **kwargs)
        except httpx.TimeoutException:
            raise RemoteError(f"Cloudflare API timed out ({method} {path})",
                              hint="retry, or check CLOUDFLARE_API_BASE_URL") from None
        except httpx.HTTPError as exc:
            from mbv_cli.core.httpcheck import certificate_problem

            problem = certificate_problem(exc)
            if problem:
                raise RemoteError(f"TLS certificate of the Cloudflare API at {self.creds.base_url} is not trusted: "
                                  f"{problem}", hint="check CLOUDFLARE_API_BASE_URL, or SSL_CERT_FILE for a "
                                  "private CA") from None
            raise RemoteError(f"cannot reach the Cloudflare API at {self.creds.base_url}: {type(exc).__name__}",
                              hint="check the network and CLOUDFLARE_API_BASE_URL") from None

    def _send_capped(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        """The response with its body read up to MAX_RESPONSE_BYTES (decoded), never more."""
        from mbv_cli.core.http_body import read_capped

        response = self._http.send(self._http.build_request(method, path, **kwargs), stream=True)
        try:
            read_capped(response, MAX_RESPONSE_BYTES, what=f"Cloudflare API ({method} {path})")
        finally:
            response.close()
        return response

    @staticmethod
    def _envelope(response: httpx.Response, what: str) -> Any:
        return CloudflareClient._envelope_body(response, what).get("result")

    @staticmethod
    def _envelope_body(response: httpx.Response, what: str) -> dict[str, Any]:
        try:
            body = response.json()
        except (ValueError, RecursionError):
            raise RemoteError(f"{what}: HTTP {response.status_code} with a body that is not JSON") from None
        if not isinstance(body, dict):
            raise RemoteError(f"{what}: unexpected response shape")
        if not body.get("success", False) or response.status_code >= 400:
            raise RemoteError(f"{what} failed: {_error_text(body, response.status_code)}")
        return body

    def _read_list(self, path: str, what: str, *, account_id: str, script: str | None = None) -> list[Any]:
        """`_read` of a list, following the envelope's `result_info` (`page`/`total_pages`, or `cursor`)
        when the API pages it; at most MAX_PAGES requests."""
        items: list[Any] = []
        params: dict[str, Any] = {}
        for _ in range(MAX_PAGES):
            body = self._read(path, what, account_id=account_id, script=script, params=params, whole=True)
            result = body.get("result") if isinstance(body, dict) else None
            items.extend(result if isinstance(result, list) else [])
            info = body.get("result_info") if isinstance(body, dict) else None
            info = info if isinstance(info, dict) else {}
            cursor = info.get("cursor")
            page, total = info.get("page"), info.get("total_pages")
            if isinstance(cursor, str) and cursor and result:
                params = {"cursor": cursor}
            elif isinstance(page, int) and isinstance(total, int) and page < total and result:
                params = {"page": page + 1, **({"per_page": info["per_page"]} if "per_page" in info else {})}
            else:
                return items
        raise RemoteError(f"{what}: more than {MAX_PAGES} pages", hint="this is not a list mbv expects to be long")

    def _read(self, path: str, what: str, *, account_id: str, script: str | None = None,
              permission: str = WORKERS_READ_PERMISSION, missing_ok: bool = False,
              params: Mapping[str, Any] | None = None, whole: bool = False) -> Any:
        """GET `path` -> the envelope's `result` (`whole`: the envelope); 401/403/404/5xx as one clear line each.

        With `script`, a 404 carrying error 10007/10090 is `WorkerNotFound`; with `missing_ok`, any
        other 404 is None (a version deleted since the deployment listed it).
        """
        response = self._request("GET", path, params=dict(params or {}))
        status = response.status_code
        if status < 400:
            return self._envelope_body(response, what) if whole else self._envelope(response, what)
        body = _json_or_none(response)
        text = _error_text(body, status) if isinstance(body, dict) else f"HTTP {status}"
        codes = {e.get("code") for e in (body or {}).get("errors") or [] if isinstance(e, dict)} \
            if isinstance(body, dict) else set()
        if status == 404 and script is not None and codes & WORKER_NOT_FOUND_CODES:
            raise WorkerNotFound(script, account_id, text)
        if status == 404 and missing_ok:
            return None
        if status == 401:
            raise RemoteError(f"{what}: Cloudflare refused CLOUDFLARE_API_TOKEN (HTTP 401: {text})",
                              hint=f"the token is invalid, expired or revoked; create one with the "
                                   f"'{permission}' permission")
        if status == 403:
            raise RemoteError(f"{what}: the API token may not read this on account {account_id} (HTTP 403: {text})",
                              hint=f"give the token the '{permission}' permission for this account "
                                   "(dashboard: My Profile > API Tokens), or check the account id")
        if status == 404:
            raise RemoteError(f"{what}: not found on account {account_id} (HTTP 404: {text})",
                              hint="check the account id (CLOUDFLARE_ACCOUNT_ID or the config's `account_id`)")
        if status >= 500:
            raise RemoteError(f"{what}: Cloudflare API error (HTTP {status}: {text})",
                              hint="a failure on Cloudflare's side; retry later (cloudflarestatus.com)")
        raise RemoteError(f"{what} failed (HTTP {status}: {text})")

    def _script_path(self, account_id: str, script: str, tail: str) -> str:
        return f"/accounts/{quote(account_id, safe='')}/workers/scripts/{quote(script, safe='')}/{tail}"

    def worker_settings(self, script: str, *, account_id: str | None = None) -> dict[str, Any]:
        """GET .../workers/scripts/{script}/settings: bindings (secret names, no values), compatibility."""
        account = account_id or self.creds.account_id
        result = self._read(self._script_path(account, script, "settings"), f"settings of Worker {script}",
                            account_id=account, script=script)
        return result if isinstance(result, dict) else {}

    def worker_secrets(self, script: str, *, account_id: str | None = None) -> list[dict[str, Any]]:
        """GET .../workers/scripts/{script}/secrets: `[{name, type}]`, never a value."""
        account = account_id or self.creds.account_id
        result = self._read_list(self._script_path(account, script, "secrets"), f"secrets of Worker {script}",
                                 account_id=account, script=script)
        return [s for s in result if isinstance(s, dict)]

    def worker_deployments(self, script: str, *, account_id: str | None = None) -> list[dict[str, Any]]:
        """GET .../workers/scripts/{script}/deployments: newest first (wrangler takes `deployments[0]`)."""
        account = account_id or self.creds.account_id
        result = self._read(self._script_path(account, script, "deployments"), f"deployments of Worker {script}",
                            account_id=account, script=script)
        found = result.get("deployments") if isinstance(result, dict) else None
        return [d for d in found if isinstance(d, dict)] if isinstance(found, list) else []

    def worker_version(self, script: str, version_id: str, *, account_id: str | None = None) -> dict[str, Any]:
        """GET .../workers/scripts/{script}/versions/{id}: metadata, annotations, resources ({} when gone)."""
        account = account_id or self.creds.account_id
        result = self._read(self._script_path(account, script, f"versions/{quote(version_id, safe='')}"),
                            f"version {version_id} of Worker {script}", account_id=account, script=script,
                            missing_ok=True)
        return result if isinstance(result, dict) else {}

    def d1_query(self, database_id: str, sql: str, params: list[Any] | None = None,
                 internal_env: str | None = None) -> list[dict[str, Any]]:
        """POST .../d1/database/{id}/query; one result entry per statement."""
        path = f"/accounts/{self.creds.account_id}/d1/database/{quote(database_id, safe='')}/query"
        headers = {"x-d1-internal-env": internal_env} if internal_env else {}
        body: dict[str, Any] = {"sql": sql}
        if params:
            body["params"] = params
        result = self._envelope(self._request("POST", path, json=body, headers=headers), "D1 query")
        return list(result or [])

    def kv_get(self, namespace_id: str, key: str) -> bytes | None:
        """GET .../storage/kv/namespaces/{ns}/values/{key}: raw bytes, None when the key is absent."""
        path = (f"/accounts/{self.creds.account_id}/storage/kv/namespaces/"
                f"{quote(namespace_id, safe='')}/values/{quote(key, safe='')}")
        response = self._request("GET", path)
        if response.status_code == 404:
            return None
        if response.status_code >= 400:
            self._envelope(response, "KV read")
        return response.content


def timeout_from_env(environ: Mapping[str, str] | None = None) -> float:
    """MBV_API_TIMEOUT (seconds, > 0), else DEFAULT_TIMEOUT."""
    environ = os.environ if environ is None else environ
    text = environ.get("MBV_API_TIMEOUT", "").strip()
    if not text:
        return DEFAULT_TIMEOUT
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not 0 < value <= 3600:
        raise UsageError(f"MBV_API_TIMEOUT must be a number of seconds between 0 and 3600, not {text!r}")
    return value


def retry_after_seconds(value: str | None) -> float:
    """Seconds to wait from a Retry-After header (delta-seconds or an HTTP date); 1 when absent or unreadable."""
    if not value:
        return 1.0
    text = value.strip()
    if text.isdigit():
        return float(text)
    from email.utils import parsedate_to_datetime

    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return 1.0
    import datetime as _dt

    if when.tzinfo is None:
        when = when.replace(tzinfo=_dt.timezone.utc)
    return max(0.0, (when - _dt.datetime.now(_dt.timezone.utc)).total_seconds())


def _json_or_none(response: httpx.Response) -> Any:
    try:
        return response.json()
    except (ValueError, RecursionError):
        return None


def _error_text(body: Mapping[str, Any], status: int) -> str:
    """The API's errors as `message (code N); ...`, else `HTTP status`."""
    errors = body.get("errors") or []
    return "; ".join(
        f"{e.get('message', e)} (code {e.get('code')})" if isinstance(e, dict) else str(e) for e in errors
    ) or f"HTTP {status}"
