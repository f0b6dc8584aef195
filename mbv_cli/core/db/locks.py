"""Who holds which SQLite lock on a database, found without taking a lock.

Lock bytes, from SQLite's `os_unix.c`/`os.h` and sqlite.org/lockingv3.html and walformat.html:
- rollback journal: PENDING byte 0x40000000, RESERVED 0x40000001, SHARED range 0x40000002 + 510
  bytes. SHARED = read lock on the range, RESERVED/PENDING = write lock on the byte, EXCLUSIVE =
  write lock on the range.
- WAL: in `-shm` from byte 120: WRITE (120), CKPT (121), RECOVER (122), READ0..READ4 (123-127),
  and the "DMS" byte 128 every connection holds a read lock on while it has the file open. Every
  WAL connection also keeps a SHARED lock on the database file itself.

`fcntl(F_GETLK)` asks the kernel whether a lock *could* be taken and returns one conflicting lock;
it never takes one, so probing cannot make a holder fail (sqlite `tool/getlock.c` does the same).
`/proc/locks` (Linux) lists every holder, with PIDs; OFD locks show no PID.
Open no file here from a process that has the same database open through SQLite: closing any
descriptor on a file drops that process's POSIX locks on it.
"""

from __future__ import annotations

import fcntl
import os
import struct
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from mbv_cli.core.db.proc_locks import KernelLock, ofd_owners, process_command, read_proc_locks
from mbv_cli.core.db.sqlite_file import HEADER_SIZE, MAGIC, parse_header, sidecar

PENDING_BYTE = 0x40000000
RESERVED_BYTE = PENDING_BYTE + 1
SHARED_FIRST = PENDING_BYTE + 2
SHARED_SIZE = 510
WAL_WRITE = 120
WAL_CKPT = 121
WAL_RECOVER = 122
WAL_READ0 = 123
WAL_READ_SLOTS = 5
WAL_DMS = 128

_RANK = {"SHARED": 1, "RESERVED": 2, "PENDING": 3, "EXCLUSIVE": 4}
_BLOCKING_WAL = ("WAL_WRITE", "WAL_RECOVER")


@dataclass(frozen=True, slots=True)
class LockHolder:
    pid: int | None
    command: str | None
    file: str  # db, wal, shm, journal
    lock: str  # SHARED RESERVED PENDING EXCLUSIVE WAL_WRITE WAL_CKPT WAL_RECOVER WAL_READ
    slot: int | None = None  # the read mark for WAL_READ
    ofd: bool = False
    waiting: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {"pid": self.pid, "command": self.command, "file": self.file, "lock": self.lock,
                "slot": self.slot, "ofd": self.ofd, "waiting": self.waiting}

    def describe(self) -> str:
        who = f"{self.command or '?'} (PID {self.pid})" if self.pid is not None else (
            "an OFD lock (the kernel does not name its process)" if self.ofd else "an unnamed process")
        slot = f" slot {self.slot}" if self.slot is not None else ""
        return f"{self.lock}{slot} on {self.file} held by {who}"


@dataclass(slots=True)
class LocksResult:
    path: Path
    exists: bool
    journal_mode: str  # wal, rollback, unknown
    writer_would_block: bool = False
    reason: str | None = None
    holders: list[LockHolder] = field(default_factory=list)
    connections: list[LockHolder] = field(default_factory=list)  # open, no transaction (WAL mode)
    waiters: list[LockHolder] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    source: str = "getlk"  # getlk alone, or getlk+proc-locks

    @property
    def locked(self) -> bool:
        return bool(self.holders)

    def state_key(self) -> tuple[Any, ...]:
        return (self.exists, self.writer_would_block, tuple(sorted(h.describe() for h in self.holders)),
                tuple(sorted(h.describe() for h in self.waiters)))

    def to_dict(self) -> dict[str, Any]:
        return {
            "schema": "mbv.db.locks/1",
            "path": str(self.path),
            "exists": self.exists,
            "journal_mode": self.journal_mode,
            "locked": self.locked,
            "writer_would_block": self.writer_would_block,
            "reason": self.reason,
            "holders": [h.to_dict() for h in self.holders],
            "connections": [h.to_dict() for h in self.connections],
            "waiters": [h.to_dict() for h in self.waiters],
            "notes": list(self.notes),
            "source": self.source,
        }


# --- F_GETLK -------------------------------------------------------------------------------------

