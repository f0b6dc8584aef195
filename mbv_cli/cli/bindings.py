"""`mbv bindings`: list the bindings each environment gets; diff them against the code."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from mbv_cli.cli.options import (
    AllEnvsOpt,
    ConfigOpt,
    EnvOpt,
    FailOnOpt,
    PathArg,
    format_option,
    report_broken_configs,
)

app = typer.Typer(help="Wrangler bindings per environment: list them, diff them against the code.",
                  no_args_is_help=True, add_completion=False, rich_markup_mode=None)


@app.callback()
def bindings_group() -> None:
    """Wrangler bindings per environment: list them, diff them against the code."""


@app.command("list")
def list_command(
    path: Optional[Path] = PathArg,
    config: Optional[Path] = ConfigOpt,
    env: Optional[str] = EnvOpt,
    all_envs: bool = AllEnvsOpt,
    fmt: str = format_option(["text", "json"]),
) -> None:
    """Print the bindings, vars and secrets each Worker gets, resolved as wrangler resolves them."""
    from mbv_cli.core.binding_list import list_bindings
    from mbv_cli.core.wrangler.workspace import load_workspace, resolve_workers
    from mbv_cli.render import console, emit

    workspace = load_workspace(path, config, nested=True)
    broken = report_broken_configs(workspace)
    result = list_bindings(resolve_workers(workspace, env, all_envs))
    console.config_warnings(result.warnings)
    emit(result, fmt)
    if broken:
        raise typer.Exit(broken)


@app.command("diff")
def diff_command(
    path: Optional[Path] = PathArg,
    config: Optional[Path] = ConfigOpt,
    env: Optional[str] = EnvOpt,
    all_envs: bool = AllEnvsOpt,
    fmt: str = format_option(["text", "json", "sarif", "github", "junit"]),
    fail_on: str = FailOnOpt,
    jobs: Optional[int] = typer.Option(None, "--jobs", "-j", min=1, help="Processes for parsing (default: CPUs)."),
    no_cache: bool = typer.Option(False, "--no-cache", help="Neither read nor write .mbv_cache/ (also MBV_NO_CACHE=1)."),
) -> None:
    """Find what the code uses that an environment does not declare, and more (MBV001-MBV008).

    With no --env (and no CLOUDFLARE_ENV) every environment is checked, as with --all-envs.
    """
    import os

    from mbv_cli.core.bindings_diff import diff_bindings
    from mbv_cli.core.errors import UsageError
    from mbv_cli.core.findings import Severity
    from mbv_cli.core.wrangler.workspace import load_workspace, resolve_workers
    from mbv_cli.render import emit

    threshold = Severity.parse(fail_on)
    if env is not None and all_envs:
        raise UsageError("--env and --all-envs cannot be used together")
    workspace = load_workspace(path, config, nested=True)
    broken = report_broken_configs(workspace)
    every = all_envs or (env is None and not os.environ.get("CLOUDFLARE_ENV"))
    from mbv_cli.core.code.cache import FactsCache, disabled_by_env
    from mbv_cli.core.doctor import load_settings

    entries = load_settings(workspace.root).entries
    cache = None if no_cache or disabled_by_env() else FactsCache.load(workspace.root)
    report = diff_bindings(resolve_workers(workspace, None if every else env, every), jobs=jobs, entries=entries,
                           cache=cache)
    emit(report, fmt)
    if broken or report.fails(threshold):
        raise typer.Exit(broken or 1)
