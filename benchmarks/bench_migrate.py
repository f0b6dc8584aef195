"""Benchmark: 200 small migrations applied to a fresh local D1 database, mbv vs wrangler.

Generates a Worker with N migrations (a table, an index and a few rows each), then times, in the
same run and on copies of the same directory:
  - `python -m mbv_cli migrate apply DB` (a fresh process, start-up included)
  - `wrangler d1 migrations apply DB --local` (the pinned wrangler from tests/peers)
and checks both ledgers hold the same N names. Prints the times and the ratio.

Usage: python benchmarks/bench_migrate.py [--count 200] [--repeat 3]
"""

from __future__ import annotations

import argparse
import os
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from mbv_cli.core.wrangler.state import local_d1_path  # noqa: E402

DB_ID = "00000000-0000-0000-0000-00000000be0c"


def make_worker(root: Path, count: int) -> None:
    root.mkdir(parents=True)
    (root / "wrangler.toml").write_text(
        'name = "bench"\nmain = "src/index.ts"\ncompatibility_date = "2025-01-01"\n\n'
        f'[[d1_databases]]\nbinding = "DB"\ndatabase_name = "benchdb"\ndatabase_id = "{DB_ID}"\n')
    (root / "src").mkdir()
    (root / "src" / "index.ts").write_text("export default { fetch() { return new Response('ok'); } };\n")
    migrations = root / "migrations"
    migrations.mkdir()
    for i in range(1, count + 1):
        (migrations / f"{i:04d}_step_{i}.sql").write_text(
            f"-- Migration number: {i:04d}\n"
            f"CREATE TABLE t{i}(id INTEGER PRIMARY KEY, name TEXT NOT NULL, created_at TEXT);\n"
            f"CREATE INDEX t{i}_name ON t{i}(name);\n"
            f"INSERT INTO t{i}(name, created_at) VALUES ('a', '2026-01-01'), ('b', '2026-01-02');\n")


def ledger_names(worker: Path) -> list[str]:
    path = local_d1_path(worker / ".wrangler" / "state", {"binding": "DB", "database_id": DB_ID})
    with sqlite3.connect(path) as conn:
        return [r[0] for r in conn.execute("SELECT name FROM d1_migrations ORDER BY id")]


def timed(cmd: list[str], cwd: Path, env: dict[str, str]) -> float:
    started = time.perf_counter()
    done = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True)
    elapsed = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"{cmd[0]} failed ({done.returncode}):\n{done.stdout[-2000:]}\n{done.stderr[-2000:]}")
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--count", type=int, default=200)
    parser.add_argument("--repeat", type=int, default=3, help="mbv runs (wrangler runs once: it is slow)")
    args = parser.parse_args()
    wrangler = REPO / "tests" / "peers" / "node_modules" / ".bin" / "wrangler"
    if not wrangler.exists():
        raise SystemExit("wrangler not installed: npm ci --prefix tests/peers")
    with tempfile.TemporaryDirectory(prefix="mbv-bench-migrate-") as tmp:
        base = Path(tmp)
        template = base / "template"
        make_worker(template, args.count)
        mbv_env = dict(os.environ, PYTHONPATH=str(REPO))
        mbv_times = []
        for run in range(args.repeat):
            worker = base / f"mbv-{run}"
            shutil.copytree(template, worker)
            mbv_times.append(timed([sys.executable, "-m", "mbv_cli", "migrate", "apply", "DB", "--format", "json"],
                                   worker, mbv_env))
            assert len(ledger_names(worker)) == args.count
        worker = base / "wrangler"
        shutil.copytree(template, worker)
        home = base / "home"
        wr_env = {k: v for k, v in os.environ.items() if not k.startswith("CLOUDFLARE_")}
        wr_env.update(WRANGLER_SEND_METRICS="false", CI="true", NO_COLOR="1", HOME=str(home),
                      XDG_CONFIG_HOME=str(home / ".config"))
        wrangler_time = timed([str(wrangler), "d1", "migrations", "apply", "DB", "--local"], worker, wr_env)
        assert ledger_names(worker) == ledger_names(base / "mbv-0")
    mbv_median = statistics.median(mbv_times)
    print(f"migrations: {args.count} (fresh local database)")
    print(f"mbv migrate apply:              {mbv_median:8.2f} s  (median of {args.repeat}: "
          + ", ".join(f"{t:.2f}" for t in mbv_times) + ")")
    print(f"wrangler d1 migrations apply:   {wrangler_time:8.2f} s")
    print(f"ratio (wrangler / mbv):         {wrangler_time / mbv_median:8.1f}x")


if __name__ == "__main__":
    main()
