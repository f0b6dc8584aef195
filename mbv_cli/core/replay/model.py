"""The request and exchange data every replay source produces and every sender consumes.

A `ReplayRequest` is what a source file says to send (before --target and header options);
an `Exchange` is what happened when it was sent: the request exactly as sent, the response
(or the error), per-phase timings and every attempt. Values here are raw (unredacted); the
`Redactor` applies at output time, so nothing that leaves mbv skips it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

MAX_SOURCE_BYTES = 256 * 1024 * 1024  # a replay source (.http, HAR, tail log, curl command) read whole
MAX_REQUEST_BODY = 64 * 1024 * 1024  # a request body read from a file (`-d @file`, `.http` `< file`)


@dataclass(slots=True)
class Recorded:
    """What the recording says happened (a HAR entry's response and time, a tail event's status)."""

    status: int | None = None
    time_ms: float | None = None    # HAR `time`; tail `wallTime`
    at: str | None = None           # when it was recorded, ISO 8601 (HAR startedDateTime; tail eventTimestamp)

    def to_dict(self) -> dict[str, Any]:
        return {"status": self.status, "time_ms": self.time_ms, "at": self.at}


@dataclass(slots=True)
class ReplayRequest:
    """One request to send. `headers` keeps order, case and duplicates as the source had them."""

    method: str
    url: str
    headers: list[tuple[str, str]] = field(default_factory=list)
    body: bytes | None = None
    source: str = ""            # "file:line" (or "argv", "stdin:line") where the request came from
    name: str | None = None     # `# @name` in .http files, HAR page/comment, tail scriptName
    notes: list[str] = field(default_factory=list)  # things the parser changed or dropped, said once
    recorded: Recorded | None = None  # HAR and tail sources: the recorded outcome, shown next to the replayed

    def header(self, name: str) -> str | None:
        lower = name.lower()
        for key, value in self.headers:
            if key.lower() == lower:
                return value
        return None


@dataclass(slots=True)
class SentRequest:
    """The request exactly as it went on the wire (after httpx added Host and Content-Length)."""

    method: str
    url: str
    headers: list[tuple[str, str]]
    body: bytes | None


@dataclass(slots=True)
class ReceivedResponse:
    status: int
    reason: str
    http_version: str
    headers: list[tuple[str, str]]
    body: bytes
    truncated: bool = False          # the body was longer than --max-body
    declared_length: int | None = None  # Content-Length when the server sent one


@dataclass(slots=True)
class Timings:
    """Milliseconds per phase of the final attempt; None when the phase did not happen
    (a reused connection has no dns/connect/tls; plain HTTP has no tls)."""

    dns: float | None = None
    connect: float | None = None
    tls: float | None = None
    send: float | None = None       # request headers and body written
    ttfb: float | None = None       # from request written to response headers received
    download: float | None = None   # response body read
    total: float | None = None      # the whole attempt, wall clock

    def to_dict(self) -> dict[str, float | None]:
        return {name: (None if value is None else round(value, 3))
                for name, value in (("dns", self.dns), ("connect", self.connect), ("tls", self.tls),
                                    ("send", self.send), ("ttfb", self.ttfb),
                                    ("download", self.download), ("total", self.total))}


@dataclass(slots=True)
class Attempt:
    """One try at sending: its outcome and how long mbv waited before the next one."""

    number: int
    status: int | None
    error: str | None
    elapsed_ms: float
    wait_s: float | None = None     # sleep before the next attempt
    wait_reason: str | None = None  # "Retry-After: 2" or "backoff"

    def to_dict(self) -> dict[str, Any]:
        return {"attempt": self.number, "status": self.status, "error": self.error,
                "elapsed_ms": round(self.elapsed_ms, 3), "wait_s": self.wait_s, "wait_reason": self.wait_reason}


@dataclass(slots=True)
class Redirect:
    status: int
    location: str
    dropped_headers: list[str] = field(default_factory=list)


@dataclass(slots=True)
class Exchange:
    """One source request sent (or, with --dry-run, only prepared) to one base URL."""

    request: SentRequest
    response: ReceivedResponse | None = None
    error: str | None = None
    timings: Timings = field(default_factory=Timings)
    attempts: list[Attempt] = field(default_factory=list)
    redirects: list[Redirect] = field(default_factory=list)
    source: str = ""
    name: str | None = None
    role: str = "target"            # "target", or "compare" for the --compare side
    notes: list[str] = field(default_factory=list)
    sent: bool = True               # False with --dry-run
    started_at: float = 0.0         # epoch seconds of the first attempt (HAR startedDateTime)
    recorded: Recorded | None = None  # the source's recorded outcome (HAR, tail), next to this one

    def ok(self, expect_status: set[int] | None) -> bool:
        if not self.sent:
            return True
        if self.response is None or self.error is not None:  # e.g. a redirect mbv could not follow
            return False
        if expect_status:
            return self.response.status in expect_status
        return self.response.status < 400


def read_text_file(path: Path) -> str:
    """A source file's text (UTF-8, BOM dropped); one-line errors naming the file."""
    from mbv_cli.core.input_files import read_file_text

    return read_file_text(path, what="the replay source", limit=MAX_SOURCE_BYTES)
