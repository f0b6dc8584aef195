"""Benchmark `mbv logs` on Logpush Workers Trace Events NDJSON against `jq -c . FILE > /dev/null`.

    python benchmarks/bench_logs.py [--size-mb 1024] [--file /tmp/mbv-bench-trace.json] [--keep] [--jobs N] [--no-jq]

Generates SIZE MB of trace events in the Logpush shape (tests/support/trace_events.py names the
sources): 40 routes with ids in their paths, 90% ok, 5% 404, 3% exception with a stack, 1%
exceededCpu, console lines in a third of the events, CPU and wall times. Then, each as a fresh
process, times `mbv logs FILE --format json` (its peak memory summed over the process and its pool
workers, polled from /proc every 20 ms) and `jq -c . FILE > /dev/null`, and prints MB/s side by side.
The file is written under /tmp and removed unless --keep (never commit it).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
T0 = 1_764_579_600_000
ROUTES = ["/api/posts/{id}", "/api/posts/{id}/comments", "/api/users/{uuid}", "/api/feed", "/login", "/health",
          "/api/search", "/assets/{hex}.js", "/api/orders/{id}/items/{id}", "/webhooks/stripe"]


def generate(path: Path, size_mb: int, seed: int = 1) -> int:
    """Write about size_mb MB of NDJSON; returns the number of events."""
    rng = random.Random(seed)
    target = size_mb * 1024 * 1024
    written = 0
    events = 0
    hosts = ["api.example.com", "app.example.com", "example-worker.acme.workers.dev", "shop.example.org"]
    with path.open("w", encoding="utf-8", buffering=4 * 1024 * 1024) as handle:
        batch: list[str] = []
        while written < target:
            roll = rng.random()
            outcome, status = "ok", 200
            if roll < 0.05:
                status = 404
            elif roll < 0.08:
                outcome, status = "exception", 500
            elif roll < 0.09:
                outcome, status = "exceededCpu", 503
            route = rng.choice(ROUTES).replace("{id}", str(rng.randrange(10**6)), 1).replace(
                "{id}", str(rng.randrange(100))).replace("{uuid}", f"3f2a1b4c-1234-4abc-9def-{rng.randrange(2**40):012x}"
                                                          ).replace("{hex}", f"{rng.randrange(2**40):010x}")
            route = f"/{rng.choice(['v1', 'v2', 'v3', 'v4'])}{route}"
            ts = T0 + events * 7
            logs = []
            if rng.random() < 0.33:
                logs.append({"Level": rng.choice(["log", "log", "info", "warn", "error"]),
                             "Message": [f"handled {route} in {rng.randrange(300)} ms", {"user": rng.randrange(10**5)}],
                             "TimestampMs": ts + 1})
            exceptions = []
            if outcome == "exception":
                exceptions.append({"Name": rng.choice(["TypeError", "Error", "RangeError"]),
                                   "Message": f"Cannot read properties of undefined (reading 'id') in post "
                                              f"{rng.randrange(10**5)}",
                                   "Stack": f"TypeError: x\n    at handle{rng.randrange(4)} (src/index.ts:"
                                            f"{rng.choice([17, 42, 88])}:7)\n    at Object.fetch (src/index.ts:12:3)",
                                   "TimestampMs": ts + 2})
            event = {"CPUTimeMs": int(rng.lognormvariate(1.5, 1)) + (40_000 if outcome == "exceededCpu" else 0),
                     "DispatchNamespace": "", "Entrypoint": "",
                     "Event": {"RayID": f"{rng.randrange(2**64):016x}",
                               "Request": {"URL": f"https://{rng.choice(hosts)}{route}?page={rng.randrange(9)}",
                                           "Method": rng.choice(["GET", "GET", "GET", "POST"])},
                               "Response": {"Status": status}},
                     "EventTimestampMs": ts, "EventType": "fetch", "Exceptions": exceptions, "Logs": logs,
                     "Outcome": outcome, "ScriptName": rng.choice(["api", "api", "web"]), "ScriptTags": [],
                     "ScriptVersion": {"ID": "1e7519b3-08e2-441d-ae10-7c8c6d3b7e17", "Message": "", "Tag": ""},
                     "WallTimeMs": int(rng.lognormvariate(3.5, 1.2))}
            line = json.dumps(event, separators=(",", ":")) + "\n"
            batch.append(line)
            written += len(line)
            events += 1
            if len(batch) >= 10_000:
                handle.write("".join(batch))
                batch.clear()
        handle.write("".join(batch))
    return events


def _tree_rss_kb(pid: int) -> int:
    total = 0
    pending = [pid]
    while pending:
        current = pending.pop()
        try:
            with open(f"/proc/{current}/status") as status:
                for line in status:
                    if line.startswith("VmRSS:"):
                        total += int(line.split()[1])
                        break
            for task in os.listdir(f"/proc/{current}/task"):
                with open(f"/proc/{current}/task/{task}/children") as children:
                    pending.extend(int(child) for child in children.read().split())
        except (FileNotFoundError, ProcessLookupError, PermissionError):
            continue
    return total


def measure(command: list[str], *, keep_output: bool = False) -> tuple[float, float, int, int, bytes]:
    """Wall seconds, CPU seconds (user + system, the process and its pool), peak summed RSS (KB) of the
    process tree, exit code, stdout (in a temporary file, so a large output never blocks on a full pipe)."""
    import resource
    import tempfile

    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    with tempfile.TemporaryFile() as sink:
        start = time.perf_counter()
        process = subprocess.Popen(command, stdout=sink if keep_output else subprocess.DEVNULL,
                                   stderr=subprocess.DEVNULL)
        peak = 0
        while process.poll() is None:
            peak = max(peak, _tree_rss_kb(process.pid))
            time.sleep(0.02)
        elapsed = time.perf_counter() - start
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
        sink.seek(0)
        return elapsed, cpu, peak, process.returncode, sink.read()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size-mb", type=int, default=1024)
    parser.add_argument("--file", type=Path, default=Path("/tmp/mbv-bench-trace.json"))
    parser.add_argument("--keep", action="store_true", help="keep (and reuse) the generated file")
    parser.add_argument("--jobs", type=int, default=None)
    parser.add_argument("--no-jq", action="store_true", help="time mbv alone (e.g. an older checkout via PYTHONPATH)")
    args = parser.parse_args()
    path: Path = args.file
    if not (args.keep and path.exists()):
        started = time.perf_counter()
        events = generate(path, args.size_mb)
        print(f"generated {path}: {path.stat().st_size / 1e6:,.0f} MB, {events:,} events "
              f"in {time.perf_counter() - started:.1f} s", file=sys.stderr)
    size_mb = path.stat().st_size / 1e6
    try:
        mbv = [sys.executable, "-m", "mbv_cli", "logs", str(path), "--format", "json"]
        if args.jobs:
            mbv += ["--jobs", str(args.jobs)]
        rows = []
        print(f"load average before mbv: {os.getloadavg()[0]:.1f}", file=sys.stderr)
        elapsed, cpu, peak, code, out = measure(mbv, keep_output=True)
        if code not in (0, 1):
            raise SystemExit(f"mbv logs failed with exit {code}")
        data = json.loads(out)
        rows.append(("mbv logs --format json", elapsed, cpu, peak, f"{data['events']:,} events, {len(data['routes'])} routes, "
                                                                f"{len(data['exceptions'])} exception groups"))
        if args.no_jq:
            pass
        elif shutil.which("jq"):
            print(f"load average before jq: {os.getloadavg()[0]:.1f}", file=sys.stderr)
            elapsed, cpu, peak, code, _ = measure(["jq", "-c", ".", str(path)])
            rows.append(("jq -c . FILE > /dev/null", elapsed, cpu, peak, f"exit {code}"))
        else:
            print("jq is not installed (apt-get install jq): no baseline", file=sys.stderr)
        print(f"input: {size_mb:,.0f} MB of NDJSON; {os.cpu_count()} CPUs; load average "
              f"{os.getloadavg()[0]:.1f}")
        print("| command | wall s | MB/s (wall) | CPU s | MB per CPU-second | peak RSS MB (process tree) | result |")
        print("|---|---:|---:|---:|---:|---:|---|")
        for name, seconds, cpu_s, rss, note in rows:
            print(f"| `{name}` | {seconds:.2f} | {size_mb / seconds:,.0f} | {cpu_s:.2f} | {size_mb / cpu_s:,.0f} | "
                  f"{rss / 1024:,.0f} | {note} |")
        if len(rows) == 2:
            print(f"mbv / jq wall-time ratio: {rows[0][1] / rows[1][1]:.2f}")
    finally:
        if not args.keep:
            path.unlink(missing_ok=True)


if __name__ == "__main__":
    main()
