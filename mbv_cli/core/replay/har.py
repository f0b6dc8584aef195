"""Read requests from HAR 1.2 files (browser DevTools, mitmproxy, Charles, `mbv replay --har-out`).

Spec: http://www.softwareishard.com/blog/har-12-spec/ — `log.entries[].request` carries method, url,
headers[{name,value}], postData{mimeType,text[,encoding]} (encoding "base64" is a common extension
for binary bodies). HTTP/2 pseudo-headers (`:authority`...) and headers the sender recomputes
(Host, Content-Length, Connection, Transfer-Encoding) are dropped. `match` (a regex searched in
the URL) and `statuses` (the recorded response status) select entries.
"""

from __future__ import annotations

import base64
import json
import re
from typing import Any

from mbv_cli.core.errors import InputError
from mbv_cli.core.replay.filters import compile_match
from mbv_cli.core.replay.model import Recorded, ReplayRequest
from mbv_cli.core.replay.status import StatusFilter

RECOMPUTED_HEADERS = frozenset({"host", "content-length", "connection", "transfer-encoding", "keep-alive",
                                "upgrade", "proxy-connection", "te"})


def parse_har_text(text: str, *, file: str = "<har>", match: str | None = None,
                   statuses: StatusFilter | None = None) -> list[ReplayRequest]:
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(f"not valid JSON: {exc.msg}", file=file, line=exc.lineno, column=exc.colno,
                         hint="a HAR file is one JSON document with log.entries") from None
    except RecursionError:
        raise InputError("JSON nested too deeply to read (thousands of levels)", file=file,
                         hint="a HAR file is one JSON document with log.entries") from None
    pattern = compile_match(match)
    entries = _entries(document, file)
    lines = _entry_lines(text, len(entries))
    requests: list[ReplayRequest] = []
    for index, entry in enumerate(entries):
        where = f"log.entries[{index}]"
        line = lines[index] if index < len(lines) else None
        if not isinstance(entry, dict) or not isinstance(entry.get("request"), dict):
            raise InputError(f"{where} has no request object", file=file, line=line)
        request = _request(entry["request"], f"{where}.request", file, line)
        if pattern is not None and not pattern.search(request.url):
            continue
        if statuses is not None:
            response = entry.get("response")
            status = response.get("status") if isinstance(response, dict) else None
            if not isinstance(status, int) or not statuses.matches(status):
                continue
        request.source = f"{file}:{line}" if line else f"{file}:{where}"
        comment = entry.get("comment") or entry.get("pageref")
        request.name = str(comment) if comment else None
        request.recorded = recorded_of_entry(entry)
        requests.append(request)
    return requests


def recorded_of_entry(entry: dict[str, Any]) -> Recorded:
    """HAR 1.2: response.status (0 when there was no response), time in ms (-1 when unknown)."""
    response = entry.get("response")
    status = response.get("status") if isinstance(response, dict) else None
    time_ms = entry.get("time")
    started = entry.get("startedDateTime")
    return Recorded(status=status if isinstance(status, int) and not isinstance(status, bool) and status > 0 else None,
                    time_ms=float(time_ms) if isinstance(time_ms, int | float) and not isinstance(time_ms, bool)
                    and time_ms >= 0 else None,
                    at=started if isinstance(started, str) else None)


def _entries(document: Any, file: str) -> list[Any]:
    log = document.get("log") if isinstance(document, dict) else None
    if not isinstance(log, dict):
        raise InputError("no `log` object at the top level: not a HAR file", file=file, line=1, column=1)
    entries = log.get("entries")
    if not isinstance(entries, list):
        raise InputError("`log.entries` is missing or not a list", file=file, line=1, column=1)
    return entries


def _entry_lines(text: str, count: int) -> list[int]:
    """Best-effort line of each entry: the lines holding `"request"` keys, in order."""
    lines: list[int] = []
    for match in re.finditer(r'"request"\s*:', text):
        lines.append(text.count("\n", 0, match.start()) + 1)
    return lines if len(lines) == count else []


def _request(raw: dict[str, Any], where: str, file: str, line: int | None) -> ReplayRequest:
    method = raw.get("method")
    url = raw.get("url")
    if not isinstance(method, str) or not method:
        raise InputError(f"{where}.method is missing", file=file, line=line)
    if not isinstance(url, str) or not re.match(r"^https?://", url):
        raise InputError(f"{where}.url is missing or not an http(s) URL", file=file, line=line)
    headers: list[tuple[str, str]] = []
    dropped: list[str] = []
    for position, header in enumerate(raw.get("headers") or []):
        if not isinstance(header, dict) or not isinstance(header.get("name"), str):
            raise InputError(f"{where}.headers[{position}] is not {{name, value}}", file=file, line=line)
        name = header["name"]
        value = str(header.get("value", ""))
        if name.startswith(":") or name.lower() in RECOMPUTED_HEADERS:
            if not name.startswith(":"):
                dropped.append(name)
            continue
        headers.append((name, value))
    body = _post_data(raw.get("postData"), where, file, line)
    if body is not None and not any(k.lower() == "content-type" for k, _ in headers):
        mime = (raw.get("postData") or {}).get("mimeType")
        if isinstance(mime, str) and mime:
            headers.append(("Content-Type", mime))
    notes = [f"dropped headers the sender recomputes: {', '.join(dropped)}"] if dropped else []
    return ReplayRequest(method=method.upper(), url=url, headers=headers, body=body, notes=notes)


def _post_data(post: Any, where: str, file: str, line: int | None) -> bytes | None:
    if post is None:
        return None
    if not isinstance(post, dict):
        raise InputError(f"{where}.postData is not an object", file=file, line=line)
    text = post.get("text")
    if isinstance(text, str):
        if post.get("encoding") == "base64":
            try:
                return base64.b64decode(text, validate=True)
            except ValueError:
                raise InputError(f"{where}.postData.text is not valid base64", file=file, line=line) from None
        return text.encode("utf-8")
    params = post.get("params")
    if isinstance(params, list) and params:
        from urllib.parse import urlencode

        pairs = [(str(p.get("name", "")), str(p.get("value", ""))) for p in params if isinstance(p, dict)]
        return urlencode(pairs).encode("ascii")
    return None
