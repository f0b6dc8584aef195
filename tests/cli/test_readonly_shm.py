"""Read-only commands leave a WAL database's `-wal` and `-shm` exactly as wrangler left them:
same bytes, same mtime (a plain `mode=ro` reader writes read marks into the `-shm`)."""

from __future__ import annotations

import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.conftest import CliResult

WRITER = """
import sqlite3, sys, time
conn = sqlite3.connect(sys.argv[1], isolation_level=None)
conn.execute("PRAGMA journal_mode = WAL")
conn.execute("PRAGMA wal_autocheckpoint = 0")
conn.execute("CREATE TABLE users(id INTEGER PRIMARY KEY, email TEXT)")
conn.execute("INSERT INTO users(email) VALUES ('a@example.com'), ('b@example.com')")
print("ready", flush=True)
time.sleep(120)
"""


@contextmanager
def wal_left_by_a_writer(path: Path, *, alive: bool) -> Iterator[None]:
    """Rows only in the `-wal`; the writer still running (`alive`) or SIGKILLed, as workerd may be."""
    writer = subprocess.Popen([sys.executable, "-c", WRITER, str(path)], stdout=subprocess.PIPE, text=True)
    assert writer.stdout is not None and writer.stdout.readline().strip() == "ready"
    if not alive:
        writer.send_signal(signal.SIGKILL)
        writer.wait(10)
    try:
        assert Path(f"{path}-wal").stat().st_size > 0 and Path(f"{path}-shm").exists()
        yield
    finally:
        writer.kill()
        writer.wait(10)


def state(directory: Path) -> dict[str, tuple[int, bytes]]:
    return {p.name: (p.stat().st_mtime_ns, p.read_bytes()) for p in sorted(directory.iterdir())}


@pytest.mark.parametrize("alive", [True, False], ids=["live-writer", "killed-writer"])
def test_read_only_commands_do_not_touch_the_shm(tmp_path: Path, run_mbv: object, alive: bool) -> None:
    data = tmp_path / "data"
    data.mkdir()
    db = data / "db.sqlite"
    (tmp_path / "migrations").mkdir()
    (tmp_path / "wrangler.toml").write_text('name = "app"\ncompatibility_date = "2025-01-01"\n[[d1_databases]]\n'
                                            'binding = "DB"\ndatabase_name = "appdb"\ndatabase_id = "x"\n')
    with wal_left_by_a_writer(db, alive=alive):
        before = state(data)
        time.sleep(0.02)  # an mtime change would show
        commands = [("db", "health", str(db)), ("db", "locks", str(db)),
                    ("migrate", "status", "DB", "--db-file", str(db)),
                    ("migrate", "verify", "DB", "--db-file", str(db))]
        for args in commands:
            result: CliResult = run_mbv(*args, cwd=tmp_path)  # type: ignore[operator]
            assert result.exit_code in (0, 1), (args, result.stderr)
            assert state(data) == before, args
        verify = run_mbv("migrate", "verify", "DB", "--db-file", str(db), cwd=tmp_path)  # type: ignore[operator]
        assert "users" in verify.stdout  # drift: the table that exists only in the -wal is seen
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT count(*) FROM users").fetchone()[0] == 2
