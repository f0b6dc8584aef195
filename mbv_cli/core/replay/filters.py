"""Which recorded events to take: the filters `mbv replay` (tail sources) and `mbv logs` share.

`--status` (a StatusFilter: codes, classes, ranges), `--outcome` (tail outcomes), `--match` (a regex
searched in the URL) and `--since`/`--until` (epoch milliseconds, compared with `eventTimestamp`
or Logpush's `EventTimestampMs`). An event that lacks the field a filter asks about does not pass.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from mbv_cli.core.errors import UsageError
from mbv_cli.core.replay.status import StatusFilter

OUTCOMES = ("ok", "canceled", "exception", "exceededCpu", "exceededMemory", "unknown", "scriptNotFound",
            "responseStreamDisconnected")


@dataclass(frozen=True, slots=True)
class EventFilter:
    statuses: StatusFilter | None = None
    outcomes: frozenset[str] | None = None
    match: re.Pattern[str] | None = None
    since_ms: float | None = None
    until_ms: float | None = None

    @property
    def active(self) -> bool:
        return any(value is not None for value in (self.statuses, self.outcomes, self.match, self.since_ms,
                                                   self.until_ms))

    def passes(self, *, ts: float | None, outcome: str | None, status: int | None, url: str | None) -> bool:
        if self.outcomes is not None and outcome not in self.outcomes:
            return False
        if self.statuses is not None and (status is None or not self.statuses.matches(status)):
            return False
        if self.match is not None and (url is None or self.match.search(url) is None):
            return False
        if self.since_ms is not None and (ts is None or ts < self.since_ms):
            return False
        return not (self.until_ms is not None and (ts is None or ts > self.until_ms))


def check_outcomes(outcomes: set[str] | frozenset[str] | None) -> None:
    unknown = sorted(set(outcomes or ()) - set(OUTCOMES))
    if unknown:
        raise UsageError(f"--outcome {unknown[0]!r} is not a tail outcome", hint=f"use one of {', '.join(OUTCOMES)}")


def compile_match(match: str | None) -> re.Pattern[str] | None:
    if match is None:
        return None
    try:
        return re.compile(match)
    except re.error as exc:
        raise UsageError(f"--match {match!r} is not a valid regular expression: {exc}") from None
