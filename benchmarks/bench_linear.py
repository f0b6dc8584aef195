"""Benchmark: three inputs that used to take quadratic time, each at N and 10N (issue 17).

  - migration splitting: one migration file of N `INSERT`s, through what `migrate apply` does before
    and while running it (split as wrangler does, remote-D1 warnings with line numbers, emptiness
    check), with `apply --dry-run` on an in-memory copy;
  - curl parsing: `curl -d '<N bytes>' URL` through `parse_curl_command`;
  - many bindings: a wrangler.toml with N KV namespaces through `bindings diff`'s core (every binding
    is located in the config text for its finding).

Each case runs in this process (start-up excluded), median of `--repeat` runs after one warm-up
run; the ratio time(10N) /
time(N) should stay at or below 12 (linear with some slack). Exits 1 when a case goes above.

Usage: python benchmarks/bench_linear.py [--repeat 5] [--scale 1.0] [--only migration|curl|bindings]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

LIMIT = 12.0


def migration_case(n: int, root: Path) -> Callable[[], object]:
    from mbv_cli.core.migrations.service import apply, open_target

    worker = root / f"mig{n}"
    (worker / "migrations").mkdir(parents=True)
    (worker / "wrangler.toml").write_text(
        'name = "bench"\ncompatibility_date = "2025-01-01"\n[[d1_databases]]\nbinding = "DB"\n'
        'database_name = "benchdb"\ndatabase_id = "00000000-0000-0000-0000-00000000be0c"\n')
    rows = "".join(f"INSERT INTO t(name) VALUES ('row {i}'); -- seed\n" for i in range(n))
    (worker / "migrations" / "0001_seed.sql").write_text("CREATE TABLE t(id INTEGER PRIMARY KEY, name TEXT);\n"
                                                         + rows)

    def run() -> object:
        target = open_target("DB", path=worker, db_file=worker / "absent.sqlite")
        result = apply(target, dry_run=True)
        assert result.outcomes and result.outcomes[0].status == "applied", result.outcomes
        return result

    return run


def curl_case(n: int, root: Path) -> Callable[[], object]:
    from mbv_cli.core.replay.curl import parse_curl_command

    command = ("curl -X POST https://api.example.com/v1/items -H 'Content-Type: application/json' "
               f"-d '{{\"blob\": \"{'a' * n}\"}}' --compressed")

    def run() -> object:
        request = parse_curl_command(command)
        assert request.body is not None and len(request.body) == n + 12
        return request

    return run


def bindings_case(n: int, root: Path) -> Callable[[], object]:
    from mbv_cli.core.bindings_diff import diff_bindings
    from mbv_cli.core.wrangler.workspace import load_workspace, resolve_workers

    worker = root / f"kv{n}"
    (worker / "src").mkdir(parents=True)
    (worker / "src" / "index.ts").write_text("export default { fetch(req: Request, env: Env) { "
                                             "return new Response(String(env.KV0)); } };\n")
    namespaces = "".join(f'[[kv_namespaces]]\nbinding = "KV{i}"\nid = "{i:032x}"\n\n' for i in range(n))
    (worker / "wrangler.toml").write_text('name = "bench"\nmain = "src/index.ts"\n'
                                          f'compatibility_date = "2025-01-01"\n\n{namespaces}')

    def run() -> object:
        workspace = load_workspace(worker)
        report = diff_bindings(resolve_workers(workspace, None, False), jobs=1)
        return report

    return run


CASES: list[tuple[str, str, int, Callable[[int, Path], Callable[[], object]]]] = [
    ("migration splitting", "INSERTs in one file", 10_000, migration_case),
    ("curl parsing", "bytes of -d", 10_000_000, curl_case),
    ("many bindings", "KV bindings", 1000, bindings_case),
]


def median_of(run: Callable[[], object], repeat: int) -> float:
    run()  # warm: imports, regex caches, the first allocation of big strings
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        run()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--scale", type=float, default=1.0, help="multiply every N (e.g. 0.1 for a quick run)")
    parser.add_argument("--only", choices=["migration", "curl", "bindings"], help="run one case")
    args = parser.parse_args()
    failed = False
    print(f"{'case':<22} {'N':>10} {'time N':>9} {'10N':>10} {'time 10N':>9} {'ratio':>6}")
    with tempfile.TemporaryDirectory(prefix="mbv-bench-linear-") as tmp:
        root = Path(tmp)
        for name, unit, base, make in CASES:
            if args.only and not make.__name__.startswith(args.only):
                continue
            n = max(1, int(base * args.scale))
            small = median_of(make(n, root), args.repeat)
            large = median_of(make(10 * n, root), args.repeat)
            ratio = large / small
            failed |= ratio > LIMIT
            print(f"{name:<22} {n:>10,} {small:>8.3f}s {10 * n:>10,} {large:>8.3f}s {ratio:>6.1f}  ({unit})")
    print(f"limit: ratio <= {LIMIT:g}" + ("  -- EXCEEDED" if failed else "  -- met"))
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
