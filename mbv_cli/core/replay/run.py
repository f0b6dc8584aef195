"""Run a replay: prepare each source request, then dry-run, send, compare or repeat it."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field

from mbv_cli.core.errors import UsageError
from mbv_cli.core.option_values import check_seconds
from mbv_cli.core.replay.compare import compare_exchanges
from mbv_cli.core.replay.model import Exchange, ReplayRequest
from mbv_cli.core.replay.prepare import Credentials, Rewrite, check_request, prepare, resolve_bearer
from mbv_cli.core.replay.redact import Redactor
from mbv_cli.core.replay.result import ReplayResult, learn_body_safely
from mbv_cli.core.replay.send import SendOptions, dry_run, make_client, send
from mbv_cli.core.replay.status import StatusFilter

# (label, total) -> a context yielding "n done so far"; the CLI passes a Rich bar on a TTY
ProgressFactory = Callable[[str, int], AbstractContextManager[Callable[[int], None] | None]]


@dataclass(slots=True)
class ReplayOptions:
    rewrite: Rewrite = field(default_factory=Rewrite)
    credentials: Credentials = field(default_factory=Credentials)
    send: SendOptions = field(default_factory=SendOptions)
    compare: str | None = None
    compare_headers: list[str] = field(default_factory=lambda: ["content-type"])
    ignore_fields: list[str] = field(default_factory=list)
    repeat: int | None = None
    concurrency: int = 1
    dry_run: bool = False
    expect_status: StatusFilter | None = None
    show_secrets: bool = False
    redact_fields: list[str] = field(default_factory=list)


def check_options(options: ReplayOptions) -> None:
    if options.repeat is not None:
        if options.repeat < 1:
            raise UsageError("--repeat must be at least 1")
        for flag, used in (("--compare", options.compare), ("--retries", options.send.retries),
                           ("--follow", options.send.follow)):
            if used:
                raise UsageError(f"--repeat does not combine with {flag}",
                                 hint="measure load and debug one exchange in separate runs")
    if options.concurrency < 1:
        raise UsageError("--concurrency must be at least 1")
    if options.repeat is None and options.concurrency != 1:
        raise UsageError("--concurrency goes with --repeat N")
    if options.send.retries < 0:
        raise UsageError("--retries must be 0 or more")
    if options.send.max_body < 0:
        raise UsageError("--max-body must be 0 or more")
    check_seconds(options.send.connect_timeout, "--connect-timeout", zero_ok=False)
    check_seconds(options.send.read_timeout, "--read-timeout", zero_ok=False)
    check_seconds(options.send.max_time, "--max-time")


def run_replay(requests: list[ReplayRequest], options: ReplayOptions, *,
               progress: ProgressFactory | None = None, log: Callable[[str], None] | None = None) -> ReplayResult:
    check_options(options)
    redactor = Redactor(enabled=not options.show_secrets, fields=options.redact_fields)
    result = ReplayResult(redactor=redactor, dry_run=options.dry_run,
                          expect_status=set(options.expect_status.codes) if options.expect_status else None)
    options.rewrite.bearer = resolve_bearer(options.credentials, redactor)
    safe_log = None if log is None else (lambda message: log(redactor.text(message)))

    if options.show_secrets:
        result.warnings.append("--show-secrets: credentials, cookies and tokens are printed and saved unredacted")
    if options.send.insecure:
        result.warnings.append("--insecure: TLS certificates are not verified")
    prepared = [prepare(request, options.rewrite) for request in requests]
    for request in prepared:  # a URL or header httpx cannot send is the user's to fix, before anything goes out
        check_request(request)
    for request in prepared:  # learn secrets before anything is logged, so retries and errors are scrubbed too
        redactor.learn_headers(request.headers)
        redactor.learn_url(request.url)
        learn_body_safely(redactor, request.body, request.header("content-type"))
    if options.repeat is not None and not options.dry_run:
        _repeat(prepared, options, result, progress)
        return result
    client, backend = make_client(options.send)
    with client:
        for original, request in zip(requests, prepared, strict=False):
            if options.dry_run:
                _add(result, dry_run(client, request))
                if options.compare:
                    _add(result, dry_run(client, prepare(original, options.rewrite, options.compare), "compare"))
                continue
            exchange = send(client, backend, request, options.send, log=safe_log)
            exchange.recorded = request.recorded
            _add(result, exchange)
            if options.compare:
                other = send(client, backend, prepare(original, options.rewrite, options.compare), options.send,
                             role="compare", log=safe_log)
                _add(result, other)
                result.comparisons.append(compare_exchanges(exchange, other, headers=options.compare_headers,
                                                            ignore=options.ignore_fields))
    return result


def _add(result: ReplayResult, exchange: Exchange) -> None:
    result.learn_secrets(exchange)
    result.exchanges.append(exchange)


def _repeat(prepared: list[ReplayRequest], options: ReplayOptions, result: ReplayResult,
            progress: ProgressFactory | None) -> None:
    from mbv_cli.core.replay.repeat import RepeatInterrupted, run_repeat

    assert options.repeat is not None
    for request in prepared:
        label = f"{request.method} {result.redactor.url(request.url)}"
        context = progress(label, options.repeat) if progress is not None else nullcontext(None)
        try:
            with context as advance:
                summary, exchange = run_repeat(request, count=options.repeat, concurrency=options.concurrency,
                                               options=options.send, progress=advance)
        except RepeatInterrupted as exc:  # Ctrl-C: keep what completed; the CLI shows it, then exits 130
            result.repeats.append(exc.summary)
            result.interrupted = str(exc)
            return
        result.repeats.append(summary)
        _add(result, exchange)
