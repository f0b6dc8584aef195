"""Text rendering of `mbv rules`: a table of rules, or one rule's documentation as Markdown."""

from __future__ import annotations

from typing import Any

from rich import box
from rich.table import Table

from mbv_cli.core.rules.base import DOC_SECTIONS
from mbv_cli.core.rules_catalog import RulesCatalog
from mbv_cli.render import console
from mbv_cli.render.console import escape

_STYLE = {"error": "bold red", "warning": "yellow", "info": "blue"}


def render_rules(result: RulesCatalog, **_: Any) -> None:
    out = console.stdout()
    if result.selected is not None:
        from rich.markdown import Markdown

        info = result.selected
        text = [f"# {info.code} {info.name}", "", f"Severity: **{info.severity}**. Area: {info.area}.", ""]
        for section in DOC_SECTIONS:
            body = info.sections.get(section, "").strip()
            if body:
                text += [f"## {section}", "", body, ""]
        out.print(Markdown("\n".join(text)))
        return
    table = Table(box=box.SIMPLE_HEAD, show_edge=False)
    table.add_column("Code", style="bold", no_wrap=True)
    table.add_column("Name", no_wrap=True)
    table.add_column("Severity", no_wrap=True)
    table.add_column("Area", no_wrap=True)
    table.add_column("What it flags", overflow="fold")
    for info in result.rules:
        style = _STYLE.get(info.severity, "")
        table.add_row(info.code, escape(info.name), f"[{style}]{info.severity}[/]", info.area, escape(info.summary))
    out.print(table)
