"""`mbv replay`: re-send recorded requests to a local or deployed Worker with a debug log.

One command rather than a group, so the inline form reads like curl: `mbv replay GET URL -H ...`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from mbv_cli.cli.options import format_option

app = typer.Typer(help="Re-send recorded requests to a local or deployed Worker.", add_completion=False,
                  rich_markup_mode=None, context_settings={"help_option_names": ["-h", "--help"]})

_MB = 1024 * 1024


@app.command("replay", no_args_is_help=True)
def replay_command(
    source: Optional[list[str]] = typer.Argument(
        None, metavar="SOURCE", help="A .http/.rest file, a HAR file, a `wrangler tail --format json` log, a file holding a curl "
                   "command, - for stdin, or an inline request: [METHOD] URL.", show_default=False),
    curl: Optional[str] = typer.Option(None, "--curl", metavar="COMMAND", help="A curl command ('curl ...'), @FILE holding one, or -.",
                                       show_default=False),
    kind: Optional[str] = typer.Option(None, "--from", metavar="KIND", help="Source kind when the name does not say: http, curl, "
                                                            "har, tail.", show_default=False),
    header: list[str] = typer.Option([], "--header", "-H", metavar="'NAME: VALUE'", help="Add or override a header ('Name: value'); repeatable."),
    drop_header: list[str] = typer.Option([], "--drop-header", metavar="NAME", help="Remove a header before sending; repeatable."),
    data: Optional[str] = typer.Option(None, "--data", "-d", metavar="DATA", help="Body of an inline request (@FILE reads a file).",
                                       show_default=False),
    var: list[str] = typer.Option([], "--var", metavar="NAME=VALUE", help="Set an .http variable (NAME=VALUE); repeatable."),
    match: Optional[str] = typer.Option(None, "--match", metavar="REGEX", help="HAR/tail: only entries whose URL matches this regex.",
                                        show_default=False),
    status: Optional[str] = typer.Option(None, "--status", metavar="CODES", help="HAR/tail: only entries whose recorded status "
                                                                "matches, e.g. 5xx,404.", show_default=False),
    outcome: list[str] = typer.Option([], "--outcome", metavar="OUTCOME", help="Tail: only events with this outcome (ok, exception, "
                                                            "exceededCpu, canceled...); repeatable."),
    since: Optional[str] = typer.Option(None, "--since", metavar="TIME", help="Tail: only events at or after TIME (ISO, "
                                        "epoch, or an age: 15m, 2h).", show_default=False),
    until: Optional[str] = typer.Option(None, "--until", metavar="TIME", help="Tail: only events at or before TIME.",
                                        show_default=False),
    target: Optional[str] = typer.Option(None, "--target", metavar="URL", help="Send to this base URL (scheme, host, port), "
                                                                "keeping path and query.", show_default=False),
    bearer_env: Optional[str] = typer.Option(None, "--bearer-env", metavar="VAR", help="Set 'Authorization: Bearer' from this "
                                                                        "environment variable.", show_default=False),
    mint_jwt: bool = typer.Option(False, "--mint-jwt", help="Sign a fresh HS256 JWT (with --secret-env) and send "
                                                            "it as the bearer token."),
    secret_env: Optional[str] = typer.Option(None, "--secret-env", metavar="VAR", help="Environment variable holding the HS256 "
                                                                        "secret for --mint-jwt.", show_default=False),
    sub: Optional[str] = typer.Option(None, "--sub", metavar="SUB", help="The `sub` claim of the minted JWT.", show_default=False),
    retries: int = typer.Option(0, "--retries", metavar="N", help="Retry 429/503 (Retry-After honoured) and connection "
                                                     "failures up to N times; backoff 1, 2, 4 ... 30 s."),
    repeat: Optional[int] = typer.Option(None, "--repeat", metavar="N", help="Send each request N times and report latency "
                                                                "percentiles and a status histogram.", show_default=False),
    concurrency: int = typer.Option(1, "--concurrency", metavar="C", help="Concurrent workers for --repeat."),
    compare: Optional[str] = typer.Option(None, "--compare", metavar="URL", help="Also send each request to this base URL and "
                                                                  "diff the answers (exit 1 if they differ).",
                                          show_default=False),
    compare_header: list[str] = typer.Option(["content-type"], "--compare-header", metavar="NAME",
                                             help="Response header to compare; repeatable."),
    ignore_field: list[str] = typer.Option([], "--ignore-field", metavar="PATH", help="JSON body field to ignore in --compare "
                                                                      "(a.b.c, * for any); repeatable."),
    dry_run: bool = typer.Option(False, "--dry-run", help="Print exactly what would be sent; send nothing."),
    insecure: bool = typer.Option(False, "--insecure", help="Do not verify TLS certificates (warns)."),
    connect_timeout: float = typer.Option(5.0, "--connect-timeout", metavar="SECONDS", help="Seconds to wait for a connection."),
    read_timeout: float = typer.Option(30.0, "--read-timeout", metavar="SECONDS", help="Seconds to wait for response data."),
    max_time: float = typer.Option(120.0, "--max-time", metavar="SECONDS", help="Longest a whole exchange may take "
                                                                "(0: no limit)."),
    max_body: float = typer.Option(10.0, "--max-body", metavar="MB", help="Megabytes of each response body to read; the rest "
                                                            "is cut with a note."),
    follow: bool = typer.Option(False, "--follow", help="Follow redirects (credential headers never go to another "
                                                        "origin)."),
    expect_status: Optional[str] = typer.Option(None, "--expect-status", metavar="CODES", help="Statuses that count as success, e.g. "
                                                                              "200,404 or 2xx (default: below 400).",
                                                show_default=False),
    redact_field: list[str] = typer.Option([], "--redact-field", metavar="PATH", help="Also redact this JSON body field (a.b); "
                                                                      "repeatable."),
    show_secrets: bool = typer.Option(False, "--show-secrets", help="Turn redaction off (warns)."),
    har_out: Optional[Path] = typer.Option(None, "--har-out", metavar="FILE", help="Save the exchanges as HAR 1.2 (redacted).",
                                           show_default=False),
    fmt: str = format_option(["text", "json"]),
) -> None:
    """Replay requests from .http, curl, HAR, wrangler tail or the command line, with a redacted debug log.

    Exit 0 when every response is below 400 (or matches --expect-status), 1 otherwise (including
    transport errors and --compare differences), 2 for sources that do not parse and misuse.
    """
    from mbv_cli.core.errors import UsageError
    from mbv_cli.core.option_values import check_megabytes
    from mbv_cli.core.replay import ReplayOptions, SourceSpec, load_requests, run_replay
    from mbv_cli.core.replay.prepare import Credentials, Rewrite, check_base_url, parse_header_option
    from mbv_cli.core.replay.send import SendOptions
    from mbv_cli.core.replay.status import StatusFilter
    from mbv_cli.core.replay.timebound import parse_time_bound
    from mbv_cli.render import console, emit
    from mbv_cli.render.replay import repeat_progress

    variables = {}
    for item in var:
        name, eq, value = item.partition("=")
        if not eq or not name:
            raise UsageError(f"--var {item!r} is not NAME=VALUE")
        variables[name] = value
    spec = SourceSpec(args=list(source or []), curl=curl, kind=kind, data=data, match=match,
                      statuses=StatusFilter.parse(status, "--status") if status else None,
                      outcomes=set(outcome) or None, variables=variables,
                      since_ms=parse_time_bound(since, "--since") if since else None,
                      until_ms=parse_time_bound(until, "--until") if until else None)
    options = ReplayOptions(
        rewrite=Rewrite(target=check_base_url(target, "--target") if target else None,
                        add_headers=[parse_header_option(h) for h in header], drop_headers=list(drop_header)),
        credentials=Credentials(bearer_env=bearer_env, mint_jwt=mint_jwt, secret_env=secret_env, sub=sub),
        send=SendOptions(insecure=insecure, connect_timeout=connect_timeout, read_timeout=read_timeout,
                         max_body=int(check_megabytes(max_body, "--max-body") * _MB), follow=follow,
                         retries=retries, max_time=max_time),
        compare=check_base_url(compare, "--compare") if compare else None,
        compare_headers=list(compare_header), ignore_fields=list(ignore_field), repeat=repeat,
        concurrency=concurrency, dry_run=dry_run,
        expect_status=StatusFilter.parse(expect_status, "--expect-status") if expect_status else None,
        show_secrets=show_secrets, redact_fields=list(redact_field))
    if fmt not in ("text", "json"):
        raise UsageError(f"format {fmt!r} is not available here", hint="use text or json")
    if har_out is not None:  # before anything is sent: a bad path must not cost a replayed POST
        from mbv_cli.core.replay.harout import check_har_out

        check_har_out(har_out)
    requests = load_requests(spec)
    result = run_replay(requests, options, progress=repeat_progress, log=console.note)
    for warning in result.warnings:
        console.warning(warning)
    for note in dict.fromkeys(n for exchange in result.to_dict()["exchanges"] for n in exchange["notes"]):
        console.note(f"note: {note}")
    if har_out is not None:
        from mbv_cli.core.replay.harout import write_har

        write_har(result, har_out)
    emit(result, fmt, text="mbv_cli.render.replay:render_text")
    if result.interrupted:  # the statistics so far are out; then one line and exit 130
        raise KeyboardInterrupt(result.interrupted)
    raise typer.Exit(result.exit_code())
