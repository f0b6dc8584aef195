"""Backups of a local database before `apply`, taken with SQLite's online backup API.

They live in `<config dir>/.wrangler/mbv-backups/` (next to wrangler's own state) as
`<label>-<UTC time>.sqlite`; only the newest five per database are kept.

A backup is written under a private name (`.<label>-<time>.sqlite.<pid>.partial`) and renamed
when complete, so a run killed half way leaves no file that looks like a backup (or counts toward
the five). Such leftovers, and a `-journal` an older mbv left beside a backup it never finished,
are removed by the next backup of the same database once their process is gone.
"""

from __future__ import annotations

import os
import re
import sqlite3
from datetime import datetime, timezone
from pathlib import Path
from urllib.parse import quote

KEEP = 5
BACKUP_DIR = Path(".wrangler") / "mbv-backups"
STEP_PAGES = 4096  # copy in steps, so a writer waiting for the database gets a turn between them


def _safe(label: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", label).strip("._") or "database"


def _copy(src: sqlite3.Connection, dst: sqlite3.Connection) -> None:
    src.backup(dst, pages=STEP_PAGES)


def backup_database(source: Path, backup_root: Path, label: str, *, keep: int = KEEP) -> Path:
    """Copy `source` consistently (even while others read it) and prune old copies of the same label."""
    backup_root.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S%fZ")
    target = backup_root / f"{_safe(label)}-{stamp}.sqlite"
    partial = backup_root / f".{target.name}.{os.getpid()}.partial"
    # quoted: a `#` or `?` in the path must not end the file name (apply writes the file next anyway)
    src = sqlite3.connect(f"file:{quote(str(source.resolve()), safe='/')}?mode=ro", uri=True)
    try:
        dst = sqlite3.connect(partial, isolation_level=None)
        try:
            dst.execute("PRAGMA journal_mode = OFF")  # the partial file is never trusted: no journal beside it
            _copy(src, dst)
        finally:
            dst.close()
        with open(partial, "rb") as done:
            os.fsync(done.fileno())
        os.replace(partial, target)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    finally:
        src.close()
    prune_backups(backup_root, label, keep=keep)
    return target


def list_backups(backup_root: Path, label: str) -> list[Path]:
    pattern = re.compile(re.escape(_safe(label)) + r"-\d{8}T\d{12}Z\.sqlite$")
    if not backup_root.is_dir():
        return []
    return sorted(p for p in backup_root.iterdir() if pattern.match(p.name))


def _process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # it exists but belongs to someone else
        return True
    return True


def stale_leftovers(backup_root: Path, label: str) -> list[Path]:
    """Partial copies whose process is gone, and backups an older mbv left with a `-journal`."""
    base = re.escape(_safe(label)) + r"-\d{8}T\d{12}Z\.sqlite"
    partial = re.compile(r"\." + base + r"\.(\d+)\.partial(-journal|-wal|-shm)?$")
    journal = re.compile(base + r"-journal$")
    if not backup_root.is_dir():
        return []
    stale: list[Path] = []
    for path in sorted(backup_root.iterdir()):
        found = partial.match(path.name)
        if found is not None and not _process_alive(int(found.group(1))):
            stale.append(path)
        elif journal.match(path.name):
            stale += [path, path.with_name(path.name.removesuffix("-journal"))]
    return stale


def prune_backups(backup_root: Path, label: str, *, keep: int = KEEP) -> list[Path]:
    for path in stale_leftovers(backup_root, label):
        path.unlink(missing_ok=True)
    existing = list_backups(backup_root, label)
    doomed = existing[:-keep] if keep > 0 else existing
    for path in doomed:
        path.unlink(missing_ok=True)
    return doomed
