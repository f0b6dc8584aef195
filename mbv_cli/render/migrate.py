"""Text rendering of `mbv migrate`: status tables, apply outcomes, verify findings, the progress bar."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from rich import box
from rich.table import Table

from mbv_cli.core.migrations.results import (
    ApplyResult,
    BaselineResult,
    FileResult,
    MigrationOutcome,
    StatusResult,
    VerifyResult,
)
from mbv_cli.render import console
from mbv_cli.render.console import escape

PROGRESS_BAR_MIN = 4  # more than a few migrations
_STATE_STYLE = {"applied": "green", "pending": "yellow", "missing_file": "bold red", "modified": "bold red",
                "out_of_order": "magenta", "failed": "bold red", "skipped": "dim", "not_run": "dim"}


def _where(target: dict[str, Any]) -> str:
    if target.get("mode") == "remote":
        return f"remote D1 {target.get('label')} ({target.get('database_id')})"
    return str(target.get("path"))


def print_warnings(warnings: list[str]) -> None:
    for warning in warnings:
        console.warning(warning)


def render_status(result: StatusResult, **_: Any) -> None:
    out = console.stdout()
    for warning in result.warnings:
        console.warning(warning)
    out.print(f"[bold]{escape(result.database)}[/] [dim]ledger {escape(result.table)}, files in "
              f"{escape(result.directory)}[/]", soft_wrap=True)
    out.print(f"[dim]{escape(_where(result.target))}[/]", soft_wrap=True)
    if not result.migrations:
        out.print("  no migrations")
        return
    table = Table(box=box.SIMPLE_HEAD, show_edge=False)
    table.add_column("Migration")
    table.add_column("State")
    table.add_column("Applied at", style="dim")
    table.add_column("Checksum", style="dim")
    for m in result.migrations:
        style = _STATE_STYLE.get(m.state, "")
        table.add_row(escape(m.name), f"[{style}]{m.state}[/]", m.applied_at or "", m.checksum or "")
    out.print(table)
    counts = [f"{result.count(s)} {s}" for s in ("applied", "pending", "out_of_order", "modified", "missing_file")
              if result.count(s)]
    out.print(", ".join(counts))


def render_apply(result: ApplyResult, **_: Any) -> None:
    out = console.stdout()
    if result.backup:
        console.note(f"backup: {result.backup}")
    if result.outcomes:
        table = Table(box=box.SIMPLE_HEAD, show_edge=False)
        table.add_column("Migration")
        table.add_column("Result")
        table.add_column("Time", justify="right", style="dim")
        for o in result.outcomes:
            label = o.status if not result.dry_run or o.status != "applied" else "would apply"
            if result.dry_run and o.status == "failed":
                label = "would fail"
            time = f"{o.duration_ms:.1f} ms" if o.status in ("applied", "failed") else ""
            table.add_row(escape(o.name), f"[{_STATE_STYLE.get(o.status, '')}]{label}[/]", time)
        out.print(table)
    failed = result.failed
    applied = sum(1 for o in result.outcomes if o.status == "applied")
    verb = "would apply" if result.dry_run else "applied"
    if failed is None:
        out.print(f"{verb} {applied} migration(s)" if result.outcomes else "no migrations to apply")
    else:
        _failure(failed, result.dry_run)
        out.print(f"{verb} {applied} migration(s); {escape(failed.name)} failed"
                  + (" and was rolled back" if not result.dry_run else ""))
    for note in result.notes:
        if note != "no migrations to apply":
            console.note(note)


def report_failure(result: ApplyResult) -> None:
    """The one stderr line about the failed migration (file:line:col: error)."""
    if result.failed is not None:
        _failure(result.failed, result.dry_run)


def _failure(o: MigrationOutcome, dry_run: bool) -> None:
    where = o.file or o.name
    if o.line:
        where += f":{o.line}"
        if o.column:
            where += f":{o.column}"
    text = f"{where}: {o.error}"
    if o.statement:
        text += f" (in: {o.statement})"
    if o.hint:
        text += f"; {o.hint}"
    console.error(" ".join(text.split()))


def render_verify(result: VerifyResult, **_: Any) -> None:
    from mbv_cli.core.findings import FindingsReport
    from mbv_cli.render.findings import render_text

    for note in result.notes:
        console.note(note)
    report = FindingsReport(list(result.findings), title="migrate verify")
    if result.findings:
        render_text(report)
    else:
        console.stdout().print(f"{escape(result.database)}: no drift")


def render_baseline(result: BaselineResult, **_: Any) -> None:
    out = console.stdout()
    for name in result.recorded:
        out.print(f"recorded {escape(name)} as applied")
    if not result.recorded:
        out.print("nothing to record: those migrations are already in the ledger")


def render_file(result: FileResult, **_: Any) -> None:
    out = console.stdout()
    if result.kind == "create":
        out.print(f"created {escape(result.path)}")
        if result.sum_file:
            console.note(f"updated {result.sum_file}; run `mbv migrate hash` after editing the new file")
    else:
        out.print(f"wrote {escape(result.path)} ({result.files} files)")


def confirm_baseline(where: str, names: list[str]) -> None:
    from mbv_cli.core.errors import UsageError

    if not sys.stdin.isatty() or not sys.stderr.isatty():
        raise UsageError(f"baseline would record {len(names)} migration(s) in {where} without running them",
                         hint="pass --yes to confirm (there is no terminal to ask on)")
    import typer

    console.stderr().print(f"Record as applied in {escape(where)} without running them:")
    for name in names:
        console.stderr().print(f"  {escape(name)}")
    if not typer.confirm("Continue?", default=False, err=True):
        raise typer.Abort()


def _ci() -> bool:
    return bool(os.environ.get("CI")) and os.environ.get("CI", "").lower() not in ("0", "false")


@contextmanager
def apply_progress(fmt: str) -> Iterator[Callable[[int, int, str, MigrationOutcome | None], None] | None]:
    """A progress callback: a Rich bar on a terminal when more than a few migrations run, one plain
    line per migration on stderr otherwise, nothing for JSON."""
    if fmt != "text":
        yield None
        return
    err = console.stderr()
    if not err.is_terminal or _ci():
        def on_line(index: int, total: int, name: str, outcome: MigrationOutcome | None) -> None:
            if outcome is None:
                console.note(f"applying {name} ({index + 1}/{total})")

        yield on_line
        return
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    bar = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                   console=err, transient=True)
    tasks: list[Any] = []

    def on_bar(index: int, total: int, name: str, outcome: MigrationOutcome | None) -> None:
        if total < PROGRESS_BAR_MIN:
            return
        if not tasks:
            bar.start()
            tasks.append(bar.add_task("migrations", total=total))
        if outcome is None:
            bar.update(tasks[0], description=escape(name))
        else:
            bar.advance(tasks[0])

    try:
        yield on_bar
    finally:
        if tasks:
            bar.stop()
