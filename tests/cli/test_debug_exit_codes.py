"""Issue 17: MBV_DEBUG=1 adds a traceback on stderr and never changes an exit code (real processes)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest


def _run(args: list[str], env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "mbv_cli", *args], env=env, cwd=cwd, capture_output=True,
                          text=True, timeout=120)


@pytest.mark.parametrize(("args", "code"), [
    (["rules", "--no-such-option"], 2),                      # click usage error
    (["jwt", "decode", "not-a-token"], 2),                   # MbvError from the library
    (["migrate", "status", "DB"], 2),                        # no config here: MbvError
    (["jwt", "decode", "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhIn0.c2ln"], 0),
])
def test_debug_keeps_the_exit_code(tmp_path: Path, subprocess_env: dict[str, str], args: list[str],
                                   code: int) -> None:
    plain = _run(args, subprocess_env, tmp_path)
    debug = _run(args, {**subprocess_env, "MBV_DEBUG": "1"}, tmp_path)
    assert plain.returncode == code, plain.stderr
    assert debug.returncode == code, debug.stderr
    assert "Traceback" not in plain.stderr
    if code == 2:
        assert "Traceback" in debug.stderr  # the point of MBV_DEBUG
        assert debug.stderr.strip().splitlines()[-1] == plain.stderr.strip().splitlines()[-1]
