"""`mbv schema`: print the JSON Schema of a document mbv writes, or list their names."""

from __future__ import annotations

from typing import Optional

import typer

app = typer.Typer(help="Print the JSON Schema of an mbv JSON document.", add_completion=False,
                  rich_markup_mode=None)


@app.command("schema")
def schema_command(
    name: Optional[str] = typer.Argument(None, help="A schema name as JSON documents carry it (mbv.findings/1), "
                                                    "or short (findings). Without it: the list.",
                                         show_default=False),
) -> None:
    """Print one JSON Schema (draft 2020-12), or the names of all of them."""
    from mbv_cli.core.schemas import load_schema, schema_names
    from mbv_cli.render.schemas import render_names, render_schema

    if name is None:
        render_names(schema_names())
        return
    render_schema(load_schema(name))
