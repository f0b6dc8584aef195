"""Fold a stream of Workers trace events into the counts an on-call engineer asks for first.

Reads both shapes as they come, never the whole stream:
- `wrangler tail --format json` events (camelCase; wrangler 4.86 `TailEventMessage`,
  W/tail/createTail.ts 226-292; the runtime's TraceItem adds `cpuTime`, `wallTime` and
  `event.response.status`, workerd src/workerd/api/tests/tail-worker-test.js);
- Logpush `workers_trace_events` (PascalCase: `Event.Request.URL/Method`, `Event.Response.Status`,
  `EventTimestampMs`, `EventType`, `Outcome`, `ScriptName`, `Exceptions`, `Logs[{Level, Message,
  TimestampMs}]`, `CPUTimeMs`, `WallTimeMs`; Cloudflare's Logpush dataset reference).

Every structure is bounded (routes, groups, samples, the time-value counters), so memory stays flat, and an
`Aggregate` merges into another, so a file can be cut into chunks summarised by several processes.
Line numbers are relative to where the aggregate started reading; `merge` shifts them.
"""

from __future__ import annotations

import gc
import heapq
import itertools
from collections.abc import Iterable, Iterator
from typing import Any

import orjson

from mbv_cli.core.logs.fold import (
    RouteCache,
    fold_key,
    fold_message,
    number_ids,
    path_of_url,
    top_frame,
)
from mbv_cli.core.logs.sketch import EXACT_BELOW, QuantileSketch, sketch_key
from mbv_cli.core.replay.filters import EventFilter
from mbv_cli.core.replay.redact import is_sensitive_header
from mbv_cli.core.replay.stream import (
    _BOM,
    _WHITESPACE,
    Garbage,
    GarbageTally,
    ObjectStream,
    _snippet,
    json_loads,
)

MAX_ROUTES = 200
MAX_GROUPS = 500
MAX_SECRETS = 200
SLOWEST = 10
OTHER_ROUTES = "(other routes)"
OTHER_ROUTE_KEY = ("", "", OTHER_ROUTES)
_METHODS = frozenset({"GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"})
_FOLD_CACHE_LIMIT = 20_000


class RouteStats:
    """One route's counts, derived from the aggregate's counters when a summary is built."""

    __slots__ = ("count", "cpu", "errors", "outcomes", "statuses", "wall")

    def __init__(self) -> None:
        self.count = 0
        self.errors = 0
        self.statuses: dict[int, int] = {}
        self.outcomes: dict[str, int] = {}
        self.cpu = QuantileSketch()
        self.wall = QuantileSketch()


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


RouteKey = tuple[str, str, str]     # (script, method, route); method "" for events that are not HTTP


