"""A child process that holds an SQLite lock until told to stop, and checks its own work meanwhile.

Usage: python lock_holder.py DB MODE, MODE one of read, immediate, exclusive (rollback journal),
wal-read, wal-write, wal-big (20 MiB left in the WAL, no transaction). Prints `READY <pid>` once the lock is held, then keeps reading (read modes) or
writing (write modes) inside its transaction until a line arrives on stdin; then commits and prints
`DONE <ops> <errors>`. Any SQLite error in its own work is counted, so a probe that disturbed it
makes the test fail.
"""

from __future__ import annotations

import os
import select
import sqlite3
import sys


def main() -> int:
    path, mode = sys.argv[1], sys.argv[2]
    db = sqlite3.connect(path, isolation_level=None, timeout=0)
    wal = mode.startswith("wal-")
    db.execute(f"PRAGMA journal_mode = {'WAL' if wal else 'DELETE'}")
    db.execute("CREATE TABLE IF NOT EXISTS t(id INTEGER PRIMARY KEY, v TEXT)")
    writes = mode in ("immediate", "exclusive", "wal-write")
    begin = {"immediate": "BEGIN IMMEDIATE", "exclusive": "BEGIN EXCLUSIVE"}.get(mode, "BEGIN")
    if mode == "wal-big":  # a WAL that checkpoints never shrink: 20 MiB written, the connection kept open
        db.execute("PRAGMA wal_autocheckpoint = 0")
        db.execute("CREATE TABLE IF NOT EXISTS big(b BLOB)")
        db.execute("BEGIN")
        for _ in range(320):
            db.execute("INSERT INTO big VALUES (randomblob(65536))")
        db.execute("COMMIT")
        begin = "SELECT 1"
    db.execute(begin)
    db.execute("INSERT INTO t(v) VALUES ('first')") if writes else db.execute("SELECT count(*) FROM t").fetchone()
    sys.stdout.write(f"READY {os.getpid()}\n")
    sys.stdout.flush()
    ops = errors = 0
    while True:
        ready, _, _ = select.select([sys.stdin], [], [], 0.005)
        if ready:
            sys.stdin.readline()
            break
        try:
            if writes:
                db.execute("INSERT INTO t(v) VALUES ('x')")
                got = db.execute("SELECT count(*) FROM t").fetchone()[0]
                if got < 1:
                    errors += 1
            elif mode != "wal-big":  # wal-big holds no transaction: a read here would take a WAL read lock
                db.execute("SELECT count(*) FROM t").fetchone()
            ops += 1
        except sqlite3.Error:
            errors += 1
    try:
        if db.in_transaction:
            db.execute("COMMIT")
    except sqlite3.Error:
        errors += 1
    sys.stdout.write(f"DONE {ops} {errors}\n")
    sys.stdout.flush()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
