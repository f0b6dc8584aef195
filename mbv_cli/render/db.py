"""Text rendering of `mbv db locate`, `mbv db health` and `mbv db locks`."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Any

from mbv_cli.render import console
from mbv_cli.render.console import escape

if TYPE_CHECKING:
    from mbv_cli.core.db.health import HealthResult
    from mbv_cli.core.db.locate import LocateResult

_STATUS = {"ok": "[green]ok[/]     ", "warn": "[yellow]warn[/]   ", "fail": "[bold red]fail[/]   ",
           "skipped": "[dim]skipped[/]"}
_SEVERITY = {"error": "bold red", "warning": "yellow", "info": "blue"}


def _line(out: Any, text: str = "") -> None:
    out.print(text, soft_wrap=True)  # paths stay whole for copy and paste


def _target_line(result: Any) -> str:
    target = result.target
    if target.mode == "file":
        return f"[bold]{escape(str(target.path))}[/]"
    where = f"{target.worker.name} ({target.worker.env or 'top level'})" if target.worker else ""
    name = f"{target.binding} ({target.database_name})" if target.database_name else str(target.binding)
    mode = "remote D1 " + str(target.database_id) if target.mode == "remote" else "local"
    return f"[bold]{escape(name)}[/] in {escape(where)} [dim]{escape(mode)}[/]"


def render_locate_path(result: LocateResult, **_: Any) -> None:
    sys.stdout.write(f"{result.path}\n")


def render_locate_text(result: LocateResult, **_: Any) -> None:
    out = console.stdout()
    _line(out, _target_line(result))
    _line(out, f"  path     {escape(str(result.path))}")
    if result.hashed_from:
        _line(out, f"  name     hashed from {result.hashed_from} {escape(str(result.hashed_value))}")
    if result.exists:
        extra = f" (with {', '.join(result.sidecars)})" if result.sidecars else ""
        _line(out, f"  exists   [green]yes[/], {result.size} bytes{escape(extra)}")
    else:
        _line(out, "  exists   [yellow]no[/]")
        if result.create_command:
            _line(out, f"  create   {escape(result.create_command)}")


def render_health_text(result: HealthResult, **_: Any) -> None:
    out = console.stdout()
    _line(out, _target_line(result))
    if result.target.path is not None and result.target.mode != "file":
        _line(out, f"[dim]{escape(str(result.target.path))}[/]")
    for check in result.checks:
        _line(out, f"  {_STATUS.get(check.status, check.status)} {check.name:<18} {escape(check.detail)}")
    if result.findings:
        _line(out, "")
    for f in result.to_report().sorted():
        style = _SEVERITY[f.severity.value]
        where = f"  [dim]{escape(f.file)}[/]" if f.file and f.code in ("MBV301", "MBV310") else ""
        _line(out, f"  [{style}]{f.severity.value:<7}[/] [bold]{f.code}[/] {escape(f.message)}{where}")
        if f.hint:
            _line(out, f"          [dim]hint:[/] {escape(f.hint)}")
    if result.stats is not None:
        _line(out, "")
        _line(out, "  [bold]table                          rows        bytes[/]")
        for s in result.stats:
            size = "?" if s.bytes is None else str(s.bytes)
            _line(out, f"  {escape(s.table):<28} {s.rows:>8} {size:>12}")
    if result.columns:
        _line(out, "")
        _line(out, "  [bold]column                         declared    integer     real     text     blob     null[/]")
        for c in result.columns:
            n = c.counts
            mark = "  [yellow]mixed[/]" if c.mixed else ""
            _line(out, f"  {escape(c.table + '.' + c.column):<30} {escape(c.declared or '(none)'):<10}"
                       f"{n.get('integer', 0):>8} {n.get('real', 0):>8} {n.get('text', 0):>8} {n.get('blob', 0):>8}"
                       f" {n.get('null', 0):>8}{mark}")
    for note in result.notes:
        console.stderr().print(f"[dim]note[/]: {escape(note)}")
    summary = result.to_report().summary()
    _line(out, console.summary_line(summary))


_STATEMENT = {"ok": "[green]ok[/]     ", "error": "[bold red]error[/]  ", "scan": "[yellow]scan[/]   ",
              "skipped": "[dim]skipped[/]"}


def render_queries_text(result: Any, **_: Any) -> None:
    """`mbv db queries`: per binding its schema source, each statement's outcome and plan, the findings."""
    out = console.stdout()
    for binding in result.bindings:
        where = f"{binding.worker} ({binding.env or 'top level'})"
        source = {"local": "local database", "migrations": "schema from the migrations",
                  "none": "no schema"}[binding.schema_mode]
        _line(out, f"[bold]{escape(binding.binding)}[/] in {escape(where)} [dim]{source}"
                   f"{' ' + escape(binding.database) if binding.database else ''}[/]")
        for item in binding.statements:
            s = item.statement
            plan = "; ".join(item.plan) if item.plan else ""
            detail = item.error or plan
            sql = " ".join(s.sql.split())
            sql = sql if len(sql) <= 70 else sql[:69] + "…"
            shown = s.to_dict()["file"]
            _line(out, f"  {_STATEMENT[item.status]} {escape(f'{shown}:{s.line}')}  {escape(sql)}")
            if detail:
                _line(out, f"           [dim]{escape(detail)}[/]")
        if binding.columns and any(c.mixed for c in binding.columns):
            _line(out, "  [bold]column                         storage classes (sampled)[/]")
            for c in binding.columns:
                if c.mixed:
                    counts = ", ".join(f"{k} {n}" for k, n in sorted(c.counts.items()) if n)
                    _line(out, f"  {escape(c.table + '.' + c.column):<30} {escape(counts)}")
        _line(out, "")
    for f in result.to_report().sorted():
        style = _SEVERITY[f.severity.value]
        _line(out, f"[{style}]{f.severity.value:<7}[/] [bold]{f.code}[/] {escape(f.message)}  [dim]{escape(f.where)}[/]")
        if f.hint:
            _line(out, f"        [dim]hint:[/] {escape(f.hint)}")
    for note in result.notes:
        console.stderr().print(f"[dim]note[/]: {escape(note)}")
    _line(out, console.summary_line(result.to_report().summary()))
