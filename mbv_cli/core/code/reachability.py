"""Which source files belong to the Worker: the files reachable from its `main` by imports.

A Worker directory often holds code that never runs in the Worker: a React front end served
as static assets, `public/*.js`, build scripts, `vitest.config.ts`. Rules about the Workers
runtime are about the Worker's module graph, so the doctor follows relative imports (and the
common `@/`, `~/`, `#/` aliases) from `main`. Bare package specifiers are dependencies and are
not followed. Specifiers are read from the raw text (a file need not be parsed to be followed),
so an import inside a comment is followed too: the graph may be a little larger, never smaller.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

RESOLVE_SUFFIXES = (".ts", ".tsx", ".mts", ".cts", ".js", ".mjs", ".cjs", ".jsx")
SPECIFIER = re.compile(
    r"""(?:\bfrom\s*|\bimport\s*\(\s*|\bimport\s+|\brequire\s*\(\s*)["']([^"'\n]+)["']"""
)


def specifiers(text: str) -> list[str]:
    return SPECIFIER.findall(text)


def _candidates(base: str) -> Iterable[str]:
    yield base
    for suffix in RESOLVE_SUFFIXES:
        yield base + suffix
    stem, ext = os.path.splitext(base)
    if ext in {".js", ".mjs", ".cjs", ".jsx"}:  # TS sources imported as "./x.js"
        for suffix in (".ts", ".tsx", ".mts", ".cts"):
            yield stem + suffix
    for suffix in RESOLVE_SUFFIXES:
        yield os.path.join(base, f"index{suffix}")


def _resolve(specifier: str, importer: str, root: str, known: set[str]) -> str | None:
    if specifier.startswith("."):
        bases = [os.path.join(os.path.dirname(importer), specifier)]
    elif specifier.startswith(("@/", "~/", "#/")):
        bases = [os.path.join(root, sub, specifier[2:]) for sub in ("src", "app", ".")]
    else:
        return None
    for base in bases:
        for candidate in _candidates(os.path.normpath(base)):
            if candidate in known:
                return candidate
    return None


def reachable_paths(paths: Sequence[Path], mains: Iterable[Path], root: Path,
                    read_text: Callable[[Path], str | None]) -> list[Path] | None:
    """The paths reachable from the `main` entry points, or None when no entry point is among them."""
    by_key = {os.path.normpath(os.path.abspath(p)): p for p in paths}
    known = set(by_key)
    queue = [k for k in (os.path.normpath(os.path.abspath(m)) for m in mains) if k in known]
    if not queue:
        return None
    seen = set(queue)
    root_key = os.path.normpath(os.path.abspath(root))
    while queue:
        current = queue.pop()
        text = read_text(by_key[current])
        for specifier in specifiers(text or ""):
            target = _resolve(specifier, current, root_key, known)
            if target is not None and target not in seen:
                seen.add(target)
                queue.append(target)
    return [p for p in paths if os.path.normpath(os.path.abspath(p)) in seen]
