"""The migrations directory against a ledger: what is pending, in which order, up to `--to`.

Pending is wrangler's set difference by file name (no checksums); the order is wrangler's apply
order (files.apply_order). Everything a user could get wrong is checked here, before anything runs.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path

from mbv_cli.core.binding_list import display_path
from mbv_cli.core.errors import InputError, TargetError
from mbv_cli.core.migrations.files import (
    MigrationFile,
    apply_order,
    duplicate_numbers,
    list_migration_names,
    migration_number,
    read_migration,
    unnumbered,
)


@dataclass(slots=True)
class MigrationDirectory:
    path: Path
    names: list[str]  # wrangler's listing order
    warnings: list[str] = field(default_factory=list)

    @property
    def ordered(self) -> list[str]:
        return apply_order(self.names)

    def read(self, name: str) -> MigrationFile:
        return read_migration(self.path, name)


def open_directory(path: Path | None) -> MigrationDirectory:
    if path is None:
        raise InputError("no migrations directory for this database",
                         hint="pass --dir, or name a D1 binding from a wrangler config")
    names = list_migration_names(path)
    directory = MigrationDirectory(path, names)
    for group in duplicate_numbers(names):
        directory.warnings.append(
            f"{path.name}/: {len(group)} migrations share number {int(migration_number(group[0]))} "
            f"({', '.join(group)}); wrangler applies them in name order")
    for name in unnumbered(names):
        directory.warnings.append(f"{path.name}/{name} has no number before its first '_'; "
                                  "wrangler's apply order for it is unpredictable")
    return directory


def resolve_to(directory: MigrationDirectory, to: str) -> str:
    """`--to` names a file: exactly, without `.sql`, or by its number (when that is unique)."""
    names = directory.names
    for candidate in (to, f"{to}.sql"):
        if candidate in names:
            return candidate
    if to.strip().isdigit():
        matches = [n for n in names if migration_number(n) == int(to)]
        if len(matches) == 1:
            return matches[0]
    listing = ", ".join(directory.ordered[-5:]) or "none"
    raise TargetError(f"--to {to}: no migration of that name in {directory.path}",
                      hint=f"the last migrations there: {listing}")


def pending_names(directory: MigrationDirectory, applied: set[str], to: str | None = None) -> list[str]:
    pending = apply_order([n for n in directory.names if n not in applied])
    if to is None:
        return pending
    stop = resolve_to(directory, to)
    if stop in applied:
        return []
    return pending[: pending.index(stop) + 1]


def out_of_order(directory: MigrationDirectory, applied: set[str], pending: list[str]) -> list[str]:
    numbers = [migration_number(n) for n in applied if n in directory.names]
    top = max((x for x in numbers if not math.isnan(x)), default=-math.inf)
    return [n for n in pending if migration_number(n) < top]


def load_pending(directory: MigrationDirectory, names: list[str], *, allow_empty: bool) -> list[MigrationFile]:
    """Read every pending file up front: a bad one stops the run before anything is applied."""
    files = [directory.read(name) for name in names]
    for migration in files:
        if migration.is_empty and not allow_empty:
            raise InputError(
                f"{migration.name} holds no SQL (only whitespace or comments)", file=display_path(migration.path),
                hint="write its statements or delete it; wrangler would record it as applied, and edits made "
                     "later would never run (--allow-empty applies it anyway)")
    return files
