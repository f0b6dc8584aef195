from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from mbv_cli.cli.completions import SHELLS, completion_script

REPO = Path(__file__).resolve().parents[2]
FILES = {"bash": "mbv.bash", "zsh": "_mbv", "fish": "mbv.fish", "powershell": "mbv.ps1"}


@pytest.mark.parametrize("shell", SHELLS)
def test_committed_scripts_are_current(shell: str) -> None:
    committed = (REPO / "completions" / FILES[shell]).read_text(encoding="utf-8")
    assert committed == completion_script(shell), "run: python completions/generate.py"


def test_show_prints_the_script(run_mbv) -> None:
    result = run_mbv("completions", "show", "bash")
    assert result.exit_code == 0
    assert "_MBV_COMPLETE=complete_bash" in result.stdout


def test_unknown_shell_is_one_line(run_mbv) -> None:
    result = run_mbv("completions", "show", "tcsh")
    assert result.exit_code == 2 and result.stderr.count("\n") == 1


def test_bash_completion_answers_with_subcommands(subprocess_env: dict[str, str]) -> None:
    env = dict(subprocess_env, _MBV_COMPLETE="complete_bash", COMP_WORDS="mbv bindings l", COMP_CWORD="2")
    out = subprocess.run([sys.executable, "-m", "mbv_cli"], env=env, capture_output=True, text=True, check=False)
    assert out.stdout.split() == ["list"] or "list" in out.stdout.split()


def test_install_writes_the_bash_rc(tmp_path: Path, subprocess_env: dict[str, str]) -> None:
    env = dict(subprocess_env, HOME=str(tmp_path))
    out = subprocess.run([sys.executable, "-m", "mbv_cli", "completions", "install", "bash"], env=env,
                         capture_output=True, text=True, check=False, cwd=tmp_path)
    assert out.returncode == 0, out.stderr
    assert "_MBV_COMPLETE" in "".join(p.read_text() for p in tmp_path.rglob("*") if p.is_file())
    assert os.path.exists(tmp_path / ".bashrc")
