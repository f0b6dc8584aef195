"""`mbv logs` end to end: text and JSON, exit codes, replay hints that replay really accepts, and live
reading through a pipe from a process that writes events over time (fixture shapes: see
tests/support/trace_events.py, which names its sources)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from tests.support.trace_events import (
    T0,
    as_logpush,
    ndjson_text,
    tail_event,
    tail_exception,
    tail_log,
    tail_text,
    write,
)

REPO = Path(__file__).resolve().parents[2]


def _events() -> list[dict]:  # type: ignore[type-arg]
    events = [tail_event(url=f"https://api.example.com/api/posts/{i}", ts=T0 + i * 1000, cpu=2, wall=20)
              for i in range(6)]
    events += [tail_event(url=f"https://api.example.com/api/posts/{i}", outcome="exception", status=500,
                          ts=T0 + 10_000 + i, cpu=4, wall=90,
                          exceptions=[tail_exception("TypeError", f"x is undefined for {i}")],
                          logs=[tail_log("error", "failed post", i)]) for i in range(3)]
    events += [tail_event(url="https://api.example.com/health", ts=T0 + 20_000, cpu=1, wall=1)]
    return events


def test_text_summary_and_exit_code(run_mbv, tmp_path: Path) -> None:
    path = write(tmp_path / "tail.log", tail_text(_events()))
    result = run_mbv("logs", str(path))
    assert result.exit_code == 1, result.stderr            # exceptions: something to look at
    out = result.stdout
    assert "10 events" in out and "exception 3" in out and "ok 7" in out
    assert "GET /api/posts/:id" in out and "500×3" in out
    assert "3× TypeError: x is undefined for <n>" in out
    assert "3× error: failed post <n>" in out
    assert f"replay: mbv replay {path} --outcome exception --match '/api/posts/[^/?#]+([?#]|$)'" in out
    healthy = write(tmp_path / "ok.log", tail_text(_events()[:6]))
    assert run_mbv("logs", str(healthy)).exit_code == 0


def test_replay_hint_selects_the_group_in_mbv_replay(run_mbv, tmp_path: Path) -> None:
    path = write(tmp_path / "tail.log", tail_text(_events()))
    data = json.loads(run_mbv("logs", str(path), "-f", "json").stdout)
    hint = data["exceptions"][0]["replay"]
    words = hint.split()
    assert words[:3] == ["mbv", "replay", str(path)]
    match = hint.split("--match ", 1)[1].strip("'")
    replayed = run_mbv("replay", str(path), "--outcome", "exception", "--match", match, "--dry-run", "-f", "json")
    assert replayed.exit_code == 0, replayed.stderr
    urls = [e["request"]["url"] for e in json.loads(replayed.stdout)["exchanges"]]
    assert urls == [f"https://api.example.com/api/posts/{i}" for i in range(3)]


def test_json_from_stdin_and_gzip_logpush(run_mbv, tmp_path: Path) -> None:
    text = ndjson_text([as_logpush(e) for e in _events()])
    result = run_mbv("logs", "-", "-f", "json", stdin=text)
    data = json.loads(result.stdout)
    assert data["schema"] == "mbv.logs/1" and data["events"] == 10 and data["source"] == "-"
    assert data["exceptions"][0]["replay"].startswith("mbv replay tail.log ")
    gz = write(tmp_path / "trace.json.gz", text + "not json\n")
    result = run_mbv("logs", str(gz), "-f", "json", "--status", "5xx")
    data = json.loads(result.stdout)
    assert data["events"] == 3 and data["filtered_out"] == 7
    assert "1 line(s) or object(s) were not trace events" in result.stderr


def test_usage_errors_are_one_line(run_mbv, tmp_path: Path) -> None:
    path = write(tmp_path / "tail.log", tail_text(_events()))
    for args, expected in ((["logs", str(tmp_path / "nope.log")], "no such file"),
                           (["logs", str(path), "--outcome", "boom"], "not a tail outcome"),
                           (["logs", str(path), "--since", "soon"], "not a time"),
                           (["logs", str(path), "--every", "1"], "--every applies to live input"),
                           (["logs", str(path), "--match", "("], "not a valid regular expression")):
        result = run_mbv(*args)
        assert result.exit_code == 2, args
        assert result.stderr.count("\n") == 1 and expected in result.stderr, result.stderr


_WRITER = """
import os, sys, time
events, progress = sys.argv[1].split("\\x1e"), sys.argv[2]
for number, chunk in enumerate(events, 1):
    sys.stdout.write(chunk)
    sys.stdout.flush()
    if number <= 3:   # lockstep: wait until the test saw a summary that counts this event
        while not (os.path.exists(progress) and int(open(progress).read() or 0) >= number):
            time.sleep(0.05)
