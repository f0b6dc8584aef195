"""`mbv migrate`: wrangler-compatible D1 migrations with dry-run, drift detection, backups and a lock."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Optional

import typer

from mbv_cli.cli.options import (
    ConfigOpt,
    D1TargetArg,
    EnvOpt,
    PersistOpt,
    RemoteOpt,
    WorkerPathArg,
    format_option,
)

app = typer.Typer(help="Wrangler-compatible D1 migrations with dry-run, drift detection and a lock.",
                  no_args_is_help=True, add_completion=False, rich_markup_mode=None)

DatabaseArg = D1TargetArg
PathArg = WorkerPathArg
LocalOpt = typer.Option(False, "--local", help="Use wrangler's local database (the default).")
DbFileOpt = typer.Option(None, "--db-file", help="Use this SQLite file instead of wrangler's local file.",
                         show_default=False)
DirOpt = typer.Option(None, "--dir", help="Migrations directory (default: migrations_dir from the config).",
                      show_default=False)
LockOpt = typer.Option(30.0, "--lock-timeout", help="Seconds to wait for another writer before giving up (exit 1).")


@app.callback()
def migrate_group() -> None:
    """Wrangler-compatible D1 migrations with dry-run, drift detection and a lock."""


def _target(database: str, path: Optional[Path], config: Optional[Path], env: Optional[str], local: bool,
            remote: bool, persist_to: Optional[Path], db_file: Optional[Path], directory: Optional[Path]) -> Any:
    from mbv_cli.core.errors import UsageError
    from mbv_cli.core.migrations import open_target

    if local and remote:
        raise UsageError("--local and --remote cannot be used together")
    return open_target(database, path=path, config=config, env=env, remote=remote, persist_to=persist_to,
                       db_file=db_file, directory=directory)


@app.command("create")
def create_command(
    database: str = DatabaseArg,
    name: str = typer.Argument(..., help="What the migration does, e.g. 'create users'.", show_default=False),
    path: Optional[Path] = PathArg, config: Optional[Path] = ConfigOpt, env: Optional[str] = EnvOpt,
    directory: Optional[Path] = DirOpt, fmt: str = format_option(["text", "json"]),
) -> None:
    """Write the next NNNN_<name>.sql with wrangler's header and update mbv.sum."""
    from mbv_cli.core.migrations import create
    from mbv_cli.render import emit

    target = _target(database, path, config, env, False, False, None, None, directory)
    emit(create(target, name), fmt, text="mbv_cli.render.migrate:render_file")


@app.command("hash")
def hash_command(
    database: str = DatabaseArg, path: Optional[Path] = PathArg, config: Optional[Path] = ConfigOpt,
    env: Optional[str] = EnvOpt, directory: Optional[Path] = DirOpt, fmt: str = format_option(["text", "json"]),
) -> None:
    """Record every migration's SHA-256 in migrations/mbv.sum."""
    from mbv_cli.core.migrations import hash_directory
    from mbv_cli.render import emit

    target = _target(database, path, config, env, False, False, None, None, directory)
    emit(hash_directory(target), fmt, text="mbv_cli.render.migrate:render_file")


@app.command("status")
def status_command(
    database: str = DatabaseArg, path: Optional[Path] = PathArg, config: Optional[Path] = ConfigOpt,
    env: Optional[str] = EnvOpt, local: bool = LocalOpt, remote: bool = RemoteOpt,
    persist_to: Optional[Path] = PersistOpt, db_file: Optional[Path] = DbFileOpt,
    directory: Optional[Path] = DirOpt, fmt: str = format_option(["text", "json"]),
) -> None:
    """Every migration file and ledger row: applied, pending, missing_file, modified, out_of_order."""
    from mbv_cli.core.migrations import status
    from mbv_cli.render import emit

    with _target(database, path, config, env, local, remote, persist_to, db_file, directory) as target:
        emit(status(target), fmt, text="mbv_cli.render.migrate:render_status")


