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
        out = run_mbv("db", "locks", str(db), "--watch", "--interval", "50", "--duration", "3", "--format", "json")
    finally:
        timer.join()
    states = [json.loads(line) for line in out.stdout.splitlines()]
    blocked = [s["writer_would_block"] for s in states]
    # the commit may pass through PENDING/EXCLUSIVE, each a change of its own
    assert blocked[0] is True and blocked[-1] is False and blocked.count(False) == 1
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


def test_parse_proc_locks_waiters_ofd_and_eof() -> None:
    from mbv_cli.core.db.proc_locks import parse_proc_locks

    text = ("1: POSIX  ADVISORY  WRITE 4242 fe:01:1234 1073741825 1073741825\n"
            "1: -> POSIX  ADVISORY  WRITE 4343 fe:01:1234 1073741825 1073741825\n"
            "2: OFDLCK ADVISORY  READ  -1 08:02:99 0 EOF\n"
            "3: FLOCK  ADVISORY  WRITE 77 00:1a:5 0 EOF\n"
            "garbage line\n")
    locks = parse_proc_locks(text)
    assert [(lk.kind, lk.pid, lk.write, lk.waiting) for lk in locks] == [
        ("POSIX", 4242, True, False), ("POSIX", 4343, True, True), ("OFDLCK", None, False, False),
        ("FLOCK", 77, True, False)]
    assert locks[0].device == (0xFE, 1) and locks[0].inode == 1234 and locks[2].end is None
    assert locks[2].overlaps(1 << 40, 1) and not locks[0].overlaps(0, 100)


OFD_CHILD = """
import fcntl, os, struct, sys
fd = os.open(sys.argv[1], os.O_RDWR)
fcntl.fcntl(fd, fcntl.F_OFD_SETLK, struct.pack("hhqqi4x", fcntl.F_WRLCK, 0, 0x40000001, 1, 0))
print("READY", flush=True)
sys.stdin.readline()
"""


@pytest.mark.skipif(not hasattr(__import__("fcntl"), "F_OFD_SETLK"), reason="no OFD locks on this platform")
def test_ofd_lock_reported_without_pid(tmp_path: Path) -> None:
    import subprocess
    import sys

    db = make_db(tmp_path / "x.db")
    proc = subprocess.Popen([sys.executable, "-c", OFD_CHILD, str(db)], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None and proc.stdout.readline().strip() == "READY"
        result = probe_locks(db)
        assert result.writer_would_block
        # /proc/locks shows PID -1 for OFD locks; mbv finds the owner through /proc/<pid>/fdinfo
        assert [(h.lock, h.pid, h.ofd) for h in result.holders] == [("RESERVED", proc.pid, True)]
        assert any("fdinfo" in n for n in result.notes)
        bare = probe_locks(db, use_proc=False)  # F_GETLK alone cannot name an OFD owner
        assert [(h.lock, h.pid, h.ofd) for h in bare.holders] == [("RESERVED", None, True)]
        assert any("OFD" in n for n in bare.notes)
    finally:
        proc.communicate("stop\n", timeout=10)


def test_watch_ends_cleanly_on_ctrl_c(tmp_path: Path, subprocess_env: dict[str, str]) -> None:
    import signal
    import subprocess
    import sys

    db = make_db(tmp_path / "x.db")
    proc = subprocess.Popen([sys.executable, "-m", "mbv_cli", "db", "locks", str(db), "--watch", "--interval", "50"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=subprocess_env)
    assert proc.stdout is not None
    lines = [proc.stdout.readline() for _ in range(4)]  # time stamp, path, holders, verdict
    assert lines[0].strip().count(":") == 2 and lines[3].strip() == "a writer would not block"
    proc.send_signal(signal.SIGINT)  # the watch is now sleeping between looks
    assert proc.wait(timeout=20) == 0
    assert proc.stderr is not None and proc.stderr.read() == ""


def test_kernel_locks_matched_by_inode_when_devices_disagree(tmp_path: Path) -> None:
    from mbv_cli.core.db.locks import RESERVED_BYTE, LocksResult, _from_kernel, _Namer
    from mbv_cli.core.db.proc_locks import parse_proc_locks

    db = make_db(tmp_path / "x.db")
    st = db.stat()
    # as on btrfs: the lock table's device is not the one stat() reports
    text = f"1: POSIX ADVISORY WRITE {os.getpid()} 00:99:{st.st_ino} {RESERVED_BYTE} {RESERVED_BYTE}\n"
    result = LocksResult(path=db, exists=True, journal_mode="rollback")
    _from_kernel(parse_proc_locks(text), {"db": st}, False, result, _Namer())
    assert [(h.pid, h.lock, h.file) for h in result.holders] == [(os.getpid(), "RESERVED", "db")]
