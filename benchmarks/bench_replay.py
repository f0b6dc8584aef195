"""Benchmark `mbv replay --repeat 2000 --concurrency 16` against a bare httpx.AsyncClient loop.

Both hit the same local echo server (tests/support/echo_server.py, run in its own process so it
does not share the GIL with the client), alternating, several rounds; the medians are compared.
Target (issue #7): mbv reaches at least 80% of the bare loop's requests per second.
The echo server is the bottleneck on a small machine, so the client CPU time per request is
printed too (bare loop: this process; mbv: the child process, start-up included), which
depends less on what else the machine is doing.

    python benchmarks/bench_replay.py [--requests 2000] [--concurrency 16] [--rounds 3] [--server echo|fast]

`--server fast` swaps the echo server for a minimal asyncio server (fixed 200 answer, keep-alive)
that is no longer the bottleneck, so the comparison weighs the two clients.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

import httpx

REPO = Path(__file__).resolve().parents[1]
SERVER = (
    "import sys, time\n"
    "from tests.support.echo_server import serve_echo\n"
    "with serve_echo(record=False) as echo:\n"
    "    print(echo.url, flush=True)\n"
    "    sys.stdin.read()\n"
)
FAST_SERVER = """
import asyncio, sys
BODY = b'{"ok":true}'
ANSWER = (b"HTTP/1.1 200 OK\\r\\nContent-Type: application/json\\r\\nContent-Length: "
          + str(len(BODY)).encode() + b"\\r\\n\\r\\n" + BODY)

async def handle(reader, writer):
    try:
        while True:
            head = await reader.readuntil(b"\\r\\n\\r\\n")
            length = 0
            for line in head.split(b"\\r\\n"):
                if line.lower().startswith(b"content-length:"):
                    length = int(line.split(b":", 1)[1])
            if length:
                await reader.readexactly(length)
            writer.write(ANSWER)
    except (asyncio.IncompleteReadError, ConnectionError):
        pass
    finally:
        writer.close()

async def main():
    server = await asyncio.start_server(handle, "127.0.0.1", 0)
    print("http://127.0.0.1:%d" % server.sockets[0].getsockname()[1], flush=True)
    await asyncio.get_running_loop().run_in_executor(None, sys.stdin.read)

asyncio.run(main())
"""


def bare_loop(url: str, total: int, concurrency: int) -> tuple[float, float]:
    """(requests/s, client CPU ms per request)."""
    cpu = time.process_time()
    rps = asyncio.run(_bare_loop(url, total, concurrency))
    return rps, (time.process_time() - cpu) * 1000 / total


async def _bare_loop(url: str, total: int, concurrency: int) -> float:
    remaining = total
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(limits=limits) as client:
        async def worker() -> None:
            nonlocal remaining
            while remaining > 0:
                remaining -= 1
                response = await client.get(url)
                response.raise_for_status()

        started = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        return total / (time.perf_counter() - started)


def mbv_cli(url: str, total: int, concurrency: int, env: dict[str, str]) -> tuple[float, float, float]:
    """(requests/s reported by mbv for the sending phase, requests/s over the whole process run,
    CPU ms per request of the mbv process)."""
    import resource

    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "mbv_cli", "replay", url, "--repeat", str(total),
                           "--concurrency", str(concurrency), "-f", "json"],
                          capture_output=True, text=True, env=env, check=False)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime) * 1000 / total
    if proc.returncode != 0:
        raise SystemExit(f"mbv failed ({proc.returncode}): {proc.stderr}")
    summary = json.loads(proc.stdout)["repeat"][0]
    assert summary["statuses"] == {"200": total}, summary
    return summary["requests_per_s"], total / wall, cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--server", choices=["echo", "fast"], default="echo")
    args = parser.parse_args()
    env = dict(os.environ)
    env["PYTHONPATH"] = str(REPO) + os.pathsep + env.get("PYTHONPATH", "")
    code = SERVER if args.server == "echo" else FAST_SERVER
    server = subprocess.Popen([sys.executable, "-c", code], cwd=REPO, env=env, stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, text=True)
    try:
        assert server.stdout is not None
        url = server.stdout.readline().strip() + "/bench?x=1"
        bare_loop(url, 200, args.concurrency)  # warm the server's threads
        bare, mbv_send, mbv_wall, bare_cpu, mbv_cpu = [], [], [], [], []
        for round_ in range(1, args.rounds + 1):
            rps, cpu = bare_loop(url, args.requests, args.concurrency)
            bare.append(rps)
            bare_cpu.append(cpu)
            sending, whole, cpu = mbv_cli(url, args.requests, args.concurrency, env)
            mbv_send.append(sending)
            mbv_wall.append(whole)
            mbv_cpu.append(cpu)
            print(f"round {round_}: bare httpx {bare[-1]:6.0f} req/s ({bare_cpu[-1]:.2f} ms CPU/req)   "
                  f"mbv replay {sending:6.0f} req/s, whole process {whole:6.0f} req/s ({cpu:.2f} ms CPU/req)")
    finally:
        server.kill()
        server.wait()
    b, s, w = statistics.median(bare), statistics.median(mbv_send), statistics.median(mbv_wall)
    bc, mc = statistics.median(bare_cpu), statistics.median(mbv_cpu)
    print(f"\n{args.requests} requests, concurrency {args.concurrency}, {args.server} server, "
          f"median of {args.rounds} rounds")
    print(f"bare httpx.AsyncClient loop : {b:7.0f} req/s")
    print(f"mbv replay --repeat          : {s:7.0f} req/s  = {100 * s / b:5.1f}% of bare (target >= 80%)")
    print(f"mbv replay, whole process    : {w:7.0f} req/s  = {100 * w / b:5.1f}% of bare")
    print(f"client CPU per request       : bare {bc:.3f} ms, mbv {mc:.3f} ms (start-up included) = {bc / mc:.2f}x")


if __name__ == "__main__":
    main()
