"""Help that teaches (issue 16): examples in every command's help that parse, choices shown and
completed, "did you mean" at the top level, errors pointing at the right help, environment variables."""

from __future__ import annotations

import re
import shlex
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from mbv_cli.cli.app import build_command
from mbv_cli.cli.clickcompat import click
from mbv_cli.cli.examples import ENVIRONMENT, EXAMPLES

REPO = Path(__file__).resolve().parents[2]


def _commands() -> dict[str, Any]:
    found: dict[str, Any] = {}

    def walk(command: Any, path: str) -> None:
        if hasattr(command, "list_commands"):
            ctx = click.Context(command)
            for name in command.list_commands(ctx):
                walk(command.get_command(ctx, name), f"{path} {name}".strip())
        else:
            found[path] = command

    walk(build_command(), "")
    return found


COMMANDS = _commands()


def test_every_command_has_examples_and_no_example_names_a_missing_command() -> None:
    assert len(COMMANDS) >= 19
    assert set(COMMANDS) <= set(EXAMPLES), f"commands without examples: {sorted(set(COMMANDS) - set(EXAMPLES))}"
    assert set(EXAMPLES) - {""} <= set(COMMANDS)


@pytest.mark.parametrize("path", sorted(COMMANDS))
def test_help_ends_with_examples(path: str, run_mbv) -> None:
    result = run_mbv(*path.split(), "--help")
    assert result.exit_code == 0
    block = result.stdout.split("Examples:", 1)[1]
    for example in EXAMPLES[path]:
        assert example in block


def _invocation(example: str) -> list[str]:
    """The mbv arguments of an example line (inside `$(...)`, before a pipe or redirect)."""
    text = example[example.index("mbv "):]
    text = re.split(r'\)"?$|\s[|>]\s', text)[0]
    return shlex.split(text)[1:]


@pytest.mark.parametrize(("path", "example"), [(p, e) for p, lines in EXAMPLES.items() for e in lines])
def test_each_example_parses_against_its_command(path: str, example: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TOKEN", "x")
    args = _invocation(example)
    command: Any = build_command()
    words: list[str] = []
    while hasattr(command, "get_command") and args and not args[0].startswith("-"):
        sub = command.get_command(click.Context(command), args[0])
        if sub is None:
            break
        words.append(args.pop(0))
        command = sub
    assert " ".join(words) == path or path == ""
    if path:
        command.make_context(" ".join(["mbv", *words]), list(args))  # unknown options or bad values raise


def test_choices_are_shown(run_mbv) -> None:
    doctor = " ".join(run_mbv("doctor", "--help").stdout.split())
    assert "--format [text|json|sarif|github|junit|markdown]" in doctor
    assert "--fail-on [error|warning|info]" in doctor
    assert "[bash|zsh|fish|powershell]" in run_mbv("completions", "show", "--help").stdout


def test_a_wrong_choice_is_one_line_with_the_choices(run_mbv) -> None:
    result = run_mbv("doctor", "--format", "xml", str(REPO / "examples" / "mustbeviral"))
    assert result.exit_code == 2 and result.stderr.count("\n") == 1
    assert "unknown --format 'xml'" in result.stderr and "text, json, sarif, github, junit, markdown" in result.stderr
    assert "'mbv doctor --help'" in result.stderr
    upper = run_mbv("doctor", "--fail-on", "WARNING", "--select", "MBV201", str(REPO / "examples" / "mustbeviral"))
    assert upper.exit_code in (0, 1)


@pytest.mark.parametrize(("words", "expected"), [
    ("mbv doctor --format ", {"text", "json", "sarif", "github", "junit", "markdown"}),
    ("mbv bindings diff --fail-on ", {"error", "warning", "info"}),
    ("mbv completions show ", {"bash", "zsh", "fish", "powershell"}),
    ("mbv jwt decode -f ", {"text", "json"}),
])
def test_bash_completes_option_values(words: str, expected: set[str], subprocess_env: dict[str, str]) -> None:
    env = dict(subprocess_env, _MBV_COMPLETE="complete_bash", COMP_WORDS=words, COMP_CWORD=str(len(words.split())))
    out = subprocess.run([sys.executable, "-m", "mbv_cli"], env=env, capture_output=True, text=True, timeout=60)
    assert set(out.stdout.split()) == expected, out.stderr


def test_top_level_typo_gets_did_you_mean(run_mbv) -> None:
    result = run_mbv("doctr")
    assert result.exit_code == 2 and result.stderr.count("\n") == 1
    assert "Did you mean 'doctor'?" in result.stderr
    assert "Did you mean 'migrate'" in run_mbv("migrat").stderr


@pytest.mark.parametrize("args", [("doctor", "--format"), ("jwt", "verify", "--aud"), ("db", "health", "--fail-on")])
def test_a_missing_option_value_points_at_that_commands_help(args: tuple[str, ...], run_mbv) -> None:
    result = run_mbv(*args)
    assert result.exit_code == 2 and result.stderr.count("\n") == 1
    command = " ".join(a for a in args if not a.startswith("-"))
    assert f"see 'mbv {command} --help'" in result.stderr


def test_root_help_lists_the_environment_variables_mbv_reads(run_mbv) -> None:
    text = run_mbv("--help").stdout
    section = text.split("Environment variables:", 1)[1]
    for name in ("NO_COLOR", "MBV_DEBUG", "CLOUDFLARE_API_TOKEN", "CLOUDFLARE_ACCOUNT_ID", "CLOUDFLARE_ENV"):
        assert name in section
    read = set()
    for source in (REPO / "mbv_cli").rglob("*.py"):
        read |= set(re.findall(r"\b((?:CLOUDFLARE|MBV)_[A-Z_]+)\b", source.read_text(encoding="utf-8")))
    documented = " ".join(name for name, _ in ENVIRONMENT)
    assert {v for v in read if v not in documented} == set()
