"""Read HTTP requests from `wrangler tail --format json` output.

wrangler 4.86 prints each tail event as `JSON.stringify(msg, null, 4)` (W/logger.ts 109–112):
multi-line, 4-space indented objects one after another, not JSON Lines (reference wrangler.md §6).
The stream is decoded with `json.JSONDecoder.raw_decode`, object after object. An HTTP event has
`event.request{url, method, headers}`; `outcome` is ok/canceled/exception/exceededCpu/...;
`event.response.status` is optional (the runtime's TraceItem carries it, wrangler's types do not).
Tail events carry no request body. Header values the edge replaced with "REDACTED" are dropped
(sending the literal word is useless); use --bearer-env / -H to supply credentials.
"""

from __future__ import annotations

import re
from typing import Any

from mbv_cli.core.errors import InputError
from mbv_cli.core.replay.filters import OUTCOMES, EventFilter
from mbv_cli.core.replay.har import RECOMPUTED_HEADERS
from mbv_cli.core.replay.model import Recorded, ReplayRequest
from mbv_cli.core.replay.status import StatusFilter
from mbv_cli.core.replay.stream import iter_objects_in_text

__all__ = ["OUTCOMES", "iter_tail_objects", "parse_tail_text"]


def iter_tail_objects(text: str, file: str) -> list[tuple[int, Any]]:
    """Every top-level JSON object in the stream with the line it starts on (strict: the first
    thing that is not an object raises InputError at its file:line:col)."""
    return list(iter_objects_in_text(text, file=file, strict=True))


def parse_tail_text(text: str, *, file: str = "<tail>", outcomes: set[str] | None = None,
                    statuses: StatusFilter | None = None, match: re.Pattern[str] | None = None,
                    event_filter: EventFilter | None = None) -> list[ReplayRequest]:
    """HTTP requests of a tail log; Logpush Workers Trace Events (`Event.Request.URL`) are read too.
    `event_filter` (shared with `mbv logs`) or the older keywords select events."""
    flt = event_filter or EventFilter(statuses=statuses, outcomes=frozenset(outcomes) if outcomes is not None else None,
                                      match=match)
    requests: list[ReplayRequest] = []
    for line, event in iter_tail_objects(text, file):
        if not isinstance(event, dict):
            continue
        if "event" not in event and isinstance(event.get("Event"), dict):
            event = _from_logpush(event)
        inner = event.get("event")
        request = inner.get("request") if isinstance(inner, dict) else None
        if not isinstance(request, dict):
            continue  # cron, queue, alarm, TailInfo... : not HTTP
        if flt.active:
            response = inner.get("response") if isinstance(inner, dict) else None
            status = response.get("status") if isinstance(response, dict) else None
            url = request.get("url")
            ts = event.get("eventTimestamp")
            if not flt.passes(ts=ts if isinstance(ts, (int, float)) and not isinstance(ts, bool) else None,
                              outcome=event.get("outcome"), status=status if type(status) is int else None,
                              url=url if isinstance(url, str) else None):
                continue
        requests.append(_request(request, event, file, line))
    return requests


def _from_logpush(event: dict[str, Any]) -> dict[str, Any]:
    """A Logpush trace event in the tail shape: `Event.Request.{URL,Method}`, `Event.Response.Status`."""
    inner = event["Event"]
    request = inner.get("Request")
    response = inner.get("Response")
    shaped: dict[str, Any] = {"outcome": event.get("Outcome"), "scriptName": event.get("ScriptName"),
                              "eventTimestamp": event.get("EventTimestampMs"), "event": {}}
    if isinstance(request, dict):
        shaped["event"]["request"] = {"url": request.get("URL"), "method": request.get("Method"), "headers": {}}
    if isinstance(response, dict):
        shaped["event"]["response"] = {"status": response.get("Status")}
    return shaped


def _request(raw: dict[str, Any], event: dict[str, Any], file: str, line: int) -> ReplayRequest:
    url = raw.get("url")
    method = raw.get("method") or "GET"
    if not isinstance(url, str) or not url.startswith(("http://", "https://")):
        raise InputError("tail event has no http(s) event.request.url", file=file, line=line, column=1)
    headers: list[tuple[str, str]] = []
    redacted: list[str] = []
    raw_headers = raw.get("headers") or {}
    if not isinstance(raw_headers, dict):
        raise InputError("event.request.headers is not an object", file=file, line=line, column=1)
    for name, value in raw_headers.items():
        if name.lower() in RECOMPUTED_HEADERS:
            continue
        if value == "REDACTED":
            redacted.append(name)
            continue
        headers.append((str(name), str(value)))
    notes: list[str] = []
    if redacted:
        notes.append(f"the tail had these headers redacted, not sent: {', '.join(redacted)}"
                     " (supply them with -H or --bearer-env)")
    if str(method).upper() not in ("GET", "HEAD", "OPTIONS", "DELETE"):
        notes.append("tail events carry no request body; sending none")
    outcome = event.get("outcome")
    name = f"{event.get('scriptName') or 'worker'} ({outcome})" if outcome else event.get("scriptName")
    return ReplayRequest(method=str(method).upper(), url=url, headers=headers, body=None,
                         source=f"{file}:{line}", name=name, notes=notes, recorded=_recorded(event))


def _recorded(event: dict[str, Any]) -> Recorded:
    """event.response.status (optional), wallTime (ms) and eventTimestamp (epoch ms) of a tail event."""
    import datetime as _dt

    inner = event.get("event")
    response = inner.get("response") if isinstance(inner, dict) else None
    status = response.get("status") if isinstance(response, dict) else None
    wall = event.get("wallTime")
    stamp = event.get("eventTimestamp")
    at = None
    if isinstance(stamp, int | float) and not isinstance(stamp, bool):
        try:
            at = _dt.datetime.fromtimestamp(stamp / 1000, _dt.timezone.utc).isoformat(timespec="milliseconds")
        except (OverflowError, OSError, ValueError):
            at = None
    return Recorded(status=status if isinstance(status, int) and not isinstance(status, bool) else None,
                    time_ms=float(wall) if isinstance(wall, int | float) and not isinstance(wall, bool) else None,
                    at=at.replace("+00:00", "Z") if at else None)