class Aggregate:
    """The running summary; `add(obj, line)` per decoded object.

    The hot path does as few dict operations as it can: one counter keyed by (route, event type,
    status, outcome) and one per time value; routes, outcomes and scripts are derived from them.
    """

    def __init__(self, event_filter: EventFilter | None = None) -> None:
        self.filter = event_filter or EventFilter()
        self._filtering = self.filter.active
        self.events = 0              # trace events counted (after filters)
        self.filtered_out = 0        # trace events the filters dropped
        self.notices = 0             # TailInfo messages (sampling, overload) and other non-events
        self.first_ts: float | None = None
        self.last_ts: float | None = None
        self.first_ts_or_max = float("inf")     # the same, as numbers the hot path compares without a None test
        self.last_ts_or_min = float("-inf")
        self._slow_floor = float("-inf")         # an event must be slower than this to enter `slowest`
        # routes get small ids on first sight; the counters below are keyed by id
        self.route_keys: list[RouteKey] = []
        self.route_ids: dict[RouteKey, int] = {}
        self.combos: dict[tuple[int, str, int | None, str], int] = {}   # (route id, type, status, outcome)
        self.cpu: list[dict[int, int]] = []          # per route id: sketch key -> count
        self.wall: list[dict[int, int]] = []
        self.cpu_max: list[float] = []               # exact maxima (the sketch buckets large values)
        self.wall_max: list[float] = []
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
        """One decoded object. Both shapes are read in this one function: it runs once per event
        and a call more per event measurably slows a gigabyte down (docs/benchmarks.md)."""
        if type(obj) is not dict:
            self.notices += 1
            return
        method = url = status = ray = None
        if "Outcome" in obj or "EventTimestampMs" in obj or "Event" in obj:    # Logpush
            pascal = True
            event = obj.get("Event")
            kind = obj.get("EventType") or "unknown"
            if type(event) is dict:
                ray = event.get("RayID")
                request = event.get("Request")
                if type(request) is dict:
                    url = request.get("URL")
                    method = request.get("Method")
                    kind = "fetch"
                response = event.get("Response")
                if type(response) is dict:
                    status = response.get("Status")
            ts = obj.get("EventTimestampMs")
            outcome = obj.get("Outcome") or "unknown"
            script = obj.get("ScriptName") or ""
            cpu = obj.get("CPUTimeMs")
            wall = obj.get("WallTimeMs")
            exceptions = obj.get("Exceptions")
            logs = obj.get("Logs")
        elif "outcome" in obj or "event" in obj or "eventTimestamp" in obj:  # wrangler tail
            pascal = False
            event = obj.get("event")
            if type(event) is dict:
                request = event.get("request")
                if type(request) is dict:
                    url = request.get("url")
                    method = request.get("method")
                    response = event.get("response")
                    if type(response) is dict:
                        status = response.get("status")
                    headers = request.get("headers")
                    if type(headers) is dict and headers and len(self.secrets) < MAX_SECRETS:
                        self._learn(headers)
                    kind = "fetch"
                else:
                    kind = _tail_kind(event)
            else:
                kind = "unknown"
            ts = obj.get("eventTimestamp")
            outcome = obj.get("outcome") or "unknown"
            script = obj.get("scriptName") or ""
            cpu = obj.get("cpuTime")
            wall = obj.get("wallTime")
            exceptions = obj.get("exceptions")
            logs = obj.get("logs")
        else:
            self.notices += 1    # TailInfo {message, type}, or an object of some other stream
            return
        if type(outcome) is not str or type(script) is not str or type(kind) is not str:
            outcome, script, kind = str(outcome), str(script), str(kind)
        if type(ts) is not int and type(ts) is not float:
            ts = None
        if type(status) is not int:
            status = None
        if type(url) is not str:
            url = None
        if self._filtering and not self.filter.passes(ts=ts, outcome=outcome, status=status, url=url):
            self.filtered_out += 1
            return
        self.events += 1
        if ts is not None:
            if ts > self.last_ts_or_min:
                self.last_ts = self.last_ts_or_min = ts
            if ts < self.first_ts_or_max:
                self.first_ts = self.first_ts_or_max = ts
        if url is not None:
            if type(method) is not str or method not in _METHODS:   # (a list or dict is not hashable)
                method = method.upper() if type(method) is str and method else "GET"
            route = self._route(url)
        else:
            method = ""
            route = f"({kind})"
        rid = self.route_ids.get((script, method, route))
        if rid is None:
            rid = self._new_route((script, method, route))
        combos = self.combos
        combo = (rid, kind, status, outcome)
        combos[combo] = combos.get(combo, 0) + 1
        if type(cpu) is int and 0 <= cpu < EXACT_BELOW:
            counts = self.cpu[rid]
            counts[cpu] = counts.get(cpu, 0) + 1
        elif type(cpu) is int or type(cpu) is float:
            self._bucket(self.cpu[rid], self.cpu_max, rid, cpu)
        else:
            cpu = None
        if type(wall) is int and 0 <= wall < EXACT_BELOW:
            counts = self.wall[rid]
            counts[wall] = counts.get(wall, 0) + 1
        elif type(wall) is int or type(wall) is float:
            self._bucket(self.wall[rid], self.wall_max, rid, wall)
        else:
            wall = None
        sample: Sample | None = None
        slow = wall if wall is not None else cpu
        if slow is not None and slow > self._slow_floor:
            sample = (line, ts, script, method, url, route, status, outcome, cpu, wall, ray)
            self._keep_slow(slow, sample)
        if exceptions:
            if sample is None:
                sample = (line, ts, script, method, url, route, status, outcome, cpu, wall, ray)
            self._exceptions(exceptions, script, ts, sample, pascal)
        if logs and type(logs) is list:
            level_key = "Level" if pascal else "level"
            for item in logs:   # most lines are console.log: look before building anything
                if type(item) is dict and (item.get(level_key) == "error" or item.get(level_key) == "warn"):
                    self._logs(logs, script, ts, sample or (line, ts, script, method, url, route, status, outcome,
                                                            cpu, wall, ray), pascal)
                    break

    def read(self, lines: Iterable[bytes], *, file: str = "<stream>") -> None:
        """Add every object of a stream of lines; sets `garbage` and `lines`.

        The same as `objects = ObjectStream(lines, file=file)`, `add(obj, line)` for each and the
        tallies taken from `objects` (tests/core/logs::test_fast_reader_...), but a line holding a
        whole Logpush event (every field `add` reads present, of the usual types) is read inline
        here: one dict lookup per field, no call per event; anything else goes through `add`, and the
        first multi-line (pretty) object hands the rest of the stream to `ObjectStream`.
        """
        collecting = gc.isenabled()
        gc.disable()   # nothing read here makes a cycle; the collector would only walk the events again
        try:
            self._read_lines(iter(lines), file)
        finally:
            if collecting:
                gc.enable()

    def _read_lines(self, it: Iterator[bytes], file: str) -> None:
        loads = json_loads()
        garbage = self.garbage
        first = next(it, None)
        if first is None:
            return
        it = itertools.chain((first.removeprefix(_BOM),), it)   # as ObjectStream: a UTF-8 BOM
        line_no = self.lines
        paths = self._route.paths
        new_route = self._route.add
        route_ids = self.route_ids
        combos = self.combos
        cpu_counts = self.cpu
        wall_counts = self.wall
        filtering = self._filtering
        passes = self.filter.passes
        try:
            for raw in it:
                line_no += 1
                if raw[:1] != b"{":
                    if raw.strip(_WHITESPACE):
                        garbage.add(Garbage(line_no, "not a JSON object", _snippet(raw)))
                    continue
                try:
                    obj = loads(raw)
                except ValueError:
                    stripped = raw.rstrip()
                    if stripped != b"{" and stripped.endswith(b"}"):
                        garbage.add(Garbage(line_no, "malformed JSON line", _snippet(raw)))
                        continue
                    # a pretty-printed object opens here: the object reader takes the rest
                    objects = ObjectStream(itertools.chain((raw,), it), file=file, loads=loads, first_line=line_no)
                    for at, value in objects:
                        self.add(value, at)
                    garbage.merge(objects.garbage)
                    line_no = objects.line
                    return
                try:
                    event = obj["Event"]
                    request = event["Request"]
                    url = request["URL"]
                    method = request["Method"]
                    status = event["Response"]["Status"]
                    ray = event["RayID"]
                    ts = obj["EventTimestampMs"]
                    outcome = obj["Outcome"]
                    script = obj["ScriptName"]
                    cpu = obj["CPUTimeMs"]
                    wall = obj["WallTimeMs"]
                    exceptions = obj["Exceptions"]
                    logs = obj["Logs"]
                except (KeyError, TypeError):   # not a dict, another shape, a field missing: the general way
                    self.add(obj, line_no)
                    continue
                if type(url) is not str or type(outcome) is not str or type(script) is not str \
                        or type(status) is not int or not outcome or type(method) is not str:
                    self.add(obj, line_no)
                    continue
                if type(ts) is not int and type(ts) is not float:
                    ts = None
                if filtering and not passes(ts=ts, outcome=outcome, status=status, url=url):
                    self.filtered_out += 1
                    continue
                self.events += 1
                if ts is not None:
                    if ts > self.last_ts_or_min:
                        self.last_ts = self.last_ts_or_min = ts
                    if ts < self.first_ts_or_max:
                        self.first_ts = self.first_ts_or_max = ts
                if method not in _METHODS:
                    method = method.upper() if method else "GET"
                if url.startswith("https://"):     # https_path, inline
                    start = url.find("/", 8)
                    if start < 0:
                        path = "/"
                    else:
                        end = url.find("?", start)
                        path = url[start:end] if end >= 0 else url[start:]
                        if "#" in path:
                            path = path[:path.find("#")]
                else:
                    path = path_of_url(url)
                route = paths.get(path)
                if route is None:
                    numbered = number_ids(path)
                    route = paths.get(numbered)
                    if route is None:
                        route = new_route(path, numbered)
                rid = route_ids.get((script, method, route))
                if rid is None:
                    rid = self._new_route((script, method, route))
                combo = (rid, "fetch", status, outcome)
                combos[combo] = combos.get(combo, 0) + 1
                if type(cpu) is int and 0 <= cpu < EXACT_BELOW:
                    counts = cpu_counts[rid]
                    counts[cpu] = counts.get(cpu, 0) + 1
                elif type(cpu) is int or type(cpu) is float:
                    self._bucket(cpu_counts[rid], self.cpu_max, rid, cpu)
                else:
                    cpu = None
                if type(wall) is int and 0 <= wall < EXACT_BELOW:
                    counts = wall_counts[rid]
                    counts[wall] = counts.get(wall, 0) + 1
                elif type(wall) is int or type(wall) is float:
                    self._bucket(wall_counts[rid], self.wall_max, rid, wall)
                else:
                    wall = None
                sample: Sample | None = None
                slow = wall if wall is not None else cpu
                if slow is not None and slow > self._slow_floor:
                    sample = (line_no, ts, script, method, url, route, status, outcome, cpu, wall, ray)
                    self._keep_slow(slow, sample)
                if exceptions:
                    if sample is None:
                        sample = (line_no, ts, script, method, url, route, status, outcome, cpu, wall, ray)
                    self._exceptions(exceptions, script, ts, sample, True)
                if logs and type(logs) is list:
                    for item in logs:
                        if type(item) is dict and (item.get("Level") == "error" or item.get("Level") == "warn"):
                            self._logs(logs, script, ts, sample or (line_no, ts, script, method, url, route, status,
                                                                    outcome, cpu, wall, ray), True)
                            break
        finally:
            self.lines = line_no

    def _new_route(self, rkey: RouteKey) -> int:
        """The id of a route seen for the first time; past MAX_ROUTES, the id of `(other routes)`."""
        if len(self.route_keys) >= MAX_ROUTES:
            rkey = OTHER_ROUTE_KEY
            rid = self.route_ids.get(rkey)
            if rid is not None:
                return rid
        rid = len(self.route_keys)
        self.route_keys.append(rkey)
        self.route_ids[rkey] = rid
        self.cpu.append({})
        self.wall.append({})
        self.cpu_max.append(0.0)
        self.wall_max.append(0.0)
        return rid

    @staticmethod
    def _bucket(counts: dict[int, int], maxima: list[float], rid: int, value: float) -> None:
        key = sketch_key(value)
        counts[key] = counts.get(key, 0) + 1
        if value > maxima[rid]:
            maxima[rid] = value

    def _keep_slow(self, slow: float, sample: Sample) -> None:
        heap = self.slowest
        self._seq += 1
        if len(heap) < SLOWEST:
            heapq.heappush(heap, (slow, self._seq, sample))
        else:
            heapq.heapreplace(heap, (slow, self._seq, sample))
        if len(heap) >= SLOWEST:
            self._slow_floor = heap[0][0]

    def _learn(self, headers: dict[str, Any]) -> None:
        for name, value in headers.items():
            if type(value) is str and value != "REDACTED" and is_sensitive_header(name):
                self.secrets.append((str(name), value))

    # -- derived views ---------------------------------------------------------------------------
    @property
    def routes(self) -> dict[RouteKey, RouteStats]:
        by_id: dict[int, RouteStats] = {}
        for (rid, _, status, outcome), n in self.combos.items():
            stats = by_id.get(rid)
            if stats is None:
                stats = by_id[rid] = RouteStats()
            stats.count += n
            if status is not None:
                stats.statuses[status] = stats.statuses.get(status, 0) + n
            stats.outcomes[outcome] = stats.outcomes.get(outcome, 0) + n
            if outcome != "ok" or (status is not None and status >= 500):
                stats.errors += n
        for rid, stats in by_id.items():
            for sketch, counts, largest in ((stats.cpu, self.cpu[rid], self.cpu_max[rid]),
                                            (stats.wall, self.wall[rid], self.wall_max[rid])):
                for key, n in counts.items():
                    sketch.add_key(key, n)
                sketch.max = max(sketch.max, largest)
        return {self.route_keys[rid]: stats for rid, stats in by_id.items()}

    def _count_by(self, pick: Any) -> dict[str, int]:
        counts: dict[str, int] = {}
        for combo, n in self.combos.items():
            name: str = pick(combo)
            counts[name] = counts.get(name, 0) + n
        return counts

    @property
    def outcomes(self) -> dict[str, int]:
        return self._count_by(lambda combo: combo[3])

    @property
    def kinds(self) -> dict[str, int]:
        return self._count_by(lambda combo: combo[1])

    @property
    def scripts(self) -> dict[str, int]:
        return self._count_by(lambda combo: self.route_keys[combo[0]][0])

    def _fold(self, text: str) -> str:
        key = fold_key(text[:600])
        folded = self._folded.get(key)
        if folded is None:
            if len(self._folded) >= _FOLD_CACHE_LIMIT:
                self._folded.clear()
            folded = self._folded[key] = fold_message(text)
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

    def _logs(self, logs: list[Any], script: str, ts: float | None, sample: Sample, pascal: bool) -> None:
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
                group = self.logs[key] = Group(text[:500], ts, sample)
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
                    self.first_ts = self.first_ts_or_max = ts
                if self.last_ts is None or ts > self.last_ts:
                    self.last_ts = self.last_ts_or_min = ts
        ids: list[int] = []      # other's route id -> this one's
        for rkey in other.route_keys:
            rid = self.route_ids.get(rkey)
            ids.append(rid if rid is not None else self._new_route(rkey))
        for (rid, kind, status, outcome), n in other.combos.items():
            combo = (ids[rid], kind, status, outcome)
            self.combos[combo] = self.combos.get(combo, 0) + n
        for mine, theirs in ((self.cpu, other.cpu), (self.wall, other.wall)):
            for rid, counts in enumerate(theirs):
                target = mine[ids[rid]]
                for key, n in counts.items():
                    target[key] = target.get(key, 0) + n
        for mine_max, theirs_max in ((self.cpu_max, other.cpu_max), (self.wall_max, other.wall_max)):
            for rid, value in enumerate(theirs_max):
                if value > mine_max[ids[rid]]:
                    mine_max[ids[rid]] = value
        self.other_exceptions += _merge_groups(self.exceptions, other.exceptions, line_offset)
        self.other_logs += _merge_groups(self.logs, other.logs, line_offset)
        self.other_exceptions += other.other_exceptions
        self.other_logs += other.other_logs
        for slow, _, sample in sorted(other.slowest, key=lambda item: item[1]):
            if slow > self._slow_floor:
                self._keep_slow(slow, _shift(sample, line_offset))
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
    parts = []
    for part in message:
        if type(part) is str:
            parts.append(part)
        else:
            parts.append(_compact_json(part))
    return " ".join(parts)


def _compact_json(value: Any) -> str:
    try:
        return orjson.dumps(value, default=str).decode("utf-8")
    except (TypeError, ValueError):
        return str(value)
