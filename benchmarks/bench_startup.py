"""Start-up time: `mbv --version` and `mbv bindings --help` against bare `python -c pass`.

Runs each command N times in the same run (interleaved, so load affects all alike) and prints the
median wall time, the difference to the baseline and the ratio. Targets (issue 2): `--version`
within 40 ms of `python -c pass`; `bindings --help` under 200 ms.

    python benchmarks/bench_startup.py [--runs 30]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import time


def time_once(cmd: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()
    mbv = shutil.which("mbv") or ""
    mbv_cmd = [mbv] if mbv else [sys.executable, "-m", "mbv_cli"]
    commands = {
        "python -c pass": [sys.executable, "-c", "pass"],
        "mbv --version": [*mbv_cmd, "--version"],
        "mbv --help": [*mbv_cmd, "--help"],
        "mbv bindings --help": [*mbv_cmd, "bindings", "--help"],
    }
    os.environ.setdefault("NO_COLOR", "1")
    samples: dict[str, list[float]] = {name: [] for name in commands}
    for cmd in commands.values():  # warm the page cache
        time_once(cmd)
    for _ in range(args.runs):
        for name, cmd in commands.items():
            samples[name].append(time_once(cmd))
    base = statistics.median(samples["python -c pass"])
    print(f"{'command':<22}{'median ms':>10}{'+ms vs python':>15}{'ratio':>8}")
    for name, values in samples.items():
        median = statistics.median(values)
        print(f"{name:<22}{median * 1000:>10.1f}{(median - base) * 1000:>15.1f}{median / base:>8.2f}")
    version = statistics.median(samples["mbv --version"])
    helptime = statistics.median(samples["mbv bindings --help"])
    print(f"\n--version overhead {1000 * (version - base):.1f} ms (target <= 40 ms): "
          f"{'ok' if version - base <= 0.040 else 'OVER'}")
    print(f"bindings --help {1000 * helptime:.1f} ms (target < 200 ms): {'ok' if helptime < 0.200 else 'OVER'}")


if __name__ == "__main__":
    main()
