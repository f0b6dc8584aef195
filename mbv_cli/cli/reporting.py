"""Options and plumbing shared by the findings commands (`doctor`, `bindings diff`) for CI.

`--baseline FILE` keeps only the findings whose hash is not in FILE (`--update-baseline` writes
it first); `--output FORMAT=FILE` writes more formats from the same run, as ruff's
`--output-format`/`--output-file` and eslint's `--format`/`--output-file` would in two runs;
`--format` still chooses what goes to stdout, and the exit code is computed once, afterwards.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

if TYPE_CHECKING:
    from mbv_cli.core.baseline import BaselineEntry
    from mbv_cli.core.findings import Finding, FindingsReport

BaselineOpt = typer.Option(None, "--baseline", metavar="FILE", show_default=False,
                           help="Report and fail only on findings whose hash is not in FILE (an mbv baseline).")
UpdateBaselineOpt = typer.Option(False, "--update-baseline",
                                 help="Write every current finding to the --baseline FILE (then none is reported).")
OutputOpt = typer.Option([], "--output", "-o", metavar="FORMAT=FILE", show_default=False,
                         help="Also write FORMAT to FILE, repeatable: sarif=mbv.sarif, junit=mbv.xml, "
                              "markdown=summary.md; `markdown` alone appends to $GITHUB_STEP_SUMMARY.")

StatisticsOpt = typer.Option(False, "--statistics",
                             help="Print how many findings of each code and severity instead of the findings "
                                  "(text or json).")
ShowAllOpt = typer.Option(False, "--all", help="List every finding; by default a code repeated more than "
                                               "10 times in one Worker shows its first 3.")


def check_statistics(statistics: bool, fmt: str) -> None:
    """--statistics replaces the text or JSON on stdout; the other formats are for machines that want findings."""
    if statistics and fmt not in {"text", "json"}:
        from mbv_cli.core.errors import UsageError

        raise UsageError(f"--statistics works with --format text or json, not {fmt}",
                         hint="write the other formats with --output FORMAT=FILE next to --statistics")


def statistics_of(report: FindingsReport) -> Any:
    from mbv_cli.core.statistics import count_findings

    return count_findings(report.findings)


@dataclass(frozen=True, slots=True)
class Output:
    fmt: str
    path: Path
    append: bool = False


def parse_outputs(values: Iterable[str], formats: Sequence[str]) -> list[Output]:
    """`sarif=mbv.sarif` -> Output("sarif", mbv.sarif); bad formats and a missing summary file exit 2."""
    from mbv_cli.core.errors import UsageError

    outputs: list[Output] = []
    for value in values:
        fmt, sep, file = value.partition("=")
        fmt = fmt.strip().lower()
        if fmt not in formats:
            raise UsageError(f"--output {value}: unknown format {fmt!r}", hint=f"use FORMAT=FILE with one of: "
                                                                               f"{', '.join(formats)}")
        if not sep:
            summary = os.environ.get("GITHUB_STEP_SUMMARY")
            if fmt != "markdown" or not summary:
                raise UsageError(f"--output {value}: no file given",
                                 hint="use FORMAT=FILE (`markdown` alone needs $GITHUB_STEP_SUMMARY, set by GitHub "
                                      "Actions)")
            outputs.append(Output(fmt, Path(summary), append=True))
            continue
        if not file.strip():
            raise UsageError(f"--output {value}: no file given", hint="use FORMAT=FILE, e.g. sarif=mbv.sarif")
        outputs.append(Output(fmt, Path(file)))
    return outputs


def deliver(stdout_fmt: str, outputs: Sequence[Output], render: Callable[[str], None],
            stdout_render: Callable[[str], None] | None = None) -> None:
    """Write each output file, then stdout: `render(fmt)` writes one format to sys.stdout.

    A file gets the same bytes `--format FMT > FILE` would write: stdout is swapped for a buffer that
    is not a terminal, and the consoles are made again around it.
    """
    import io
    import sys

    from mbv_cli.core.errors import InputError
    from mbv_cli.render import console

    for output in outputs:
        buffer, sink = io.StringIO(), io.StringIO()
        saved = sys.stdout, sys.stderr
        console.reset()
        sys.stdout, sys.stderr = buffer, sink  # notes already go to stderr with the stdout format
        try:
            render(output.fmt)
        finally:
            sys.stdout, sys.stderr = saved
            console.reset()
        try:
            with output.path.open("a" if output.append else "w", encoding="utf-8", newline="") as handle:
                handle.write(buffer.getvalue())
        except OSError as exc:
            raise InputError(f"cannot write the {output.fmt} output: {exc.strerror or exc}", file=output.path,
                             hint="check that the directory exists and is writable") from None
    (stdout_render or render)(stdout_fmt)


def config_anchors(workers: Iterable[Any], configs: Iterable[Any]) -> dict[str, str]:
    """Worker name -> its wrangler config ("" -> the first config): where SARIF places a finding
    that has no file of its own."""
    from mbv_cli.core.binding_list import display_path

    first = next(iter(configs), None)
    anchors = {"": display_path(first.path)} if first is not None else {}
    for worker in workers:
        anchors.setdefault(worker.name, display_path(worker.config.path))
    return anchors


def read_baseline_option(baseline: Path | None, update: bool) -> list[BaselineEntry] | None:
    """The baseline's entries (read before the run, so a wrong path fails fast); None when not used."""
    from mbv_cli.core.errors import UsageError

    if update and baseline is None:
        raise UsageError("--update-baseline needs --baseline FILE", hint="e.g. --baseline .mbv-baseline.json")
    if baseline is None or update:
        return None
    from mbv_cli.core.baseline import read_baseline

    return read_baseline(baseline)


def apply_baseline_option(report: FindingsReport, baseline: Path | None, update: bool,
                          entries: list[BaselineEntry] | None, areas: Iterable[Any] = ()) -> None:
    """Drop the findings the baseline knows (from `report` and each area), recording the outcome on the report."""
    if baseline is None:
        return
    from mbv_cli import __version__
    from mbv_cli.core.baseline import apply_baseline, entries_for, write_baseline
    from mbv_cli.core.binding_list import display_path
    from mbv_cli.core.repo import ci_root

    root = ci_root(f.file for f in report.findings)
    findings = report.sorted()
    written = None
    if update:
        entries = entries_for(findings, root)
        write_baseline(baseline, entries, __version__)
        written = len(entries)
    kept, outcome = apply_baseline(findings, entries or [], root, display_path(baseline))
    outcome.written = written
    keep = {id(f) for f in kept}

    def keep_only(items: list[Finding]) -> list[Finding]:
        return [f for f in items if id(f) in keep]

    report.findings = keep_only(report.findings)
    for area in areas:
        area.findings = keep_only(area.findings)
    report.baseline = outcome
