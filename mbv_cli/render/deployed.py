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
    return f"{binding.kind}\n{resource}" if resource else binding.kind


def _deployed_cell(row: BindingRow, remote: RemoteWorker) -> str:
    dep = row.deployed
    if remote.state is None:
        return "not deployed"
    if dep is None:
        return "missing"
    if dep.kind == "secret":
        return "secret (set)"
    if row.status == "same":
        return "same"
    if dep.kind == "var":
        return "var (another value)" if row.config is not None and row.config.kind == "var" else "var"
    return f"{dep.kind}\n{dep.resource}" if dep.resource else dep.kind


def _header(remote: RemoteWorker) -> str:
    w = remote.worker
    env = w.env or "top level"
    head = f"[bold]{escape(w.name)}[/] ({escape(env)}) [dim]{escape(display_path(w.config.path))}[/]"
    if remote.script and remote.script != w.name:
        head += f" -> {escape(remote.script)}"
    state = remote.state
    if remote.skipped:
        return head + f"\n  [dim]not looked up: {escape(remote.skipped)}[/]"
    if state is None:
        return head + (f"\n  [yellow]not deployed[/]: no Worker {escape(remote.script)} on account "
                       f"{escape(remote.account_id)}")
    d = state.deployment
    lines = [head]
    if d is None:
        lines.append("  deployed (no deployment listed)")
    else:
        who = f" by {escape(d.author_email)}" if d.author_email else ""
        how = f" via {escape(d.source)}" if d.source else ""
        lines.append(f"  deployed {escape(d.when)}{who}{how}")
        version = [f"version {d.version_number}" if d.version_number is not None else "",
                   f"tag {escape(d.tag)}" if d.tag else "",
                   f"{d.percentage:g}% of traffic ({d.versions} versions)" if d.versions > 1 else ""]
        text = ", ".join(v for v in version if v)
        if d.message:
            text += (": " if text else "") + f'"{escape(d.message)}"'
        if text:
            lines.append("  " + text)
    flags = ", ".join(state.compatibility_flags) or "no flags"
    lines.append(f"  [dim]compatibility {escape(state.compatibility_date or '-')} ({escape(flags)})[/]")
    return "\n".join(lines)


def _lines(text: str) -> str:
    """Each line escaped (a server's text must not drive the terminal), joined by real newlines."""
    return "\n".join(escape(part) for part in text.split("\n"))


def render_remote_tables(result: RemoteBindingsResult) -> None:
    out = console.stdout()
    for remote in result.workers:
        out.print(_header(remote))
        if not remote.rows:
            out.print()
            continue
        table = Table(box=box.SIMPLE_HEAD, show_edge=False, padding=(0, 1, 0, 2))
        table.add_column("Name", style="bold", no_wrap=True)
        table.add_column("Code", no_wrap=True)
        table.add_column("Config", overflow="fold")
        table.add_column("Deployed", overflow="fold")
        for row in remote.rows:
            style = _STATUS_STYLE.get(row.status, "")
            table.add_row(escape(row.name), escape(row.code.label if row.code else "-"),
                          _lines(_config_cell(row.config)), _lines(_deployed_cell(row, remote)), style=style or None)
        out.print(table)
        out.print()


def render_remote_text(result: RemoteBindingsResult, *, show_all: bool = False, **options: Any) -> None:
    render_remote_tables(result)
    if result.show_findings:
        from mbv_cli.render.findings import render_text

        render_text(result.report, show_all=show_all, **options)
    else:  # `bindings list --remote`: the tables; what could not be looked up still goes to stderr
        for note in result.remote_notes:
            console.stderr().print(f"[dim]note[/]: {escape(note)}")
