"""Text rendering of findings, grouped by Worker and environment.

Findings that differ only by where they are are shown once, with each place underneath, so the
hint and snippet are not repeated. A finding about several places (`related`: one binding read in
many) shows its first place and "and N more" (the JSON and SARIF output list them all).
"""

from __future__ import annotations

from collections import Counter
from itertools import groupby
from typing import Any

from mbv_cli.core.findings import Finding, FindingsReport
from mbv_cli.render import console
from mbv_cli.render.baseline import baseline_lines
from mbv_cli.render.console import escape
from mbv_cli.render.grouping import GROUP_SHOW, group_line, repeated_codes

_STYLE = {"error": "bold red", "warning": "yellow", "info": "blue"}


def _same(f: Finding) -> tuple[Any, ...]:
    return (f.code, f.severity, f.message, f.hint, f.binding, f.snippet)


def render_text(report: FindingsReport, *, show_all: bool = False, **_: Any) -> None:
    out = console.stdout()
    for note in report.notes:
        console.stderr().print(f"[dim]note[/]: {escape(note)}")
    findings = report.sorted()
    for (worker, env), group in groupby(findings, key=lambda f: (f.worker, f.env)):
        heading = escape(worker or "project")
        out.print(f"[bold]{heading}[/] [dim]({escape('env.' + env if env else 'top level')})[/]")
        merged: dict[tuple[Any, ...], list[Finding]] = {}
        members = list(group)
        for f in members:
            merged.setdefault(_same(f), []).append(f)
        grouped = set() if show_all else repeated_codes(members)
        shown: Counter[str] = Counter()
        for items in merged.values():
            f = items[0]
            if f.code in grouped:
                shown[f.code] += 1
                if shown[f.code] > GROUP_SHOW:
                    continue
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
            if f.code in grouped and shown[f.code] == GROUP_SHOW:
                out.print(f"  [dim]{escape(group_line(f.code, members))}[/]")
    summary = report.summary()
    if findings:
        out.print(console.summary_line(summary))
    else:
        out.print("no problems found")
    for extra in baseline_lines(report.baseline):
        out.print(escape(extra), soft_wrap=True)
