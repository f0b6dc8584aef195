"""Unresolved imports of a module graph as findings (MBV401-MBV403, documented in `graph.codes`)."""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

from mbv_cli.core.findings import Finding, Severity
from mbv_cli.core.graph.build import Unresolved, WorkerGraph, display


def _installed_somewhere(start: Path) -> bool:
    """Whether dependencies were installed for the code at `start` (a node_modules at or above it)."""
    for folder in (start, *start.parents):
        if os.path.isdir(folder / "node_modules"):
            return True
        if os.path.isdir(folder / ".git"):
            return False
    return False


def unresolved_findings(graphs: Iterable[WorkerGraph]) -> tuple[list[Finding], list[str]]:
    """(findings, notes) for the unresolved imports of some graphs, each import once."""
    findings: list[Finding] = []
    missing: dict[str, list[Unresolved]] = {}
    seen: set[tuple[Path, int, str]] = set()
    for graph in graphs:
        for item in graph.unresolved:
            key = (item.importer, item.line, item.specifier)
            if item.type_only or key in seen:
                continue
            seen.add(key)
            finding = _finding(graph, item)
            if finding is None:
                missing.setdefault(item.package or item.specifier, []).append(item)
            else:
                findings.append(finding)
    notes = [f"{display(items[0].importer)}:{items[0].line}: {name} is declared but not installed (no node_modules); "
             "run the install so mbv can follow it" for name, items in missing.items()]
    return findings, notes


def _finding(graph: WorkerGraph, item: Unresolved) -> Finding | None:
    file, line = str(item.importer), item.line
    if item.problem == "not-found":
        return Finding(code="MBV401", severity=Severity.ERROR,
                       message=f"import {item.specifier!r} resolves to no file; `wrangler deploy` fails with "
                               "\"Could not resolve\"",
                       hint="fix the path (or the tsconfig path / alias it goes through), or restore the file",
                       worker=graph.name, file=file, line=line)
    if item.problem == "not-declared":
        return Finding(code="MBV402", severity=Severity.ERROR,
                       message=f"package {item.package!r} is imported but neither installed nor declared in a "
                               "package.json",
                       hint=f"add it to the Worker's package.json (npm install {item.package})",
                       worker=graph.name, file=file, line=line)
    if not _installed_somewhere(item.importer.parent):
        return None
    return Finding(code="MBV403", severity=Severity.WARNING,
                   message=f"package {item.package!r} is declared but not installed",
                   hint="run the install (npm install, pnpm install or yarn)", worker=graph.name, file=file, line=line)
