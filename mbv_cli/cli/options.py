"""Options shared by several commands, so each command reads the same way."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any, Optional

import typer

PathArg = typer.Argument(None, help="A Worker directory, a monorepo directory, or a wrangler config file.",
                         show_default=False)
ConfigOpt = typer.Option(None, "--config", "-c", help="Use this wrangler config file.", show_default=False)
EnvOpt = typer.Option(None, "--env", "-e", help="Environment to resolve (default: $CLOUDFLARE_ENV, else the top level).",
                      show_default=False)
AllEnvsOpt = typer.Option(False, "--all-envs", help="Resolve the top level and every [env.*].")
# D1 targets (mbv db, mbv migrate)
D1TargetArg = typer.Argument(..., help="A D1 binding or database_name from the config, or an SQLite file.",
                             show_default=False)
WorkerPathArg = typer.Argument(None, help="The Worker's directory or wrangler config (default: the current directory).",
                               show_default=False)
PersistOpt = typer.Option(None, "--persist-to", help="wrangler's --persist-to directory for local state (relative to here).",
                          show_default=False)
RemoteOpt = typer.Option(False, "--remote", help="The deployed D1 database, through Cloudflare's API.")
SEVERITIES = ["error", "warning", "info"]


def choice_type(choices: Sequence[str], what: str, *, case_sensitive: bool = True) -> Any:
    """A click type for a fixed set of values: shown as [a|b|c] in help, completed by the shells,
    and a wrong value is one line, `unknown <what> 'x'` with the values to use (exit 2)."""
    base: Any
    try:
        from typer._types import TyperChoice

        base = TyperChoice
    except ImportError:  # pragma: no cover - older typer runs on click
        from mbv_cli.cli.clickcompat import click

        base = click.Choice

    class Choice(base):  # type: ignore[misc]
        def convert(self, value: Any, param: Any, ctx: Any) -> Any:
            from mbv_cli.cli.clickcompat import click

            try:
                return super().convert(value, param, ctx)
            except click.exceptions.BadParameter:
                from mbv_cli.core.errors import UsageError

                where = f"; see '{ctx.command_path} --help'" if ctx is not None else ""
                raise UsageError(f"unknown {what} {value!r}",
                                 hint=f"use one of: {', '.join(choices)}{where}") from None

    return Choice(list(choices), case_sensitive=case_sensitive)


def metavar(choices: Sequence[str]) -> str:
    return "[" + "|".join(choices) + "]"


FailOnOpt = typer.Option("error", "--fail-on", click_type=choice_type(SEVERITIES, "severity", case_sensitive=False),
                         metavar=metavar(SEVERITIES),
                         help="Lowest severity that makes the exit code 1: error, warning or info.")


def format_option(choices: list[str], default: str = "text") -> Any:
    return typer.Option(default, "--format", "-f", click_type=choice_type(choices, "--format"),
                        metavar=metavar(choices), help="Output format.")


__all__ = ["AllEnvsOpt", "ConfigOpt", "D1TargetArg", "EnvOpt", "FailOnOpt", "Optional", "Path", "PathArg",
           "PersistOpt", "RemoteOpt", "WorkerPathArg", "format_option"]


def report_broken_configs(workspace: Any) -> int:
    """One error line per config of a monorepo that could not be read; the exit code they call for."""
    from mbv_cli.render import console

    for exc in workspace.broken:
        console.error(exc.one_line())
    return 2 if workspace.broken else 0
