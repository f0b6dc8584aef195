"""Workers trace events in the two shapes `mbv logs` reads, built from documented real shapes.

Sources (read, not copied):
- `wrangler tail --format json`: wrangler 4.86 `TailEventMessage` (cloudflare/workers-sdk
  packages/wrangler/src/tail/createTail.ts, fields outcome/scriptName/eventTimestamp/logs[{message,
  level, timestamp}]/exceptions[{name, message, timestamp, stack?}]/event) printed with
  `JSON.stringify(msg, null, 4)` (W/logger.ts); the runtime's TraceItem adds `cpuTime`, `wallTime`,
  `truncated`, `executionModel`, `diagnosticsChannelEvents` and `event.response.status`
  (cloudflare/workerd src/workerd/api/tests/tail-worker-test.js expected events); cron, queue, alarm
  and TailInfo shapes from reference wrangler.md §6.
- Logpush `workers_trace_events`: field list of Cloudflare's dataset reference
  (developers.cloudflare.com/logs/logpush/logpush-job/datasets/account/workers_trace_events/, also
  cloudflare-docs src/content/docs/logs/reference/log-fields/account/workers_trace_events.md:
  CPUTimeMs, DispatchNamespace, Entrypoint, Event, EventTimestampMs, EventType, Exceptions, Logs,
  Outcome, ScriptName, ScriptTags, ScriptVersion, WallTimeMs) and a captured NDJSON line published
  in valeriangalliat/blog 2024/05/cloudflare-workers-logs-gcp-logging-logpush.md
  (`Event{RayID, Request{URL, Method}, Response{Status}}`, `Logs[{Level, Message, TimestampMs}]`,
  `ScriptVersion{ID, Message, Tag}`). Exceptions are `{Name, Message, TimestampMs}` by analogy with
  Logs (no published sample carries one).
"""

from __future__ import annotations

import gzip
import json
from pathlib import Path
from typing import Any

T0 = 1_764_579_600_000   # 2025-12-01T09:00:00Z in ms


def tail_event(*, url: str | None = "https://api.example.com/", method: str = "GET", status: int | None = 200,
               outcome: str = "ok", ts: int = T0, script: str | None = "api", cpu: int | None = None,
               wall: int | None = None, headers: dict[str, str] | None = None,
               exceptions: list[dict[str, Any]] | None = None, logs: list[dict[str, Any]] | None = None,
               event: dict[str, Any] | None = None, minimal: bool = False) -> dict[str, Any]:
    """One tail event; `minimal` leaves out every optional field (no cpu/wall, no response, no logs)."""
    inner: dict[str, Any]
    if event is not None:
        inner = event
    elif url is None:
        inner = {}
    else:
        inner = {"request": {"url": url, "method": method, "headers": headers or {},
                             "cf": {"colo": "FRA", "country": "DE", "asn": 3320, "httpProtocol": "HTTP/2"}}}
        if status is not None and not minimal:
            inner["response"] = {"status": status}
    item: dict[str, Any] = {"outcome": outcome, "scriptName": script, "eventTimestamp": ts, "event": inner}
    if minimal:
        return item
    if cpu is not None:
        item["cpuTime"] = cpu
    if wall is not None:
        item["wallTime"] = wall
    item.update({"truncated": False, "executionModel": "stateless", "diagnosticsChannelEvents": [],
                 "logs": logs or [], "exceptions": exceptions or []})
    return item


def tail_exception(name: str, message: str, frame: str | None = "handlePost (src/posts.ts:42:17)",
                   ts: int = T0) -> dict[str, Any]:
    item: dict[str, Any] = {"name": name, "message": message, "timestamp": ts}
    if frame is not None:
        item["stack"] = f"{name}: {message}\n    at {frame}\n    at Object.fetch (src/index.ts:12:10)"
    return item


def tail_log(level: str, *message: Any, ts: int = T0) -> dict[str, Any]:
    return {"message": list(message), "level": level, "timestamp": ts}


def logpush_event(*, url: str | None = "https://api.example.com/", method: str = "GET", status: int | None = 200,
                  outcome: str = "ok", ts: int = T0, script: str = "api", cpu: int | None = None,
                  wall: int | None = None, exceptions: list[dict[str, Any]] | None = None,
                  logs: list[dict[str, Any]] | None = None, event_type: str = "fetch",
                  ray: str = "87ed87f80cf22d84") -> dict[str, Any]:
    event: dict[str, Any] = {"RayID": ray}
    if url is not None:
        event["Request"] = {"URL": url, "Method": method}
    if status is not None:
        event["Response"] = {"Status": status}
    item: dict[str, Any] = {"DispatchNamespace": "", "Entrypoint": "", "Event": event, "EventTimestampMs": ts,
                            "EventType": event_type, "Exceptions": exceptions or [], "Logs": logs or [],
                            "Outcome": outcome, "ScriptName": script, "ScriptTags": [],
                            "ScriptVersion": {"ID": "1e7519b3-08e2-441d-ae10-7c8c6d3b7e17", "Message": "", "Tag": ""}}
    if cpu is not None:
        item["CPUTimeMs"] = cpu
    if wall is not None:
        item["WallTimeMs"] = wall
    return item


def as_logpush(tail: dict[str, Any]) -> dict[str, Any]:
    """The same invocation as Logpush would deliver it."""
    inner = tail.get("event") or {}
    request = inner.get("request")
    response = inner.get("response")
    exceptions = [{"Name": e["name"], "Message": e["message"], "TimestampMs": e["timestamp"],
                   **({"Stack": e["stack"]} if "stack" in e else {})} for e in tail.get("exceptions", [])]
    logs = [{"Level": entry["level"], "Message": entry["message"], "TimestampMs": entry["timestamp"]}
            for entry in tail.get("logs", [])]
    return logpush_event(url=request["url"] if request else None, method=request["method"] if request else "GET",
                         status=response["status"] if response else None, outcome=tail["outcome"],
                         ts=tail["eventTimestamp"], script=tail.get("scriptName") or "", cpu=tail.get("cpuTime"),
                         wall=tail.get("wallTime"), exceptions=exceptions, logs=logs,
                         event_type="fetch" if request else "scheduled")


def tail_text(events: list[dict[str, Any]]) -> str:
    """As `wrangler tail --format json` prints them: JSON.stringify(event, null, 4), one after another."""
    return "".join(json.dumps(event, indent=4, ensure_ascii=False) + "\n" for event in events)


def ndjson_text(events: list[dict[str, Any]]) -> str:
    return "".join(json.dumps(event, separators=(",", ":"), ensure_ascii=False) + "\n" for event in events)


def write(path: Path, text: str) -> Path:
    if path.suffix == ".gz":
        path.write_bytes(gzip.compress(text.encode("utf-8")))
    else:
        path.write_text(text, encoding="utf-8")
    return path
