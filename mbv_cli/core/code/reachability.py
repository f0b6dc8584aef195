"""Which source files belong to the Worker: the files reachable from its `main` by imports.

A Worker directory often holds code that never runs in the Worker: a React front end served
as static assets, `public/*.js`, build scripts, `vitest.config.ts`. Rules about the Workers
runtime are about the Worker's module graph, so the doctor follows relative imports (and the
common `@/`, `~/` aliases) from `main`. Bare package specifiers are dependencies and not followed.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path

from mbv_cli.core.code.parsing import SourceFile
from mbv_cli.core.rules.syntax import module_specifiers

RESOLVE_SUFFIXES = (".ts", ".tsx", ".mts", ".cts", ".js", ".mjs", ".cjs", ".jsx")


def _candidates(base: Path) -> Iterable[Path]:
    yield base
    for suffix in RESOLVE_SUFFIXES:
        yield base.with_name(base.name + suffix)
    if base.suffix in {".js", ".mjs", ".cjs", ".jsx"}:  # TS sources imported as "./x.js"
        stem = base.with_suffix("")
        for suffix in (".ts", ".tsx", ".mts", ".cts"):
            yield stem.with_name(stem.name + suffix)
    for suffix in RESOLVE_SUFFIXES:
        yield base / f"index{suffix}"


def _resolve(specifier: str, importer: Path, roots: Sequence[Path], known: dict[Path, SourceFile]) -> Path | None:
    if specifier.startswith("."):
        bases = [importer.parent / specifier]
    elif specifier.startswith(("@/", "~/", "#/")):
        bases = [root / sub / specifier[2:] for root in roots for sub in ("src", "app", ".")]
    else:
        return None
    for base in bases:
        for candidate in _candidates(base):
            resolved = Path(_normalise(candidate))
            if resolved in known:
                return resolved
    return None


def _normalise(path: Path) -> str:
    import os

    return os.path.normpath(path)


def reachable_sources(sources: Sequence[SourceFile], mains: Iterable[Path], root: Path) -> list[SourceFile] | None:
    """The sources reachable from the `main` entry points, or None when no entry point was found."""
    known = {Path(_normalise(s.path.resolve())): s for s in sources}
    queue = [Path(_normalise(m.resolve())) for m in mains]
    queue = [m for m in queue if m in known]
    if not queue:
        return None
    seen: set[Path] = set(queue)
    roots = [Path(_normalise(root.resolve()))]
    while queue:
        current = queue.pop()
        for _node, specifier, _type_only in module_specifiers(known[current]):
            target = _resolve(specifier, current, roots, known)
            if target is not None and target not in seen:
                seen.add(target)
                queue.append(target)
    return [s for s in sources if Path(_normalise(s.path.resolve())) in seen]
