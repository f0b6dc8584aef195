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
from mbv_cli.cli.reporting import BaselineOpt, OutputOpt, ShowAllOpt, StatisticsOpt, UpdateBaselineOpt

DIFF_FORMATS = ["text", "json", "sarif", "github", "junit", "markdown"]

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
    fmt: str = format_option(DIFF_FORMATS),
    fail_on: str = FailOnOpt,
    jobs: Optional[int] = typer.Option(None, "--jobs", "-j", min=1, help="Processes for parsing (default: CPUs)."),
    output: list[str] = OutputOpt,
    baseline: Optional[Path] = BaselineOpt,
    update_baseline: bool = UpdateBaselineOpt,
    statistics: bool = StatisticsOpt,
    show_all: bool = ShowAllOpt,
    no_cache: bool = typer.Option(False, "--no-cache", help="Neither read nor write .mbv_cache/ (also MBV_NO_CACHE=1)."),
) -> None:
    """Find what the code uses that an environment does not declare, and more (MBV001-MBV008).

    With no --env (and no CLOUDFLARE_ENV) every environment is checked, as with --all-envs.
    """
    import os

    from mbv_cli.cli.reporting import (
        apply_baseline_option,
        check_statistics,
        config_anchors,
        deliver,
        parse_outputs,
        read_baseline_option,
        statistics_of,
    )
    from mbv_cli.core.bindings_diff import diff_bindings
    from mbv_cli.core.errors import UsageError
    from mbv_cli.core.findings import Severity
    from mbv_cli.core.wrangler.workspace import load_workspace, resolve_workers
    from mbv_cli.render import emit
    from mbv_cli.render.progress import terminal_progress

    threshold = Severity.parse(fail_on)
    if env is not None and all_envs:
        raise UsageError("--env and --all-envs cannot be used together")
    outputs = parse_outputs(output, DIFF_FORMATS)
    check_statistics(statistics, fmt)
    known = read_baseline_option(baseline, update_baseline)
    workspace = load_workspace(path, config, nested=True)
    broken = report_broken_configs(workspace)
    every = all_envs or (env is None and not os.environ.get("CLOUDFLARE_ENV"))
    workers = resolve_workers(workspace, None if every else env, every)
    from mbv_cli.core.code.cache import FactsCache, disabled_by_env
    from mbv_cli.core.doctor import load_settings
    from mbv_cli.render import console

    console.secret_file_warnings(workers)
    entries = load_settings(workspace.root).entries
    cache = None if no_cache or disabled_by_env() else FactsCache.load(workspace.root)
    with terminal_progress(fmt) as progress:
        report = diff_bindings(workers, jobs=jobs, entries=entries, cache=cache, progress=progress)
    apply_baseline_option(report, baseline, update_baseline, known)
    anchors = config_anchors(workers, workspace.configs)
    deliver(fmt, outputs, lambda form: emit(report, form, show_all=show_all, anchors=anchors),
            (lambda form: emit(statistics_of(report), form)) if statistics else None)
    if broken or report.fails(threshold):
        raise typer.Exit(broken or 1)
