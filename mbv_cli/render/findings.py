"""Text rendering of findings, grouped by Worker and environment."""

from __future__ import annotations

from itertools import groupby
from typing import Any

from rich.markup import escape

from mbv_cli.core.findings import Finding, FindingsReport
from mbv_cli.render import console

_STYLE = {"error": "bold red", "warning": "yellow", "info": "blue"}


def _where(f: Finding) -> str:
    if not f.file:
        return ""
    text = f.file
    if f.line:
        text += f":{f.line}"
        if f.column:
            text += f":{f.column}"
    return text


def render_text(report: FindingsReport, **_: Any) -> None:
    out = console.stdout()
    for note in report.notes:
        console.stderr().print(f"[dim]note[/]: {escape(note)}")
    findings = report.sorted()
    for (worker, env), group in groupby(findings, key=lambda f: (f.worker, f.env)):
        heading = escape(worker or "project")
        out.print(f"[bold]{heading}[/] [dim]({escape(env or 'top level')})[/]")
        for f in group:
            style = _STYLE[f.severity.value]
            where = _where(f)
            out.print(
                f"  [{style}]{f.severity.value:<7}[/] [bold]{f.code}[/] {escape(f.message)}"
                + (f"  [dim]{escape(where)}[/]" if where else "")
            )
            if f.hint:
                out.print(f"           [dim]hint:[/] {escape(f.hint)}")
            if f.snippet:
                for line in f.snippet.splitlines():
                    out.print(f"             [green]{escape(line)}[/]")
    summary = report.summary()
    if findings:
        out.print(f"{summary['error']} errors, {summary['warning']} warnings, {summary['info']} info")
    else:
        out.print("no problems found")
