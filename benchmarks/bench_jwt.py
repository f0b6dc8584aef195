"""Wall time of `mbv jwt decode` and `mbv jwt verify` against bare `python -c pass`, in the same run.

Targets (issues 4 and 16): decode under 120 ms, verify (and mint) under 250 ms; verify and mint import
PyJWT (issue 16), decode does not. Each command runs as a fresh
process, as a user runs it; the figure is the median of --runs runs (after one warm-up run).
Also measures `import typer` and decode without typer's command parsing, to show the frame's share.

    python benchmarks/bench_jwt.py [--runs 25]
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run_once(cmd: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Wall and CPU (user+sys, less sensitive to a busy machine) seconds of one run."""
    cpu_before = _children_cpu()
    start = time.perf_counter()
    proc = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env, check=False)
    wall = time.perf_counter() - start
    if proc.returncode not in (0, 1) or b"Traceback" in proc.stderr:
        raise SystemExit(f"{' '.join(cmd[:4])}... failed: {proc.stderr.decode()[-500:]}")
    return wall, _children_cpu() - cpu_before


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=25)
    args = parser.parse_args()

    import jwt as pyjwt
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    from mbv_cli.core.jwt.keys import secret_key
    from mbv_cli.core.jwt.mint import mint_token

    secret = "bench-secret-0123456789abcdefghijklmnopqrstuvwxyz"
    hs_token = mint_token(secret_key("JWT_SECRET", secret), sub="bench", ttl=3600,
                          claims={"jti": "bench-1", "aud": "api"}).token
    private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    rs_token = pyjwt.encode({"sub": "bench", "exp": int(time.time()) + 3600}, private, algorithm="RS256")
    tmp = Path(tempfile.mkdtemp(prefix="mbv-bench-jwt-"))
    pem = tmp / "pub.pem"
    pem.write_bytes(private.public_key().public_bytes(serialization.Encoding.PEM,
                                                      serialization.PublicFormat.SubjectPublicKeyInfo))
    env = dict(os.environ, JWT_SECRET=secret, JWT_SECRET_PREVIOUS=secret[::-1])
    mbv = shutil.which("mbv", path=str(Path(sys.executable).parent)) or ""
    base = [mbv] if mbv else [sys.executable, "-m", "mbv_cli"]
    cases = [
        ("python -c pass", [sys.executable, "-c", "pass"], None),
        ("python -c 'import typer'", [sys.executable, "-c", "import typer"], None),
        # decode once main.py has imported typer and built the root command, minus typer's parsing:
        ("reference: root frame + core decode + render", [sys.executable, "-c", (
            "from mbv_cli.cli.app import build_command; build_command(); "
            "from mbv_cli.core.jwt.decode import decode_token; from mbv_cli.render.jwt import render_decode; "
            f"render_decode(decode_token({hs_token!r}))")], None),
        ("mbv jwt decode TOKEN", [*base, "jwt", "decode", hs_token], 120.0),
        ("mbv jwt decode -f json TOKEN", [*base, "jwt", "decode", "-f", "json", hs_token], 120.0),
        ("mbv jwt verify TOKEN (HS256, 2 env secrets)", [*base, "jwt", "verify", hs_token], 250.0),
        ("mbv jwt verify -f json TOKEN (HS256)", [*base, "jwt", "verify", "-f", "json", hs_token], 250.0),
        ("mbv jwt verify TOKEN --public-key (RS256)", [*base, "jwt", "verify", rs_token, "--public-key", str(pem)],
         250.0),
        ("mbv jwt mint (HS256, PyJWT signs)", [*base, "jwt", "mint", "--secret-env", "JWT_SECRET"], 250.0),
    ]
    load = os.getloadavg()[0]
    print(f"{args.runs} interleaved runs; {os.cpu_count()} CPUs, load {load:.1f}; python {sys.version.split()[0]}")
    for _, cmd, _ in cases:  # warm the page cache
        run_once(cmd, env)
    wall: dict[str, list[float]] = {name: [] for name, _, _ in cases}
    cpu: dict[str, list[float]] = {name: [] for name, _, _ in cases}
    for _ in range(args.runs):  # interleaved, so load changes hit every command alike
        for name, cmd, _ in cases:
            w, c = run_once(cmd, env)
            wall[name].append(w * 1000)
            cpu[name].append(c * 1000)
    print(f"{'command':48s} {'wall median':>11s} {'(min)':>8s} {'- base':>7s} {'ratio':>6s} {'CPU ms':>7s}")
    base = statistics.median(wall[cases[0][0]])
    for name, _, target in cases:
        median = statistics.median(wall[name])
        verdict = "" if target is None else (" OK" if median < target else f" OVER the {target:.0f} ms target")
        print(f"{name:48s} {median:11.1f} ({min(wall[name]):6.1f}) {median - base:7.1f} x{median / base:5.1f} "
              f"{statistics.median(cpu[name]):7.1f}{verdict}")
    print(f"load after: {os.getloadavg()[0]:.1f}")
    shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
