"""Text rendering of `mbv bindings list`."""

from __future__ import annotations

from typing import Any

from rich import box
from rich.table import Table

from mbv_cli.core.binding_list import BindingsListResult, display_path, listed_type
from mbv_cli.render import console
from mbv_cli.render.console import escape


def render_list_text(result: BindingsListResult, **_: Any) -> None:
    out = console.stdout()
    for worker in result.workers:
        env = worker.env or "top level"
        title = f"[bold]{escape(worker.name)}[/] ({escape(env)}) [dim]{escape(display_path(worker.config.path))}[/]"
        out.print(title)
        if not worker.bindings:
            out.print("  no bindings\n")
            continue
        table = Table(box=box.SIMPLE_HEAD, show_edge=False, padding=(0, 1, 0, 2))
        table.add_column("Binding", style="bold", no_wrap=True)
        table.add_column("Kind", no_wrap=True)
        table.add_column("Type", overflow="fold")
        table.add_column("Declared in", style="dim")
        for b in worker.bindings:
            table.add_row(escape(b.name), b.kind, escape(listed_type(b)), escape(b.declared_in))
        out.print(table)
        out.print()
