"""Wall time of `mbv jwt decode` and `mbv jwt verify` against bare `python -c pass`, in the same run.

Targets (issue 4): decode under 120 ms, verify under 250 ms. Each command runs as a fresh
process, as a user runs it; the figure is the median of --runs runs (after one warm-up run).
Also measures `import typer` and `import typer._adapters` (pydantic) to show the frame's share.

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


def measure(cmd: list[str], runs: int, env: dict[str, str]) -> tuple[float, float, float]:
    """Median and minimum wall ms, and median CPU ms (user+sys: less sensitive to a busy machine)."""
    subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env, check=False)
    samples, cpu = [], []
    for _ in range(runs):
        cpu_before = _children_cpu()
        start = time.perf_counter()
        proc = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env, check=False)
        samples.append(time.perf_counter() - start)
        cpu.append(_children_cpu() - cpu_before)
        if proc.returncode not in (0, 1):
            raise SystemExit(f"{' '.join(cmd[:4])}... failed: {proc.stderr.decode()[-500:]}")
    return statistics.median(samples) * 1000, min(samples) * 1000, statistics.median(cpu) * 1000


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=25)
    args = parser.parse_args()

    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    import jwt as pyjwt
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
        ("python -c 'import typer._adapters'", [sys.executable, "-c", "import typer._adapters"], None),
        ("mbv jwt decode TOKEN", [*base, "jwt", "decode", hs_token], 120.0),
        ("mbv jwt decode -f json TOKEN", [*base, "jwt", "decode", "-f", "json", hs_token], 120.0),
        ("mbv jwt verify TOKEN (HS256, 2 env secrets)", [*base, "jwt", "verify", hs_token], 250.0),
        ("mbv jwt verify -f json TOKEN (HS256)", [*base, "jwt", "verify", "-f", "json", hs_token], 250.0),
        ("mbv jwt verify TOKEN --public-key (RS256)", [*base, "jwt", "verify", rs_token, "--public-key", str(pem)],
         250.0),
    ]
    load = os.getloadavg()[0]
    print(f"{args.runs} runs each; {os.cpu_count()} CPUs, load {load:.1f}; python {sys.version.split()[0]}")
    print(f"{'command':48s} {'wall median':>11s} {'(min)':>8s} {'ratio':>6s} {'CPU ms':>7s}")
    baseline = None
    for name, cmd, target in cases:
        median, low, cpu = measure(cmd, args.runs, env)
        baseline = baseline or median
        verdict = "" if target is None else (" OK" if median < target else f" OVER the {target:.0f} ms target")
        print(f"{name:48s} {median:11.1f} ({low:6.1f}) x{median / baseline:5.1f} {cpu:7.1f}{verdict}")
    shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
