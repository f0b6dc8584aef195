"""Opening an SQLite file for inspection only: never creating it, never writing it, never waiting long.

Facts from sqlite.org/fileformat2.html (the 100-byte header: magic, page size at 16, read/write
versions at 18/19 where 2 means WAL, page count at 28, valid when the "version-valid-for" number at
92 equals the change counter at 24, freelist count at 36, user_version at 60) and sqlite.org/uri.html
(`mode=ro`, `immutable=1`). A read-only connection to a WAL database creates `-wal` and `-shm`
when they are missing (verified with SQLite 3.40), so such a file is opened `immutable=1` instead.
"""

from __future__ import annotations

import stat
import struct
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import quote

from mbv_cli.core.errors import InputError

if TYPE_CHECKING:  # `mbv db locks` reads headers only and never loads the sqlite3 module
    import sqlite3

MAGIC = b"SQLite format 3\x00"
HEADER_SIZE = 100
DEFAULT_BUSY_TIMEOUT_MS = 1000


@dataclass(frozen=True, slots=True)
class SqliteHeader:
    page_size: int
    write_version: int
    read_version: int
    change_counter: int
    page_count: int | None  # None when the in-header count is stale (written by old SQLite)
    freelist_count: int
    user_version: int

    @property
    def wal(self) -> bool:
        return self.write_version == 2 or self.read_version == 2


@dataclass(frozen=True, slots=True)
class FileFacts:
    """What the file system and the header say, before SQLite opens anything."""

    path: Path
    size: int
    header: SqliteHeader | None  # None for an empty (0-byte) file
    wal_path: Path
    shm_path: Path
    journal_path: Path
    wal_size: int | None
    shm_exists: bool
    journal_size: int | None

    @property
    def truncated_by(self) -> int:
        """Bytes missing from the end, by the header's page count (0 when whole or unknown)."""
        if self.header is None or self.header.page_count is None:
            return 0
        return max(0, self.header.page_count * self.header.page_size - self.size)


def sidecar(path: Path, suffix: str) -> Path:
    return path.with_name(path.name + suffix)


def parse_header(data: bytes) -> SqliteHeader:
    page_size = struct.unpack(">H", data[16:18])[0]
    page_size = 65536 if page_size == 1 else page_size
    change_counter, page_count, _trunk, freelist = struct.unpack(">IIII", data[24:40])
    valid_for = struct.unpack(">I", data[92:96])[0]
    user_version = struct.unpack(">i", data[60:64])[0]
    return SqliteHeader(page_size=page_size, write_version=data[18], read_version=data[19],
                        change_counter=change_counter,
                        page_count=page_count if valid_for == change_counter and page_count else None,
                        freelist_count=freelist, user_version=user_version)


def _size_or_none(path: Path) -> int | None:
    try:
        return path.stat().st_size
    except OSError:
        return None


def inspect_file(path: Path) -> FileFacts:
    """Check that `path` is a readable SQLite file; raise InputError (exit 2) when it is not one at all.

    A file that starts like SQLite but is cut short is returned (the caller reports it corrupt).
    """
    shown = str(path)
    try:
        st = path.stat()
    except FileNotFoundError:
        raise InputError(f"{shown}: no such file", hint="check the path; mbv never creates a database") from None
    except OSError as exc:
        raise InputError(f"{shown}: cannot stat ({exc.strerror})") from None
    if stat.S_ISDIR(st.st_mode):
        raise InputError(f"{shown}: is a directory, not an SQLite file",
                         hint="name the .sqlite file, or a D1 binding from the config")
    if not stat.S_ISREG(st.st_mode):
        raise InputError(f"{shown}: not a regular file")
    try:
        with open(path, "rb") as handle:
            data = handle.read(HEADER_SIZE)
    except PermissionError:
        raise InputError(f"{shown}: no read permission",
                         hint="run as the file's owner, or grant read access (mbv only reads)") from None
    except OSError as exc:
        raise InputError(f"{shown}: cannot read ({exc.strerror})") from None
    header: SqliteHeader | None = None
    if data:
        if len(data) < HEADER_SIZE and MAGIC.startswith(data[: len(MAGIC)]) and data[:1] == b"S":
            header = None  # a cut-off header: reported as truncated below
        elif not data.startswith(MAGIC):
            raise InputError(f"{shown}: not an SQLite database (the file does not start with {MAGIC[:15].decode()!r})",
                             hint="name an SQLite file, or a D1 binding from the config")
        else:
            header = parse_header(data)
    wal, shm, journal = sidecar(path, "-wal"), sidecar(path, "-shm"), sidecar(path, "-journal")
    facts = FileFacts(path=path, size=st.st_size, header=header, wal_path=wal, shm_path=shm,
                      journal_path=journal, wal_size=_size_or_none(wal), shm_exists=shm.exists(),
                      journal_size=_size_or_none(journal))
    return facts


def header_cut_short(facts: FileFacts) -> bool:
    return facts.size > 0 and facts.header is None


@dataclass(frozen=True, slots=True)
class ReadOnlyOpen:
    connection: sqlite3.Connection
    immutable: bool  # opened with immutable=1: no locks taken, the -wal (if any) not read


def open_read_only(facts: FileFacts, *, busy_timeout_ms: int = DEFAULT_BUSY_TIMEOUT_MS) -> ReadOnlyOpen:
    """Open with `mode=ro`; a WAL file whose `-wal`/`-shm` are absent is opened `immutable=1`,
    since a read-only connection would otherwise create them (nobody has it open: no `-shm`).

    `readonly_shm=1` (sqlite.org/uri.html, os_unix.c) opens an existing `-shm` with O_RDONLY: a
    plain `mode=ro` reader writes its read marks (and after a crash a rebuilt index) into the
    `-shm`, changing its bytes and mtime. With it SQLite keeps the wal-index in private memory when
    it cannot use the shared one, and only takes fcntl read locks on the `-shm`, which change
    nothing on disk. Measured with SQLite 3.40: `-shm` bytes and mtime unchanged with a live
    writer, after a SIGKILLed writer and with a zeroed `-shm`. What remains: a WAL file with a
    `-wal` but no `-shm` is read `immutable=1`, so rows only in that `-wal` are not seen.
    """
    import sqlite3

    immutable = bool(facts.header and facts.header.wal and not (facts.wal_size is not None and facts.shm_exists))
    query = "mode=ro&immutable=1" if immutable else "mode=ro&readonly_shm=1"
    uri = f"file:{quote(str(facts.path.resolve()), safe='/')}?{query}"
    try:
        conn = sqlite3.connect(uri, uri=True, timeout=busy_timeout_ms / 1000, check_same_thread=False,
                               isolation_level=None)
    except sqlite3.Error as exc:
        raise InputError(f"{facts.path}: cannot open read-only ({exc})") from None
    conn.execute(f"PRAGMA busy_timeout = {int(busy_timeout_ms)}")
    return ReadOnlyOpen(conn, immutable)
