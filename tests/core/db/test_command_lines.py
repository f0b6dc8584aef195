"""Issue 17: a lock holder's command line with newlines or terminal escapes in an argument is shown
on one line, escaped, by `db locks` and `db health` (a real child process holding a real lock)."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.core.db.conftest import make_db

HOLDER = "import sqlite3, sys, time\nc = sqlite3.connect(sys.argv[1], isolation_level=None)\n" \
         "c.execute('BEGIN EXCLUSIVE')\nprint('ready', flush=True)\ntime.sleep(60)\n"


@pytest.mark.parametrize("command", [("db", "locks"), ("db", "health")])
def test_holder_command_line_is_one_escaped_line(tmp_path: Path, run_mbv, command: tuple[str, ...]) -> None:
    db = make_db(tmp_path / "x.db")
    child = subprocess.Popen([sys.executable, "-c", HOLDER, str(db), "\x1b]0;pwned\x07\x1b[2J"],
                             stdout=subprocess.PIPE, text=True)
    try:
        assert child.stdout is not None and child.stdout.readline().strip() == "ready"
        time.sleep(0.05)
        result = run_mbv(*command, str(db))
    finally:
        child.kill()
        child.wait()
    text = result.stdout + result.stderr
    assert "\x1b" not in text and "\x07" not in text
    assert not any(line.startswith(("c = sqlite3", "c.execute", "time.sleep")) for line in text.splitlines())
    holder = next(line for line in result.stdout.splitlines() if f"PID {child.pid}" in line)
    assert "import sqlite3, sys, time\\nc = sqlite3.connect" in holder and "\\x1b]0;pwned\\x07" in holder
