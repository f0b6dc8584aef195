"""From a TARGET/DATABASE argument to a D1 database: a binding's local file, a plain SQLite file,
or a remote D1 database id.

wrangler's positional `<database>` matches `database_name` or `binding` in the selected env's
`d1_databases` (not inherited); `migrations_dir` defaults to `./migrations` next to the config and
`migrations_table` to `d1_migrations`, an empty string also meaning the default
(wrangler `d1/utils.ts` 8-49, `d1/constants.ts`; wrangler.md section 5).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mbv_cli.core.errors import TargetError, UsageError

if TYPE_CHECKING:  # the config loader is imported only when TARGET names a binding (start-up time)
    from mbv_cli.core.wrangler.environments import ResolvedWorker

DEFAULT_MIGRATIONS_DIR = "./migrations"
DEFAULT_MIGRATIONS_TABLE = "d1_migrations"
SQLITE_SUFFIXES = (".sqlite", ".sqlite3", ".db", ".db3")


@dataclass(slots=True)
class D1Target:
    """A database to inspect or migrate, and how it was found."""

    mode: str  # "local" (wrangler's file for a binding), "file" (a path given), "remote"
    label: str
    path: Path | None = None
    binding: str | None = None
    database_name: str | None = None
    database_id: str | None = None
    internal_env: str | None = None
    worker: ResolvedWorker | None = None
    migrations_dir: Path | None = None
    migrations_table: str = DEFAULT_MIGRATIONS_TABLE
    entry: Mapping[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "mode": self.mode,
            "label": self.label,
            "path": str(self.path) if self.path else None,
            "binding": self.binding,
            "database_name": self.database_name,
            "database_id": self.database_id,
            "worker": self.worker.name if self.worker else None,
            "env": self.worker.env if self.worker else None,
        }


def looks_like_file(target: str) -> bool:
    p = Path(target)
    return p.exists() or target.endswith(SQLITE_SUFFIXES) or "/" in target or "\\" in target


def target_from_entry(worker: ResolvedWorker, entry: Mapping[str, Any], *, remote: bool,
                      persist_to: str | Path | None = None) -> D1Target:
    """The target of one `d1_databases` entry; owns the migrations_dir/migrations_table defaults."""
    binding = str(entry.get("binding"))
    migrations_dir = str(entry.get("migrations_dir") or DEFAULT_MIGRATIONS_DIR)
    target = D1Target(
        mode="remote" if remote else "local",
        label=binding,
        binding=binding,
        database_name=entry.get("database_name"),
        database_id=entry.get("database_id"),
        internal_env=entry.get("database_internal_env"),
        worker=worker,
        migrations_dir=(worker.directory / migrations_dir),
        migrations_table=str(entry.get("migrations_table") or DEFAULT_MIGRATIONS_TABLE),
        entry=entry,
    )
    if remote:
        if not target.database_id:
            raise TargetError(f"D1 binding {binding} has no database_id", file=worker.config.path,
                              hint="--remote needs the database's id in the config")
    else:
        from mbv_cli.core.wrangler.state import local_d1_path, persist_root

        target.path = local_d1_path(persist_root(worker.directory, persist_to), entry)
    return target


def resolve_d1_target(
    target: str,
    *,
    path: str | Path | None = None,
    config: str | Path | None = None,
    env: str | None = None,
    remote: bool = False,
    persist_to: str | Path | None = None,
    environ: Mapping[str, str] | None = None,
) -> D1Target:
    """Find the database TARGET names: a file path, or a D1 binding / database_name in the config."""
    if not target:
        raise UsageError("TARGET is empty", hint="name a D1 binding, a database_name or an SQLite file")
    if looks_like_file(target) and config is None and path is None:
        if remote:
            raise UsageError("--remote takes a D1 binding or database_name, not a file path")
        file = Path(target)
        return D1Target(mode="file", label=str(file), path=file,
                        migrations_dir=None)
    from mbv_cli.core.wrangler.workspace import load_workspace, resolve_workers

    workspace = load_workspace(path, config)
    workers = resolve_workers(workspace, env, False, environ)
    matches: list[tuple[ResolvedWorker, Mapping[str, Any]]] = []
    known: list[str] = []
    for worker in workers:
        for b in worker.bindings:
            if b.kind != "d1_database":
                continue
            known.append(f"{b.name} ({b.entry.get('database_name')}) in {worker.name}")
            if target in (b.name, b.entry.get("database_name")):
                matches.append((worker, b.entry))
    if not matches:
        where = "env " + workers[0].env if workers and workers[0].env else "the top level"
        listing = "; ".join(known) if known else "none"
        raise TargetError(f"no D1 database named {target!r} in {where}",
                          hint=f"D1 databases there: {listing}")
    if len(matches) > 1:
        names = ", ".join(w.name for w, _ in matches)
        raise TargetError(f"{target!r} names a D1 database in several Workers ({names})",
                          hint="pass the Worker's directory or --config")
    worker, entry = matches[0]
    return target_from_entry(worker, entry, remote=remote, persist_to=persist_to)
