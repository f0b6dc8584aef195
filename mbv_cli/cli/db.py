"""`mbv db`: locate a D1 binding's local file; health and lock diagnosis (local, file or --remote)."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from mbv_cli.cli.options import (
    ConfigOpt,
    D1TargetArg,
    EnvOpt,
    FailOnOpt,
    PersistOpt,
    RemoteOpt,
    WorkerPathArg,
    format_option,
)

app = typer.Typer(help="Locate local D1 files; health and lock diagnosis.",
                  no_args_is_help=True, add_completion=False, rich_markup_mode=None)

TargetArg = D1TargetArg


def _check_format(fmt: str, choices: list[str]) -> None:
    from mbv_cli.core.errors import UsageError

    if fmt not in choices:
        raise UsageError(f"unknown --format {fmt!r}", hint=f"use one of: {', '.join(choices)}")


@app.callback()
def db_group() -> None:
    """Locate local D1 files; health and lock diagnosis."""


@app.command("locate")
def locate_command(
    target: str = TargetArg,
    path: Optional[Path] = WorkerPathArg,
    config: Optional[Path] = ConfigOpt,
    env: Optional[str] = EnvOpt,
    persist_to: Optional[Path] = PersistOpt,
    fmt: str = format_option(["text", "json", "path"]),
) -> None:
    """Print the file wrangler uses for a D1 binding and whether it exists (exit 1 when it does not)."""
    from mbv_cli.core.d1_target import resolve_d1_target
    from mbv_cli.core.db.locate import locate
    from mbv_cli.render import emit

    _check_format(fmt, ["text", "json", "path"])
    d1 = resolve_d1_target(target, path=path, config=config, env=env, persist_to=persist_to)
    result = locate(d1, persist_to=persist_to)
    if fmt == "path":
        emit(result, "text", text="mbv_cli.render.db:render_locate_path")
    else:
        emit(result, fmt, text="mbv_cli.render.db:render_locate_text")
    if not result.exists:
        raise typer.Exit(1)


@app.command("health")
def health_command(
    target: str = TargetArg,
    path: Optional[Path] = WorkerPathArg,
    config: Optional[Path] = ConfigOpt,
    env: Optional[str] = EnvOpt,
    persist_to: Optional[Path] = PersistOpt,
    remote: bool = RemoteOpt,
    full: bool = typer.Option(False, "--full", help="integrity_check instead of quick_check (slower)."),
    stats: bool = typer.Option(False, "--stats", help="Per-table row counts and sizes."),
    busy_timeout: int = typer.Option(1000, "--busy-timeout", help="Longest wait for a lock, in ms.", min=0),
    fail_on: str = FailOnOpt,
    fmt: str = format_option(["text", "json", "sarif", "github"]),
) -> None:
    """Read-only checks: integrity, foreign keys, WAL and freelist, schema, migrations, locks."""
    from mbv_cli.core.d1_target import resolve_d1_target
    from mbv_cli.core.db.health import check_health
    from mbv_cli.core.findings import Severity
    from mbv_cli.render import emit

    _check_format(fmt, ["text", "json", "sarif", "github"])
    if fmt in ("sarif", "github"):
        from mbv_cli.core.errors import UsageError
        from mbv_cli.render.emit import formats_for

        if fmt not in formats_for("FindingsReport"):  # fail before the (possibly long) checks run
            raise UsageError(f"--format {fmt} is not available in this build", hint="use text or json")
    threshold = Severity.parse(fail_on)
    d1 = resolve_d1_target(target, path=path, config=config, env=env, remote=remote, persist_to=persist_to)
    from mbv_cli.render.progress import terminal_progress

    with terminal_progress(fmt) as progress:
        if remote:
            from mbv_cli.core.cloudflare import CloudflareClient, credentials_from_env
            from mbv_cli.core.db.remote import RemoteSource

            assert d1.database_id is not None
            with CloudflareClient(credentials_from_env()) as client:
                result = check_health(d1, full=full, stats=stats, progress=progress,
                                      remote_source=RemoteSource(client, d1.database_id, d1.internal_env))
        else:
            result = check_health(d1, full=full, stats=stats, busy_timeout_ms=busy_timeout, progress=progress)
    if fmt in ("sarif", "github"):
        emit(result.to_report(), fmt)
    else:
        emit(result, fmt, text="mbv_cli.render.db:render_health_text")
    if result.fails(threshold):
        raise typer.Exit(1)


@app.command("locks")
def locks_command(
    target: str = TargetArg,
    path: Optional[Path] = WorkerPathArg,
    config: Optional[Path] = ConfigOpt,
    env: Optional[str] = EnvOpt,
    persist_to: Optional[Path] = PersistOpt,
    watch: bool = typer.Option(False, "--watch", help="Print each change until Ctrl-C or --duration."),
    interval: int = typer.Option(200, "--interval", help="With --watch: ms between looks.", min=10,
                                  max=3_600_000),
    duration: Optional[float] = typer.Option(None, "--duration", help="With --watch: stop after S seconds.",
                                             min=0),
    fmt: str = format_option(["text", "json"]),
) -> None:
    """Which SQLite locks are held on the database and its -wal/-shm/-journal, and by whom (exit 1: a
    writer would block)."""
    from mbv_cli.core.d1_target import resolve_d1_target
    from mbv_cli.core.db.locate import require_local_file
    from mbv_cli.core.db.locks import probe_locks, watch_locks
    from mbv_cli.core.errors import UsageError
    from mbv_cli.render import emit

    _check_format(fmt, ["text", "json"])
    if not watch and duration is not None:
        raise UsageError("--duration needs --watch")
    if duration is not None:
        from mbv_cli.core.option_values import check_seconds

        check_seconds(duration, "--duration")
    d1 = resolve_d1_target(target, path=path, config=config, env=env, persist_to=persist_to)
    assert d1.path is not None
    if not watch or d1.path.is_dir():
        require_local_file(d1)
    if not watch:
        result = probe_locks(d1.path)
        emit(result, fmt, text="mbv_cli.render.db_locks:render_locks_text")
        if result.writer_would_block:
            raise typer.Exit(1)
        return
    last = None
    line_renderer = "render_locks_json_line" if fmt == "json" else "render_locks_change"
    try:
        for state in watch_locks(d1.path, interval_s=interval / 1000, duration_s=duration):
            emit(state, "text", text=f"mbv_cli.render.db_locks:{line_renderer}")
            last = state
    except KeyboardInterrupt:  # Ctrl-C is how --watch without --duration ends: not an error
        pass
    if last is not None and last.writer_would_block:
        raise typer.Exit(1)


@app.command("queries")
def queries_command(
    target: Optional[str] = typer.Argument(None, help="A D1 binding or database_name (default: every D1 binding).",
                                           show_default=False),
    path: Optional[Path] = WorkerPathArg,
    config: Optional[Path] = ConfigOpt,
    env: Optional[str] = EnvOpt,
    persist_to: Optional[Path] = PersistOpt,
    assume_rows: Optional[list[str]] = typer.Option(
        None, "--assume-rows", help="Rows to assume: N for every table, or TABLE=N (repeat it). "
                                    "Default: counted in the local database; mbv.toml query-assume-rows.",
        show_default=False),
    min_rows: Optional[int] = typer.Option(None, "--min-rows", min=0, show_default=False,
                                           help="Report full scans of tables with at least this many rows "
                                                "(default 1000, or mbv.toml query-min-rows)."),
    sample: int = typer.Option(2_000, "--sample", min=1, help="Rows per table sampled for storage classes."),
    fail_on: str = FailOnOpt,
    fmt: str = format_option(["text", "json", "sarif", "github"]),
) -> None:
    """The Worker's SQL against its D1 schema: statements that do not prepare, full scans an index would
    serve, columns whose type lets '123' and 123 differ. Read-only; without local state the schema comes
    from the migrations."""
    from mbv_cli.core.doctor import load_settings
    from mbv_cli.core.findings import Severity
    from mbv_cli.core.queries.check import CheckSettings, parse_assume_rows
    from mbv_cli.core.queries.run import QueriesResult, check_workers, read_statements
    from mbv_cli.core.wrangler.workspace import load_workspace, resolve_workers
    from mbv_cli.render import emit

    _check_format(fmt, ["text", "json", "sarif", "github"])
    threshold = Severity.parse(fail_on)
    if target is not None and path is None and config is None and (Path(target).is_dir() or Path(target).is_file()):
        path = Path(target)  # `mbv db queries examples/x`: a PATH, not a binding
        target = None
    workspace = load_workspace(path, config)
    workers = resolve_workers(workspace, env)
    settings = load_settings(workspace.root)
    assumed = parse_assume_rows(assume_rows) if assume_rows else dict(settings.query_assume_rows)
    check = CheckSettings(min_rows=settings.query_min_rows if min_rows is None else min_rows,
                          assume_rows=assumed, sample_rows=sample)
    if target is not None:
        _require_d1(workers, target)
    groups, notes = read_statements(workers)
    result = QueriesResult(notes=notes)
    for group_workers, statements, dynamic in groups:
        one = check_workers(group_workers, statements, dynamic, check, only_binding=target, persist_to=persist_to)
        result.bindings.extend(one.bindings)
        result.dynamic.extend(one.dynamic)
        result.notes.extend(one.notes)
    if fmt in ("sarif", "github"):
        emit(result.to_report(), fmt)
    else:
        emit(result, fmt, text="mbv_cli.render.db:render_queries_text")
    if result.to_report().fails(threshold):
        raise typer.Exit(1)


def _require_d1(workers: list, target: str) -> None:  # type: ignore[type-arg]
    from mbv_cli.core.errors import TargetError

    known = [f"{b.name} ({b.entry.get('database_name')})" for w in workers for b in w.bindings
             if b.kind == "d1_database"]
    if not any(target in (b.name, b.entry.get("database_name")) for w in workers for b in w.bindings
               if b.kind == "d1_database"):
        raise TargetError(f"no D1 database named {target!r}",
                          hint=f"D1 databases there: {'; '.join(dict.fromkeys(known)) or 'none'}")
