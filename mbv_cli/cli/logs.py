"""`mbv logs`: summarise `wrangler tail --format json` output or Logpush trace events for on-call triage."""

from __future__ import annotations

import sys
from typing import Optional

import typer

from mbv_cli.cli.options import format_option

app = typer.Typer(help="Summarise wrangler tail output and Logpush trace events: where it hurts, grouped.",
                  add_completion=False, rich_markup_mode=None,
                  context_settings={"help_option_names": ["-h", "--help"]})


@app.command("logs")
def logs_command(
    source: Optional[str] = typer.Argument(None, metavar="[FILE|-]", help="A `wrangler tail --format json` log or a "
                                           "Logpush file (NDJSON, .gz too); - or a pipe reads live.", show_default=False),
    status: Optional[str] = typer.Option(None, "--status", metavar="CODES", help="Only events whose response status "
                                         "matches, e.g. 5xx,404.", show_default=False),
    outcome: list[str] = typer.Option([], "--outcome", metavar="OUTCOME", help="Only events with this outcome (ok, "
                                      "exception, exceededCpu, canceled...); repeatable."),
    match: Optional[str] = typer.Option(None, "--match", metavar="REGEX", help="Only events whose URL matches this "
                                        "regex.", show_default=False),
    since: Optional[str] = typer.Option(None, "--since", metavar="TIME", help="Only events at or after TIME (ISO, "
                                        "epoch, or an age: 15m, 2h, 1d).", show_default=False),
    until: Optional[str] = typer.Option(None, "--until", metavar="TIME", help="Only events at or before TIME.",
                                        show_default=False),
    follow: bool = typer.Option(False, "--follow", help="Keep reading as events arrive (a growing file or a pipe); "
                                "on a terminal a live view, Ctrl-C prints the summary."),
    every: Optional[float] = typer.Option(None, "--every", metavar="SECONDS", min=0.1, help="While reading live, print "
                                          "a summary every SECONDS (JSON: one line each).", show_default=False),
    cpu_limit: float = typer.Option(30_000, "--cpu-limit", metavar="MS", min=1, help="CPU limit per invocation: "
                                    "30000 (Paid default), limits.cpu_ms if set, 10 on Workers Free."),
    top: int = typer.Option(10, "--top", metavar="N", min=1, help="Routes, groups and slow requests shown in text."),
    jobs: Optional[int] = typer.Option(None, "--jobs", "-j", min=1, metavar="N", help="Processes for large NDJSON files "
                                       "(default: CPUs).", show_default=False),
    show_secrets: bool = typer.Option(False, "--show-secrets", help="Turn redaction off (warns)."),
    fmt: str = format_option(["text", "json"]),
) -> None:
    """Summarise Workers trace events: outcomes, routes (ids folded) with status histograms and CPU/wall
    percentiles, exceptions and console errors grouped, the slowest requests; each group says how to
    replay it with `mbv replay`.

    Exit 0 when every event was ok, 1 when any failed (an exception, a non-ok outcome, a 5xx), 2 for
    unreadable input and misuse. Lines that are not events are counted and reported, never fatal.
    """
    from mbv_cli.core.errors import MbvError, UsageError
    from mbv_cli.core.logs import Aggregate, EventFilter, LogsSummary, ReplaySource, build_summary
    from mbv_cli.core.logs.run import LiveReader, default_jobs, describe_input, summarize
    from mbv_cli.core.replay.filters import check_outcomes, compile_match
    from mbv_cli.core.replay.status import StatusFilter
    from mbv_cli.core.replay.timebound import parse_time_bound
    from mbv_cli.render import console, emit
    from mbv_cli.render.logs import live_view, render_periodic

    if fmt not in ("text", "json"):
        raise UsageError(f"format {fmt!r} is not available here", hint="use text or json")
    check_outcomes(set(outcome))
    if source is None:
        if sys.stdin.isatty():
            raise UsageError("nothing to read", hint="give a log file, or pipe: wrangler tail --format json | mbv logs -")
        source = "-"
    name = source
    event_filter = EventFilter(statuses=StatusFilter.parse(status, "--status") if status else None,
                               outcomes=frozenset(outcome) or None, match=compile_match(match),
                               since_ms=parse_time_bound(since, "--since") if since else None,
                               until_ms=parse_time_bound(until, "--until") if until else None)
    if show_secrets:
        console.warning("--show-secrets: redaction is off; the output may hold credentials")
    info = describe_input(source)
    replay = ReplaySource.for_input(source, gzipped=info.gzipped, since_ms=event_filter.since_ms,
                                    until_ms=event_filter.until_ms)

    def build(agg: Aggregate, final: bool = True) -> LogsSummary:
        return build_summary(agg, source=name, replay=replay, cpu_limit_ms=cpu_limit, show_secrets=show_secrets,
                             final=final)

    if source != "-" and not follow:
        if every is not None:
            raise UsageError("--every applies to live input (a pipe, - or --follow)")
        summary = build(summarize(info, event_filter, jobs=jobs or default_jobs()))
    else:
        reader = LiveReader(info, event_filter, follow=follow).start()
        try:
            if follow and fmt == "text" and sys.stdout.isatty() and every is None:
                live_view(reader.wait, lambda: reader.snapshot(lambda agg: build(agg, final=False)), top=top)
            else:
                while not reader.wait(every if every is not None else 3600.0):
                    if every is not None:
                        render_periodic(reader.snapshot(lambda agg: build(agg, final=False)), fmt, top=top)
        except KeyboardInterrupt:
            reader.stop()
        if isinstance(reader.error, MbvError):
            raise reader.error
        if reader.error is not None:
            raise reader.error
        summary = reader.snapshot(build)
        if every is not None:
            for warning in summary.warnings:
                console.warning(warning)
            render_periodic(summary, fmt, top=top)
            raise typer.Exit(summary.exit_code())
    if fmt == "json":  # the text summary shows them itself
        for warning in summary.warnings:
            console.warning(warning)
    emit(summary, fmt, text="mbv_cli.render.logs:render_text", top=top)
    raise typer.Exit(summary.exit_code())
