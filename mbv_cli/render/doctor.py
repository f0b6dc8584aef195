"""Text rendering of `mbv doctor`: a line per area with a mark and a count, then a summary.

The default shows the findings of areas with problems; `-v` lists every finding with file:line
and hint, and the areas that are fine or not available with their notes.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from mbv_cli.core.doctor import AreaResult, DoctorResult
from mbv_cli.core.findings import Finding
from mbv_cli.render import console
from mbv_cli.render.baseline import baseline_lines
from mbv_cli.render.console import escape
from mbv_cli.render.grouping import GROUP_SHOW, group_line, repeated_codes

_MARK = {"ok": "[green]✓[/]", "warnings": "[yellow]![/]", "errors": "[bold red]✗[/]",
         "not available": "[dim]-[/]", "skipped": "[dim]-[/]"}
_STYLE = {"error": "bold red", "warning": "yellow", "info": "blue"}


def _count(area: AreaResult) -> str:
    if area.status == "skipped" and area.note:
        return f"skipped ({area.note})"
    if area.status in {"not available", "skipped"}:
        return area.status
    errors = sum(1 for f in area.findings if f.severity.value == "error")
    warnings = sum(1 for f in area.findings if f.severity.value == "warning")
    infos = len(area.findings) - errors - warnings
    parts = [p for p in (console.plural(errors, "error") if errors else "", console.plural(warnings, "warning") if warnings else "",
                         f"{infos} info" if infos else "") if p]
    return ", ".join(parts) if parts else "no problems"


def render_doctor(result: DoctorResult, *, verbose: bool = False, show_all: bool = False, **_: Any) -> None:
    out = console.stdout()
    err = console.stderr()
    if verbose:
        for note in result.report.notes:
            err.print(f"[dim]note[/]: {escape(note)}")
    for area in result.areas:
        if area.note_always and area.note and not area.findings:  # e.g. pending, no database yet to compare
            out.print(f"- [bold]{area.name}[/]: {escape(area.note)}", soft_wrap=True)
            continue
        out.print(f"{_MARK[area.status]} [bold]{area.name}[/]: {_count(area)}")
        if area.note and (verbose or area.note_always):
            out.print(f"    [dim]{escape(area.note)}[/]", soft_wrap=True)
        if area.name == "code":
            for line in result.without_code:  # said even without -v: these Workers' code was not checked
                out.print(f"    [dim]{escape(line)}[/]", soft_wrap=True)
        show = area.findings if verbose else [f for f in area.findings if f.severity.value != "info"]
        grouped = set() if show_all else repeated_codes(show)
        shown: Counter[str] = Counter()
        for f in sorted(show, key=Finding.sort_key):
            if f.code in grouped:
                shown[f.code] += 1
                if shown[f.code] > GROUP_SHOW:
                    continue
            style = _STYLE[f.severity.value]
            where = f.where + (f" and {len(f.related)} more" if f.where and f.related else "")
            # the env always (per-env findings would otherwise look like duplicates), the Worker with -v
            context = " ".join(x for x in ((f.worker or "") if verbose else "", f"(env {f.env})" if f.env else "")
                               if x)
            out.print(f"    [{style}]{f.severity.value:<7}[/] [bold]{f.code}[/] {escape(f.message)}"
                      + (f"  [dim]{escape(where)}[/]" if where else "")
                      + (f" [dim]{escape(context)}[/]" if context else ""), soft_wrap=True)
            if verbose and f.hint:
                out.print(f"            [dim]hint:[/] {escape(f.hint)}", soft_wrap=True)
            if f.code in grouped and shown[f.code] == GROUP_SHOW:
                out.print(f"    [dim]{escape(group_line(f.code, show))}[/]", soft_wrap=True)
    summary = result.summary()
    workers = console.plural(len(result.workers), "Worker")
    line = f"{console.plural(summary['error'], 'error')}, {console.plural(summary['warning'], 'warning')} in {workers}"
    if summary["info"]:
        line += f" ({summary['info']} info)"
    if result.suppressed:
        line += f"; {result.suppressed} suppressed"
    out.print(line if any(summary.values()) else f"no problems found in {workers}")
    for extra in baseline_lines(result.report.baseline):
        out.print(escape(extra), soft_wrap=True)
