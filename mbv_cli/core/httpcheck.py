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
