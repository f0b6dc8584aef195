"""Text rendering of findings, grouped by Worker and environment.

Findings that differ only by where they are are shown once, with each place underneath, so the
hint and snippet are not repeated. A finding about several places (`related`: one binding read in
many) shows its first place and "and N more" (the JSON and SARIF output list them all).
"""

from __future__ import annotations

from itertools import groupby
from typing import Any

from mbv_cli.core.findings import Finding, FindingsReport
from mbv_cli.render import console
from mbv_cli.render.console import escape

_STYLE = {"error": "bold red", "warning": "yellow", "info": "blue"}


def _same(f: Finding) -> tuple[Any, ...]:
    return (f.code, f.severity, f.message, f.hint, f.binding, f.snippet)


def render_text(report: FindingsReport, **_: Any) -> None:
    out = console.stdout()
    for note in report.notes:
        console.stderr().print(f"[dim]note[/]: {escape(note)}")
    findings = report.sorted()
    for (worker, env), group in groupby(findings, key=lambda f: (f.worker, f.env)):
        heading = escape(worker or "project")
        out.print(f"[bold]{heading}[/] [dim]({escape('env.' + env if env else 'top level')})[/]")
        merged: dict[tuple[Any, ...], list[Finding]] = {}
        for f in group:
            merged.setdefault(_same(f), []).append(f)
        for items in merged.values():
            f = items[0]
            style = _STYLE[f.severity.value]
            out.print(f"  [{style}]{f.severity.value:<7}[/] [bold]{f.code}[/] {escape(f.message)}")
            label = "used at" if f.code == "MBV001" else "at"
            for item in items:
                if not item.where:
                    continue
                more = f" [dim]and {len(item.related)} more[/]" if item.related else ""
                out.print(f"           [dim]{label}[/] {escape(item.where)}{more}")
            if f.hint:
                out.print(f"           [dim]hint:[/] {escape(f.hint)}")
            if f.snippet:
                for line in f.snippet.splitlines():
                    out.print(f"             [green]{escape(line)}[/]")
    summary = report.summary()
    if findings:
        out.print(console.summary_line(summary))
    else:
        out.print("no problems found")
