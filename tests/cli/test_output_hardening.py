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
