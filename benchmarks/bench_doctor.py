"""Benchmark `mbv doctor` on the 50-Worker synthetic monorepo of the bindings benchmark.

Uses `bench_bindings_diff.generate` (50 Workers x 100 files, about 20 MB, three environments each),
then times, in the same run, each in a fresh process:
  doctor        : `python -m mbv_cli doctor ROOT --format json` (code rules + bindings diff + config rules)
  doctor -j 1   : the same in one process
  doctor (full) : the same on a copy where every file is imported by the Worker's main, so the code
                  rules look at all 5,000 files instead of the module graph of the generated code
  bindings diff : `python -m mbv_cli bindings diff ROOT --all-envs --format json` (what doctor adds to)
  grep          : `grep -rEn` for the strings a troubleshooting guide would tell you to look for
  cache         : doctor with the facts cache (.mbv_cache/): cold (cache removed before each run),
                  warm (nothing changed) and after editing one file; the runs above use --no-cache
and prints medians (wall and CPU) and ratios. Usage: python benchmarks/bench_doctor.py [--keep DIR] [--runs N]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_bindings_diff import WORKERS, generate, median_time

GUIDE_PATTERN = r"prepare\(`|Math\.random|BEGIN TRANSACTION|console\.log.*(token|secret)|env\.[A-Z_]+ *[<>=]+ *[0-9]"


def connect_every_file(root: Path) -> None:
    """Make each Worker's index.ts import every other module of the Worker."""
    for worker in sorted((root / "workers").iterdir()):
        src = worker / "src"
        modules = sorted(p for p in src.rglob("*.ts") if p.name not in {"index.ts", "env.ts"})
        imports = "".join(f'import * as m{i} from "./{p.relative_to(src).with_suffix("").as_posix()}";\n'
                          for i, p in enumerate(modules))
        uses = "export const modules = [" + ", ".join(f"m{i}" for i in range(len(modules))) + "];\n"
        index = src / "index.ts"
        index.write_text(imports + index.read_text() + uses)


def timed_runs(cmd: list[str], runs: int, env: dict[str, str], prepare: Callable[[], object]
               ) -> tuple[float, float]:
    """Median wall and CPU time of `runs` fresh processes, `prepare()` run (untimed) before each."""
    import resource

    walls, cpus = [], []
    for _ in range(runs):
        prepare()
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        proc = subprocess.run(cmd, capture_output=True, env=env)
        walls.append(time.perf_counter() - start)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpus.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
        if proc.returncode not in (0, 1):
            sys.exit(f"mbv doctor failed: {proc.stderr.decode()}")
    return statistics.median(walls), statistics.median(cpus)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--keep", type=Path, help="generate into this directory and keep it")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    base = args.keep or Path(tempfile.mkdtemp(prefix="mbv-bench-doctor-"))
    if base.exists() and any(base.iterdir()):
        shutil.rmtree(base)
    root, full = base / "graph", base / "full"
    root.mkdir(parents=True)
    try:
        size = generate(root)
        shutil.copytree(root, full)
        connect_every_file(full)
        n_files = sum(1 for _ in root.rglob("*.ts"))
        print(f"synthetic monorepo: {WORKERS} Workers, {n_files} source files, {size / 1e6:.1f} MB at {root}")
        env = dict(os.environ)
        env["PYTHONPATH"] = str(Path(__file__).resolve().parents[1])
        env["MBV_NO_CACHE"] = "1"
        mbv = [sys.executable, "-m", "mbv_cli"]
        doctor_s, doctor_cpu, proc = median_time([*mbv, "doctor", str(root), "--format", "json"], args.runs, env)
        if proc.returncode not in (0, 1):
            sys.exit(f"mbv doctor failed: {proc.stderr.decode()}")
        doc = json.loads(proc.stdout)
        one_s, one_cpu, _ = median_time([*mbv, "doctor", str(root), "--format", "json", "--jobs", "1"],
                                        max(1, args.runs // 2), env)
        full_s, full_cpu, full_proc = median_time([*mbv, "doctor", str(full), "--format", "json"], args.runs, env)
        full_doc = json.loads(full_proc.stdout)
        diff_s, diff_cpu, _ = median_time([*mbv, "bindings", "diff", str(root), "--all-envs", "--format", "json"],
                                          args.runs, env)
        grep_s, grep_cpu, _ = median_time(["grep", "-rEn", GUIDE_PATTERN, str(root)], args.runs)
        print(f"cpus: {os.cpu_count()}, load average at the end: {os.getloadavg()[0]:.1f}")
        s = doc["summary"]
        print(f"mbv doctor                 : {doctor_s:.2f} s wall, {doctor_cpu:.2f} s CPU, median of {args.runs} "
              f"({s['files']} files checked by code rules, {s['files_parsed']} parsed; "
              f"{s['error']} errors, {s['warning']} warnings)")
        print(f"  same, --jobs 1           : {one_s:.2f} s wall, {one_cpu:.2f} s CPU")
        fs = full_doc["summary"]
        print(f"  every file in the graph  : {full_s:.2f} s wall, {full_cpu:.2f} s CPU "
              f"({fs['files']} files checked, {fs['files_parsed']} parsed)")
        print(f"mbv bindings diff          : {diff_s:.2f} s wall, {diff_cpu:.2f} s CPU")
        print(f"grep -rEn (guide patterns) : {grep_s:.3f} s wall, {grep_cpu:.3f} s CPU")
        print(f"ratio doctor / bindings diff: {doctor_s / diff_s:.2f}x; doctor / grep: {doctor_s / grep_s:.0f}x")
        cached_env = {k: v for k, v in env.items() if k != "MBV_NO_CACHE"}
        command = [*mbv, "doctor", str(root), "--format", "json"]
        cold = timed_runs(command, args.runs, cached_env, lambda: shutil.rmtree(root / ".mbv_cache", ignore_errors=True))
        warm = timed_runs(command, args.runs, cached_env, lambda: None)
        route = root / "workers" / "svc-3" / "src" / "routes" / "r7.ts"
        edits = iter(range(10_000))
        edited = timed_runs(command, args.runs, cached_env,
                            lambda: route.write_text(route.read_text() + f"\nexport const edit{next(edits)} = 1;\n"))
        print(f"with the facts cache, cold : {cold[0]:.2f} s wall, {cold[1]:.2f} s CPU")
        print(f"  warm (nothing changed)   : {warm[0]:.2f} s wall, {warm[1]:.2f} s CPU "
              f"({warm[0] / cold[0]:.0%} of cold)")
        print(f"  one file edited          : {edited[0]:.2f} s wall, {edited[1]:.2f} s CPU "
              f"({edited[0] / cold[0]:.0%} of cold)")
    finally:
        if args.keep is None:
            shutil.rmtree(base, ignore_errors=True)


if __name__ == "__main__":
    main()
