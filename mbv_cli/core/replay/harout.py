"""`--har-out FILE`: the exchanges as HAR 1.2, built from the same redacted view as every output.

Spec: http://www.softwareishard.com/blog/har-12-spec/. Timings map dns/connect(+tls, as the spec
says `connect` includes `ssl`)/send/wait(=ttfb)/receive(=download); phases that did not happen
are -1. A request that got no response is saved with status 0 and the error in `_error`, as
Chrome's DevTools does. `mbv replay FILE.har` reads the file back.
"""

from __future__ import annotations

import errno
import json
from datetime import datetime, timezone
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from mbv_cli import __version__
from mbv_cli.core.errors import InputError, UsageError
from mbv_cli.core.replay.result import ReplayResult, exchange_dict


def har_document(result: ReplayResult) -> dict[str, Any]:
    entries = []
    for exchange in result.exchanges:
        if not exchange.sent:
            continue
        view = exchange_dict(exchange, result.redactor)
        entries.append(_entry(view))
    return {"log": {"version": "1.2", "creator": {"name": "mbv", "version": __version__}, "entries": entries}}


def check_har_out(path: Path) -> None:
    """Refuse, before any request is sent, a --har-out path that cannot be written."""
    import os

    if path.is_dir():
        raise UsageError(f"--har-out {path} is a directory", hint="give a file name, e.g. --har-out run.har")
    parent = path.parent
    if not parent.is_dir():
        raise UsageError(f"--har-out {path}: the directory {parent} does not exist",
                         hint="create it first or choose another path")
    if not os.access(parent, os.W_OK) or (path.exists() and not os.access(path, os.W_OK)):
        raise UsageError(f"--har-out {path} is not writable", hint="choose another path")


def write_har(result: ReplayResult, path: Path) -> None:
    import fcntl
    import os

    text = json.dumps(har_document(result), indent=2, ensure_ascii=False)
    try:
        # O_NONBLOCK: a FIFO nobody reads fails at once (ENXIO) instead of blocking the open forever
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_NONBLOCK | os.O_NOCTTY, 0o666)
        fcntl.fcntl(fd, fcntl.F_SETFL, fcntl.fcntl(fd, fcntl.F_GETFL) & ~os.O_NONBLOCK)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text + "\n")
    except OSError as exc:
        reason = "a named pipe nobody reads" if exc.errno == errno.ENXIO else exc.strerror
        raise InputError(f"cannot write --har-out {path}: {reason}", file=path) from None


def _ms(value: float | None) -> float:
    return -1 if value is None else round(value, 3)


def _pairs(headers: dict[str, str]) -> list[dict[str, str]]:
    return [{"name": k, "value": v} for k, v in headers.items()]


def _entry(view: dict[str, Any]) -> dict[str, Any]:
    request = view["request"]
    response = view["response"]
    timings = view["timings_ms"]
    connect = timings["connect"]
    if connect is not None and timings["tls"] is not None:
        connect += timings["tls"]
    har_request: dict[str, Any] = {
        "method": request["method"], "url": request["url"], "httpVersion": "HTTP/1.1",
        "cookies": [], "headers": _pairs(request["headers"]),
        "queryString": [{"name": k, "value": v}
                        for k, v in parse_qsl(urlsplit(request["url"]).query, keep_blank_values=True)],
        "headersSize": -1, "bodySize": request["body_size"] if request["body"] is not None else 0,
    }
    if request["body"] is not None:
        post: dict[str, Any] = {"mimeType": _find(request["headers"], "content-type") or "", "text": request["body"]}
        if request["body_encoding"] == "base64":
            post["encoding"] = "base64"
        har_request["postData"] = post
    if response is not None:
        content: dict[str, Any] = {"size": response["body_size"],
                                   "mimeType": _find(response["headers"], "content-type") or "",
                                   "text": response["body"] or ""}
        if response["body_encoding"] == "base64":
            content["encoding"] = "base64"
        if response["body_truncated"]:
            content["comment"] = "truncated at --max-body"
        har_response: dict[str, Any] = {
            "status": response["status"], "statusText": response["reason"], "httpVersion": response["http_version"],
            "cookies": [], "headers": _pairs(response["headers"]), "content": content,
            "redirectURL": _find(response["headers"], "location") or "", "headersSize": -1,
            "bodySize": response["body_size"]}
    else:
        har_response = {"status": 0, "statusText": "", "httpVersion": "", "cookies": [], "headers": [],
                        "content": {"size": 0, "mimeType": ""}, "redirectURL": "", "headersSize": -1,
                        "bodySize": -1, "_error": view["error"]}
    started = datetime.fromtimestamp(view["started_at"], tz=timezone.utc).isoformat(timespec="milliseconds")
    entry: dict[str, Any] = {
        "startedDateTime": started.replace("+00:00", "Z"),
        "time": _ms(timings["total"]) if timings["total"] is not None else 0,
        "request": har_request, "response": har_response, "cache": {},
        "timings": {"blocked": -1, "dns": _ms(timings["dns"]), "connect": _ms(connect), "ssl": _ms(timings["tls"]),
                    "send": max(0.0, _ms(timings["send"])), "wait": max(0.0, _ms(timings["ttfb"])),
                    "receive": max(0.0, _ms(timings["download"]))},
    }
    if view["name"]:
        entry["comment"] = view["name"]
    return entry


def _find(headers: dict[str, str], name: str) -> str | None:
    for key, value in headers.items():
        if key.lower() == name:
            return value
    return None
