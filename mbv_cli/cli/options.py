"""Options shared by several commands, so each command reads the same way."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Optional

import typer

PathArg = typer.Argument(None, help="A Worker directory, a monorepo directory, or a wrangler config file.",
                         show_default=False)
ConfigOpt = typer.Option(None, "--config", "-c", help="Use this wrangler config file.", show_default=False)
EnvOpt = typer.Option(None, "--env", "-e", help="Environment to resolve (default: $CLOUDFLARE_ENV, else the top level).",
                      show_default=False)
AllEnvsOpt = typer.Option(False, "--all-envs", help="Resolve the top level and every [env.*].")
FailOnOpt = typer.Option("error", "--fail-on", help="Lowest severity that makes the exit code 1: error, warning or info.")


def format_option(choices: list[str], default: str = "text") -> Any:
    return typer.Option(default, "--format", "-f", help=f"Output format: {', '.join(choices)}.")


__all__ = ["AllEnvsOpt", "ConfigOpt", "EnvOpt", "FailOnOpt", "Optional", "Path", "PathArg", "format_option"]
