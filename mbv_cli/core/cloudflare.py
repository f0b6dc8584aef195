"""The one HTTP client for Cloudflare's API (D1 query, KV values), as wrangler 4.86 calls it.

Base URL `https://api.cloudflare.com/client/v4`, overridden by CLOUDFLARE_API_BASE_URL; token from
CLOUDFLARE_API_TOKEN (Bearer) and account from CLOUDFLARE_ACCOUNT_ID (wrangler.md section 7).
Tests pass a transport or point the base URL at a local server that speaks the same JSON.
The token is never put in a message or an exception.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from mbv_cli.core.errors import RemoteError, UsageError

if TYPE_CHECKING:
    import httpx

DEFAULT_BASE_URL = "https://api.cloudflare.com/client/v4"
MAX_RESPONSE_BYTES = 64 * 1024 * 1024  # decoded; D1 results are capped far below (a KV value at 25 MiB)


@dataclass(frozen=True, slots=True)
class Credentials:
    token: str
    account_id: str
    base_url: str

    def __repr__(self) -> str:  # never show the token
        return f"Credentials(account_id={self.account_id!r}, base_url={self.base_url!r}, token=<hidden>)"


def credentials_from_env(environ: Mapping[str, str] | None = None) -> Credentials:
    environ = os.environ if environ is None else environ
    token = environ.get("CLOUDFLARE_API_TOKEN", "").strip()
    account = environ.get("CLOUDFLARE_ACCOUNT_ID", "").strip()
    missing = [n for n, v in (("CLOUDFLARE_API_TOKEN", token), ("CLOUDFLARE_ACCOUNT_ID", account)) if not v]
    if missing:
        raise UsageError(
            f"--remote needs {' and '.join(missing)} in the environment",
            hint="export them as for wrangler (an API token with D1/KV access and your account id)",
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
                 timeout: float = 30.0) -> None:
        import httpx

        self.creds = creds
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
        try:
            body = response.json()
        except (ValueError, RecursionError):
            raise RemoteError(f"{what}: HTTP {response.status_code} with a body that is not JSON") from None
        if not isinstance(body, dict):
            raise RemoteError(f"{what}: unexpected response shape")
        if not body.get("success", False) or response.status_code >= 400:
            errors = body.get("errors") or []
            text = "; ".join(
                f"{e.get('message', e)} (code {e.get('code')})" if isinstance(e, dict) else str(e) for e in errors
            ) or f"HTTP {response.status_code}"
            raise RemoteError(f"{what} failed: {text}")
        return body.get("result")

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
