"""Lock probing against real child processes holding real SQLite locks."""

from __future__ import annotations

import json
import os
import threading
import time
from pathlib import Path

import pytest

from mbv_cli.core.db.locks import probe_locks
from tests.core.db.conftest import make_db

CASES = [
    # mode, wal, expected lock, file, writer_would_block
    ("read", False, "SHARED", "db", True),
    ("immediate", False, "RESERVED", "db", True),
    ("exclusive", False, "EXCLUSIVE", "db", True),
    ("wal-read", True, "WAL_READ", "shm", False),
    ("wal-write", True, "WAL_WRITE", "shm", True),
]


@pytest.mark.parametrize(("mode", "wal", "lock", "file", "blocks"), CASES)
def test_child_lock_named_with_pid_and_kind(tmp_path: Path, hold_lock, run_mbv, mode, wal, lock, file,
                                            blocks) -> None:
    db = make_db(tmp_path / "x.db", wal=wal)
    holder = hold_lock(db, mode)
    deadline = time.monotonic() + 0.4
    probes = 0
    while time.monotonic() < deadline:  # probe in a loop while the child keeps working
        result = probe_locks(db)
        probes += 1
        mine = [h for h in result.holders if h.pid == holder.pid]
        assert any(h.lock == lock and h.file == file for h in mine), result.to_dict()
        assert result.writer_would_block is blocks
        assert result.journal_mode == ("wal" if wal else "rollback")
    cli = run_mbv("db", "locks", str(db), "--format", "json")
    data = json.loads(cli.stdout)
    assert cli.exit_code == (1 if blocks else 0)
    assert data["schema"] == "mbv.db.locks/1"
    assert data["locked"] is True and data["writer_would_block"] is blocks
    assert any(h["pid"] == holder.pid and h["lock"] == lock and h["file"] == file and "lock_holder.py" in h["command"]
               for h in data["holders"])
    ops, errors = holder.stop()
    assert probes > 10 and ops > 0 and errors == 0
    after = probe_locks(db)
    assert not after.holders and not after.writer_would_block


def test_exclusive_holder_reported_once_as_strongest(tmp_path: Path, hold_lock) -> None:
    db = make_db(tmp_path / "x.db")
    holder = hold_lock(db, "exclusive")
    result = probe_locks(db)
    assert [(h.pid, h.lock) for h in result.holders] == [(holder.pid, "EXCLUSIVE")]
    assert "EXCLUSIVE" in (result.reason or "")
    holder.stop()


def test_getlk_alone_names_the_holder(tmp_path: Path, hold_lock) -> None:
    db = make_db(tmp_path / "x.db", wal=True)
    holder = hold_lock(db, "wal-write")
    result = probe_locks(db, use_proc=False)
    assert result.source == "getlk"
    assert any(h.pid == holder.pid and h.lock == "WAL_WRITE" for h in result.holders)
    holder.stop()


def test_text_output_names_process(tmp_path: Path, hold_lock, run_mbv) -> None:
    db = make_db(tmp_path / "x.db")
    holder = hold_lock(db, "immediate")
    out = run_mbv("db", "locks", str(db))
    assert out.exit_code == 1
    assert f"PID {holder.pid}" in out.stdout and "RESERVED" in out.stdout and "a writer would block" in out.stdout
    holder.stop()
    out = run_mbv("db", "locks", str(db))
    assert out.exit_code == 0 and "a writer would not block" in out.stdout


def test_wal_connections_listed_as_open_not_locked(tmp_path: Path, hold_lock) -> None:
    db = make_db(tmp_path / "x.db", wal=True)
    holder = hold_lock(db, "wal-big")  # no transaction, connection open
    result = probe_locks(db)
    assert not result.holders and not result.writer_would_block
    assert any(c.pid == holder.pid for c in result.connections)
    holder.stop()


def test_watch_prints_each_change(tmp_path: Path, hold_lock, run_mbv) -> None:
    db = make_db(tmp_path / "x.db")
    holder = hold_lock(db, "immediate")
    timer = threading.Timer(0.5, holder.stop)
    timer.start()
    try:
        out = run_mbv("db", "locks", str(db), "--watch", "--interval", "50", "--duration", "1.5", "--format", "json")
    finally:
        timer.join()
    states = [json.loads(line) for line in out.stdout.splitlines()]
    assert [s["writer_would_block"] for s in states] == [True, False]
    assert states[0]["holders"][0]["pid"] == holder.pid
    assert out.exit_code == 0


def test_probe_creates_nothing_and_needs_no_write_access(tmp_path: Path) -> None:
    db = make_db(tmp_path / "x.db", wal=True)
    before = sorted(os.listdir(tmp_path))
    result = probe_locks(db)
    assert sorted(os.listdir(tmp_path)) == before
    assert result.exists and not result.locked
    missing = probe_locks(tmp_path / "nope.db")
    assert not missing.exists and not (tmp_path / "nope.db").exists()


def test_duration_without_watch_is_usage_error(tmp_path: Path, run_mbv) -> None:
    db = make_db(tmp_path / "x.db")
    out = run_mbv("db", "locks", str(db), "--duration", "1")
    assert out.exit_code == 2 and "--duration needs --watch" in out.stderr
