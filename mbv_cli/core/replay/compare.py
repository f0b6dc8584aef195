"""`--compare URL`: what differs between the target's answer and another base URL's answer.

Status, the chosen headers (`--compare-header`, default Content-Type) and bodies are compared.
JSON bodies are compared as data (key order and whitespace do not count), path by path;
`--ignore-field a.b.c` (repeatable, `*` matches any key or index) skips volatile fields such as
timestamps or request ids. Other bodies are compared byte for byte.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from mbv_cli.core.replay.model import Exchange

_MISSING = object()


@dataclass(slots=True)
class Difference:
    where: str          # "status", "header content-type", "body", "body.user.id", "error"
    target: Any
    compare: Any

    def to_dict(self) -> dict[str, Any]:
        return {"where": self.where, "target": self.target, "compare": self.compare}


@dataclass(slots=True)
class Comparison:
    source: str
    target: Exchange
    compare: Exchange
    differences: list[Difference] = field(default_factory=list)

    @property
    def same(self) -> bool:
        return not self.differences


def compare_exchanges(target: Exchange, other: Exchange, *, headers: list[str], ignore: list[str]) -> Comparison:
    result = Comparison(source=target.source, target=target, compare=other)
    diffs = result.differences
    if (target.error or other.error) and (
            (target.error is None) != (other.error is None) or target.response is None or other.response is None):
        diffs.append(Difference("error", target.error, other.error))
        return result
    a, b = target.response, other.response
    if a is None or b is None:
        return result
    if a.status != b.status:
        diffs.append(Difference("status", a.status, b.status))
    for name in headers:
        va, vb = _header(a.headers, name), _header(b.headers, name)
        if va != vb:
            diffs.append(Difference(f"header {name.lower()}", va, vb))
    ignored = [tuple(path.split(".")) for path in ignore if path]
    ja, jb = _json(a.body), _json(b.body)
    if ja is not _MISSING and jb is not _MISSING:
        _diff_json(ja, jb, (), ignored, diffs)
    elif a.body != b.body:
        diffs.append(Difference("body", _preview(a.body), _preview(b.body)))
    return result


def _header(headers: list[tuple[str, str]], name: str) -> str | None:
    values = [v for k, v in headers if k.lower() == name.lower()]
    return ", ".join(values) if values else None


def _json(body: bytes) -> Any:
    if not body.strip():
        return _MISSING
    try:
        return json.loads(body)
    except (ValueError, UnicodeDecodeError, RecursionError):  # RecursionError: `[` nested 100k deep
        return _MISSING


def _ignored(path: tuple[str, ...], ignored: list[tuple[str, ...]]) -> bool:
    return any(len(p) == len(path) and all(x in ("*", y) for x, y in zip(p, path, strict=False)) for p in ignored)


def _diff_json(a: Any, b: Any, path: tuple[str, ...], ignored: list[tuple[str, ...]],
               diffs: list[Difference]) -> None:
    if path and _ignored(path, ignored):
        return
    where = "body" + "".join(f".{p}" for p in path)
    if isinstance(a, dict) and isinstance(b, dict):
        for key in list(a) + [k for k in b if k not in a]:
            child = (*path, str(key))
            if key not in b:
                if not _ignored(child, ignored):
                    diffs.append(Difference(where + f".{key}", a[key], "(absent)"))
            elif key not in a:
                if not _ignored(child, ignored):
                    diffs.append(Difference(where + f".{key}", "(absent)", b[key]))
            else:
                _diff_json(a[key], b[key], child, ignored, diffs)
        return
    if isinstance(a, list) and isinstance(b, list):
        for index in range(max(len(a), len(b))):
            child = (*path, str(index))
            if index >= len(a):
                if not _ignored(child, ignored):
                    diffs.append(Difference(f"{where}.{index}", "(absent)", b[index]))
            elif index >= len(b):
                if not _ignored(child, ignored):
                    diffs.append(Difference(f"{where}.{index}", a[index], "(absent)"))
            else:
                _diff_json(a[index], b[index], child, ignored, diffs)
        return
    if a != b or type(a) is not type(b):
        diffs.append(Difference(where, a, b))


def _preview(body: bytes) -> str:
    text = body[:200].decode("utf-8", "replace")
    return text + ("…" if len(body) > 200 else "")
