"""Fold the parts of paths and messages that vary per request, so alike things group together.

`/posts/123` -> `/posts/:id`, `/u/3f2a...-...` -> `/u/:uuid`, long hex runs -> `:hex`, long mixed
tokens -> `:token`; in messages numbers become `<n>`, ids `<uuid>`/`<hex>`, JWTs `<jwt>` and the
credential after `Bearer` `<token>`. Folding never keeps a credential: what it removes is exactly
what varies, and the replay redactor runs over the result anyway.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import partial

_UUID = r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"
_SEGMENT_NAMES = {"id": ":id", "uuid": ":uuid", "hex": ":hex", "token": ":token"}
_MESSAGE = re.compile(
    r"(?P<jwt>\beyJ[A-Za-z0-9_-]{2,}\.eyJ[A-Za-z0-9_-]{2,}\.[A-Za-z0-9_-]*)"
    r"|(?P<bearer>(?<=Bearer )[^\s\"',;]+)"
    rf"|(?P<uuid>\b{_UUID}\b)"
    r"|(?P<hex>\b0x[0-9a-fA-F]+\b|\b(?=[a-fA-F]*\d)[0-9a-fA-F]{8,}\b)"
    r"|(?P<n>(?<![A-Za-z_])-?\d+(?:\.\d+)?)")
_MESSAGE_NAMES = {"jwt": "<jwt>", "bearer": "<token>", "uuid": "<uuid>", "hex": "<hex>", "n": "<n>"}
MESSAGE_LIMIT = 300
_CACHE_LIMIT = 20_000


_END = r"(?=/|\.[A-Za-z0-9]{1,8}$|$)"   # a whole segment, or its stem before a file extension
_PATH_RULES = (
    (re.compile(r"(?<=/)\d+" + _END), ":id"),
    (re.compile(rf"(?<=/){_UUID}" + _END), ":uuid"),
    (re.compile(r"(?<=/)(?=[a-fA-F]*\d)[0-9a-fA-F]{8,}" + _END), ":hex"),
    (re.compile(r"(?<=/)(?=[A-Za-z_-]*\d)(?=[0-9_-]*[A-Za-z])[A-Za-z0-9_-]{16,}" + _END), ":token"),
)


def fold_segment(segment: str) -> str:
    if segment.isdigit():
        return ":id"
    return fold_path("/" + segment)[1:] if any(c.isdigit() for c in segment) else segment


def fold_path(path: str) -> str:
    """`/posts/123/comments` -> `/posts/:id/comments`, `/a/0f3c9e1d2b.js` -> `/a/:hex.js`."""
    if not path:
        return "/"
    for pattern, name in _PATH_RULES:
        path = pattern.sub(name, path)
    return path


def path_of_url(url: str) -> str:
    """The path of an absolute URL without parsing it all (this runs once per event)."""
    scheme = url.find("//")
    start = url.find("/", scheme + 2) if scheme >= 0 else url.find("/")
    if start < 0:
        return "/"
    end = len(url)
    for stop in ("?", "#"):
        at = url.find(stop, start)
        if 0 <= at < end:
            end = at
    return url[start:end]


def route_of_url(url: str) -> str:
    return fold_path(path_of_url(url))


# a run of 1-7 digits not preceded by a letter, `_` or digit (`(?<![A-Za-z_\d])\d{1,7}(?!\d)`), written to
# start with the digit: the regex engine then skips to digits instead of trying every position
_SHORT_NUMBER = re.compile(r"\d(?<![A-Za-z_\d]\d)\d{0,6}(?!\d)")

# A cheap cache key for fold_message: texts that differ only in short standalone numbers fold alike
# (those always become `<n>`), so they share one (costly) fold. (A C call.)
fold_key: Callable[[str], str] = partial(_SHORT_NUMBER.sub, "0")


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
        stem, dot, extension = segment.partition(".")
        if stem in _SEGMENT_NAMES.values():
            parts.append("[^/?#.]+" + re.escape(dot + extension) if dot else "[^/?#]+")
        else:
            parts.append(re.escape(segment))
    return "/".join(parts) + "([?#]|$)"


# the first rule of fold_path in the form the regex engine scans fastest (it looks for the `/` first);
# the same substitutions as `(?<=/)\d+...` -> `:id`, as the lookahead never takes the next `/`
_NUMBERS = re.compile(r"/\d+" + _END)

# `/posts/123/c/4` -> `/posts/:id/c/:id`: the first rule of fold_path alone (one C call)
number_ids: Callable[[str], str] = partial(_NUMBERS.sub, "/:id")


def https_path(url: str) -> str:
    """path_of_url for an `https://` URL (what Logpush and tail carry), in fewer steps."""
    start = url.find("/", 8)
    if start < 0:
        return "/"
    end = url.find("?", start)
    path = url[start:end] if end >= 0 else url[start:]
    if "#" in path:
        path = path[:path.find("#")]
    return path


class RouteCache:
    """Memoised fold of URL paths: paths without ids repeat; unique ones refill a bounded dict.

    `paths` maps a path, and a path with its numbers folded (`number_ids`), to its route: a hot
    loop can look a path up itself, then its numbered form, and call `add` only when both miss;
    `__call__` does the same in one call."""

    __slots__ = ("paths",)

    def __init__(self) -> None:
        self.paths: dict[str, str] = {}

    def __call__(self, url: str) -> str:
        path = https_path(url) if url.startswith("https://") else path_of_url(url)
        paths = self.paths
        route = paths.get(path)
        if route is None:
            numbered = number_ids(path)
            route = paths.get(numbered)
            if route is None:
                route = self.add(path, numbered)
        return route

    def add(self, path: str, numbered: str) -> str:
        """The route of a path whose numbered form (`number_ids(path)`) is not in `paths` yet."""
        paths = self.paths
        if len(paths) >= _CACHE_LIMIT:
            paths.clear()
        route = numbered
        for pattern, name in _PATH_RULES[1:]:    # fold_path's other rules (its first did `number_ids`)
            route = pattern.sub(name, route)
        paths[numbered] = route
        return route
