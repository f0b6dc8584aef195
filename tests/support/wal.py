"""A WAL-mode SQLite file with no `-wal`/`-shm` beside it (as wrangler leaves its local state once
workerd stops), and a byte-exact snapshot of a directory tree to prove inspection changed nothing."""

from __future__ import annotations

import sqlite3
from pathlib import Path


def make_wal_database(path: Path, *statements: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        assert conn.execute("PRAGMA journal_mode = WAL").fetchone()[0] == "wal"
        for statement in statements:
            conn.execute(statement)
    finally:
        conn.close()  # the last connection checkpoints and removes -wal and -shm
    assert_wal_without_sidecars(path)
    return path


def assert_wal_without_sidecars(path: Path) -> None:
    header = path.read_bytes()[:20]
    assert header[18] == 2 and header[19] == 2, "not a WAL database"
    assert not Path(f"{path}-wal").exists() and not Path(f"{path}-shm").exists()


def snapshot(root: Path) -> dict[str, bytes]:
    """Every file below `root` (relative name -> bytes)."""
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}
