"""Text rendering of `mbv db locks`, in plain lines without rich: `mbv db locks` must answer in well
under 300 ms and rich's import alone costs tens of milliseconds. No user markup is interpreted."""

from __future__ import annotations

import json
import sys
import time
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from mbv_cli.core.db.locks import LockHolder, LocksResult


def _out(text: str = "") -> None:
    sys.stdout.write(text + "\n")


def _holder_line(h: LockHolder) -> str:
    who = (f"PID {h.pid} {h.command or '(command unknown)'}" if h.pid is not None
           else "OFD lock, process not named by the kernel" if h.ofd else "unnamed process")
    slot = f" {h.slot}" if h.slot is not None else ""
    wait = " (waiting)" if h.waiting else ""
    return f"  {h.lock + slot:<12} {h.file:<8} {who}{wait}"


def render_locks_text(result: LocksResult, **_: Any) -> None:
    _out(f"{result.path} ({result.journal_mode})")
    if not result.exists:
        _out("  the file does not exist")
        return
    if result.holders:
        for h in result.holders:
            _out(_holder_line(h))
    else:
        _out("  no transaction holds a lock")
    for h in result.waiters:
        _out(_holder_line(h))
    pids = sorted({(h.pid, h.command) for h in result.connections}, key=lambda p: p[0] or 0)
    if pids:
        names = ", ".join(f"PID {p} {c or '?'}" if p is not None else "OFD" for p, c in pids)
        _out(f"  open by: {names}")
    if result.writer_would_block:
        _out(f"a writer would block: {result.reason or ''}")
    else:
        _out("a writer would not block")
    sys.stdout.flush()
    for note in result.notes:
        sys.stderr.write(f"note: {note}\n")


def render_locks_change(result: LocksResult, **_: Any) -> None:
    _out(time.strftime("%H:%M:%S"))
    render_locks_text(result)


def render_locks_json_line(result: LocksResult, **_: Any) -> None:
    data = result.to_dict()
    data["time"] = time.time()
    sys.stdout.write(json.dumps(data, ensure_ascii=False) + "\n")
    sys.stdout.flush()
