"""Benchmark `mbv db health` and `mbv db locks` against the sqlite3 CLI on a generated database.

Generates (once, cached in --dir) an SQLite database of about --size-mb MiB with foreign keys
(authors <- posts <- comments, every key indexed), then in the same run times, alternately:
- baseline: `sqlite3 -readonly FILE "PRAGMA quick_check; PRAGMA foreign_key_check;"`
- mbv:      `mbv db health FILE --format json` (quick_check, foreign_key_check and the cheap checks)
- mbv:      `mbv db locks FILE`
and prints medians and the ratio. Acceptance: health <= 1.2x the baseline; locks < 300 ms.

    python benchmarks/bench_db.py --size-mb 1024 --dir /tmp/mbv-bench-db --reps 3
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import sqlite3
import statistics
import subprocess
import sys
import time
from pathlib import Path

SCHEMA = """
PRAGMA foreign_keys = ON;
CREATE TABLE authors (id INTEGER PRIMARY KEY, name TEXT NOT NULL, email TEXT);
CREATE TABLE posts (id INTEGER PRIMARY KEY, author_id INTEGER NOT NULL REFERENCES authors(id),
                    title TEXT, body TEXT);
CREATE INDEX posts_author ON posts(author_id);
CREATE TABLE comments (id INTEGER PRIMARY KEY, post_id INTEGER NOT NULL REFERENCES posts(id),
                       author_id INTEGER NOT NULL REFERENCES authors(id), body TEXT);
CREATE INDEX comments_post ON comments(post_id);
CREATE INDEX comments_author ON comments(author_id);
"""
AUTHORS = 20_000
BATCH = 200_000


def generate(path: Path, size_mb: int) -> None:
    if path.exists() and path.stat().st_size >= size_mb * 1024 * 1024 * 0.95:
        return
    path.unlink(missing_ok=True)
    db = sqlite3.connect(path, isolation_level=None)
    db.executescript("PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF; PRAGMA cache_size = -200000;")
    db.executescript(SCHEMA)
    db.execute("BEGIN")
    db.execute(f"WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < {AUTHORS}) "
               "INSERT INTO authors(id, name, email) SELECT x, 'author ' || x, x || '@example.com' FROM c")
    db.execute("COMMIT")
    posts = 0
    target = size_mb * 1024 * 1024
    while path.stat().st_size < target:
        db.execute("BEGIN")
        db.execute(f"WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < {BATCH}) "
                   f"INSERT INTO posts(author_id, title, body) SELECT abs(random()) % {AUTHORS} + 1, "
                   "hex(randomblob(12)), hex(randomblob(120)) FROM c")
        db.execute(f"WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < {BATCH}) "
                   f"INSERT INTO comments(post_id, author_id, body) SELECT {posts} + abs(random()) % {BATCH} + 1, "
                   f"abs(random()) % {AUTHORS} + 1, hex(randomblob(60)) FROM c")
        db.execute("COMMIT")
        posts += BATCH
        print(f"  generated {path.stat().st_size / 2**20:.0f} MiB", file=sys.stderr)
    db.execute("PRAGMA journal_mode = DELETE")
    db.close()


def timed(cmd: list[str]) -> tuple[float, float]:
    """Wall-clock seconds and CPU seconds (user + system) of one run of `cmd`."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    proc = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, check=False)
    elapsed = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode not in (0, 1):
        raise SystemExit(f"{cmd[0]} failed ({proc.returncode}): {proc.stderr.decode()[:300]}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return elapsed, cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size-mb", type=int, default=1024)
    parser.add_argument("--dir", type=Path, default=Path("/tmp/mbv-bench-db"))
    parser.add_argument("--reps", type=int, default=3)
    parser.add_argument("--mbv", default=shutil.which("mbv") or "mbv")
    args = parser.parse_args()
    sqlite_cli = shutil.which("sqlite3")
    if not sqlite_cli:
        raise SystemExit("the sqlite3 CLI is needed for the baseline")
    args.dir.mkdir(parents=True, exist_ok=True)
    path = args.dir / f"bench-{args.size_mb}mb.sqlite"
    generate(path, args.size_mb)
    size = path.stat().st_size
    print(f"database: {path} ({size / 2**20:.0f} MiB), sqlite3 {sqlite3.sqlite_version}")
    with open(path, "rb") as handle:  # warm the page cache so neither side pays the first read
        while handle.read(1 << 24):
            pass
    baseline: list[tuple[float, float]] = []
    health: list[tuple[float, float]] = []
    cli_cmd = [sqlite_cli, "-readonly", str(path), "PRAGMA quick_check; PRAGMA foreign_key_check;"]
    mbv_cmd = [args.mbv, "db", "health", str(path), "--format", "json"]
    for rep in range(args.reps):  # alternate who goes first, so neither always inherits the other's cache
        order = [(cli_cmd, baseline), (mbv_cmd, health)]
        for cmd, into in order if rep % 2 == 0 else reversed(order):
            into.append(timed(cmd))
    locks = [timed([args.mbv, "db", "locks", str(path)]) for _ in range(10)]

    def med(runs: list[tuple[float, float]], i: int) -> float:
        return statistics.median(r[i] for r in runs)

    def listing(runs: list[tuple[float, float]]) -> str:
        return ", ".join(f"{w:.2f}" for w, _ in runs)

    print(f"sqlite3 CLI quick_check + foreign_key_check: wall median {med(baseline, 0):.2f} s "
          f"({listing(baseline)}), CPU median {med(baseline, 1):.2f} s")
    print(f"mbv db health:                                wall median {med(health, 0):.2f} s "
          f"({listing(health)}), CPU median {med(health, 1):.2f} s")
    print(f"ratio mbv/sqlite3: wall {med(health, 0) / med(baseline, 0):.3f}, "
          f"CPU {med(health, 1) / med(baseline, 1):.3f} (target <= 1.2)")
    print(f"mbv db locks: wall median {med(locks, 0) * 1000:.0f} ms, max {max(w for w, _ in locks) * 1000:.0f} ms, "
          f"CPU median {med(locks, 1) * 1000:.0f} ms (target < 300 ms)")
    print(f"load average at the end: {', '.join(f'{x:.1f}' for x in os.getloadavg())}")

if __name__ == "__main__":
    main()
