"""Checks that keep a malformed URL or header from reaching httpx, where it would raise
`ValueError`, `httpx.InvalidURL` or `UnicodeEncodeError` (a crash) instead of an error a person
can act on. Each returns the problem in words, or None; callers turn it into their own error.
Messages never include a header value (it may be a credential).
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

_TOKEN = re.compile(r"^[!#$%&'*+.^_`|~0-9A-Za-z-]+$")  # RFC 9110 section 5.6.2
_CONTROL = re.compile(r"[\x00-\x08\x0a-\x1f\x7f]")


def url_problem(url: str) -> str | None:
    """Why `url` cannot be sent as an absolute http(s) URL, or None when it can."""
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError for a port out of range or not a number
    except ValueError as exc:
        return str(exc).rstrip(".") or "malformed URL"
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return "not an absolute http(s) URL"
    import httpx

    try:
        httpx.URL(url)
    except (httpx.InvalidURL, ValueError, UnicodeError) as exc:
        return str(exc).rstrip(".") or "malformed URL"
    return None


def header_name_problem(name: str) -> str | None:
    if not _TOKEN.match(name):
        return f"header name {name[:40]!r} is not a valid HTTP token (letters, digits and !#$%&'*+.^_`|~-)"
    return None


def header_value_problem(name: str, value: str) -> tuple[str, int] | None:
    """(problem, 0-based index of the offending character) for a value HTTP/1.1 cannot carry."""
    for index, char in enumerate(value):
        if ord(char) > 0xFF:
            return (f"the value of header {name} has a character outside Latin-1 (U+{ord(char):04X}) at "
                    f"position {index + 1}", index)
        if _CONTROL.match(char):
            return f"the value of header {name} has a control character at position {index + 1}", index
    return None


def certificate_problem(exc: BaseException) -> str | None:
    """The certificate problem behind a failed TLS handshake, in OpenSSL's words without the `[SSL: ...]`
    prefix (`certificate verify failed: self-signed certificate`), or None when it was something else.
    Shared by replay, the JWKS fetch and the Cloudflare API client so all three name it the same way."""
    cause: BaseException | None = exc
    seen = 0
    while cause is not None and seen < 20:
        text = str(cause)
        if "CERTIFICATE_VERIFY_FAILED" in text or type(cause).__name__ == "SSLCertVerificationError":
            text = text.split("] ", 1)[-1]
            return text[text.index("certificate verify failed"):] if "certificate verify failed" in text else text
        cause, seen = cause.__cause__ or cause.__context__, seen + 1
    return None


def is_loopback_host(host: str) -> bool:
    """localhost, 127.0.0.0/8 or ::1: a plain-HTTP hop that never leaves the machine."""
    import ipaddress

    host = host.strip("[]").lower().rstrip(".")
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def colonless_header(value: str) -> str:
    """How to name a header argument that has no colon without echoing it (it may be `Authorization
    SEKRET`): its first word when that word is a header-name token followed by more text."""
    first, space, _ = value.strip().partition(" ")
    if space and _TOKEN.match(first) and len(first) <= 64:
        return f"starting with {first!r}"
    return f"of {len(value)} characters"
