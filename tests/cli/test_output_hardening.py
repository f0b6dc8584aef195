"""Issue 17: names from a config never print raw in text output (no GitHub workflow command from a
binding name), and secret-looking vars are masked by `bindings list`."""

from __future__ import annotations

from pathlib import Path

import pytest

CONFIG = '''name = "w"
main = "src/index.ts"
compatibility_date = "2024-01-01"
[[kv_namespaces]]
binding = "C\\n::error file=x::pwned"
id = "abc"
[vars]
"V\\n::warning::x" = "1"
'''


@pytest.mark.parametrize("command", [("doctor",), ("bindings", "list"), ("bindings", "diff"), ("doctor", "-f", "github")])
def test_newline_in_a_binding_name_never_starts_a_line(run_mbv, tmp_path: Path, command: tuple[str, ...]) -> None:
    (tmp_path / "wrangler.toml").write_text(CONFIG, encoding="utf-8")
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "index.ts").write_text("export default { fetch() { return new Response('') } }\n")
    result = run_mbv(*command, cwd=tmp_path)
    assert result.exit_code in (0, 1), result.stderr
    assert "pwned" in result.stdout  # the name is shown ...
    for line in (result.stdout + result.stderr).splitlines():  # ... but never as a line of its own
        assert not line.lstrip().startswith(("::error file=x", "::warning::x")), line
    if "github" not in command:
        assert "C\\n::error file=x::pwned" in result.stdout


SECRET_VARS = '''name = "w"
main = "src/index.ts"
compatibility_date = "2025-01-01"
[vars]
JWT_SECRET = "d2b0f5c9e1a84c7b-committed"
STRIPE_API_KEY = "sk_live_committed_4242"
TOKEN_TTL = "3600"
GREETING = "hello-world-visible"
'''


@pytest.mark.parametrize("fmt", ["text", "json"])
def test_bindings_list_masks_secret_looking_vars(run_mbv, tmp_path: Path, fmt: str) -> None:
    (tmp_path / "wrangler.toml").write_text(SECRET_VARS, encoding="utf-8")
    result = run_mbv("bindings", "list", "-f", fmt, cwd=tmp_path)
    assert result.exit_code == 0, result.stderr
    out = result.stdout + result.stderr
    assert "d2b0f5c9e1a84c7b-committed" not in out and "sk_live_committed_4242" not in out
    assert "REDACTED" in out
    # names that describe a secret (TOKEN_TTL) and ordinary vars stay readable, as doctor's MBV202 sees them
    assert "3600" in out and "hello-world-visible" in out
    doctor = run_mbv("doctor", "-f", "json", cwd=tmp_path)
    flagged = {f.get("binding") for f in _findings(doctor.stdout) if f["code"] == "MBV202"}
    assert flagged == {"JWT_SECRET", "STRIPE_API_KEY"}


def _findings(text: str) -> list[dict]:  # type: ignore[type-arg]
    import json

    data = json.loads(text)
    found = []

    def walk(value: object) -> None:
        if isinstance(value, dict):
            if "code" in value and "severity" in value:
                found.append(value)
            for item in value.values():
                walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)

    walk(data)
    return found


def test_junit_is_well_formed_with_control_characters_in_names(run_mbv, tmp_path: Path) -> None:
    from xml.etree import ElementTree as ET

    (tmp_path / "wrangler.toml").write_text(
        'name = "w\\u0001"\nmain = "src/index.ts"\ncompatibility_date = "2025-06-01"\n'
        '[[kv_namespaces]]\nbinding = "C\\u001b[2J\\u0000\\u000bX"\nid = "abc"\n', encoding="utf-8")
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "index.ts").write_text("export default {}\n")
    result = run_mbv("doctor", "-f", "junit", cwd=tmp_path)
    assert result.exit_code in (0, 1), result.stderr
    root = ET.fromstring(result.stdout.split("\n", 1)[1])  # expat refuses what XML 1.0 forbids
    names = [case.get("name", "") + (case.find("failure").get("message", "") if case.find("failure") is not None
                                     else "") for case in root.iter("testcase")]
    assert any("C\\x1b[2J\\x00\\x0bX" in name for name in names), names


def test_newline_in_a_name_inside_a_warning_line_stays_on_it(run_mbv, tmp_path: Path) -> None:
    # a directory named with a newline, echoed in a config warning (stderr, which CI reads too)
    worker = tmp_path / "w\n::error file=y::pwned"
    worker.mkdir()
    (worker / "wrangler.toml").write_text('name = "w"\nmain = "src/index.ts"\nvars = ["a"]\n', encoding="utf-8")
    result = run_mbv("bindings", "list", cwd=tmp_path)
    assert result.exit_code == 0, result.stderr
    assert "pwned" in result.stderr and '"vars" is an array' in result.stderr
    for line in result.stderr.splitlines():
        assert not line.startswith("::error"), line


@pytest.mark.parametrize("fmt", ["text", "json", "sarif", "github", "junit"])
def test_missing_env_var_snippet_never_copies_a_committed_secret(run_mbv, tmp_path: Path, fmt: str) -> None:
    (tmp_path / "wrangler.toml").write_text(
        'name = "w"\nmain = "src/index.ts"\ncompatibility_date = "2025-06-01"\n'
        '[vars]\nJWT_SECRET = "committed-value-7f3a9"\nGREETING = "hello-visible"\n[env.staging]\n', encoding="utf-8")
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "index.ts").write_text(
        "export default { fetch(r: Request, env: any) { return new Response(env.JWT_SECRET + env.GREETING) } }\n")
    result = run_mbv("bindings", "diff", "-f", fmt, cwd=tmp_path)
    assert result.exit_code == 1, result.stderr
    assert "committed-value-7f3a9" not in result.stdout + result.stderr
    assert "wrangler secret put JWT_SECRET --env staging" in result.stdout
    assert "hello-visible" in result.stdout  # an ordinary var still gets its copy-paste snippet
