from __future__ import annotations

import sqlite3
import subprocess
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

HOLDER = Path(__file__).with_name("lock_holder.py")


@dataclass
class Holder:
    proc: subprocess.Popen[str]
    pid: int

    def stop(self) -> tuple[int, int]:
        """Ends the child's transaction; returns (operations done, errors the child saw)."""
        assert self.proc.stdin is not None and self.proc.stdout is not None
        self.proc.stdin.write("stop\n")
        self.proc.stdin.flush()
        line = self.proc.stdout.readline().split()
        self.proc.wait(timeout=10)
        assert line and line[0] == "DONE", line
        return int(line[1]), int(line[2])


@pytest.fixture
def hold_lock() -> Iterator[Callable[[Path, str], Holder]]:
    started: list[Holder] = []

    def start(db: Path, mode: str) -> Holder:
        proc = subprocess.Popen([sys.executable, str(HOLDER), str(db), mode], stdin=subprocess.PIPE,
                                stdout=subprocess.PIPE, text=True)
        assert proc.stdout is not None
        line = proc.stdout.readline().split()
        assert line and line[0] == "READY", line
        holder = Holder(proc, int(line[1]))
        started.append(holder)
        return holder

    yield start
    for holder in started:
        if holder.proc.poll() is None:
            holder.proc.kill()
            holder.proc.wait()


def make_db(path: Path, sql: str = "CREATE TABLE t(id INTEGER PRIMARY KEY, v TEXT);", *, wal: bool = False) -> Path:
    db = sqlite3.connect(path)
    if wal:
        db.execute("PRAGMA journal_mode = WAL")
    db.executescript(sql)
    db.commit()
    db.close()
    return path
