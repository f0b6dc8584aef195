"""Opening a local database for `apply`: a fresh file is created once, in WAL mode, even when
several runs start at the same moment (they used to fail with "database is locked")."""

from __future__ import annotations

import multiprocessing
import os
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from mbv_cli.core.errors import InputError
from mbv_cli.core.migrations import local


def _open_together(path: str, barrier: Any, results: Any) -> None:
    barrier.wait()
    try:
        conn = local.open_for_apply(Path(path), 30)
        local.ensure_ledger(conn, "d1_migrations", lock_timeout=30, where="test")
        conn.close()
        results.put("ok")
    except Exception as exc:  # the test reports what went wrong in the child
        results.put(repr(exc))


def test_three_runs_creating_the_same_database_at_once_all_succeed(tmp_path: Path) -> None:
    ctx = multiprocessing.get_context("fork")
    failures = []
    for round_ in range(12):  # before the fix about one round in four failed
        path = tmp_path / str(round_) / "state" / "db.sqlite"
        barrier, results = ctx.Barrier(3), ctx.Queue()
        procs = [ctx.Process(target=_open_together, args=(str(path), barrier, results)) for _ in range(3)]
        for proc in procs:
            proc.start()
        for proc in procs:
            proc.join(60)
        outcome = [results.get(timeout=5) for _ in procs]
        if outcome != ["ok"] * 3:
            failures.append(outcome)
        with sqlite3.connect(path) as conn:
            assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
            assert conn.execute("SELECT count(*) FROM d1_migrations").fetchone()[0] == 0
        assert sorted(p.name for p in path.parent.iterdir() if "mbv-new" in p.name) == []
    assert failures == []


def test_a_fresh_database_is_in_wal_mode_and_no_scratch_file_stays(tmp_path: Path) -> None:
    path = tmp_path / "d" / "db.sqlite"
    local.open_for_apply(path).close()
    assert path.read_bytes()[18:20] == b"\x02\x02"
    assert [p.name for p in path.parent.iterdir()] == ["db.sqlite"]


def test_a_state_path_through_a_file_is_one_input_error(tmp_path: Path) -> None:
    (tmp_path / "state").write_text("not a directory")
    with pytest.raises(InputError, match=r"cannot (create|open) db\.sqlite: Not a directory"):
        local.open_for_apply(tmp_path / "state" / "v3" / "db.sqlite")


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes anywhere")
def test_a_read_only_directory_is_one_input_error(tmp_path: Path) -> None:
    state = tmp_path / "state"
    state.mkdir()
    state.chmod(0o500)
    try:
        with pytest.raises(InputError, match=r"cannot create db\.sqlite"):
            local.open_for_apply(state / "db.sqlite")
    finally:
        state.chmod(0o700)
