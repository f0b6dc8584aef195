"""Replay against servers that misbehave slowly or endlessly (raw sockets on 127.0.0.1):
`--max-time` bounds a whole exchange even when bytes keep trickling in under the read timeout, and
`--repeat` stops reading each body at `--max-body`."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from tests.conftest import REPO


def _read_request(conn: socket.socket) -> None:
    data = b""
    while b"\r\n\r\n" not in data:
        more = conn.recv(4096)
        if not more:
            return
        data += more


def trickle_headers(conn: socket.socket, sent: list[int]) -> None:
    conn.sendall(b"HTTP/1.1 200 OK\r\n")
    while True:  # one header byte every 0.1 s, forever: no single read waits long enough to time out
        conn.sendall(b"X")
        sent[0] += 1
        time.sleep(0.1)


def trickle_body(conn: socket.socket, sent: list[int]) -> None:
    conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 1000000\r\n\r\n")
    while True:
        conn.sendall(b"x")
        sent[0] += 1
        time.sleep(0.1)


def endless_body(conn: socket.socket, sent: list[int]) -> None:
    conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nConnection: close\r\n\r\n")
    chunk = b"z" * 65536
    while sent[0] < 4 * 1024 ** 3:
        conn.sendall(chunk)
        sent[0] += len(chunk)


@contextmanager
def serve(behaviour: Callable[[socket.socket, list[int]], None]) -> Iterator[tuple[str, list[int]]]:
    listener = socket.create_server(("127.0.0.1", 0))
    sent = [0]

    def handle(conn: socket.socket) -> None:
        with conn:
            try:
                _read_request(conn)
                behaviour(conn, sent)
            except OSError:
                pass

    def accept() -> None:
        while True:
            try:
                conn, _ = listener.accept()
            except OSError:
                return
            threading.Thread(target=handle, args=(conn,), daemon=True).start()

    threading.Thread(target=accept, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{listener.getsockname()[1]}", sent
    finally:
        listener.close()


def mbv(args: list[str], tmp_path: Path, timeout: float = 60) -> tuple[subprocess.CompletedProcess[str], float]:
    env = {**os.environ, "PYTHONPATH": str(REPO), "MBV_FORCE_WIDTH": "200"}
    env.pop("MBV_DEBUG", None)
    started = time.monotonic()
    proc = subprocess.run([sys.executable, "-m", "mbv_cli", *args], env=env, cwd=tmp_path, capture_output=True,
                          text=True, timeout=timeout)
    return proc, time.monotonic() - started


def test_max_time_ends_a_response_whose_headers_trickle_in(tmp_path: Path) -> None:
    with serve(trickle_headers) as (base, sent):
        proc, took = mbv(["replay", "GET", f"{base}/", "--read-timeout", "5", "--max-time", "1.5",
                          "--format", "json"], tmp_path)
    assert proc.returncode == 1, proc.stderr
    error = json.loads(proc.stdout)["exchanges"][0]["error"]
    assert "--max-time 1.5 s" in error
    assert took < 15 and sent[0] >= 5  # bytes kept coming, and still the exchange ended


def test_max_time_ends_a_body_that_trickles_in(tmp_path: Path) -> None:
    with serve(trickle_body) as (base, _sent):
        proc, took = mbv(["replay", "GET", f"{base}/", "--max-time", "1", "--format", "json"], tmp_path)
    assert proc.returncode == 1, proc.stderr
    assert "--max-time 1 s" in json.loads(proc.stdout)["exchanges"][0]["error"]
    assert took < 15


def test_repeat_stops_reading_an_endless_body_at_max_body(tmp_path: Path) -> None:
    with serve(endless_body) as (base, sent):
        proc, took = mbv(["replay", "GET", f"{base}/", "--repeat", "3", "--max-body", "0.5", "--format", "json"],
                         tmp_path, timeout=90)
    assert proc.returncode in (0, 1), proc.stderr
    assert sent[0] < 3 * 64 * 1024 * 1024, sent  # a few socket buffers past 0.5 MB each, not 4 GB
    assert took < 60


def test_repeat_honours_max_time(tmp_path: Path) -> None:
    with serve(trickle_body) as (base, _sent):
        proc, took = mbv(["replay", "GET", f"{base}/", "--repeat", "2", "--max-time", "1", "--format", "json"],
                         tmp_path)
    assert "over --max-time 1 s" in proc.stdout, proc.stdout[-1000:]
    assert took < 20


def deep_json(conn: socket.socket, sent: list[int]) -> None:
    body = b"[" * 100_000 + b"]" * 100_000
    conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: "
                 + str(len(body)).encode() + b"\r\nConnection: close\r\n\r\n" + body)
    sent[0] += len(body)


def test_a_response_nested_100k_deep_is_shown_as_a_note_not_a_crash(tmp_path: Path) -> None:
    with serve(deep_json) as (base, _sent):
        proc, _took = mbv(["replay", "GET", f"{base}/", "--format", "json"], tmp_path)
        text, _ = mbv(["replay", "GET", f"{base}/"], tmp_path)
    assert proc.returncode == 0, proc.stderr
    response = json.loads(proc.stdout)["exchanges"][0]["response"]
    assert response["status"] == 200 and "nested too deeply" in response["body"]
    assert text.returncode == 0 and "nested too deeply" in text.stdout
