"""The `mbv logs` summary as data: what `--format json` prints (schema `mbv.logs/1`, docs/json.md)
and what the text and live views draw. Built from an `Aggregate`; every URL, message and snippet
goes through replay's Redactor on the way (Authorization, Cookie and JWT signatures never leave).
"""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

from mbv_cli.core.logs.aggregate import OTHER_ROUTES, Aggregate, Group, RouteStats, Sample
from mbv_cli.core.logs.fold import route_regex
from mbv_cli.core.replay.redact import Redactor

SCHEMA = "mbv.logs/1"
NEAR_LIMIT = 0.75          # a route whose p99 CPU time reaches 75% of the limit is flagged
DEFAULT_CPU_LIMIT_MS = 30_000   # Workers Paid default (limits.cpu_ms raises it to 300000; Free: 10)


@dataclass(slots=True)
class LogsSummary:
    source: str
    data: dict[str, Any]
    warnings: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return self.data

    def exit_code(self) -> int:
        """1 when the events show failures (a non-ok outcome, an exception, a 5xx), else 0."""
        outcomes = self.data["outcomes"]
        bad = sum(n for name, n in outcomes.items() if name != "ok")
        server_errors = any(int(status) >= 500 for route in self.data["routes"] for status in route["statuses"])
        return 1 if bad or self.data["exceptions"] or server_errors else 0


@dataclass(frozen=True, slots=True)
class ReplaySource:
    """How a replay hint names the input: a file as is, a .gz through gzip -dc, stdin as a placeholder."""

    words: str
    placeholder: bool = False
    window: str = ""     # --since/--until as absolute times, so the hint means the same later

    @classmethod
    def for_input(cls, name: str, *, gzipped: bool, since_ms: float | None = None,
                  until_ms: float | None = None) -> ReplaySource:
        window = " ".join(f"{option} {iso(ms)}" for option, ms in (("--since", since_ms), ("--until", until_ms))
                          if ms is not None)
        if name == "-":
            return cls("tail.log", placeholder=True, window=window)
        if gzipped:
            return cls(f"<(gzip -dc {shlex.quote(name)}) --from tail", window=window)
        return cls(shlex.quote(name), window=window)


def iso(ms: float | None) -> str | None:
    if ms is None:
        return None
    try:
        moment = datetime.fromtimestamp(ms / 1000, tz=timezone.utc)
    except (OverflowError, OSError, ValueError):
        return None
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")


