"""`mbv rules`: the doctor's rules, or one rule's documentation."""

from __future__ import annotations

from typing import Optional

import typer

from mbv_cli.cli.options import format_option

app = typer.Typer(help="List doctor rules or show one rule's documentation.", add_completion=False,
                  rich_markup_mode=None)


@app.command("rules")
def rules_command(
    code: Optional[str] = typer.Argument(None, help="A rule code (MBV101) or name (sql-string-interpolation).",
                                         show_default=False),
    fmt: str = format_option(["text", "json"]),
    markdown: bool = typer.Option(False, "--markdown", help="Print docs/rules.md (every rule's documentation)."),
) -> None:
    """List the rules (code, name, severity, area), or print one rule's documentation."""
    from mbv_cli.core.rules_catalog import catalog, rules_markdown
    from mbv_cli.render import emit

    if markdown:
        import sys

        sys.stdout.write(rules_markdown())
        return
    emit(catalog(code), fmt, text="mbv_cli.render.rules:render_rules")
