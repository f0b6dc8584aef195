"""Pre-apply backups: a run killed while copying leaves nothing that counts as a backup, and the
next backup removes what it left."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

from mbv_cli.core.migrations.backup import backup_database, list_backups

CHILD = """
import sys, time
from pathlib import Path
from mbv_cli.core.migrations import backup
real = backup._copy
def copy_then_hang(src, dst):
    real(src, dst)
    print("copied", flush=True)
    time.sleep(120)
backup._copy = copy_then_hang
backup.backup_database(Path(sys.argv[1]), Path(sys.argv[2]), "DB")
"""


def make_db(path: Path, rows: int = 2000) -> Path:
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE t(x TEXT)")
        conn.executemany("INSERT INTO t VALUES (?)", [("x" * 200,)] * rows)
    return path


def test_a_backup_killed_before_it_completes_is_not_counted_and_is_pruned_later(tmp_path: Path) -> None:
    source = make_db(tmp_path / "db.sqlite")
    root = tmp_path / "backups"
    child = subprocess.Popen([sys.executable, "-c", CHILD, str(source), str(root)], stdout=subprocess.PIPE,
                             text=True, env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[3])})
    assert child.stdout is not None
    assert child.stdout.readline().strip() == "copied"
    child.send_signal(signal.SIGKILL)
    child.wait(10)
    left = sorted(p.name for p in root.iterdir())
    assert len(left) == 1 and left[0].endswith(".partial"), left
    assert list_backups(root, "DB") == []  # not a backup, not among the five kept

    made = backup_database(source, root, "DB")
    assert sorted(p.name for p in root.iterdir()) == [made.name]
    with sqlite3.connect(made) as conn:
        assert conn.execute("SELECT count(*) FROM t").fetchone()[0] == 2000


def test_a_half_backup_with_a_journal_left_by_an_older_mbv_is_removed(tmp_path: Path) -> None:
    source = make_db(tmp_path / "db.sqlite", rows=10)
    root = tmp_path / "backups"
    root.mkdir()
    (root / "DB-20260101T000000000000Z.sqlite").write_bytes(b"")
    (root / "DB-20260101T000000000000Z.sqlite-journal").write_bytes(b"\xd9\xd5\x05\xf9" + b"\0" * 100)
    kept = root / "DB-20260102T000000000000Z.sqlite"
    kept.write_bytes(source.read_bytes())
    made = backup_database(source, root, "DB")
    assert sorted(p.name for p in root.iterdir()) == sorted([kept.name, made.name])


def test_a_partial_file_of_a_running_process_is_left_alone(tmp_path: Path) -> None:
    source = make_db(tmp_path / "db.sqlite", rows=10)
    root = tmp_path / "backups"
    root.mkdir()
    busy = root / f".DB-20260101T000000000000Z.sqlite.{os.getppid()}.partial"
    busy.write_bytes(b"in progress")
    backup_database(source, root, "DB")
    assert busy.exists()
    assert len(list_backups(root, "DB")) == 1
