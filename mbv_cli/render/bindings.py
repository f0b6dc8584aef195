"""Text rendering of `mbv bindings list`."""

from __future__ import annotations

from typing import Any

from rich import box
from rich.markup import escape
from rich.table import Table

from mbv_cli.core.binding_list import BindingsListResult, display_path
from mbv_cli.render import console


def render_list_text(result: BindingsListResult, **_: Any) -> None:
    out = console.stdout()
    err = console.stderr()
    for warning in result.warnings:
        where = display_path(__import__("pathlib").Path(warning.file))
        if warning.line:
            where += f":{warning.line}"
        err.print(f"[yellow]warning[/]: {escape(where)}: {escape(warning.message)}")
    for worker in result.workers:
        env = worker.env or "top level"
        title = f"[bold]{escape(worker.name)}[/] ({escape(env)}) [dim]{escape(display_path(worker.config.path))}[/]"
        if not worker.bindings:
            out.print(title)
            out.print("  no bindings\n")
            continue
        table = Table(title=title, title_justify="left", box=box.SIMPLE_HEAD, show_edge=False)
        table.add_column("Binding", style="bold")
        table.add_column("Kind")
        table.add_column("Type", overflow="fold")
        table.add_column("Declared in", style="dim")
        for b in worker.bindings:
            table.add_row(escape(b.name), b.kind, escape(b.type), escape(b.declared_in))
        out.print(table)
