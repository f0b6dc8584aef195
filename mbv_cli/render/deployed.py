"""Text rendering of `--remote` bindings: per Worker and env, the deploy on top, then a table of
name | code | config | deployed; then the findings (for `bindings diff`)."""

from __future__ import annotations

from typing import Any

from rich import box
from rich.table import Table

from mbv_cli.core.binding_list import display_path, listed_type
from mbv_cli.core.deployed.compare import BindingRow, RemoteBindingsResult, RemoteWorker
from mbv_cli.core.wrangler.environments import Binding
from mbv_cli.render import console
from mbv_cli.render.console import escape

_STATUS_STYLE = {"same": "", "secret": "dim", "differs": "yellow", "not-deployed": "red", "code-only": "red",
                 "deployed-only": "yellow"}


def _config_cell(binding: Binding | None) -> str:
    if binding is None:
        return "-"
    from mbv_cli.core.deployed.compare import config_resource

    if binding.kind == "var":
        return f"var {listed_type(binding)}"
    if binding.kind == "secret":
        return f"secret ({binding.declared_in})"
    resource = config_resource(binding)
    return f"{binding.kind} {resource}" if resource else binding.kind


def _deployed_cell(row: BindingRow, remote: RemoteWorker) -> str:
    dep = row.deployed
    if remote.state is None:
        return "not deployed"
    if dep is None:
        return "missing"
    if dep.kind == "var":
        if row.config is not None and row.config.kind == "var":
            from mbv_cli.core.deployed.state import same_value

            return "var (same value)" if same_value(row.config.entry.get("value"), dep) else "var (another value)"
        return "var"
    if dep.kind == "secret":
        return "secret (set)"
    return f"{dep.kind} {dep.resource}" if dep.resource else dep.kind


def _header(remote: RemoteWorker) -> str:
    w = remote.worker
    env = w.env or "top level"
    head = f"[bold]{escape(w.name)}[/] ({escape(env)}) [dim]{escape(display_path(w.config.path))}[/]"
    state = remote.state
    if remote.skipped:
        return head + f"\n  [dim]not looked up: {escape(remote.skipped)}[/]"
    script = f"[bold]{escape(remote.script)}[/]"
    if state is None:
        return head + f"\n  [yellow]not deployed[/]: no Worker {script} on account {escape(remote.account_id)}"
    d = state.deployment
    if d is None:
        return head + f"\n  {script}: deployed (no deployment listed)"
    parts = [f"{script} deployed {escape(d.when)}"]
    if d.author_email:
        parts.append(f"by {escape(d.author_email)}")
    if d.source:
        parts.append(f"via {escape(d.source)}")
    if d.tag:
        parts.append(f"tag {escape(d.tag)}")
    if d.version_number is not None:
        parts.append(f"version {d.version_number}")
    if d.versions > 1:
        parts.append(f"({d.percentage:g}% of traffic; {d.versions} versions)")
    line = "  " + " ".join(parts)
    if d.message:
        line += f'\n  message: "{escape(d.message)}"'
    compat = state.compatibility_date or "-"
    flags = ", ".join(state.compatibility_flags) or "no flags"
    return head + "\n" + line + f"\n  [dim]compatibility {escape(compat)} ({escape(flags)})[/]"


def render_remote_tables(result: RemoteBindingsResult) -> None:
    out = console.stdout()
    for remote in result.workers:
        out.print(_header(remote))
        if not remote.rows:
            out.print()
            continue
        table = Table(box=box.SIMPLE_HEAD, show_edge=False, padding=(0, 1, 0, 2))
        table.add_column("Name", style="bold", no_wrap=True)
        table.add_column("Code")
        table.add_column("Config", overflow="fold")
        table.add_column("Deployed", overflow="fold")
        for row in remote.rows:
            style = _STATUS_STYLE.get(row.status, "")
            table.add_row(escape(row.name), escape(row.code.label if row.code else "-"),
                          escape(_config_cell(row.config)), escape(_deployed_cell(row, remote)), style=style or None)
        out.print(table)
        out.print()


def render_remote_text(result: RemoteBindingsResult, *, show_all: bool = False, **options: Any) -> None:
    render_remote_tables(result)
    if result.show_findings:
        from mbv_cli.render.findings import render_text

        render_text(result.report, show_all=show_all, **options)
