"""The module graph: which files are the Worker's code, resolved as wrangler's esbuild resolves them.

`build_graph(worker)` -> `WorkerGraph` (modules with how each was reached, third-party packages,
unresolved imports); `WorkerGraph.resolve_import(importer, specifier)` answers one import.
"""

from __future__ import annotations

from mbv_cli.core.graph.build import GraphCache, Module, Package, Unresolved, WorkerGraph, build_graph

__all__ = ["GraphCache", "Module", "Package", "Unresolved", "WorkerGraph", "build_graph"]
