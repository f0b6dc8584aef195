"""A replayed HAR entry or tail event shows what was recorded next to what happens now (issue 16),
in text and in JSON (`recorded`), against a real server on 127.0.0.1."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.echo_server import EchoServer, serve_echo


@pytest.fixture
def echo() -> Iterator[EchoServer]:
    with serve_echo() as server:
        yield server


def _har(path: Path) -> Path:
    entries = [
        {"startedDateTime": "2026-11-30T10:00:00.000Z", "time": 123.4,
         "request": {"method": "GET", "url": "https://prod.example.com/status/200", "headers": []},
         "response": {"status": 200}},
        {"startedDateTime": "2026-11-30T10:00:01.000Z", "time": 87,
         "request": {"method": "GET", "url": "https://prod.example.com/status/503", "headers": []},
         "response": {"status": 200}},
        {"startedDateTime": "2026-11-30T10:00:02.000Z", "time": -1,
         "request": {"method": "GET", "url": "https://prod.example.com/status/204", "headers": []},
         "response": {"status": 0}},
    ]
    file = path / "session.har"
    file.write_text(json.dumps({"log": {"version": "1.2", "entries": entries}}), encoding="utf-8")
    return file


def test_har_recorded_status_and_time_in_json(run_mbv, echo: EchoServer, tmp_path: Path) -> None:
    result = run_mbv("replay", str(_har(tmp_path)), "--target", echo.url, "-f", "json")
    exchanges = json.loads(result.stdout)["exchanges"]
    assert [e["recorded"] for e in exchanges] == [
        {"status": 200, "time_ms": 123.4, "at": "2026-11-30T10:00:00.000Z"},
        {"status": 200, "time_ms": 87.0, "at": "2026-11-30T10:00:01.000Z"},
        {"status": None, "time_ms": None, "at": "2026-11-30T10:00:02.000Z"},  # HAR: 0 and -1 mean unknown
    ]
    assert [e["response"]["status"] for e in exchanges] == [200, 503, 204]


def test_har_recorded_next_to_replayed_in_text(run_mbv, echo: EchoServer, tmp_path: Path) -> None:
    result = run_mbv("replay", str(_har(tmp_path)), "--target", echo.url)
    lines = [line for line in result.stdout.splitlines() if line.startswith("recorded ")]
    assert len(lines) == 3
    assert lines[0].startswith("recorded 200 in 123.4 ms (2026-11-30T10:00:00.000Z) · replayed 200 in ")
    assert lines[1].startswith("recorded 200 in 87.0 ms (2026-11-30T10:00:01.000Z) · replayed 503 in ")
    assert lines[2].startswith("recorded no status (2026-11-30T10:00:02.000Z) · replayed 204")


def test_tail_recorded_status_wall_time_and_timestamp(run_mbv, echo: EchoServer, tmp_path: Path) -> None:
    event = {"outcome": "ok", "scriptName": "api", "eventTimestamp": 1795888143070, "wallTime": 12,
             "logs": [], "exceptions": [],
             "event": {"request": {"url": "https://api.example.com/status/500", "method": "GET", "headers": {}},
                       "response": {"status": 200}}}
    path = tmp_path / "tail.log"
    path.write_text(json.dumps(event, indent=4) + "\n", encoding="utf-8")
    result = run_mbv("replay", str(path), "--target", echo.url, "-f", "json")
    [exchange] = json.loads(result.stdout)["exchanges"]
    assert exchange["recorded"] == {"status": 200, "time_ms": 12.0, "at": "2026-11-28T17:49:03.070Z"}
    assert exchange["response"]["status"] == 500


def test_sources_without_a_recording_have_none(run_mbv, echo: EchoServer) -> None:
    result = run_mbv("replay", f"{echo.url}/status/200", "-f", "json")
    assert json.loads(result.stdout)["exchanges"][0]["recorded"] is None
    assert "recorded " not in run_mbv("replay", f"{echo.url}/status/200").stdout
