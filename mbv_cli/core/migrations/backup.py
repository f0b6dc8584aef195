"""Backups of a local database before `apply`, taken with SQLite's online backup API.

They live in `<config dir>/.wrangler/mbv-backups/` (next to wrangler's own state) as
`<label>-<UTC time>.sqlite`; only the newest five per database are kept.
"""

from __future__ import annotations

import re
import sqlite3
from datetime import datetime, timezone
from pathlib import Path
from urllib.parse import quote

KEEP = 5
BACKUP_DIR = Path(".wrangler") / "mbv-backups"


def _safe(label: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", label).strip("._") or "database"


def backup_database(source: Path, backup_root: Path, label: str, *, keep: int = KEEP) -> Path:
    """Copy `source` consistently (even while others read it) and prune old copies of the same label."""
    backup_root.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S%fZ")
    target = backup_root / f"{_safe(label)}-{stamp}.sqlite"
    # quoted: a `#` or `?` in the path must not end the file name (apply writes the file next anyway)
    src = sqlite3.connect(f"file:{quote(str(source.resolve()), safe='/')}?mode=ro", uri=True)
    try:
        dst = sqlite3.connect(target)
        try:
            src.backup(dst)
        finally:
            dst.close()
    finally:
        src.close()
    prune_backups(backup_root, label, keep=keep)
    return target


def list_backups(backup_root: Path, label: str) -> list[Path]:
    pattern = re.compile(re.escape(_safe(label)) + r"-\d{8}T\d{12}Z\.sqlite$")
    if not backup_root.is_dir():
        return []
    return sorted(p for p in backup_root.iterdir() if pattern.match(p.name))


def prune_backups(backup_root: Path, label: str, *, keep: int = KEEP) -> list[Path]:
    existing = list_backups(backup_root, label)
    doomed = existing[:-keep] if keep > 0 else existing
    for path in doomed:
        path.unlink(missing_ok=True)
    return doomed
