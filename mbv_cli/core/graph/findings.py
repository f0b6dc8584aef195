"""Unresolved imports of a module graph as findings (MBV401-MBV404, documented in `graph.codes`).

One finding per (Worker config, code, what is missing): the first import site is the finding's
place, the others are its `related` sites.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

from mbv_cli.core.findings import Finding, Severity, Site
from mbv_cli.core.graph.build import Unresolved, WorkerGraph, display

# problems that hide project code (a file or a workspace package mbv could not read)
_HIDES_CODE = frozenset({"not-found", "not-built"})


def _installed_somewhere(start: Path) -> bool:
    """Whether dependencies were installed for the code at `start` (a node_modules at or above it)."""
    for folder in (start, *start.parents):
        if os.path.isdir(folder / "node_modules"):
            return True
        if os.path.isdir(folder / ".git"):
            return False
    return False


def _code(item: Unresolved) -> str | None:
    """The finding code of an unresolved import; None for "declared, and nothing installed at all" (a note)."""
    if item.problem == "not-found":
        return "MBV401"
    if item.problem == "not-declared":
        return "MBV402"
    if item.problem == "not-built":
        return "MBV404"
    return "MBV403" if _installed_somewhere(item.importer.parent) else None


def _subject(item: Unresolved) -> str:
    """What is missing: the package, or the file a relative specifier names."""
    if item.specifier.startswith(".") and item.problem in ("not-found", "not-built"):
        return os.path.normpath(os.path.join(str(item.importer.parent), item.specifier))
    return item.package if item.problem != "not-found" and item.package else item.specifier


def _live(graphs: Iterable[WorkerGraph]) -> list[tuple[WorkerGraph, Unresolved]]:
    """Each unresolved value import of some graphs once (environments share their graph)."""
    seen: set[tuple[Path, int, str]] = set()
    found: list[tuple[WorkerGraph, Unresolved]] = []
    for graph in graphs:
        for item in graph.unresolved:
            key = (item.importer, item.line, item.specifier)
            if not item.type_only and key not in seen:
                seen.add(key)
                found.append((graph, item))
    return found


def unresolved_findings(graphs: Iterable[WorkerGraph]) -> tuple[list[Finding], list[str]]:
    """(findings, notes) for the unresolved imports of some graphs: one finding per (Worker, code,
    package or missing file), the other import sites as `related`."""
    grouped: dict[tuple[Path, str, str], list[tuple[WorkerGraph, Unresolved]]] = {}
    missing: dict[str, list[Unresolved]] = {}
    for graph, item in _live(graphs):
        code = _code(item)
        if code is None:
            missing.setdefault(item.package or item.specifier, []).append(item)
        else:
            grouped.setdefault((graph.config, code, _subject(item)), []).append((graph, item))
    findings = [_finding(code, items) for (_, code, _), items in grouped.items()]
    notes = [f"{display(items[0].importer)}:{items[0].line}: {name} is declared but not installed (no node_modules); "
             "run the install so mbv can follow it" for name, items in missing.items()]
    return findings, notes


def unseen_code(graphs: Iterable[WorkerGraph]) -> list[str]:
    """The imports of project code the graphs could not follow ("@repo/x (src/a.ts:3)"), each once."""
    found: dict[str, str] = {}
    graphs = list(graphs)
    for _, item in _live(graphs):
        if item.problem in _HIDES_CODE:
            name = item.package if item.problem == "not-built" and item.package else item.specifier
            found.setdefault(_subject(item), f"{name} ({display(item.importer)}:{item.line})")
    for graph in graphs:  # a framework entry that loads the app's routes itself (TanStack Start, React Router)
        for specifier, importer, line in graph.framework_imports:
            found.setdefault(specifier, f"{specifier} ({display(importer)}:{line}), which loads the app's routes")
    return list(found.values())


def _finding(code: str, items: list[tuple[WorkerGraph, Unresolved]]) -> Finding:
    graph, item = items[0]
    if code == "MBV401":
        severity = Severity.ERROR
        message = f"import {item.specifier!r} resolves to no file; `wrangler deploy` fails with \"Could not resolve\""
        hint = "fix the path (or the tsconfig path / alias it goes through), or restore the file"
    elif code == "MBV402":
        severity = Severity.ERROR
        message = f"package {item.package!r} is imported but neither installed nor declared in a package.json"
        hint = f"add it to the Worker's package.json (npm install {item.package})"
    elif code == "MBV404":
        severity = Severity.INFO
        missing = display(item.target) if item.target is not None else "its build output"
        if item.package:
            message = f"workspace package {item.package} is not built ({missing} missing): its code was not checked"
        else:
            message = (f"import {item.specifier!r} names {missing}, which a build step writes and which does not "
                       "exist yet: its code was not checked")
        hint = ("build it first (e.g. `turbo run build`), then re-run mbv; or keep its source at the same path "
                "under src/ (dist/index.js -> src/index.ts), which mbv reads instead")
    else:
        severity = Severity.WARNING
        message = f"package {item.package!r} is declared but not installed"
        hint = "run the install (npm install, pnpm install or yarn)"
    related: tuple[Site, ...] = tuple((str(i.importer), i.line, None) for _, i in items[1:])
    return Finding(code=code, severity=severity, message=message, hint=hint, worker=graph.name,
                   file=str(item.importer), line=item.line, related=related)
