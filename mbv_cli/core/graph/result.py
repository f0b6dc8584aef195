"""`mbv graph`: each Worker's module graph as one result (text, JSON `mbv.graph/1`, dot)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mbv_cli.core.code.cache import FactsCache
from mbv_cli.core.findings import Finding, Severity
from mbv_cli.core.graph.build import GraphCache, WorkerGraph, build_graph, display
from mbv_cli.core.graph.findings import unresolved_findings

if TYPE_CHECKING:
    from mbv_cli.core.wrangler.environments import ResolvedWorker


@dataclass(slots=True)
class GraphResult:
    graphs: list[WorkerGraph]
    findings: list[Finding] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def fails(self, threshold: Severity) -> bool:
        return any(f.severity.rank >= threshold.rank for f in self.findings)

    def summary(self) -> dict[str, int]:
        return {
            "workers": len(self.graphs),
            "modules": sum(len(g.modules) for g in self.graphs),
            "packages": sum(len(g.packages) for g in self.graphs),
            "unresolved": sum(len(g.unresolved) for g in self.graphs),
        }

    def to_dict(self) -> dict[str, Any]:
        return {
            "schema": "mbv.graph/1",
            "workers": [graph_dict(g) for g in self.graphs],
            "findings": [f.to_dict() for f in self.findings],
            "notes": list(self.notes),
            "summary": self.summary(),
        }


def _where(path: Path | None) -> str | None:
    return display(path) if path is not None else None


def graph_dict(graph: WorkerGraph) -> dict[str, Any]:
    return {
        "name": graph.name,
        "env": graph.env,
        "config": display(graph.config),
        "directory": display(graph.directory),
        "entry": _where(graph.entry),
        "entry_source": graph.entry_source,
        "status": graph.status,
        "note": graph.note,
        "modules": [
            {"path": display(m.path), "how": m.how, "importer": _where(m.importer), "line": m.line,
             "dynamic": m.dynamic, "type_only": m.type_only, "code": m.is_code}
            for m in sorted(graph.modules.values(), key=lambda m: (m.how != "entry", str(m.path)))
        ],
        "packages": [
            {"name": p.name, "version": p.version, "directory": display(p.directory), "size": p.size,
             "imports": [{"file": display(f), "line": line} for f, line in p.importers]}
            for p in graph.packages.values()
        ],
        "unresolved": [
            {"file": display(u.importer), "line": u.line, "specifier": u.specifier, "problem": u.problem,
             "package": u.package, "type_only": u.type_only}
            for u in graph.unresolved
        ],
    }


def graph_workers(workers: Sequence[ResolvedWorker], *, entries: dict[Path, str] | None = None,
                  cache: FactsCache | None = None) -> GraphResult:
    """The module graph of each resolved Worker, with the unresolved imports as findings."""
    shared = GraphCache() if cache is None else GraphCache(facts=cache)
    graphs = [build_graph(w, cache=shared, overrides=entries) for w in workers]
    if cache is not None:
        cache.save()
    findings, notes = unresolved_findings(graphs)
    notes = [n for g in graphs if (n := g.note) is not None] + notes
    return GraphResult(graphs, findings, list(dict.fromkeys(notes)))
