"""Regenerate the completion scripts in this folder: `python completions/generate.py`."""

from __future__ import annotations

from pathlib import Path

from mbv_cli.cli.completions import SHELLS, completion_script

HERE = Path(__file__).resolve().parent
FILES = {"bash": "mbv.bash", "zsh": "_mbv", "fish": "mbv.fish", "powershell": "mbv.ps1"}


def main() -> None:
    for shell in SHELLS:
        (HERE / FILES[shell]).write_text(completion_script(shell), encoding="utf-8")


if __name__ == "__main__":
    main()
