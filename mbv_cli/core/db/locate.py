"""`mbv db locate`: the file wrangler uses for a D1 binding, whether it exists, and what creates it.

The name hashed is `preview_database_id ?? database_id ?? binding` under `--persist-to` or
`<config dir>/.wrangler/state` (wrangler.md section 5, `core/wrangler/state.py`).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mbv_cli.core.d1_target import D1Target
from mbv_cli.core.db.sqlite_file import sidecar


@dataclass(slots=True)
class LocateResult:
    target: D1Target
    path: Path | None
    exists: bool
    size: int | None
    sidecars: list[str]
    hashed_from: str | None  # preview_database_id, database_id or binding
    hashed_value: str | None
    create_command: str | None

    def to_dict(self) -> dict[str, Any]:
        return {
            "schema": "mbv.db.locate/1",
            "target": self.target.to_dict(),
            "path": str(self.path) if self.path else None,
            "exists": self.exists,
            "size": self.size,
            "sidecars": list(self.sidecars),
            "hashed_from": self.hashed_from,
            "hashed_value": self.hashed_value,
            "create_command": self.create_command,
        }


def _hash_source(entry: Any) -> tuple[str | None, str | None]:
    for key in ("preview_database_id", "database_id", "binding"):
        if entry.get(key):
            return key, str(entry[key])
    return None, None


def create_command(target: D1Target, persist_to: str | Path | None = None) -> str:
    name = target.database_name or target.binding or "DB"
    parts = ["wrangler", "d1", "migrations", "apply", name, "--local"]
    if target.worker and target.worker.env:
        parts += ["--env", target.worker.env]
    if persist_to is not None:
        parts += ["--persist-to", str(persist_to)]
    return " ".join(parts) + " (or any `wrangler d1 execute --local` / `wrangler dev` query)"


def locate(target: D1Target, *, persist_to: str | Path | None = None) -> LocateResult:
    path = target.path
    exists = bool(path and path.is_file())
    size = path.stat().st_size if exists and path else None
    sidecars = [s for s in ("-wal", "-shm", "-journal") if path and sidecar(path, s).exists()]
    source, value = _hash_source(target.entry) if target.mode == "local" else (None, None)
    command = create_command(target, persist_to) if target.mode == "local" and not exists else None
    return LocateResult(target, path, exists, size, sidecars, source, value, command)


def require_local_file(target: D1Target) -> Path:
    """The target's file, or an InputError saying what creates it (mbv never creates a database)."""
    from mbv_cli.core.errors import InputError

    assert target.path is not None
    if not target.path.exists():
        if target.mode == "local":
            raise InputError(f"{target.path}: no local database for {target.label} yet",
                             hint=f"{create_command(target)} creates it; mbv never creates a database")
        raise InputError(f"{target.path}: no such file", hint="check the path; mbv never creates a database")
    if target.path.is_dir():
        raise InputError(f"{target.path}: is a directory, not an SQLite file",
                         hint="name the .sqlite file, or a D1 binding from the config")
    return target.path
