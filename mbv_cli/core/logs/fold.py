"""Fold the parts of paths and messages that vary per request, so alike things group together.

`/posts/123` -> `/posts/:id`, `/u/3f2a...-...` -> `/u/:uuid`, long hex runs -> `:hex`, long mixed
tokens -> `:token`; in messages numbers become `<n>`, ids `<uuid>`/`<hex>`, JWTs `<jwt>` and the
credential after `Bearer` `<token>`. Folding never keeps a credential: what it removes is exactly
what varies, and the replay redactor runs over the result anyway.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

_UUID = r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"
_SEGMENT = re.compile(rf"(?P<id>\d+)|(?P<uuid>{_UUID})|(?P<hex>(?=[a-fA-F]*\d)[0-9a-fA-F]{{8,}})"
                      r"|(?P<token>(?=[A-Za-z_-]*\d)(?=[0-9_-]*[A-Za-z])[A-Za-z0-9_-]{16,})")
_SEGMENT_NAMES = {"id": ":id", "uuid": ":uuid", "hex": ":hex", "token": ":token"}
_MESSAGE = re.compile(
    r"(?P<jwt>\beyJ[A-Za-z0-9_-]{2,}\.eyJ[A-Za-z0-9_-]{2,}\.[A-Za-z0-9_-]*)"
    r"|(?P<bearer>(?<=Bearer )[^\s\"',;]+)"
    rf"|(?P<uuid>\b{_UUID}\b)"
    r"|(?P<hex>\b0x[0-9a-fA-F]+\b|\b(?=[a-fA-F]*\d)[0-9a-fA-F]{8,}\b)"
    r"|(?P<n>(?<![A-Za-z_])-?\d+(?:\.\d+)?)")
_MESSAGE_NAMES = {"jwt": "<jwt>", "bearer": "<token>", "uuid": "<uuid>", "hex": "<hex>", "n": "<n>"}
MESSAGE_LIMIT = 300
_CACHE_LIMIT = 50_000


def fold_segment(segment: str) -> str:
    match = _SEGMENT.fullmatch(segment)
    if match is None or match.lastgroup is None:
        return segment
    return _SEGMENT_NAMES[match.lastgroup]


def fold_path(path: str) -> str:
    """`/posts/123/comments` -> `/posts/:id/comments`; the query string is dropped."""
    if not path:
        return "/"
    return "/".join(fold_segment(part) for part in path.split("/"))


def route_of_url(url: str) -> str:
    try:
        path = urlsplit(url).path
    except ValueError:
        path = url.split("?", 1)[0]
    return fold_path(path or "/")


def fold_message(text: str) -> str:
    text = " ".join(text[: MESSAGE_LIMIT * 2].split())
    folded = _MESSAGE.sub(lambda m: _MESSAGE_NAMES[m.lastgroup or "n"], text)
    return folded[:MESSAGE_LIMIT] + ("…" if len(folded) > MESSAGE_LIMIT else "")


def top_frame(stack: str | None) -> str | None:
    """The first `at ...` line of a V8 stack, without the `at `."""
    if not stack:
        return None
    for line in stack.splitlines():
        stripped = line.strip()
        if stripped.startswith("at "):
            return stripped[3:][:200]
    return None


def route_regex(route: str) -> str:
    """A --match regex for replay that selects the URLs of a folded route."""
    parts = []
    for segment in route.split("/"):
        parts.append("[^/?#]+" if segment in _SEGMENT_NAMES.values() else re.escape(segment))
    return "/".join(parts) + "([?#]|$)"


class RouteCache:
    """Memoised route_of_url: most URLs repeat; unique ones (ids in the path) refill a bounded dict."""

    __slots__ = ("_cache",)

    def __init__(self) -> None:
        self._cache: dict[str, str] = {}

    def __call__(self, url: str) -> str:
        route = self._cache.get(url)
        if route is None:
            if len(self._cache) >= _CACHE_LIMIT:
                self._cache.clear()
            route = self._cache[url] = route_of_url(url)
        return route
