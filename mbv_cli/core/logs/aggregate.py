"""Fold a stream of Workers trace events into the counts an on-call engineer asks for first.

Reads both shapes as they come, never the whole stream:
- `wrangler tail --format json` events (camelCase; wrangler 4.86 `TailEventMessage`,
  W/tail/createTail.ts 226-292; the runtime's TraceItem adds `cpuTime`, `wallTime` and
  `event.response.status`, workerd src/workerd/api/tests/tail-worker-test.js);
- Logpush `workers_trace_events` (PascalCase: `Event.Request.URL/Method`, `Event.Response.Status`,
  `EventTimestampMs`, `EventType`, `Outcome`, `ScriptName`, `Exceptions`, `Logs[{Level, Message,
  TimestampMs}]`, `CPUTimeMs`, `WallTimeMs`; Cloudflare's Logpush dataset reference).

Every structure is bounded (routes, groups, samples, the sketches), so memory stays flat, and an
`Aggregate` merges into another, so a file can be cut into chunks summarised by several processes.
Line numbers are relative to where the aggregate started reading; `merge` shifts them.
"""

from __future__ import annotations

import heapq
import re
from dataclasses import dataclass
from typing import Any

from mbv_cli.core.logs.fold import RouteCache, fold_message, top_frame
from mbv_cli.core.logs.sketch import QuantileSketch
from mbv_cli.core.replay.redact import is_sensitive_header
from mbv_cli.core.replay.status import StatusFilter
from mbv_cli.core.replay.stream import GarbageTally

MAX_ROUTES = 200
MAX_GROUPS = 500
MAX_SCRIPTS = 100
MAX_SECRETS = 200
SLOWEST = 10
OTHER_ROUTES = "(other routes)"
_FOLD_CACHE_LIMIT = 20_000


@dataclass(frozen=True, slots=True)
class EventFilter:
    """The filters `mbv logs` shares with `mbv replay` (--status, --outcome, --match) plus a time window."""

    statuses: StatusFilter | None = None
    outcomes: frozenset[str] | None = None
    match: re.Pattern[str] | None = None
    since_ms: float | None = None
    until_ms: float | None = None

    @property
    def active(self) -> bool:
        return any(value is not None for value in (self.statuses, self.outcomes, self.match, self.since_ms,
                                                   self.until_ms))


class RouteStats:
    __slots__ = ("count", "cpu", "errors", "outcomes", "statuses", "wall")

    def __init__(self) -> None:
        self.count = 0
        self.errors = 0
        self.statuses: dict[int, int] = {}
        self.outcomes: dict[str, int] = {}
        self.cpu = QuantileSketch()
        self.wall = QuantileSketch()

    def merge(self, other: RouteStats) -> None:
        self.count += other.count
        self.errors += other.errors
        for status, n in other.statuses.items():
            self.statuses[status] = self.statuses.get(status, 0) + n
        for outcome, n in other.outcomes.items():
            self.outcomes[outcome] = self.outcomes.get(outcome, 0) + n
        self.cpu.merge(other.cpu)
        self.wall.merge(other.wall)


Sample = tuple[Any, ...]  # (line, ts, script, method, url, route, status, outcome, cpu, wall, ray)


class Group:
    """Alike exceptions or console lines: how many, first and last seen, the first request in the
    stream that had one (also when chunks are merged, so one process and several agree)."""

    __slots__ = ("count", "first", "last", "sample", "text")

    def __init__(self, text: str, ts: float | None, sample: Sample) -> None:
        self.count = 0
        self.first = ts
        self.last = ts
        self.sample = sample
        self.text = text    # the first unfolded message, shown with the folded one

    def seen(self, ts: float | None) -> None:
        self.count += 1
        if ts is not None:
            if self.first is None or ts < self.first:
                self.first = ts
            if self.last is None or ts > self.last:
                self.last = ts

    def merge(self, other: Group, line_offset: int) -> None:
        """`other` was read later in the stream: this group keeps its sample (the first in the file)."""
        self.count += other.count
        for ts in (other.first, other.last):
            if ts is not None:
                if self.first is None or ts < self.first:
                    self.first = ts
                if self.last is None or ts > self.last:
                    self.last = ts


