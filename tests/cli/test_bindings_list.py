from __future__ import annotations

import json
from pathlib import Path

TOML = """
name = "auth"
main = "src/index.ts"
compatibility_date = "2026-10-01"
[vars]
A = "100"
B = 3
C = { beta = true }
[[kv_namespaces]]
binding = "USER_KV"
id = "0123456789abcdef0123456789abcdef"
[env.production]
vars = { A = "1" }
"""


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_top_level_and_env_are_resolved_without_inheritance(tmp_path: Path, run_mbv) -> None:
    write(tmp_path, "wrangler.toml", TOML)
    result = run_mbv("bindings", "list", str(tmp_path), "--all-envs", "--format", "json")
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["schema"] == "mbv.bindings.list/1"
    top, prod = data["workers"]
    assert top["env"] is None and prod["env"] == "production"
    assert prod["name"] == "auth-production"
    assert {b["name"]: b["type"] for b in top["bindings"]} == {
        "USER_KV": "KVNamespace", "A": '"100"', "B": "3", "C": '{"beta":true}'}
    assert [(b["name"], b["type"], b["declared_in"]) for b in prod["bindings"]] == [("A", '"1"', "env.production")]


def test_unknown_env_is_a_usage_error(tmp_path: Path, run_mbv) -> None:
    write(tmp_path, "wrangler.toml", TOML)
    result = run_mbv("bindings", "list", str(tmp_path), "--env", "nope")
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1 and "production" in result.stderr
    assert "Traceback" not in result.stderr


def test_malformed_toml_reports_file_line_col(tmp_path: Path, run_mbv) -> None:
    path = write(tmp_path, "wrangler.toml", 'name = "x"\n[vars\n')
    result = run_mbv("bindings", "list", "--config", str(path))
    assert result.exit_code == 2
    assert f"{path}:2:" in result.stderr


def test_cloudflare_env_selects_the_environment(tmp_path: Path, run_mbv) -> None:
    write(tmp_path, "wrangler.toml", TOML)
    result = run_mbv("bindings", "list", str(tmp_path), "--format", "json", env={"CLOUDFLARE_ENV": "production"})
    assert json.loads(result.stdout)["workers"][0]["env"] == "production"


def test_lone_surrogates_and_control_characters_never_crash_or_reach_the_terminal(
        tmp_path: Path, subprocess_env: dict[str, str]) -> None:
    import subprocess
    import sys

    write(tmp_path, "wrangler.json", '{"name": "x", "vars": {"A": "\\ud800", "B\\u001b[31mX": "y"}}')
    for fmt in ("text", "json"):
        proc = subprocess.run([sys.executable, "-m", "mbv_cli", "bindings", "list", str(tmp_path), "--format", fmt],
                              env=subprocess_env, capture_output=True, check=False)
        assert proc.returncode == 0, proc.stderr
        assert b"\x1b" not in proc.stdout
        if fmt == "json":
            names = [b["name"] for b in json.loads(proc.stdout)["workers"][0]["bindings"]]
            assert names == ["A", "B\x1b[31mX"]  # the data is kept exact; only the terminal text is escaped
        else:
            assert b"\\ud800" in proc.stdout and b"B\\x1b[31mX" in proc.stdout
