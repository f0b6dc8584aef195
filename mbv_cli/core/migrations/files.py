"""Migration files as wrangler 4.86 sees them: listing, apply order, reading, and `create`.

wrangler `d1/migrations/helpers.ts` (getMigrationNames, getNextMigrationNumber) and `apply.ts`
120-138: every top-level entry whose name ends in `.sql` (case-sensitive), sorted by UTF-16 code
units; `apply` then re-sorts the pending ones with a stable sort on `parseInt(name.split("_")[0])`
(NaN compares equal to everything). `create` writes `NNNN_<message, spaces -> _>.sql` holding one
header line `-- Migration number: NNNN \\t <ISO date>`.
"""

from __future__ import annotations

import functools
import hashlib
import math
import os
import re
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from mbv_cli.core.binding_list import display_path
from mbv_cli.core.errors import InputError, UsageError

MAX_NAME_BYTES = 255  # NAME_MAX of ext4, APFS, NTFS
MAX_MIGRATION_BYTES = 256 * 1024 * 1024  # a seed file may be large; /dev/zero must still stop

_JS_SPACE = " \t\n\r\v\f\u00a0\ufeff\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000"


def js_parse_int(text: str) -> float:
    """JavaScript's `parseInt(text)` (radix omitted): leading digits, `0x` hex, NaN when none."""
    s = text.lstrip(_JS_SPACE)
    sign = 1
    if s[:1] in "+-" and s:
        sign = -1 if s[0] == "-" else 1
        s = s[1:]
    if s[:2].lower() == "0x":
        m = re.match(r"[0-9a-fA-F]+", s[2:])
        return sign * int(m.group(0), 16) if m else math.nan
    m = re.match(r"[0-9]+", s)
    return sign * int(m.group(0)) if m else math.nan


def migration_number(name: str) -> float:
    return js_parse_int(name.split("_")[0])


def _utf16_key(name: str) -> bytes:
    return name.encode("utf-16-be", "surrogatepass")


def _compare_numbers(a: str, b: str) -> int:
    na, nb = migration_number(a), migration_number(b)
    if na < nb:
        return -1
    if na > nb:
        return 1
    return 0


def list_migration_names(directory: Path) -> list[str]:
    """Names as `wrangler d1 migrations list` shows them: `*.sql` at the top level, code-unit order."""
    if not directory.is_dir():
        if directory.exists():
            raise InputError(f"{display_path(directory)} is a file, not a migrations directory",
                             hint="point migrations_dir (or --dir) at the directory holding the .sql files")
        raise InputError(f"no migrations directory at {display_path(directory)}",
                         hint="create it (mbv migrate create DATABASE NAME does) or set migrations_dir in the config")
    try:
        names = [entry.name for entry in os.scandir(directory) if entry.name.endswith(".sql")]
    except OSError as exc:
        from mbv_cli.core.input_files import os_error_text

        raise InputError(f"cannot list the migrations directory: {os_error_text(exc)}",
                         file=display_path(directory), hint="check its permissions") from None
    return sorted(names, key=_utf16_key)


def apply_order(names: list[str]) -> list[str]:
    """The order `wrangler d1 migrations apply` runs `names` in: stable numeric sort of the listing."""
    listed = sorted(names, key=_utf16_key)
    return sorted(listed, key=functools.cmp_to_key(_compare_numbers))


@dataclass(frozen=True, slots=True)
class MigrationFile:
    """One migration file read from disk."""

    name: str
    path: Path
    text: str
    sha256: str

    @property
    def number(self) -> float:
        return migration_number(self.name)

    @property
    def is_empty(self) -> bool:
        from mbv_cli.core.migrations.splitter import strip_comments

        return not strip_comments(self.text).strip().strip(";").strip()


def _decode_position(data: bytes, offset: int) -> tuple[int, int]:
    before = data[:offset]
    line = before.count(b"\n") + 1
    column = offset - (before.rfind(b"\n") + 1) + 1
    return line, column


