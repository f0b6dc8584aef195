"""Text and Graphviz dot rendering of `mbv graph`."""

from __future__ import annotations

import json
import sys
from typing import Any

from mbv_cli.core.graph.build import display
from mbv_cli.core.graph.result import GraphResult
from mbv_cli.render import console
from mbv_cli.render.console import escape

_PROBLEMS = {"not-found": "resolves to no file", "not-declared": "neither installed nor declared",
             "not-installed": "declared but not installed",
             "not-built": "workspace package not built"}


def _size(size: int) -> str:
    for unit in ("B", "kB", "MB", "GB"):
        if size < 1000 or unit == "GB":
            return f"{size:.0f} {unit}" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1000  # type: ignore[assignment]
    return str(size)


def _rel(path: Any, base: Any) -> str:
    try:
        return str(path.relative_to(base).as_posix())
    except ValueError:
        return display(path)


def render_graph_text(result: GraphResult, **_: Any) -> None:
    out = console.stdout()
    for graph in result.graphs:
        env = f" (env {escape(graph.env)})" if graph.env else ""
        out.print(f"[bold]{escape(graph.name)}[/]{env} [dim]{escape(display(graph.config))}[/]")
        if not graph.has_code:
            out.print(f"  {escape(graph.note or 'no code')}\n")
            continue
        assert graph.entry is not None
        base = graph.directory
        via = " (from mbv.toml)" if graph.entry_source == "mbv.toml" else ""
        out.print(f"  entry {escape(_rel(graph.entry, base))}{via}")
        modules = sorted(graph.modules.values(), key=lambda m: (m.how != "entry", str(m.path)))
        out.print(f"  modules ({len(modules)})")
        for m in modules:
            if m.how == "entry":
                continue
            tags = [m.how] + (["dynamic"] if m.dynamic else []) + (["type only"] if m.type_only else [])
            origin = f" <- {_rel(m.importer, base)}:{m.line}" if m.importer is not None else ""
            out.print(f"    {escape(_rel(m.path, base))}  [dim]{escape(', '.join(tags))}{escape(origin)}[/]")
        if graph.packages:
            out.print(f"  packages ({len(graph.packages)}, heaviest first)")
            for p in graph.packages.values():
                imports = console.plural(len(p.importers), "import")
                out.print(f"    {escape(p.name)} {escape(p.version or '?')}  {_size(p.size)}  [dim]{imports}[/]")
        if graph.unresolved:
            out.print(f"  unresolved imports ({len(graph.unresolved)})")
            for u in graph.unresolved:
                kind = " (type only)" if u.type_only else ""
                out.print(f"    {escape(_rel(u.importer, base))}:{u.line}  {escape(json.dumps(u.specifier))}  "
                          f"{_PROBLEMS.get(u.problem, u.problem)}{kind}")
        out.print()
    for note in result.notes:
        console.note(note)
    summary = result.summary()
    out.print(f"{console.plural(summary['workers'], 'Worker')}, {console.plural(summary['modules'], 'module')}, "
              f"{console.plural(summary['packages'], 'package')}, "
              f"{console.plural(summary['unresolved'], 'unresolved import')}")


def render_graph_dot(result: GraphResult, **_: Any) -> None:
    lines = ["digraph mbv {", "  rankdir=LR;", "  node [shape=box, fontsize=10];"]
    for index, graph in enumerate(result.graphs):
        label = graph.name + (f" ({graph.env})" if graph.env else "")
        lines.append(f"  subgraph cluster_{index} {{")
        lines.append(f"    label={json.dumps(label)};")
        prefix = f"w{index}:"
        for m in graph.modules.values():
            style = ", style=bold" if m.how == "entry" else ", style=dashed" if m.type_only else ""
            lines.append(f"    {json.dumps(prefix + str(m.path))} [label={json.dumps(display(m.path))}{style}];")
        for p in graph.packages.values():
            lines.append(f"    {json.dumps(prefix + 'pkg:' + p.name)} "
                         f"[label={json.dumps(p.name + ' ' + (p.version or ''))}, shape=ellipse];")
        for m in graph.modules.values():
            if m.importer is not None:
                attrs = f" [label={json.dumps(m.how)}]" if m.how != "relative" else ""
                lines.append(f"    {json.dumps(prefix + str(m.importer))} -> {json.dumps(prefix + str(m.path))}{attrs};")
        for p in graph.packages.values():
            for importer in dict.fromkeys(f for f, _ in p.importers):
                lines.append(f"    {json.dumps(prefix + str(importer))} -> {json.dumps(prefix + 'pkg:' + p.name)};")
        lines.append("  }")
    lines.append("}")
    sys.stdout.write("\n".join(lines) + "\n")
