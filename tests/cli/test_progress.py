"""Progress shows on a terminal (stderr, transient) and nowhere else: not piped, not JSON."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="needs a pseudo-terminal")


def _env(subprocess_env: dict[str, str]) -> dict[str, str]:
    env = {k: v for k, v in subprocess_env.items() if k not in {"MBV_NO_PROGRESS", "MBV_FORCE_WIDTH", "NO_COLOR", "CI"}}
    env.update({"TERM": "xterm-256color", "COLUMNS": "160", "LINES": "40"})
    return env


def _in_pty(args: list[str], env: dict[str, str]) -> tuple[int, str]:
    """Run mbv with stdout and stderr on one pseudo-terminal; everything the terminal received."""
    import pty

    master, slave = pty.openpty()
    proc = subprocess.Popen([sys.executable, "-m", "mbv_cli", *args], stdin=slave, stdout=slave, stderr=slave,
                            cwd=REPO, env=env, close_fds=True)
    os.close(slave)
    chunks = []
    while True:
        try:
            data = os.read(master, 65536)
        except OSError:  # EIO: the other side closed
            break
        if not data:
            break
        chunks.append(data)
    os.close(master)
    return proc.wait(timeout=120), b"".join(chunks).decode("utf-8", "replace")


def _piped(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "mbv_cli", *args], capture_output=True, text=True, cwd=REPO,
                          env=env, timeout=120)


@pytest.fixture
def database(tmp_path: Path) -> Path:
    path = tmp_path / "app.sqlite"
    with sqlite3.connect(path) as connection:
        connection.execute("CREATE TABLE a(id INTEGER PRIMARY KEY)")
    return path


def test_progress_on_a_terminal_and_nowhere_else(subprocess_env: dict[str, str], database: Path) -> None:
    env = _env(subprocess_env)
    cases = [
        (["doctor", "examples/mustbeviral"], ["code: parsing the source of 3 Worker(s)", "3/3 Workers",
                                               "environment(s) checked"]),
        (["bindings", "diff", "examples/mustbeviral"], ["source files"]),
        (["db", "health", str(database)], ["integrity: PRAGMA quick_check", "freelist: PRAGMA freelist_count"]),
    ]
    for args, expected in cases:
        code, seen = _in_pty(args, env)
        assert code in (0, 1), seen
        for text in expected:
            assert text in seen, (args, text, seen[-2000:])
        piped = _piped(args, env)
        assert piped.returncode == code
        for text in expected:
            assert text not in piped.stderr and text not in piped.stdout, (args, text)
        assert "\x1b[" not in piped.stderr + piped.stdout  # no cursor movement or colour in a pipe
        as_json = _in_pty([*args, "--format", "json"], env)[1]
        assert not any(text in as_json for text in expected), args  # JSON on a terminal: no progress either
        quiet = _in_pty(args, {**env, "MBV_NO_PROGRESS": "1"})[1]
        assert not any(text in quiet for text in expected), args