def build_summary(agg: Aggregate, *, source: str, replay: ReplaySource, cpu_limit_ms: float = DEFAULT_CPU_LIMIT_MS,
                  show_secrets: bool = False, final: bool = True) -> LogsSummary:
    redactor = Redactor(enabled=not show_secrets)
    redactor.learn_headers(agg.secrets)
    several_scripts = len([s for s in agg.scripts if s]) > 1

    def sample_dict(sample: Sample) -> dict[str, Any]:
        line, ts, script, method, url, route, status, outcome, cpu, wall, ray = sample
        return {"line": line, "time": iso(ts), "script": script or None, "method": method or None,
                "url": redactor.url(url) if url else None, "route": route, "status": status,
                "outcome": outcome, "cpu_ms": cpu, "wall_ms": wall,
                "ray_id": ray if type(ray) is str else None}   # Logpush's RayID is read unchecked

    def hint(*, outcome: str | None = None, status: str | None = None, sample: Sample | None = None,
             route: str | None = None, method: str | None = None) -> str | None:
        if sample is not None:
            method, route = sample[3], sample[5]
        if not method or not route or route == OTHER_ROUTES or route.startswith("("):
            return None   # not an HTTP request: nothing to replay
        words = ["mbv replay", replay.words]
        if outcome:
            words.append(f"--outcome {outcome}")
        if status:
            words.append(f"--status {status}")
        words.append(f"--match {shlex.quote(route_regex(route))}")
        if replay.window:
            words.append(replay.window)
        return " ".join(words)

    routes = []
    for (script, method, route), stats in agg.routes.items():
        routes.append(_route_dict(script, method, route, stats, cpu_limit_ms, several_scripts, hint))
    routes.sort(key=lambda r: (-r["errors"], -r["count"], r["route"]))

    exceptions = []
    for (script, name, message, frame), group in agg.exceptions.items():
        entry = _group_dict(group, redactor, sample_dict)
        sample_outcome = group.sample[7]
        exceptions.append({"script": script or None, "name": name, "message": redactor.text(message),
                           "frame": frame or None, **entry,
                           "replay": hint(outcome=sample_outcome if sample_outcome != "ok" else None,
                                          sample=group.sample)})
    exceptions.sort(key=lambda e: (-e["count"], e["name"], e["message"]))

    console = []
    for (script, level, message), group in agg.logs.items():
        entry = _group_dict(group, redactor, sample_dict)
        console.append({"script": script or None, "level": level, "message": redactor.text(message), **entry,
                        "replay": hint(sample=group.sample)})
    console.sort(key=lambda e: (-e["count"], e["level"], e["message"]))

    slowest = [sample_dict(sample) for _, _, sample in sorted(agg.slowest, key=lambda item: (-item[0], item[1]))]
    outcomes = dict(sorted(agg.outcomes.items(), key=lambda kv: (-kv[1], kv[0])))
    garbage = agg.garbage
    data: dict[str, Any] = {
        "schema": SCHEMA,
        "source": source,
        "final": final,
        "events": agg.events,
        "filtered_out": agg.filtered_out,
        "notices": agg.notices,
        "lines": agg.lines,
        "time_range": {"first": iso(agg.first_ts), "last": iso(agg.last_ts),
                       "seconds": (round((agg.last_ts - agg.first_ts) / 1000, 3)
                                   if agg.first_ts is not None and agg.last_ts is not None else None)},
        "outcomes": outcomes,
        "event_types": dict(sorted(agg.kinds.items(), key=lambda kv: (-kv[1], kv[0]))),
        "scripts": dict(sorted(agg.scripts.items(), key=lambda kv: (-kv[1], kv[0]))),
        "cpu_limit_ms": cpu_limit_ms,
        "routes": routes,
        "exceptions": exceptions,
        "other_exceptions": agg.other_exceptions,
        "console": console,
        "other_console": agg.other_logs,
        "slowest": slowest,
        "garbage": {"count": garbage.count,
                    "samples": [{**g.to_dict(), "snippet": redactor.text(g.snippet)} for g in garbage.samples],
                    "truncated_last_event": garbage.truncated_last.line if garbage.truncated_last else None},
        "replay_source_placeholder": replay.placeholder,
    }
    warnings = []
    if garbage.count:
        warnings.append(f"{garbage.count} line(s) or object(s) were not trace events and were skipped"
                        + (f" (first at line {garbage.samples[0].line})" if garbage.samples else ""))
    if garbage.truncated_last is not None:
        warnings.append(f"the last event (line {garbage.truncated_last.line}) is truncated")
    return LogsSummary(source=source, data=data, warnings=warnings)


def _route_dict(script: str, method: str, route: str, stats: RouteStats, cpu_limit_ms: float,
                several_scripts: bool, hint: Any) -> dict[str, Any]:
    cpu = stats.cpu.to_dict() if stats.cpu.count else None
    wall = stats.wall.to_dict() if stats.wall.count else None
    exceeded = stats.outcomes.get("exceededCpu", 0)
    near = bool(exceeded) or (cpu is not None and cpu["p99"] is not None and cpu["p99"] >= NEAR_LIMIT * cpu_limit_ms)
    server_errors = sum(n for status, n in stats.statuses.items() if status >= 500)
    bad_outcomes = sorted(((n, name) for name, n in stats.outcomes.items() if name != "ok"), reverse=True)
    if bad_outcomes:
        replay = hint(outcome=bad_outcomes[0][1], method=method, route=route)
    elif server_errors:
        replay = hint(status="5xx", method=method, route=route)
    else:
        replay = hint(method=method, route=route)
    return {
        "script": script or None,
        "method": method or None,
        "route": route,
        "label": (f"{script}: " if several_scripts and script else "") + (f"{method} {route}" if method else route),
        "count": stats.count,
        "errors": stats.errors,
        "error_rate": round(stats.errors / stats.count, 4) if stats.count else 0.0,
        "statuses": {str(status): n for status, n in sorted(stats.statuses.items())},
        "outcomes": dict(sorted(stats.outcomes.items(), key=lambda kv: (-kv[1], kv[0]))),
        "cpu_ms": cpu,
        "wall_ms": wall,
        "cpu_near_limit": near,
        "replay": replay,
    }


def _group_dict(group: Group, redactor: Redactor, sample_dict: Any) -> dict[str, Any]:
    example = _BEARER.sub("REDACTED", group.text) if redactor.enabled else group.text
    return {"count": group.count, "first_seen": iso(group.first), "last_seen": iso(group.last),
            "example": redactor.text(example), "sample": sample_dict(group.sample)}


_BEARER = re.compile(r"(?<=Bearer )[^\s\"',;]+", re.IGNORECASE)