"""


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(REPO) + os.pathsep + env.get("PYTHONPATH", "")
    env.pop("MBV_DEBUG", None)
    return env


def test_live_pipe_prints_summaries_as_events_arrive(tmp_path: Path) -> None:
    events = _events()
    progress = tmp_path / "progress"
    chunks = "\x1e".join(tail_text([event]) for event in events)
    writer = subprocess.Popen([sys.executable, "-c", _WRITER, chunks, str(progress)], stdout=subprocess.PIPE)
    reader = subprocess.Popen([sys.executable, "-m", "mbv_cli", "logs", "-", "--every", "0.2", "-f", "json"],
                              stdin=writer.stdout, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=_env())
    assert writer.stdout is not None and reader.stdout is not None
    writer.stdout.close()
    documents = []
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        line = reader.stdout.readline()
        if not line:
            break
        documents.append(json.loads(line))
        progress.write_text(str(documents[-1]["events"]))   # lets the writer send the next event
    _, err = reader.communicate(timeout=30)
    writer.wait(timeout=10)
    assert reader.returncode == 1, err
    counts = [d["events"] for d in documents]
    assert counts == sorted(counts)
    assert {1, 2, 3} <= set(counts[:-1])          # summaries came while the events were still arriving
    assert [d["final"] for d in documents] == [False] * (len(documents) - 1) + [True]
    assert documents[-1]["events"] == len(events)


def test_follow_a_growing_file_and_ctrl_c_prints_the_final_summary(tmp_path: Path) -> None:
    path = tmp_path / "trace.json"
    path.write_text("")
    reader = subprocess.Popen([sys.executable, "-m", "mbv_cli", "logs", str(path), "--follow", "--every", "0.3",
                               "-f", "json"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=_env())
    lines = ndjson_text([as_logpush(e) for e in _events()]).splitlines(keepends=True)
    assert reader.stdout is not None
    seen = [json.loads(reader.stdout.readline())]      # it runs: a first (empty) summary came
    with path.open("a") as handle:
        handle.writelines(lines[:4])
        handle.write(lines[4][:30])        # half a line: waits for the rest
        handle.flush()
        deadline = time.monotonic() + 30
        while seen[-1]["events"] < 4 and time.monotonic() < deadline:
            seen.append(json.loads(reader.stdout.readline()))
        assert seen[-1]["events"] == 4 and not seen[-1]["final"]
        handle.write(lines[4][30:])
        handle.flush()
    while seen[-1]["events"] < 5 and time.monotonic() < deadline:
        seen.append(json.loads(reader.stdout.readline()))
    reader.send_signal(signal.SIGINT)
    out, err = reader.communicate(timeout=30)
    documents = seen + [json.loads(line) for line in out.decode().splitlines()]
    assert documents[-1]["final"] is True and documents[-1]["events"] == 5, err
    assert documents[-1]["garbage"]["count"] == 0
    assert any(not d["final"] and 0 < d["events"] < 5 for d in documents)


def test_time_window_is_shared_with_replay(run_mbv, tmp_path: Path) -> None:
    path = write(tmp_path / "tail.log", tail_text(_events()))
    data = json.loads(run_mbv("logs", str(path), "-f", "json", "--since", "2025-12-01T09:00:10Z").stdout)
    assert data["events"] == 4 and data["filtered_out"] == 6
    hint = data["exceptions"][0]["replay"]
    assert hint.endswith("--since 2025-12-01T09:00:10.000Z")
    match = hint.split("--match ", 1)[1].split(" ")[0].strip("'")
    replayed = run_mbv("replay", str(path), "--match", match, "--since", "2025-12-01T09:00:10Z", "--until",
                       "2025-12-01T09:00:10.001Z", "--dry-run", "-f", "json")
    assert replayed.exit_code == 0, replayed.stderr
    urls = [e["request"]["url"] for e in json.loads(replayed.stdout)["exchanges"]]
    assert urls == ["https://api.example.com/api/posts/0", "https://api.example.com/api/posts/1"]


def test_live_view_renders_outcomes_routes_and_exceptions(tmp_path: Path) -> None:
    from rich.console import Console

    from mbv_cli.core.logs import ReplaySource, build_summary
    from mbv_cli.core.logs.run import describe_input, summarize
    from mbv_cli.core.replay.filters import EventFilter
    from mbv_cli.render.logs import _live_renderable, live_view

    path = write(tmp_path / "tail.log", tail_text(_events()))
    summary = build_summary(summarize(describe_input(str(path)), EventFilter()), source=str(path),
                            replay=ReplaySource(str(path)))
    console = Console(record=True, width=120, force_terminal=False)
    console.print(_live_renderable(summary, 5))
    text = console.export_text()
    assert "10 events" in text and "exception 3" in text
    assert "GET /api/posts/:id" in text and "33.3%" in text
    assert "TypeError: x is undefined for <n>" in text
    calls = []

    def wait(timeout: float) -> bool:      # the input ends after two refreshes
        calls.append(timeout)
        return len(calls) > 2

    live_view(wait, lambda: summary, top=5)
    assert calls == [1.0, 1.0, 1.0]
