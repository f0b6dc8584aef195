"""`mbv doctor`: configuration, bindings, code rules, migrations and local databases in one pass."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Optional

import typer

from mbv_cli.cli.options import ConfigOpt, FailOnOpt, PathArg, format_option, report_broken_configs
from mbv_cli.cli.reporting import BaselineOpt, OutputOpt, ShowAllOpt, StatisticsOpt, UpdateBaselineOpt

app = typer.Typer(help="Run every check at once.", add_completion=False, rich_markup_mode=None)

FORMATS = ["text", "json", "sarif", "github", "junit", "markdown"]


@app.command("doctor")
def doctor_command(
    path: Optional[Path] = PathArg,
    config: Optional[Path] = ConfigOpt,
    env: Optional[str] = typer.Option(None, "--env", "-e", show_default=False,
                                      help="Check only this environment (default: the top level and every env)."),
    all_envs: bool = typer.Option(False, "--all-envs", help="Check the top level and every env (the default)."),
    select: list[str] = typer.Option([], "--select", help="Run only these rule codes or prefixes (MBV101,MBV2)."),
    ignore: list[str] = typer.Option([], "--ignore", help="Skip these rule codes or prefixes."),
    fmt: str = format_option(FORMATS),
    fail_on: str = FailOnOpt,
    verbose: bool = typer.Option(False, "--verbose", "-v", help="List every finding with file:line and hint."),
    jobs: Optional[int] = typer.Option(None, "--jobs", "-j", min=1, help="Processes for parsing (default: CPUs)."),
    output: list[str] = OutputOpt,
    baseline: Optional[Path] = BaselineOpt,
    update_baseline: bool = UpdateBaselineOpt,
    statistics: bool = StatisticsOpt,
    show_all: bool = ShowAllOpt,
    no_cache: bool = typer.Option(False, "--no-cache", help="Neither read nor write .mbv_cache/ (also MBV_NO_CACHE=1)."),
    remote: bool = typer.Option(False, "--remote", help="Bindings area also against the deployed Worker of each env, "
                                "through Cloudflare's API (GET only; a token with Workers Scripts Read)."),
) -> None:
    """Run every check on a Worker or a monorepo; exit 1 when a finding reaches --fail-on."""
    from mbv_cli.cli.reporting import (
        apply_baseline_option,
        check_statistics,
        config_anchors,
        deliver,
        parse_outputs,
        read_baseline_option,
        statistics_of,
    )
    from mbv_cli.core.doctor import load_settings, parse_codes, run_doctor
    from mbv_cli.core.findings import Severity
    from mbv_cli.core.wrangler.workspace import load_workspace, resolve_workers
    from mbv_cli.render import emit
    from mbv_cli.render.progress import terminal_progress

    if env is not None and all_envs:
        from mbv_cli.core.errors import UsageError

        raise UsageError("--env and --all-envs cannot be used together")
    threshold = Severity.parse(fail_on)
    outputs = parse_outputs(output, FORMATS)
    check_statistics(statistics, fmt)
    known = read_baseline_option(baseline, update_baseline)
    workspace = load_workspace(path, config, nested=True)
    broken = report_broken_configs(workspace)
    settings = load_settings(workspace.root)
    if select:
        settings.select = parse_codes(select, "--select")
    settings.ignore += parse_codes(ignore, "--ignore")
    workers = resolve_workers(workspace, env, all_envs=env is None)
    from mbv_cli.core.code.cache import FactsCache, disabled_by_env
    from mbv_cli.render import console

    console.secret_file_warnings(workers)
    cache = None if no_cache or disabled_by_env() else FactsCache.load(workspace.root)
    with terminal_progress(fmt) as progress:
        result = run_doctor(workspace, workers, settings=settings, processes=jobs, progress=progress, cache=cache,
                            remote=_remote_check() if remote else None)
    apply_baseline_option(result.report, baseline, update_baseline, known, result.areas)

    def render(form: str) -> None:
        if form in {"text", "json", "markdown"}:
            emit(result, form, text="mbv_cli.render.doctor:render_doctor", verbose=verbose, show_all=show_all)
        else:
            emit(result.report, form, anchors=config_anchors(workers, workspace.configs))

    deliver(fmt, outputs, render, (lambda form: emit(statistics_of(result.report), form)) if statistics else None)
    if broken or result.fails(threshold):
        raise typer.Exit(broken or 1)


def _remote_check() -> Any:
    from mbv_cli.core.deployed.run import remote_bindings

    return remote_bindings