def read_migration_bytes(directory: Path, name: str) -> bytes:
    """A migration file's bytes; a directory, FIFO, device, symlink loop or huge file is one InputError."""
    from mbv_cli.core.input_files import check_regular_file, read_file_bytes

    path = directory / name
    shown = display_path(path)
    if path.is_dir():
        raise InputError(f"{name} is a directory, not a migration file", file=shown,
                         hint="rename it so it does not end in .sql")
    check_regular_file(shown, what=f"migration {name}")
    return read_file_bytes(shown, what=f"migration {name}", limit=MAX_MIGRATION_BYTES)


def read_migration(directory: Path, name: str) -> MigrationFile:
    """Read one file as UTF-8; a file that is not UTF-8 is an input error naming line and column."""
    path = directory / name
    shown = display_path(path)
    data = read_migration_bytes(directory, name)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line, column = _decode_position(data, exc.start)
        raise InputError(f"{name} is not UTF-8 (byte 0x{data[exc.start]:02x})", file=shown, line=line,
                         column=column, hint="save the file as UTF-8; wrangler would send U+FFFD in its place") from None
    return MigrationFile(name, path, text, hashlib.sha256(data).hexdigest())


def duplicate_numbers(names: list[str]) -> list[list[str]]:
    """Groups of names sharing one numeric prefix (wrangler runs them in name order)."""
    groups: dict[float, list[str]] = {}
    for name in names:
        number = migration_number(name)
        if not math.isnan(number):
            groups.setdefault(number, []).append(name)
    return [sorted(g, key=_utf16_key) for g in groups.values() if len(g) > 1]


def unnumbered(names: list[str]) -> list[str]:
    return [n for n in names if math.isnan(migration_number(n))]


def next_migration_number(names: list[str]) -> int:
    numbers = [int(n) for n in map(migration_number, names) if not math.isnan(n)]
    return max([*numbers, 0]) + 1


def migration_file_name(number: int, message: str) -> str:
    message = message.strip()
    if not message:
        raise UsageError("the migration NAME is empty", hint="describe the change, e.g. create_users")
    if "/" in message or "\\" in message or message in (".", ".."):
        raise UsageError(f"NAME {message!r} cannot hold a path separator", hint="use a plain description")
    import unicodedata

    # a line break or control character in a file name splits its mbv.sum line (and status/verify then
    # refuse the file): refused before anything is written
    bad = next((c for c in message if unicodedata.category(c) in ("Cc", "Zl", "Zp")), None)
    if bad is not None:
        raise UsageError(f"NAME {message!r} holds a control character or line break (U+{ord(bad):04X})",
                         hint="use letters, digits, '_' and '-'")
    return f"{number:04d}_{message.replace(' ', '_')}.sql"


def create_migration_file(directory: Path, message: str, *, now: datetime | None = None) -> Path:
    """Write the next `NNNN_<message>.sql` with wrangler's header line; create the directory if missing."""
    from mbv_cli.core.input_files import os_error_text

    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InputError(f"cannot create the migrations directory: {os_error_text(exc)}",
                         file=display_path(directory)) from None
    names = list_migration_names(directory)
    number = next_migration_number(names)
    name = migration_file_name(number, message)
    if len(name.encode("utf-8")) > MAX_NAME_BYTES:
        raise UsageError(f"the migration NAME is {len(message)} characters; the file name would pass the "
                         f"{MAX_NAME_BYTES}-byte limit of file systems", hint="describe the change in a few words")
    path = directory / name
    stamp = (now or datetime.now(timezone.utc)).astimezone(timezone.utc)
    iso = stamp.strftime("%Y-%m-%dT%H:%M:%S.") + f"{stamp.microsecond // 1000:03d}Z"
    try:
        with path.open("x", encoding="utf-8", newline="\n") as handle:
            handle.write(f"-- Migration number: {number:04d} \t {iso}\n")
    except OSError as exc:
        raise InputError(f"cannot write {name}: {os_error_text(exc)}", file=display_path(directory),
                         hint="check that the migrations directory is writable") from None
    return path
