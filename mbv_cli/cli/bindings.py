"""`mbv bindings`: list the bindings each environment gets; diff them against the code."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Optional

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
RemoteBindingsOpt = typer.Option(False, "--remote", help="Also the deployed Worker of each env, through Cloudflare's "
                                 "API (GET only; a token with Workers Scripts Read): code x config x deployed.")

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
    remote: bool = RemoteBindingsOpt,
) -> None:
    """Print the bindings, vars and secrets each Worker gets, resolved as wrangler resolves them.

    With --remote, per Worker and env: name | code | config | deployed, the last deploy on top.
    """
    from mbv_cli.core.binding_list import list_bindings
    from mbv_cli.core.wrangler.workspace import load_workspace, resolve_workers
    from mbv_cli.render import console, emit

    workspace = load_workspace(path, config, nested=True)
    broken = report_broken_configs(workspace)
    result = list_bindings(resolve_workers(workspace, env, all_envs))
    console.config_warnings(result.warnings)
    if remote:
        emit(_remote_result(result.workers, workspace.root, show_findings=False), fmt)
    else:
        emit(result, fmt)
    if broken:
        raise typer.Exit(broken)


def _remote_result(workers: list[Any], root: Path, *, show_findings: bool) -> Any:
    """`--remote` for `bindings list`: the code read (as `bindings diff` reads it) for the code column."""
    from mbv_cli.core.bindings_diff import diff_bindings
    from mbv_cli.core.deployed.compare import RemoteBindingsResult
    from mbv_cli.core.deployed.run import apply_to_report, remote_bindings
    from mbv_cli.core.doctor import load_settings

    codes: dict[Path, Any] = {}
    report = diff_bindings(workers, entries=load_settings(root).entries, code_sink=codes)
    remotes, found, notes = remote_bindings(workers, codes)
    apply_to_report(report, remotes, found, notes)
    return RemoteBindingsResult(remotes, report, show_findings=show_findings, remote_notes=notes)


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
    remote: bool = RemoteBindingsOpt,
) -> None:
    """Find what the code uses that an environment does not declare, and more (MBV001-MBV008).

    With no --env (and no CLOUDFLARE_ENV) every environment is checked, as with --all-envs.
    With --remote, also against the deployed Worker of each env (MBV010-MBV014).
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
    codes: dict[Path, Any] | None = {} if remote else None
    with terminal_progress(fmt) as progress:
        report = diff_bindings(workers, jobs=jobs, entries=entries, cache=cache, progress=progress, code_sink=codes)
    remote_result = None
    if codes is not None:
        from mbv_cli.core.deployed.compare import RemoteBindingsResult
        from mbv_cli.core.deployed.run import apply_to_report, remote_bindings

        remotes, found, notes = remote_bindings(workers, codes)
        apply_to_report(report, remotes, found, notes)
        remote_result = RemoteBindingsResult(remotes, report, remote_notes=notes)
    apply_baseline_option(report, baseline, update_baseline, known)
    anchors = config_anchors(workers, workspace.configs)

    def render(form: str) -> None:
        shown = remote_result if remote_result is not None and form in ("text", "json") else report
        emit(shown, form, show_all=show_all, anchors=anchors)

    deliver(fmt, outputs, render, (lambda form: emit(statistics_of(report), form)) if statistics else None)
    if broken or report.fails(threshold):
        raise typer.Exit(broken or 1)
