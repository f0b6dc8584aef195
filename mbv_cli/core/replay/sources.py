"""Turn what the user named into requests: a file (.http/.rest, HAR, wrangler tail log, a curl
command), `--curl '...'`, or an inline `METHOD URL` with `-d`.

The kind of a file comes from `--from`, else its extension (.http .rest .har .curl .sh), else
its content: a JSON document with `log.entries` is HAR, a stream of objects with `event`/`outcome`
is a tail log, text starting with `curl` is a curl command, anything else is tried as .http.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from mbv_cli.core.errors import InputError, UsageError
from mbv_cli.core.input_files import read_file_bytes, read_file_text, read_stdin_bytes, read_stdin_text
from mbv_cli.core.replay.curl import parse_curl_command
from mbv_cli.core.replay.filters import EventFilter, check_outcomes, compile_match
from mbv_cli.core.replay.har import parse_har_text
from mbv_cli.core.replay.httpfile import METHODS, parse_http_text
from mbv_cli.core.replay.model import MAX_REQUEST_BODY, MAX_SOURCE_BYTES, ReplayRequest, read_text_file
from mbv_cli.core.replay.status import StatusFilter
from mbv_cli.core.replay.tail import parse_tail_text

KINDS = ("http", "curl", "har", "tail")
_EXTENSIONS = {".http": "http", ".rest": "http", ".har": "har", ".curl": "curl", ".sh": "curl"}


@dataclass(slots=True)
class SourceSpec:
    """What the command line named as the requests to replay."""

    args: list[str] = field(default_factory=list)   # positional: FILE | URL | METHOD URL
    curl: str | None = None                         # --curl: a command, @file, or - for stdin
    kind: str | None = None                         # --from
    data: str | None = None                         # -d for the inline form (@file allowed)
    match: str | None = None                        # --match (HAR, tail)
    statuses: StatusFilter | None = None            # --status (HAR, tail)
    outcomes: set[str] | None = None                # --outcome (tail)
    since_ms: float | None = None                   # --since (tail)
    until_ms: float | None = None                   # --until (tail)
    variables: dict[str, str] = field(default_factory=dict)  # --var for .http files


def load_requests(spec: SourceSpec) -> list[ReplayRequest]:
    if spec.kind is not None and spec.kind not in KINDS:
        raise UsageError(f"--from {spec.kind!r} is not a source kind", hint=f"use one of {', '.join(KINDS)}")
    check_outcomes(spec.outcomes)
    if spec.curl is not None:
        if spec.args:
            raise UsageError("--curl and a positional source do not combine", hint="give one source")
        text, file, base = _read_arg(spec.curl)
        requests = [parse_curl_command(text, file=file, base_dir=base)]
    elif not spec.args:
        raise UsageError("nothing to replay", hint="give a file (.http, .har, tail log), --curl '...', or METHOD URL")
    elif _is_inline(spec.args):
        requests = [_inline(spec)]
    else:
        if len(spec.args) > 1:
            raise UsageError(f"unexpected argument {spec.args[1]!r}",
                             hint="give one source file, or METHOD URL for an inline request")
        requests = _from_file(spec)
    if spec.data is not None and not _is_inline(spec.args):
        raise UsageError("-d/--data belongs to an inline request (mbv replay POST URL -d ...)")
    filtered = (spec.match is not None or spec.statuses is not None or spec.outcomes is not None
                or spec.since_ms is not None or spec.until_ms is not None)
    if not requests:
        raise InputError("no request matched" if filtered else "no HTTP request found in the source",
                         hint="loosen --match/--status/--outcome/--since/--until" if filtered else None)
    return requests


def _is_inline(args: list[str]) -> bool:
    if not args:
        return False
    first = args[0]
    if first.upper() in METHODS and len(args) >= 2:
        return True
    return first.startswith(("http://", "https://"))


def _inline(spec: SourceSpec) -> ReplayRequest:
    args = spec.args
    if args[0].startswith(("http://", "https://")):
        method, url, rest = ("POST" if spec.data is not None else "GET"), args[0], args[1:]
    else:
        method, url, rest = args[0].upper(), args[1], args[2:]
    if rest:
        raise UsageError(f"unexpected argument {rest[0]!r}", hint="quote the URL; pass headers with -H 'K: V'")
    if not url.startswith(("http://", "https://")):
        raise UsageError(f"{url!r} is not an absolute http(s) URL")
    from mbv_cli.core.httpcheck import url_problem

    problem = url_problem(url)
    if problem:
        raise UsageError(f"the URL is malformed: {problem}", hint="check the host, brackets and port")
    body: bytes | None = None
    if spec.data is not None:
        if spec.data.startswith("@"):
            path = Path(spec.data[1:])
            body = (read_stdin_bytes(what="the -d body", limit=MAX_REQUEST_BODY) if spec.data == "@-"
                    else read_file_bytes(path, what="the -d file", limit=MAX_REQUEST_BODY))
        else:
            body = spec.data.encode("utf-8")
    return ReplayRequest(method=method, url=url, body=body, source="argv")


def _read_arg(value: str) -> tuple[str, str, Path | None]:
    """--curl value: `-` (stdin), `@file`, an existing file, or the command itself."""
    if value == "-":
        return read_stdin_text(what="the curl command", limit=MAX_SOURCE_BYTES), "<stdin>", None
    candidate = value[1:] if value.startswith("@") else value
    if value.startswith("@") or (not value.lstrip().startswith("curl") and Path(candidate).is_file()):
        path = Path(candidate)
        return read_file_text(path, what="the curl file", limit=MAX_SOURCE_BYTES), str(path), path.parent
    return value, "--curl", None


def _from_file(spec: SourceSpec) -> list[ReplayRequest]:
    name = spec.args[0]
    if name == "-":
        text, file, base = read_stdin_text(what="the replay source", limit=MAX_SOURCE_BYTES), "<stdin>", Path.cwd()
        if spec.kind is None:
            raise UsageError("reading stdin needs --from http|curl|har|tail")
    else:
        path = Path(name)
        if not path.exists():
            raise InputError(f"{name}: no such file", hint="give an .http/.har/tail file, --curl '...', or METHOD URL")
        text = read_text_file(path)
        file, base = str(path), path.parent
    kind = spec.kind or _EXTENSIONS.get(Path(name).suffix.lower()) or sniff_kind(text)
    if kind not in ("har", "tail") and spec.match is not None:
        raise UsageError("--match applies to HAR and tail sources")
    if kind not in ("har", "tail") and spec.statuses is not None:
        raise UsageError("--status applies to HAR and tail sources")
    if kind != "tail" and spec.outcomes is not None:
        raise UsageError("--outcome applies to wrangler tail sources")
    if kind != "tail" and (spec.since_ms is not None or spec.until_ms is not None):
        raise UsageError("--since/--until apply to wrangler tail sources")
    if kind != "http" and spec.variables:
        raise UsageError("--var applies to .http sources")
    if kind == "har":
        return parse_har_text(text, file=file, match=spec.match, statuses=spec.statuses)
    if kind == "tail":
        return parse_tail_text(text, file=file, event_filter=EventFilter(
            statuses=spec.statuses, outcomes=frozenset(spec.outcomes) if spec.outcomes else None,
            match=compile_match(spec.match), since_ms=spec.since_ms, until_ms=spec.until_ms))
    if kind == "curl":
        return [parse_curl_command(text, file=file, base_dir=base)]
    return parse_http_text(text, file=file, base_dir=base, overrides=spec.variables)


def sniff_kind(text: str) -> str:
    head = text.lstrip()
    if head.startswith("curl ") or head.startswith("curl\n"):
        return "curl"
    if head.startswith("{"):
        snippet = head[:4000]
        if '"log"' in snippet and '"entries"' in snippet:
            return "har"
        if ('"outcome"' in snippet or '"eventTimestamp"' in snippet or '"event"' in snippet
                or '"EventTimestampMs"' in snippet or '"Outcome"' in snippet):
            return "tail"
        return "har"
    return "http"
