"""`migrations/mbv.sum`: a checksum per migration file, and a checksum of the list (like atlas.sum).

Format (text, one entry a line)::

    h1:<base64 SHA-256 over every "<name>h1:<hash>" line below, in order>
    0001_init.sql h1:<base64 SHA-256 of the file's bytes>

Unlike atlas, each file's hash covers that file only, so a change names exactly one file. wrangler
ignores the file (it lists `*.sql` only).
"""

from __future__ import annotations

import base64
import hashlib
import os
from dataclasses import dataclass, field
from pathlib import Path

from mbv_cli.core.errors import InputError

SUM_FILE = "mbv.sum"


def file_hash(data: bytes) -> str:
    return "h1:" + base64.b64encode(hashlib.sha256(data).digest()).decode()


def list_hash(entries: list[tuple[str, str]]) -> str:
    digest = hashlib.sha256()
    for name, value in entries:
        digest.update(name.encode())
        digest.update(value.encode())
    return "h1:" + base64.b64encode(digest.digest()).decode()


@dataclass(slots=True)
class SumFile:
    path: Path
    entries: list[tuple[str, str]] = field(default_factory=list)
    recorded_sum: str = ""

    @property
    def hashes(self) -> dict[str, str]:
        return dict(self.entries)

    @property
    def intact(self) -> bool:
        """False when the file was edited by hand (its first line no longer matches its entries)."""
        return self.recorded_sum == list_hash(self.entries)


def compute_entries(directory: Path, names: list[str]) -> list[tuple[str, str]]:
    from mbv_cli.core.migrations.files import read_migration_bytes

    return [(name, file_hash(read_migration_bytes(directory, name))) for name in names]


def render_sum(entries: list[tuple[str, str]]) -> str:
    lines = [list_hash(entries)] + [f"{name} {value}" for name, value in entries]
    return "\n".join(lines) + "\n"


def write_sum(directory: Path, names: list[str]) -> Path:
    path = directory / SUM_FILE
    tmp = path.with_suffix(".sum.tmp")
    text = render_sum(compute_entries(directory, names))
    try:
        tmp.write_text(text, encoding="utf-8")
        tmp.replace(path)
    except OSError as exc:
        from mbv_cli.core.input_files import os_error_text

        tmp.unlink(missing_ok=True)
        raise InputError(f"cannot write {SUM_FILE}: {os_error_text(exc)}", file=path,
                         hint="check that the migrations directory is writable") from None
    return path


def read_sum(directory: Path) -> SumFile | None:
    path = directory / SUM_FILE
    if not os.path.lexists(path):
        return None
    from mbv_cli.core.input_files import read_file_text

    try:
        lines = read_file_text(path, what=SUM_FILE, limit=16 * 1024 * 1024, encoding="utf-8").splitlines()
    except InputError as exc:
        raise InputError(exc.message, file=path, hint="regenerate it with mbv migrate hash") from None
    if not lines or not lines[0].startswith("h1:"):
        raise InputError(f"{SUM_FILE} does not start with an h1: line", file=path, line=1,
                         hint="regenerate it with mbv migrate hash")
    sums = SumFile(path, recorded_sum=lines[0].strip())
    for number, line in enumerate(lines[1:], start=2):
        if not line.strip():
            continue
        name, sep, value = line.rpartition(" ")
        if not sep or not value.startswith("h1:"):
            raise InputError(f"{SUM_FILE} line is not '<file> h1:<hash>'", file=path, line=number,
                             hint="regenerate it with mbv migrate hash")
        sums.entries.append((name, value))
    return sums
