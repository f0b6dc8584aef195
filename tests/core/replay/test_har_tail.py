from __future__ import annotations

import json

import pytest

from mbv_cli.core.errors import InputError, UsageError
from mbv_cli.core.replay.har import parse_har_text
from mbv_cli.core.replay.sources import sniff_kind
from mbv_cli.core.replay.status import StatusFilter
from mbv_cli.core.replay.tail import parse_tail_text


def _har(*entries: dict) -> str:  # type: ignore[type-arg]
    return json.dumps({"log": {"version": "1.2", "entries": list(entries)}}, indent=2)


def _entry(url: str, status: int, **request: object) -> dict:  # type: ignore[type-arg]
    return {"request": {"method": "GET", "url": url, "headers": [], **request}, "response": {"status": status}}


def test_har_params_and_mime_type() -> None:
    text = _har(_entry("https://h/form", 200, method="post",
                       postData={"mimeType": "application/x-www-form-urlencoded",
                                 "params": [{"name": "a", "value": "1 2"}, {"name": "b", "value": "&"}]}))
    (request,) = parse_har_text(text, file="s.har")
    assert request.method == "POST"
    assert request.body == b"a=1+2&b=%26"
    assert ("Content-Type", "application/x-www-form-urlencoded") in request.headers
    assert request.source == "s.har:6"


def test_har_filters() -> None:
    text = _har(_entry("https://h/api/a", 200), _entry("https://h/api/b", 502), _entry("https://h/img/c", 500))
    assert [r.url for r in parse_har_text(text, match=r"/api/")] == ["https://h/api/a", "https://h/api/b"]
    assert [r.url for r in parse_har_text(text, statuses=StatusFilter.parse("5xx"))] == [
        "https://h/api/b", "https://h/img/c"]
    assert parse_har_text(text, match="/api/", statuses=StatusFilter.parse("500-501")) == []
    with pytest.raises(UsageError, match="regular expression"):
        parse_har_text(text, match="(")


@pytest.mark.parametrize(("text", "message"), [
    ('{"nolog": 1}', "not a HAR file"),
    ('{"log": {"entries": 3}}', "not a list"),
    (_har({"request": {"method": "GET", "url": "ftp://x"}}), r"log.entries\[0\].request.url"),
    (_har({"request": {"method": "POST", "url": "http://x/", "postData": {"text": "%%", "encoding": "base64"}}}),
     "base64"),
])
def test_har_structure_errors(text: str, message: str) -> None:
    with pytest.raises(InputError, match=message):
        parse_har_text(text)


TAIL = """{
    "outcome": "exceededCpu",
    "scriptName": "w",
    "event": {
        "request": {
            "url": "https://w.example/a",
            "method": "POST",
            "headers": {"content-type": "application/json", "cookie": "REDACTED", "content-length": "10"}
        }
    }
}
{
    "outcome": "ok",
    "event": {"scheduledTime": 1, "cron": "*/5 * * * *"}
}
{
    "message": ["sampling"],
    "type": "overload"
}
{
    "outcome": "ok",
    "event": {"request": {"url": "https://w.example/b", "method": "GET", "headers": {}},
              "response": {"status": 404}}
}
"""


def test_tail_multiline_objects_and_filters() -> None:
    cpu, ok = parse_tail_text(TAIL, file="t.log")
    assert (cpu.method, cpu.url, cpu.source) == ("POST", "https://w.example/a", "t.log:1")
    assert cpu.headers == [("content-type", "application/json")]
    assert any("cookie" in n for n in cpu.notes) and any("no request body" in n for n in cpu.notes)
    assert ok.source == "t.log:20"
    assert [r.url for r in parse_tail_text(TAIL, outcomes={"ok"})] == ["https://w.example/b"]
    assert [r.url for r in parse_tail_text(TAIL, statuses=StatusFilter.parse("404"))] == ["https://w.example/b"]


def test_tail_truncated_event_reports_position() -> None:
    with pytest.raises(InputError) as info:
        parse_tail_text(TAIL + '{\n    "outcome": "ok",\n    "event": {"request"', file="t.log")
    assert info.value.one_line().startswith("t.log:27:24:")


def test_sniffing() -> None:
    assert sniff_kind(TAIL) == "tail"
    assert sniff_kind(_har()) == "har"
    assert sniff_kind("curl http://x") == "curl"
    assert sniff_kind("GET http://x") == "http"


@pytest.mark.parametrize(("text", "codes"), [("404", {404}), ("5xx", set(range(500, 600))),
                                             ("200, 3xx", {200} | set(range(300, 400))), ("500-502", {500, 501, 502}),
                                             ("5xx|404", set(range(500, 600)) | {404})])
def test_status_filter(text: str, codes: set[int]) -> None:
    assert StatusFilter.parse(text).codes == codes


@pytest.mark.parametrize("text", ["6xx", "abc", "502-500", ""])
def test_status_filter_rejects(text: str) -> None:
    with pytest.raises(UsageError):
        StatusFilter.parse(text)


def test_tail_match_and_logpush_events() -> None:
    import re

    assert [r.url for r in parse_tail_text(TAIL, match=re.compile(r"/b$"))] == ["https://w.example/b"]
    logpush = ('{"Event":{"RayID":"87ed87f80cf22d84","Request":{"URL":"https://t.workers.dev/x","Method":"POST"},'
               '"Response":{"Status":500}},"EventTimestampMs":1714878560011,"EventType":"fetch","Outcome":"exception",'
               '"ScriptName":"t"}\n')
    (request,) = parse_tail_text(logpush, file="lp.ndjson", statuses=StatusFilter.parse("5xx"))
    assert (request.method, request.url, request.source) == ("POST", "https://t.workers.dev/x", "lp.ndjson:1")
    assert sniff_kind(logpush) == "tail"
