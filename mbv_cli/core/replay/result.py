"""The result of `mbv replay` and its one redacted view (`to_dict`), which every format renders:
JSON prints it, the text debug log draws it, the HAR writer saves it. Redaction happens here
once, so no output path can skip it.
"""

from __future__ import annotations

import base64
import json
from contextlib import suppress
from dataclasses import dataclass, field
from typing import Any

from mbv_cli.core.replay.compare import Comparison
from mbv_cli.core.replay.model import Exchange, ReceivedResponse, SentRequest
from mbv_cli.core.replay.redact import Redactor
from mbv_cli.core.replay.repeat import RepeatSummary

SCHEMA = "mbv.replay/1"


@dataclass(slots=True)
class ReplayResult:
    exchanges: list[Exchange] = field(default_factory=list)
    comparisons: list[Comparison] = field(default_factory=list)
    repeats: list[RepeatSummary] = field(default_factory=list)
    redactor: Redactor = field(default_factory=Redactor)
    expect_status: set[int] | None = None
    dry_run: bool = False
    warnings: list[str] = field(default_factory=list)
    interrupted: str | None = None  # Ctrl-C during --repeat: what was cut short (the statistics are partial)

    def learn_secrets(self, exchange: Exchange) -> None:
        self.redactor.learn_headers(exchange.request.headers)
        self.redactor.learn_url(exchange.request.url)
        learn_body_safely(self.redactor, exchange.request.body, content_type(exchange.request.headers))
        if exchange.response is not None:
            self.redactor.learn_headers(exchange.response.headers)
            learn_body_safely(self.redactor, exchange.response.body, content_type(exchange.response.headers))

    @property
    def failed(self) -> bool:
        if any(not exchange.ok(self.expect_status) for exchange in self.exchanges):
            return True
        if any(not comparison.same for comparison in self.comparisons):
            return True
        return any(summary.failed(self.expect_status) for summary in self.repeats)

    def exit_code(self) -> int:
        return 1 if self.failed else 0

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "schema": SCHEMA,
            "exchanges": [exchange_dict(e, self.redactor) for e in self.exchanges],
        }
        if self.comparisons:
            data["comparisons"] = [self._comparison(c) for c in self.comparisons]
        if self.repeats:
            data["repeat"] = [self._summary(s) for s in self.repeats]
        data["dry_run"] = self.dry_run
        data["redacted"] = self.redactor.enabled
        data["ok"] = not self.failed
        return data

    def _comparison(self, comparison: Comparison) -> dict[str, Any]:
        r = self.redactor
        return {"source": comparison.source, "target_url": r.url(comparison.target.request.url),
                "compare_url": r.url(comparison.compare.request.url), "same": comparison.same,
                "differences": [{"where": d.where, "target": _scrub(d.target, r), "compare": _scrub(d.compare, r)}
                                for d in comparison.differences]}

    def _summary(self, summary: RepeatSummary) -> dict[str, Any]:
        data = summary.to_dict()
        data["url"] = self.redactor.url(data["url"])
        return data


def _scrub(value: Any, redactor: Redactor) -> Any:
    if isinstance(value, str):
        return redactor.text(value)
    if isinstance(value, (dict, list)):
        return redactor.json_value(value)
    return value


def _headers(headers: list[tuple[str, str]], redactor: Redactor) -> dict[str, str]:
    merged: dict[str, str] = {}
    for name, value in redactor.headers(headers):
        merged[name] = f"{merged[name]}, {value}" if name in merged else value
    return merged


TOO_DEEP_TO_REDACT = b"[body not shown: JSON nested too deeply to check it for secrets]"


def learn_body_safely(redactor: Redactor, body: bytes | None, kind: str | None) -> None:
    """Learn a body's secret values; a body nested too deeply to walk teaches nothing (and is not shown)."""
    with suppress(RecursionError):
        redactor.learn_body(body, kind)


def content_type(headers: list[tuple[str, str]]) -> str | None:
    for name, value in headers:
        if name.lower() == "content-type":
            return value
    return None


def body_fields(body: bytes | None, headers: list[tuple[str, str]], redactor: Redactor) -> dict[str, Any]:
    if body is None:
        return {"body": None, "body_encoding": None, "body_size": 0}
    try:
        shown = redactor.body(body, content_type(headers))
    except RecursionError:  # JSON nested thousands deep: it cannot be walked, so it is not shown
        shown = TOO_DEEP_TO_REDACT
    try:
        text = shown.decode("utf-8")
        if "\x00" in text:
            raise UnicodeDecodeError("utf-8", shown, 0, 1, "NUL byte")
        return {"body": text, "body_encoding": "utf-8", "body_size": len(body)}
    except UnicodeDecodeError:
        return {"body": base64.b64encode(shown).decode("ascii"), "body_encoding": "base64", "body_size": len(body)}


def request_dict(request: SentRequest, redactor: Redactor) -> dict[str, Any]:
    return {"method": request.method, "url": redactor.url(request.url),
            "headers": _headers(request.headers, redactor),
            **body_fields(request.body, request.headers, redactor)}


def response_dict(response: ReceivedResponse, redactor: Redactor) -> dict[str, Any]:
    return {"status": response.status, "reason": response.reason, "http_version": response.http_version,
            "headers": _headers(response.headers, redactor),
            **body_fields(response.body, response.headers, redactor), "body_truncated": response.truncated}


def exchange_dict(exchange: Exchange, redactor: Redactor) -> dict[str, Any]:
    timings = exchange.timings.to_dict()
    return {
        "request": request_dict(exchange.request, redactor),
        "response": response_dict(exchange.response, redactor) if exchange.response is not None else None,
        "error": redactor.text(exchange.error) if exchange.error else None,
        "timings_ms": timings,
        "attempts": len(exchange.attempts),
        "attempt_log": [{**a.to_dict(), "error": redactor.text(a.error) if a.error else None}
                        for a in exchange.attempts],
        "redirects": [{"status": r.status, "location": redactor.url(r.location), "dropped_headers": r.dropped_headers}
                      for r in exchange.redirects],
        "source": exchange.source,
        "name": exchange.name,
        "role": exchange.role,
        "sent": exchange.sent,
        "notes": [redactor.text(n) for n in exchange.notes],
        "started_at": exchange.started_at,
        "recorded": exchange.recorded.to_dict() if exchange.recorded is not None else None,
    }


def pretty_json(text: str) -> str | None:
    try:
        return json.dumps(json.loads(text), indent=2, ensure_ascii=False)
    except (ValueError, RecursionError):  # RecursionError: nested thousands deep, shown as text instead
        return None
