"""Send prepared requests one at a time with httpx, recording what went on the wire.

Safe defaults (issue #7): TLS verified unless --insecure; connect timeout 5 s, read 30 s; bodies
read up to --max-body (10 MB) then cut with a note; redirects not followed unless --follow, and a
redirect to another origin (scheme, host, port) never carries a header that redaction treats as
secret (Authorization, Proxy-Authorization, Cookie, X-Api-Key, anything naming auth/token/key ...). `--retries N` retries 429 and 503 (honouring Retry-After, seconds or an HTTP date, else backing
off 1 s, 2 s, 4 s ... up to 30 s), failed connections, and other transport errors of idempotent
methods (a POST that may have reached the server is not sent twice); every attempt is kept. The
backoff waits are fully jittered (uniform between 0 and the step).
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from urllib.parse import urljoin, urlsplit

import httpx

from mbv_cli import __version__
from mbv_cli.core.replay.model import (
    Attempt,
    Exchange,
    ReceivedResponse,
    Redirect,
    ReplayRequest,
    SentRequest,
)
from mbv_cli.core.replay.timing import DNSError, PhaseClock, ResolvingBackend

RETRY_STATUSES = frozenset({429, 503})
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
MAX_REDIRECTS = 10
BACKOFF_CAP_S = 30.0
RETRY_AFTER_CAP_S = 120.0
USER_AGENT = f"mbv/{__version__}"


@dataclass(slots=True)
class SendOptions:
    insecure: bool = False
    connect_timeout: float = 5.0
    read_timeout: float = 30.0
    max_body: int = 10 * 1024 * 1024
    follow: bool = False
    retries: int = 0
    max_time: float = 120.0  # the whole attempt: connect, send, headers and body (0: no limit)


def make_client(options: SendOptions) -> tuple[httpx.Client, ResolvingBackend]:
    timeout = httpx.Timeout(options.read_timeout, connect=options.connect_timeout)
    transport = httpx.HTTPTransport(verify=not options.insecure, retries=0)
    backend = ResolvingBackend()
    pool = getattr(transport, "_pool", None)
    if pool is not None and hasattr(pool, "_network_backend"):
        pool._network_backend = backend
    client = httpx.Client(transport=transport, timeout=timeout, follow_redirects=False, trust_env=True)
    bare_headers(client.headers)
    return client, backend


def bare_headers(headers: httpx.Headers) -> None:
    """Drop httpx's default Accept/Accept-Encoding/Connection so only the source's headers go out."""
    for name in list(headers.keys()):
        del headers[name]
    headers["User-Agent"] = USER_AGENT


def wire_headers(request: ReplayRequest) -> list[tuple[bytes, bytes]]:
    """Headers as bytes: httpx encodes str values as ASCII, but HTTP/1.1 values may be Latin-1
    (checked when the request was prepared)."""
    return [(name.encode("ascii"), value.encode("latin-1")) for name, value in request.headers]


def build(client: httpx.Client | httpx.AsyncClient, request: ReplayRequest) -> httpx.Request:
    return client.build_request(request.method, request.url, headers=wire_headers(request), content=request.body)


def sent_of(request: httpx.Request, body: bytes | None) -> SentRequest:
    headers = [(k.decode("latin-1"), v.decode("latin-1")) for k, v in request.headers.raw]
    return SentRequest(method=request.method, url=str(request.url), headers=headers, body=body)


def dry_run(client: httpx.Client, request: ReplayRequest, role: str = "target") -> Exchange:
    built = build(client, request)
    return Exchange(request=sent_of(built, request.body), source=request.source, name=request.name,
                    role=role, notes=list(request.notes), sent=False, started_at=time.time())


def send(client: httpx.Client, backend: ResolvingBackend, request: ReplayRequest, options: SendOptions, *,
         role: str = "target", sleep: Callable[[float], None] = time.sleep,
         log: Callable[[str], None] | None = None) -> Exchange:
    """Send one request (following redirects with --follow) and return the whole story."""
    started_at = time.time()
    current = request
    redirects: list[Redirect] = []
    attempts: list[Attempt] = []
    while True:
        exchange = _send_with_retries(client, backend, current, options, sleep, log)
        attempts.extend(exchange.attempts)
        response = exchange.response
        location = response and _header(response.headers, "location")
        if not options.follow or response is None or response.status not in REDIRECT_STATUSES or not location:
            break
        if len(redirects) >= MAX_REDIRECTS:
            exchange.error = f"more than {MAX_REDIRECTS} redirects"
            break
        problem = _location_problem(current.url, location)
        if problem:  # the server's Location, not the user's input: an error of this exchange
            exchange.error = f"redirect {response.status} to an unusable Location: {problem}"
            break
        current, dropped = _follow(current, response.status, location)
        redirects.append(Redirect(status=response.status, location=current.url, dropped_headers=dropped))
    exchange.redirects = redirects
    exchange.started_at = started_at
    exchange.source, exchange.name, exchange.role = request.source, request.name, role
    exchange.notes = list(request.notes)
    exchange.attempts = attempts  # every hop's attempts, in order
    if response is not None and response.truncated:
        exchange.notes.append(truncation_note(response, options.max_body))
    return exchange


def truncation_note(response: ReceivedResponse, max_body: int) -> str:
    """--max-body counts decoded bytes; Content-Length counts them as sent, so under a
    Content-Encoding (gzip, br ...) the two are not compared: the note says which is which."""
    note = f"response body cut at --max-body {max_body} bytes"
    if not response.declared_length:
        return note
    encoding = (_header(response.headers, "content-encoding") or "").strip().lower()
    if encoding and encoding != "identity":
        return (f"{note} of the decompressed body ({response.declared_length} bytes {encoding}-encoded "
                "on the wire)")
    return f"{note} of {response.declared_length}"


def _header(headers: list[tuple[str, str]], name: str) -> str | None:
    for key, value in headers:
        if key.lower() == name:
            return value
    return None


def _location_problem(base: str, location: str) -> str | None:
    from mbv_cli.core.httpcheck import url_problem

    try:
        return url_problem(urljoin(base, location))
    except ValueError as exc:
        return str(exc) or "malformed URL"


def origin(url: str) -> tuple[str, str, int | None]:
    parts = urlsplit(url)
    port = parts.port or {"http": 80, "https": 443}.get(parts.scheme)
    return parts.scheme, (parts.hostname or "").lower(), port


def _follow(request: ReplayRequest, status: int, location: str) -> tuple[ReplayRequest, list[str]]:
    url = urljoin(request.url, location)
    method, body, headers = request.method, request.body, list(request.headers)
    if (status == 303 and method != "HEAD") or (status in (301, 302) and method == "POST"):
        method, body = "GET", None
        headers = [(k, v) for k, v in headers if k.lower() not in ("content-type", "content-length")]
    dropped: list[str] = []
    if origin(url) != origin(request.url):
        from mbv_cli.core.replay.redact import is_sensitive_header

        dropped = sorted({k for k, _ in headers if is_sensitive_header(k)})
        headers = [(k, v) for k, v in headers if not is_sensitive_header(k)]
    return ReplayRequest(method=method, url=url, headers=headers, body=body, source=request.source,
                         name=request.name), dropped


def _send_with_retries(client: httpx.Client, backend: ResolvingBackend, request: ReplayRequest,
                       options: SendOptions, sleep: Callable[[float], None],
                       log: Callable[[str], None] | None) -> Exchange:
    built = build(client, request)
    sent = sent_of(built, request.body)
    attempts: list[Attempt] = []
    while True:
        number = len(attempts) + 1
        clock = PhaseClock(backend)
        backend.start_attempt(options.max_time)
        built = build(client, request)
        built.extensions["trace"] = clock.trace
        response: ReceivedResponse | None = None
        error: str | None = None
        retry_after: str | None = None
        may_retry_error = False
        try:
            response, retry_after = _exchange(client, built, options.max_body)
        except httpx.HTTPError as exc:
            error = describe_error(exc, built, options)
            may_retry_error = _may_retry(exc, request.method)
        clock.finish()
        attempt = Attempt(number=number, status=response.status if response else None, error=error,
                          elapsed_ms=(clock.finished or clock.started) * 1000 - clock.started * 1000)
        attempts.append(attempt)
        retryable = may_retry_error or (response is not None and response.status in RETRY_STATUSES)
        if not retryable or number > options.retries:
            return Exchange(request=sent, response=response, error=error, timings=clock.timings(),
                            attempts=attempts)
        wait, reason = _wait(number, retry_after)
        attempt.wait_s, attempt.wait_reason = wait, reason
        if log is not None:
            outcome = f"status {attempt.status}" if attempt.status is not None else f"error: {error}"
            log(f"{request.method} {request.url} attempt {number}/{options.retries + 1}: "
                f"{outcome}; retrying in {wait:g} s ({reason})")
        sleep(wait)


IDEMPOTENT = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "DELETE", "TRACE"})


def _may_retry(exc: httpx.HTTPError, method: str) -> bool:
    """A name that does not resolve will not resolve a second later; a request that may have
    reached the server is only sent again when its method is idempotent (RFC 9110 9.2.2)."""
    if _is_dns_error(exc):
        return False
    if isinstance(exc, (httpx.ConnectError, httpx.ConnectTimeout)):
        return True
    return method.upper() in IDEMPOTENT


def _is_dns_error(exc: BaseException) -> bool:
    cause: BaseException | None = exc
    while cause is not None:
        if isinstance(cause, DNSError):
            return True
        cause = cause.__cause__ or cause.__context__
    return False


def _wait(retry_number: int, retry_after: str | None,
          rand: Callable[[], float] = random.random) -> tuple[float, str]:
    """Retry-After when the server sent one (as asked, capped); else exponential backoff with full
    jitter (a uniform wait between 0 and 1 s, 2 s, 4 s ... 30 s), so that many clients replaying the
    same failure do not retry in step."""
    ceiling = min(BACKOFF_CAP_S, float(2 ** (retry_number - 1)))
    if retry_after:
        seconds = parse_retry_after(retry_after)
        if seconds is not None:
            capped = min(seconds, RETRY_AFTER_CAP_S)
            return capped, f"Retry-After: {retry_after.strip()}" + (" (capped)" if capped < seconds else "")
    return round(rand() * ceiling, 3), f"backoff, full jitter up to {ceiling:g} s"


def parse_retry_after(value: str, now: float | None = None) -> float | None:
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when is None:
        return None
    current = time.time() if now is None else now
    return max(0.0, when.timestamp() - current)


def _exchange(client: httpx.Client, built: httpx.Request, max_body: int) -> tuple[ReceivedResponse, str | None]:
    response = client.send(built, stream=True, follow_redirects=False)
    try:
        chunks: list[bytes] = []
        size = 0
        truncated = False
        for chunk in response.iter_bytes():
            chunks.append(chunk)
            size += len(chunk)
            if size > max_body:
                truncated = True
                break
        body = b"".join(chunks)[:max_body] if truncated else b"".join(chunks)
    finally:
        response.close()
    declared = response.headers.get("content-length")
    received = ReceivedResponse(
        status=response.status_code, reason=response.reason_phrase, http_version=response.http_version,
        headers=[(k.decode("latin-1"), v.decode("latin-1")) for k, v in response.headers.raw],
        body=body, truncated=truncated, declared_length=int(declared) if declared and declared.isdigit() else None)
    return received, response.headers.get("retry-after")


def describe_error(exc: httpx.HTTPError, request: httpx.Request, options: SendOptions) -> str:
    """One line saying what failed, in words a person on call can act on."""
    where = f"{request.url.host}:{request.url.port or (443 if request.url.scheme == 'https' else 80)}"
    if _is_dns_error(exc):
        return f"{exc} (the request was not sent)"
    if isinstance(exc, httpx.ReadTimeout) and "--max-time" in str(exc):
        return f"{where}: {exc}"
    if isinstance(exc, httpx.ConnectTimeout):
        return f"connect to {where} timed out after {options.connect_timeout:g} s"
    if isinstance(exc, httpx.ReadTimeout):
        return f"no response from {where} within the {options.read_timeout:g} s read timeout"
    if isinstance(exc, httpx.ConnectError):
        from mbv_cli.core.httpcheck import certificate_problem

        text = _strip_errno(str(exc))
        problem = certificate_problem(exc)
        if problem:
            return (f"TLS certificate of {where} is not trusted: {problem} "
                    "(pass --insecure only if you mean to skip verification)")
        return f"cannot connect to {where}: {text}"
    if isinstance(exc, httpx.RemoteProtocolError):
        return f"{where} broke the exchange: {exc}"
    if isinstance(exc, httpx.ReadError):
        return f"reading from {where} failed: {_strip_errno(str(exc)) or 'connection reset'}"
    if isinstance(exc, httpx.TimeoutException):
        return f"timed out talking to {where}: {exc}"
    return f"{type(exc).__name__}: {exc}"


def _strip_errno(text: str) -> str:
    if text.startswith("[Errno") and "]" in text:
        return text.split("]", 1)[1].strip()
    return text
