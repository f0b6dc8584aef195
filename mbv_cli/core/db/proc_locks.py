"""The kernel's list of file locks (`/proc/locks`) and the command line of a process.

Format (proc(5), fs/locks.c `lock_get_status`): `N: POSIX|FLOCK|OFDLCK ADVISORY|MANDATORY
READ|WRITE PID MAJ:MIN:INODE START END`, device numbers in hex, END `EOF` for "to the end";
a line `N: -> ...` is a process blocked waiting for the lock on the line above. OFD locks
belong to an open file description, not a process, and show PID -1; `/proc/<pid>/fdinfo/<fd>`
lists the same lock on a `lock:` line of each descriptor that holds it, which names the process.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

PROC_LOCKS = Path("/proc/locks")
MAX_COMMAND = 300


@dataclass(frozen=True, slots=True)
class KernelLock:
    kind: str  # POSIX, FLOCK, OFDLCK, LEASE...
    write: bool
    pid: int | None  # None for OFD locks (the kernel reports -1)
    device: tuple[int, int]
    inode: int
    start: int
    end: int | None  # inclusive; None = to the end of the file
    waiting: bool  # a blocked request, not a held lock

    def overlaps(self, start: int, length: int) -> bool:
        last = start + length - 1
        return self.start <= last and (self.end is None or self.end >= start)


def parse_proc_locks(text: str) -> list[KernelLock]:
    locks: list[KernelLock] = []
    for line in text.splitlines():
        fields = line.split()
        if len(fields) < 2:
            continue
        waiting = fields[1] == "->"
        if waiting:
            fields = fields[:1] + fields[2:]
        if len(fields) < 8:
            continue
        _, kind, _mode, access, pid_text, dev_inode, start, end = fields[:8]
        try:
            major, minor, inode = dev_inode.split(":")
            pid = int(pid_text)
            locks.append(KernelLock(
                kind=kind, write=access.upper() == "WRITE", pid=None if pid <= 0 else pid,
                device=(int(major, 16), int(minor, 16)), inode=int(inode), start=int(start),
                end=None if end == "EOF" else int(end), waiting=waiting))
        except ValueError:
            continue
    return locks


def read_proc_locks() -> list[KernelLock] | None:
    """The current lock table, or None where /proc/locks does not exist (not Linux) or is unreadable."""
    try:
        return parse_proc_locks(PROC_LOCKS.read_text(errors="replace"))
    except OSError:
        return None


def process_command(pid: int) -> str | None:
    """`/proc/<pid>/cmdline` as one line, or None when the process is gone or not ours to read."""
    try:
        raw = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return None
    parts = [p.decode(errors="replace") for p in raw.split(b"\0") if p]
    if not parts:
        try:
            return "[" + printable_command(Path(f"/proc/{pid}/comm").read_text().strip()) + "]"
        except OSError:
            return None
    text = printable_command(" ".join(parts))
    return text if len(text) <= MAX_COMMAND else text[: MAX_COMMAND - 1] + "…"


def printable_command(text: str) -> str:
    """A command line on one line: an argument may hold newlines or terminal escapes
    (`python -c $'import x\\ny'`), shown as `\\n`, `\\x1b` so `db locks`/`db health` print one line each."""
    if text.isprintable():
        return text
    return "".join(c if c.isprintable() else c.encode("unicode_escape").decode("ascii") for c in text)


def ofd_owners(inodes: set[tuple[tuple[int, int], int]], *, budget_s: float = 0.2) -> dict[tuple[Any, ...], int]:
    """PIDs whose descriptors hold OFD locks on the given (device, inode) files, found in fdinfo.

    Keyed by (device, inode, start, end, write). Gives up quietly after `budget_s` seconds.
    """
    owners: dict[tuple[Any, ...], int] = {}
    deadline = time.monotonic() + budget_s
    try:
        pids = [int(name) for name in os.listdir("/proc") if name.isdigit()]
    except OSError:
        return owners
    for pid in pids:
        if time.monotonic() > deadline:
            break
        try:
            fds = os.listdir(f"/proc/{pid}/fdinfo")
        except OSError:
            continue
        for fd in fds:
            try:
                text = Path(f"/proc/{pid}/fdinfo/{fd}").read_text(errors="replace")
            except OSError:
                continue
            if "OFDLCK" not in text:
                continue
            lines = [line.split(":", 1)[1] for line in text.splitlines() if line.startswith("lock:")]
            for lock in parse_proc_locks("\n".join(lines)):
                if lock.kind == "OFDLCK" and (lock.device, lock.inode) in inodes:
                    owners[(lock.device, lock.inode, lock.start, lock.end, lock.write)] = pid
    return owners