def _shift(sample: Sample, offset: int) -> Sample:
    return (sample[0] + offset, *sample[1:]) if offset else sample


class Aggregate:
    """The running summary; `add(obj, line)` per decoded object."""

    def __init__(self, event_filter: EventFilter | None = None) -> None:
        self.filter = event_filter or EventFilter()
        self.events = 0              # trace events counted (after filters)
        self.filtered_out = 0        # trace events the filters dropped
        self.notices = 0             # TailInfo messages (sampling, overload) and other non-events
        self.first_ts: float | None = None
        self.last_ts: float | None = None
        self.outcomes: dict[str, int] = {}
        self.kinds: dict[str, int] = {}
        self.scripts: dict[str, int] = {}
        self.routes: dict[tuple[str, str, str], RouteStats] = {}
        self.exceptions: dict[tuple[str, str, str, str], Group] = {}
        self.logs: dict[tuple[str, str, str], Group] = {}
        self.other_exceptions = 0
        self.other_logs = 0
        self.slowest: list[tuple[float, int, Sample]] = []
        self.garbage = GarbageTally()
        self.secrets: list[tuple[str, str]] = []
        self.lines = 0
        self._seq = 0
        self._route = RouteCache()
        self._folded: dict[str, str] = {}

    # -- reading ---------------------------------------------------------------------------------
    def add(self, obj: Any, line: int) -> None:
        if type(obj) is not dict:
            self.notices += 1
            return
        if "Outcome" in obj or "EventTimestampMs" in obj or "Event" in obj:
            self._add_logpush(obj, line)
        elif "outcome" in obj or "event" in obj or "eventTimestamp" in obj:
            self._add_tail(obj, line)
        else:
            self.notices += 1    # TailInfo {message, type}, or an object of some other stream

    def _add_tail(self, obj: dict[str, Any], line: int) -> None:
        event = obj.get("event")
        method = url = status = ray = None
        if type(event) is dict:
            request = event.get("request")
            if type(request) is dict:
                url = request.get("url")
                method = request.get("method") or "GET"
                response = event.get("response")
                if type(response) is dict:
                    status = response.get("status")
                headers = request.get("headers")
                if type(headers) is dict and len(self.secrets) < MAX_SECRETS:
                    self._learn(headers)
                kind = "fetch"
            else:
                kind = _tail_kind(event)
        else:
            kind = "unknown"
        self._add(obj.get("eventTimestamp"), obj.get("outcome") or "unknown", obj.get("scriptName") or "",
                  kind, method, url, status, obj.get("cpuTime"), obj.get("wallTime"), ray,
                  obj.get("exceptions"), obj.get("logs"), line, False)

    def _add_logpush(self, obj: dict[str, Any], line: int) -> None:
        event = obj.get("Event")
        method = url = status = ray = None
        kind = obj.get("EventType") or "unknown"
        if type(event) is dict:
            ray = event.get("RayID")
            request = event.get("Request")
            if type(request) is dict:
                url = request.get("URL")
                method = request.get("Method") or "GET"
                kind = "fetch"
            response = event.get("Response")
            if type(response) is dict:
                status = response.get("Status")
        self._add(obj.get("EventTimestampMs"), obj.get("Outcome") or "unknown", obj.get("ScriptName") or "",
                  kind, method, url, status, obj.get("CPUTimeMs"), obj.get("WallTimeMs"), ray,
                  obj.get("Exceptions"), obj.get("Logs"), line, True)

    def _learn(self, headers: dict[str, Any]) -> None:
        for name, value in headers.items():
            if type(value) is str and value != "REDACTED" and is_sensitive_header(name):
                self.secrets.append((str(name), value))

    def _add(self, ts: Any, outcome: str, script: str, kind: str, method: Any, url: Any, status: Any,
             cpu: Any, wall: Any, ray: Any, exceptions: Any, logs: Any, line: int, pascal: bool) -> None:
        if type(ts) is not int and type(ts) is not float:
            ts = None
        if type(status) is not int:
            status = None
        if type(url) is not str:
            url = None
        flt = self.filter
        if flt.active and not self._passes(flt, ts, outcome, status, url):
            self.filtered_out += 1
            return
        self.events += 1
        if ts is not None:
            if self.first_ts is None or ts < self.first_ts:
                self.first_ts = ts
            if self.last_ts is None or ts > self.last_ts:
                self.last_ts = ts
        outcomes = self.outcomes
        outcomes[outcome] = outcomes.get(outcome, 0) + 1
        self.kinds[kind] = self.kinds.get(kind, 0) + 1
        if script in self.scripts:
            self.scripts[script] += 1
        elif len(self.scripts) < MAX_SCRIPTS:
            self.scripts[script] = 1
        if url is not None:
            method = str(method).upper()
            route = self._route(url)
        else:
            method = ""
            route = f"({kind})"
        key = (script, method, route)
        stats = self.routes.get(key)
        if stats is None:
            if len(self.routes) >= MAX_ROUTES:
                key = (script, "", OTHER_ROUTES)
                stats = self.routes.get(key)
            if stats is None:
                stats = self.routes[key] = RouteStats()
        stats.count += 1
        if status is not None:
            stats.statuses[status] = stats.statuses.get(status, 0) + 1
        stats.outcomes[outcome] = stats.outcomes.get(outcome, 0) + 1
        if outcome != "ok" or (status is not None and status >= 500):
            stats.errors += 1
        if type(cpu) is int or type(cpu) is float:
            stats.cpu.add(cpu)
        else:
            cpu = None
        if type(wall) is int or type(wall) is float:
            stats.wall.add(wall)
        else:
            wall = None
        sample: Sample | None = None
        slow = wall if wall is not None else cpu
        if slow is not None:
            heap = self.slowest
            if len(heap) < SLOWEST or slow > heap[0][0]:
                sample = (line, ts, script, method, url, route, status, outcome, cpu, wall, ray)
                self._seq += 1
                if len(heap) < SLOWEST:
                    heapq.heappush(heap, (slow, self._seq, sample))
                else:
                    heapq.heapreplace(heap, (slow, self._seq, sample))
        if exceptions:
            if sample is None:
                sample = (line, ts, script, method, url, route, status, outcome, cpu, wall, ray)
            self._exceptions(exceptions, script, ts, sample, pascal)
        if logs:
            self._logs(logs, script, ts, line, sample, (line, ts, script, method, url, route, status, outcome,
                                                         cpu, wall, ray), pascal)

    def _passes(self, flt: EventFilter, ts: float | None, outcome: str, status: int | None, url: str | None) -> bool:
        if flt.outcomes is not None and outcome not in flt.outcomes:
            return False
        if flt.statuses is not None and (status is None or not flt.statuses.matches(status)):
            return False
        if flt.match is not None and (url is None or flt.match.search(url) is None):
            return False
        if flt.since_ms is not None and (ts is None or ts < flt.since_ms):
            return False
        return not (flt.until_ms is not None and (ts is None or ts > flt.until_ms))

    def _fold(self, text: str) -> str:
        folded = self._folded.get(text)
        if folded is None:
            if len(self._folded) >= _FOLD_CACHE_LIMIT:
                self._folded.clear()
            folded = self._folded[text] = fold_message(text)
        return folded

    def _exceptions(self, exceptions: Any, script: str, ts: float | None, sample: Sample, pascal: bool) -> None:
        if type(exceptions) is not list:
            return
        name_key, message_key, stack_key = ("Name", "Message", "Stack") if pascal else ("name", "message", "stack")
        for item in exceptions:
            if type(item) is not dict:
                continue
            name = str(item.get(name_key) or item.get("name") or "Error")
            message = item.get(message_key)
            message = message if type(message) is str else ("" if message is None else str(message))
            stack = item.get(stack_key)
            frame = top_frame(stack if type(stack) is str else None) or ""
            key = (script, name, self._fold(message), frame)
            group = self.exceptions.get(key)
            if group is None:
                if len(self.exceptions) >= MAX_GROUPS:
                    self.other_exceptions += 1
                    continue
                group = self.exceptions[key] = Group(message[:500], ts, sample)
            group.seen(ts)

    def _logs(self, logs: Any, script: str, ts: float | None, line: int, sample: Sample | None,
              fresh: Sample, pascal: bool) -> None:
        if type(logs) is not list:
            return
        level_key, message_key = ("Level", "Message") if pascal else ("level", "message")
        for item in logs:
            if type(item) is not dict:
                continue
            level = item.get(level_key)
            if level != "error" and level != "warn":
                continue
            text = _message_text(item.get(message_key))
            key = (script, level, self._fold(text))
            group = self.logs.get(key)
            if group is None:
                if len(self.logs) >= MAX_GROUPS:
                    self.other_logs += 1
                    continue
                group = self.logs[key] = Group(text[:500], ts, sample or fresh)
            group.seen(ts)

    # -- combining -------------------------------------------------------------------------------
    def merge(self, other: Aggregate, line_offset: int = 0) -> None:
        """Add `other` (read after this one, its lines counted from `line_offset`)."""
        self.events += other.events
        self.filtered_out += other.filtered_out
        self.notices += other.notices
        for ts in (other.first_ts, other.last_ts):
            if ts is not None:
                if self.first_ts is None or ts < self.first_ts:
                    self.first_ts = ts
                if self.last_ts is None or ts > self.last_ts:
                    self.last_ts = ts
        for mine, theirs in ((self.outcomes, other.outcomes), (self.kinds, other.kinds)):
            for name, n in theirs.items():
                mine[name] = mine.get(name, 0) + n
        for script, n in other.scripts.items():
            if script in self.scripts or len(self.scripts) < MAX_SCRIPTS:
                self.scripts[script] = self.scripts.get(script, 0) + n
        for key, stats in other.routes.items():
            if key not in self.routes and len(self.routes) >= MAX_ROUTES:
                key = (key[0], "", OTHER_ROUTES)
            if key in self.routes:
                self.routes[key].merge(stats)
            else:
                self.routes[key] = stats
        self.other_exceptions += _merge_groups(self.exceptions, other.exceptions, line_offset)
        self.other_logs += _merge_groups(self.logs, other.logs, line_offset)
        self.other_exceptions += other.other_exceptions
        self.other_logs += other.other_logs
        for slow, _, sample in other.slowest:
            self._seq += 1
            entry = (slow, self._seq, _shift(sample, line_offset))
            if len(self.slowest) < SLOWEST:
                heapq.heappush(self.slowest, entry)
            elif slow > self.slowest[0][0]:
                heapq.heapreplace(self.slowest, entry)
        self.garbage.merge(other.garbage, line_offset)
        room = MAX_SECRETS - len(self.secrets)
        if room > 0:
            self.secrets.extend(other.secrets[:room])
        self.lines += other.lines

    def __getstate__(self) -> dict[str, Any]:
        state = dict(self.__dict__)
        state["_route"] = None    # caches are not worth sending between processes
        state["_folded"] = {}
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        self._route = RouteCache()