@app.command("apply")
def apply_command(
    database: str = DatabaseArg, path: Optional[Path] = PathArg, config: Optional[Path] = ConfigOpt,
    env: Optional[str] = EnvOpt, local: bool = LocalOpt, remote: bool = RemoteOpt,
    persist_to: Optional[Path] = PersistOpt, db_file: Optional[Path] = DbFileOpt,
    directory: Optional[Path] = DirOpt,
    to: Optional[str] = typer.Option(None, "--to", help="Apply pending migrations up to and including this one.",
                                     show_default=False),
    dry_run: bool = typer.Option(False, "--dry-run", help="Apply to an in-memory copy and report; change nothing."),
    no_backup: bool = typer.Option(False, "--no-backup", help="Skip the backup of a local database."),
    lock_timeout: float = LockOpt,
    allow_empty: bool = typer.Option(False, "--allow-empty", help="Apply (record) migrations that hold no SQL."),
    fmt: str = format_option(["text", "json"]),
) -> None:
    """Apply pending migrations, each atomically with its ledger row, as wrangler does; exit 1 on failure."""
    from mbv_cli.core.migrations import apply
    from mbv_cli.render import emit
    from mbv_cli.render.migrate import apply_progress, print_warnings, report_failure

    with (_target(database, path, config, env, local, remote, persist_to, db_file, directory) as target,
          apply_progress(fmt) as progress):
        result = apply(target, to=to, dry_run=dry_run, backup=not no_backup, lock_timeout=lock_timeout,
                       allow_empty=allow_empty, progress=progress, on_warnings=print_warnings)
    emit(result, fmt, text="mbv_cli.render.migrate:render_apply")
    if result.failed is not None:
        if fmt != "text":
            report_failure(result)  # the text renderer already said it
        raise typer.Exit(1)


@app.command("verify")
def verify_command(
    database: str = DatabaseArg, path: Optional[Path] = PathArg, config: Optional[Path] = ConfigOpt,
    env: Optional[str] = EnvOpt, local: bool = LocalOpt, remote: bool = RemoteOpt,
    persist_to: Optional[Path] = PersistOpt, db_file: Optional[Path] = DbFileOpt,
    directory: Optional[Path] = DirOpt, fmt: str = format_option(["text", "json"]),
) -> None:
    """Checksums (mbv.sum) and schema drift (applied migrations replayed vs the database); exit 1 on drift."""
    from mbv_cli.core.migrations import verify
    from mbv_cli.render import emit

    with _target(database, path, config, env, local, remote, persist_to, db_file, directory) as target:
        result = verify(target)
    emit(result, fmt, text="mbv_cli.render.migrate:render_verify")
    if result.drift:
        raise typer.Exit(1)


@app.command("baseline")
def baseline_command(
    database: str = DatabaseArg, path: Optional[Path] = PathArg, config: Optional[Path] = ConfigOpt,
    env: Optional[str] = EnvOpt, local: bool = LocalOpt, remote: bool = RemoteOpt,
    persist_to: Optional[Path] = PersistOpt, db_file: Optional[Path] = DbFileOpt,
    directory: Optional[Path] = DirOpt,
    to: str = typer.Option(..., "--to", help="Record migrations up to and including this one.", show_default=False),
    yes: bool = typer.Option(False, "--yes", "-y", help="Do not ask for confirmation."),
    lock_timeout: float = LockOpt, fmt: str = format_option(["text", "json"]),
) -> None:
    """Record migrations as applied without running them (for databases created by hand)."""
    from mbv_cli.core.migrations import baseline, baseline_names
    from mbv_cli.render import emit
    from mbv_cli.render.migrate import confirm_baseline

    with _target(database, path, config, env, local, remote, persist_to, db_file, directory) as target:
        todo, _ = baseline_names(target, to)
        if todo and not yes:
            confirm_baseline(target.where, todo)
        emit(baseline(target, to, lock_timeout=lock_timeout), fmt, text="mbv_cli.render.migrate:render_baseline")
