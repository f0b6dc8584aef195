"""Benchmark `mbv doctor` on the 50-Worker synthetic monorepo of the bindings benchmark.

Uses `bench_bindings_diff.generate` (50 Workers x 100 files, about 20 MB, three environments each),
then times, in the same run, each in a fresh process:
  doctor        : `python -m mbv_cli doctor ROOT --format json` (code rules + bindings diff + config rules)
  doctor -j 1   : the same in one process
  doctor (full) : the same on a copy where every file is imported by the Worker's main, so the code
                  rules look at all 5,000 files instead of the module graph of the generated code
  bindings diff : `python -m mbv_cli bindings diff ROOT --all-envs --format json` (what doctor adds to)
  grep          : `grep -rEn` for the strings a troubleshooting guide would tell you to look for
and prints medians (wall and CPU) and ratios. Usage: python benchmarks/bench_doctor.py [--keep DIR] [--runs N]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
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
    finally:
        if args.keep is None:
            shutil.rmtree(base, ignore_errors=True)


if __name__ == "__main__":
    main()
