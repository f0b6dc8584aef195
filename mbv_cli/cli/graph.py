"""`mbv graph`: each Worker's module graph, resolved as wrangler's esbuild resolves it."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from mbv_cli.cli.options import ConfigOpt, EnvOpt, FailOnOpt, PathArg, format_option, report_broken_configs

app = typer.Typer(help="Show each Worker's module graph: what wrangler would bundle.", add_completion=False,
                  rich_markup_mode=None)


@app.command("graph")
def graph_command(
    path: Optional[Path] = PathArg,
    config: Optional[Path] = ConfigOpt,
    env: Optional[str] = EnvOpt,
    fmt: str = format_option(["text", "json", "dot"]),
    fail_on: str = FailOnOpt,
    no_cache: bool = typer.Option(False, "--no-cache", help="Neither read nor write .mbv_cache/ (also MBV_NO_CACHE=1)."),
) -> None:
    """Print each Worker's entry, modules (how each was reached), packages and unresolved imports.

    Exit 1 when an unresolved import reaches --fail-on (MBV401-MBV403).
    """
    from mbv_cli.core.doctor import load_settings
    from mbv_cli.core.findings import Severity
    from mbv_cli.core.graph.result import graph_workers
    from mbv_cli.core.wrangler.workspace import load_workspace, resolve_workers
    from mbv_cli.render import emit

    threshold = Severity.parse(fail_on)
    workspace = load_workspace(path, config, nested=True)
    broken = report_broken_configs(workspace)
    entries = load_settings(workspace.root).entries
    from mbv_cli.core.code.cache import FactsCache, disabled_by_env

    cache = None if no_cache or disabled_by_env() else FactsCache.load(workspace.root)
    result = graph_workers(resolve_workers(workspace, env), entries=entries, cache=cache)
    emit(result, fmt)
    if broken or result.fails(threshold):
        raise typer.Exit(broken or 1)
