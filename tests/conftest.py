from __future__ import annotations

import os
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(autouse=True)
def _no_facts_cache(monkeypatch: pytest.MonkeyPatch) -> None:
    """Runs never write .mbv_cache/ into the repository (tests of the cache turn it back on)."""
    monkeypatch.setenv("MBV_NO_CACHE", "1")


@dataclass
class CliResult:
    exit_code: int
    stdout: str
    stderr: str


@pytest.fixture
def run_mbv(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> Callable[..., CliResult]:
    """Run mbv in-process (fast) with stdout and stderr captured apart."""
    from mbv_cli.cli.main import run
    from mbv_cli.render import console

    def invoke(*args: str, env: dict[str, str] | None = None, cwd: Path | None = None,
               stdin: str | None = None) -> CliResult:
        for key, value in (env or {}).items():
            monkeypatch.setenv(key, value)
        if cwd is not None:
            monkeypatch.chdir(cwd)
        if stdin is not None:
            import io

            monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
        monkeypatch.setenv("MBV_FORCE_WIDTH", "200")
        capsys.readouterr()
        console.reset()
        code = run(list(args))
        out, err = capsys.readouterr()
        console.reset()
        from tests.support.schemas import output_problems

        problems = output_problems(out)  # every JSON document a test produces matches its shipped schema
        if problems:
            pytest.fail("mbv " + " ".join(args) + " wrote JSON that does not match its schema:\n"
                        + "\n".join(problems[:20]))
        return CliResult(code, out, err)

    return invoke


@pytest.fixture
def subprocess_env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(REPO) + os.pathsep + env.get("PYTHONPATH", "")
    env.pop("MBV_DEBUG", None)
    return env