def _merge_groups(mine: dict[Any, Group], theirs: dict[Any, Group], line_offset: int) -> int:
    """Merge `theirs` into `mine`; the count of the events of groups that found no room."""
    left_out = 0
    for key, group in theirs.items():
        existing = mine.get(key)
        if existing is not None:
            existing.merge(group, line_offset)
        elif len(mine) < MAX_GROUPS:
            group.sample = _shift(group.sample, line_offset)
            mine[key] = group
        else:
            left_out += group.count
    return left_out


def _tail_kind(event: dict[str, Any]) -> str:
    if "cron" in event:
        return "scheduled"
    if "queue" in event:
        return "queue"
    if "mailFrom" in event:
        return "email"
    if "rpcMethod" in event:
        return "rpc"
    if "consumedEvents" in event:
        return "tail"
    if "getWebSocketEvent" in event:
        return "websocket"
    if "scheduledTime" in event:
        return "alarm"
    return "unknown"


def _message_text(message: Any) -> str:
    """console.* arguments as one line: strings as they are, anything else as compact JSON."""
    if type(message) is str:
        return message
    if type(message) is not list:
        return "" if message is None else str(message)
    import json

    parts = []
    for part in message:
        if type(part) is str:
            parts.append(part)
        else:
            try:
                parts.append(json.dumps(part, ensure_ascii=False, separators=(",", ":")))
            except (TypeError, ValueError):
                parts.append(str(part))
    return " ".join(parts)