if sys.platform.startswith("linux"):
    _FLOCK = "hhqqi4x"  # l_type, l_whence, l_start, l_len, l_pid (struct flock, 64-bit off_t)

    def _pack(ltype: int, start: int, length: int) -> bytes:
        return struct.pack(_FLOCK, ltype, os.SEEK_SET, start, length, 0)

    def _unpack(data: bytes) -> tuple[int, int]:
        ltype, _w, _s, _l, pid = struct.unpack(_FLOCK, data)
        return ltype, pid
else:  # BSD/macOS: l_start, l_len, l_pid, l_type, l_whence
    _FLOCK = "qqihh"

    def _pack(ltype: int, start: int, length: int) -> bytes:
        return struct.pack(_FLOCK, start, length, 0, ltype, os.SEEK_SET)

    def _unpack(data: bytes) -> tuple[int, int]:
        _s, _l, pid, ltype, _w = struct.unpack(_FLOCK, data)
        return ltype, pid


@dataclass(frozen=True, slots=True)
class Conflict:
    write: bool  # the conflicting lock is a write lock
    pid: int | None  # None: an OFD lock (kernel reports -1)


def getlk(fd: int, *, write: bool, start: int, length: int) -> Conflict | None:
    """Would a `write`/read lock on [start, start+length) be granted? None if so, else who is in the way."""
    request = _pack(fcntl.F_WRLCK if write else fcntl.F_RDLCK, start, length)
    answer = fcntl.fcntl(fd, fcntl.F_GETLK, request)
    ltype, pid = _unpack(answer)
    if ltype == fcntl.F_UNLCK:
        return None
    return Conflict(write=ltype == fcntl.F_WRLCK, pid=pid if pid > 0 else None)


def _open_ro(path: Path) -> int | None:
    try:
        return os.open(path, os.O_RDONLY | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_NOCTTY", 0)
                       | getattr(os, "O_NONBLOCK", 0))
    except OSError:
        return None


# --- classification ------------------------------------------------------------------------------

def _db_lock_kind(write: bool, start: int, end: int | None) -> str | None:
    def covers(byte: int) -> bool:
        return start <= byte and (end is None or end >= byte)

    shared = start <= SHARED_FIRST + SHARED_SIZE - 1 and (end is None or end >= SHARED_FIRST)
    if write and shared:
        return "EXCLUSIVE"
    if write and covers(PENDING_BYTE):
        return "PENDING"
    if write and covers(RESERVED_BYTE):
        return "RESERVED"
    if not write and (shared or covers(PENDING_BYTE)):
        return "SHARED"
    return None


def _shm_lock_kinds(write: bool, start: int, end: int | None) -> list[tuple[str, int | None]]:
    kinds: list[tuple[str, int | None]] = []
    last = end if end is not None else WAL_DMS
    for byte in range(max(start, WAL_WRITE), min(last, WAL_DMS) + 1):
        if byte == WAL_WRITE:
            kinds.append(("WAL_WRITE", None))
        elif byte == WAL_CKPT:
            kinds.append(("WAL_CKPT", None))
        elif byte == WAL_RECOVER:
            kinds.append(("WAL_RECOVER", None))
        elif WAL_READ0 <= byte < WAL_READ0 + WAL_READ_SLOTS:
            kinds.append(("WAL_READ", byte - WAL_READ0))
        elif byte == WAL_DMS:
            kinds.append(("OPEN" if not write else "WAL_RECOVER", None))
    return kinds


class _Namer:
    def __init__(self) -> None:
        self._cache: dict[int, str | None] = {}

    def __call__(self, pid: int | None) -> str | None:
        if pid is None:
            return None
        if pid not in self._cache:
            self._cache[pid] = process_command(pid)
        return self._cache[pid]


def _from_kernel(locks: list[KernelLock], files: dict[str, os.stat_result], wal_mode: bool,
                 result: LocksResult, name: _Namer) -> None:
    by_inode = {(os.major(st.st_dev), os.minor(st.st_dev), st.st_ino): label for label, st in files.items()}
    if not any((*lk.device, lk.inode) in by_inode for lk in locks):
        # btrfs subvolumes and some overlays report a different device in stat() than in /proc/locks:
        # fall back to the inode and take the device from the lock table
        inode_only = {st.st_ino: label for label, st in files.items()}
        by_inode = {(*lk.device, lk.inode): inode_only[lk.inode] for lk in locks if lk.inode in inode_only}
    ofd_keys = {(lk.device, lk.inode) for lk in locks if lk.kind == "OFDLCK" and (*lk.device, lk.inode) in by_inode}
    owners = ofd_owners(ofd_keys) if ofd_keys else {}
    if owners:
        locks = [replace(lk, pid=owners.get((lk.device, lk.inode, lk.start, lk.end, lk.write), lk.pid))
                 if lk.kind == "OFDLCK" else lk for lk in locks]
    strongest: dict[tuple[int | None, bool], tuple[str, bool]] = {}
    seen: set[tuple[Any, ...]] = set()
    for lock in locks:
        label = by_inode.get((*lock.device, lock.inode))
        if label is None:
            continue
        ofd = lock.kind == "OFDLCK"
        entries: list[tuple[str, int | None]]
        if label == "db":
            kind = _db_lock_kind(lock.write, lock.start, lock.end)
            if kind is None:
                continue
            if not lock.waiting:
                key = (lock.pid, ofd)
                if _RANK[kind] > _RANK.get(strongest.get(key, ("", False))[0], 0):
                    strongest[key] = (kind, ofd)
                continue
            entries = [(kind, None)]
        elif label == "shm":
            entries = _shm_lock_kinds(lock.write, lock.start, lock.end)
        else:
            entries = [("EXCLUSIVE" if lock.write else "SHARED", None)]
        for kind, slot in entries:
            key2 = (lock.pid, ofd, label, kind, slot, lock.waiting)
            if key2 in seen:
                continue
            seen.add(key2)
            holder = LockHolder(lock.pid, name(lock.pid), label, kind, slot, ofd, lock.waiting)
            if lock.waiting:
                result.waiters.append(holder)
            elif kind == "OPEN":
                result.connections.append(holder)
            else:
                result.holders.append(holder)
    for (pid, ofd), (kind, _) in sorted(strongest.items(), key=lambda kv: (kv[0][0] or 0)):
        holder = LockHolder(pid, name(pid), "db", kind, None, ofd)
        if wal_mode and kind == "SHARED":
            result.connections.append(holder)
        else:
            result.holders.append(holder)


def _from_probes(db_fd: int | None, shm_fd: int | None, wal_mode: bool, result: LocksResult,
                 name: _Namer) -> None:
    """Holders as F_GETLK sees them: one per byte range, so the list can be incomplete."""
    found: list[LockHolder] = []
    if db_fd is not None:
        exclusive = getlk(db_fd, write=False, start=SHARED_FIRST, length=SHARED_SIZE)
        pending = getlk(db_fd, write=False, start=PENDING_BYTE, length=1)
        reserved = getlk(db_fd, write=True, start=RESERVED_BYTE, length=1)
        shared = getlk(db_fd, write=True, start=SHARED_FIRST, length=SHARED_SIZE)
        if exclusive is not None:
            found.append(LockHolder(exclusive.pid, name(exclusive.pid), "db", "EXCLUSIVE", ofd=exclusive.pid is None))
        elif pending is not None:
            found.append(LockHolder(pending.pid, name(pending.pid), "db", "PENDING", ofd=pending.pid is None))
        if reserved is not None and exclusive is None and pending is None:
            found.append(LockHolder(reserved.pid, name(reserved.pid), "db", "RESERVED", ofd=reserved.pid is None))
        if shared is not None and not shared.write and not any(h.pid == shared.pid for h in found):
            holder = LockHolder(shared.pid, name(shared.pid), "db", "SHARED", ofd=shared.pid is None)
            (result.connections if wal_mode else found).append(holder)
    if shm_fd is not None:
        for byte in range(WAL_WRITE, WAL_DMS + 1):
            conflict = getlk(shm_fd, write=True, start=byte, length=1)
            if conflict is None:
                continue
            for kind, slot in _shm_lock_kinds(conflict.write, byte, byte):
                holder = LockHolder(conflict.pid, name(conflict.pid), "shm", kind, slot, conflict.pid is None)
                (result.connections if kind == "OPEN" else found).append(holder)
    result.holders.extend(found)


def _verdict(result: LocksResult, db_fd: int | None, shm_fd: int | None, wal_mode: bool) -> None:
    """Would a writer block now? Asked of the kernel with F_GETLK, the holders only name who."""
    reasons: list[str] = []
    if db_fd is not None:
        if getlk(db_fd, write=False, start=SHARED_FIRST, length=SHARED_SIZE) is not None:
            reasons.append("an EXCLUSIVE lock on the database file")
        elif getlk(db_fd, write=False, start=PENDING_BYTE, length=1) is not None:
            reasons.append("a PENDING lock on the database file")
        if not wal_mode:
            if reasons:
                pass
            elif getlk(db_fd, write=True, start=RESERVED_BYTE, length=1) is not None:
                reasons.append("a RESERVED lock (another writer's transaction)")
            elif getlk(db_fd, write=True, start=SHARED_FIRST, length=SHARED_SIZE) is not None:
                reasons.append("a SHARED lock (a read transaction; a commit needs EXCLUSIVE and waits for it)")
    if wal_mode and shm_fd is not None:
        if getlk(shm_fd, write=True, start=WAL_WRITE, length=1) is not None:
            reasons.append("the WAL write lock (another writer's transaction)")
        if getlk(shm_fd, write=True, start=WAL_RECOVER, length=1) is not None:
            reasons.append("the WAL recovery lock")
    result.writer_would_block = bool(reasons)
    result.reason = "; ".join(reasons) if reasons else None


def _journal_mode(path: Path) -> str:
    try:
        with open(path, "rb") as handle:
            data = handle.read(HEADER_SIZE)
    except OSError:
        return "unknown"
    if len(data) < HEADER_SIZE or not data.startswith(MAGIC):
        return "rollback" if not data else "unknown"
    return "wal" if parse_header(data).wal else "rollback"


def probe_locks(path: Path, *, use_proc: bool = True) -> LocksResult:
    """One look at the locks on `path` and its `-wal`/`-shm`/`-journal` files. Never creates or locks."""
    if os.path.lexists(path):  # a FIFO would block the header read; a symlink loop is named
        from mbv_cli.core.input_files import check_regular_file

        check_regular_file(path, what="the database")
    mode = _journal_mode(path) if path.exists() else "unknown"
    result = LocksResult(path=path, exists=path.exists(), journal_mode=mode)
    if not result.exists:
        return result
    wal_mode = mode == "wal"
    files: dict[str, os.stat_result] = {}
    for label, candidate in (("db", path), ("wal", sidecar(path, "-wal")), ("shm", sidecar(path, "-shm")),
                             ("journal", sidecar(path, "-journal"))):
        try:
            files[label] = candidate.stat()
        except OSError:
            continue
    db_fd = _open_ro(path)
    shm_fd = _open_ro(sidecar(path, "-shm")) if "shm" in files else None
    name = _Namer()
    try:
        if db_fd is None:
            result.notes.append("cannot open the database file to probe its locks; /proc/locks only")
        _verdict(result, db_fd, shm_fd, wal_mode)
        kernel = read_proc_locks() if use_proc else None
        if kernel is not None:
            result.source = "getlk+proc-locks"
            _from_kernel(kernel, files, wal_mode, result, name)
        if not result.holders and result.writer_would_block:
            _from_probes(db_fd, shm_fd, wal_mode, result, name)  # /proc/locks did not name them
            if kernel is None:
                result.source = "getlk"
    finally:
        for fd in (db_fd, shm_fd):
            if fd is not None:
                os.close(fd)
    me = os.getpid()
    if any(h.pid == me for h in result.holders):
        result.notes.append("mbv itself holds one of these locks")
    if any(h.ofd and h.pid is None for h in result.holders + result.waiters):
        result.notes.append("an OFD lock is held and no readable /proc/<pid>/fdinfo names its owner "
                            "(another user's process, or it is shared by several processes)")
    elif any(h.ofd for h in result.holders + result.waiters):
        result.notes.append("an OFD lock is held: its owner was found through /proc/<pid>/fdinfo")
    if any(h.pid is not None and h.command is None for h in result.holders):
        result.notes.append("some holders cannot be named (another user's process or another PID namespace)")
    return result


def watch_locks(path: Path, *, interval_s: float, duration_s: float | None,
                clock: Any = time.monotonic, sleep: Any = time.sleep) -> Iterator[LocksResult]:
    """Yield the first state and then each change, until `duration_s` has passed (or forever)."""
    start = clock()
    previous: tuple[Any, ...] | None = None
    while True:
        state = probe_locks(path)
        key = state.state_key()
        if key != previous:
            previous = key
            yield state
        if duration_s is not None and clock() - start >= duration_s:
            return
        sleep(interval_s)
