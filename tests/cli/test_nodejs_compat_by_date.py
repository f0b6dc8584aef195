"""MBV106 and the compatibility date that turns nodejs_compat on (2026-08-04; Cloudflare changelog of that day).

Ground truth from the pinned wrangler 4.86 (tests/peers), checked by hand with `wrangler deploy --dry-run` on a
Worker dated 2026-10-01 without flags: `import ... from "node:crypto"` builds (a warning, left to the runtime),
`import ... from "crypto"` fails with `Could not resolve "crypto"`. The peer test below repeats that check.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from mbv_cli.core.rules.node_builtin_without_nodejs_compat import (
    BARE_OK,
    BARE_UNKNOWN,
    BY_DATE,
    nodejs_compat_facts,
)
from mbv_cli.core.wrangler.wrangler_version import project_wrangler_version
from tests.support.peers import peer_env, require_peer


def worker(root: Path, date: str, specifier: str, flags: list[str] | None = None, wrangler: str | None = None) -> Path:
    (root / ".git").mkdir(parents=True, exist_ok=True)
    (root / "src").mkdir(exist_ok=True)
    config = f'name = "n"\nmain = "src/index.ts"\ncompatibility_date = "{date}"\n'
    if flags is not None:
        config += f"compatibility_flags = {json.dumps(flags)}\n"
    (root / "wrangler.toml").write_text(config)
    (root / "src" / "index.ts").write_text(
        f'import {{ createHash }} from "{specifier}";\n'
        'export default { fetch() { return new Response(createHash("sha256").update("x").digest("hex")); } };\n')
    if wrangler is not None:
        (root / "package.json").write_text(json.dumps({"devDependencies": {"wrangler": wrangler}}))
    return root


def mbv106(run_mbv, root: Path) -> list[tuple[str, int]]:
    result = run_mbv("doctor", str(root), "--format", "json", "--no-cache")
    return [(f["severity"], f["line"]) for f in json.loads(result.stdout)["findings"] if f["code"] == "MBV106"]


@pytest.mark.parametrize(
    ("date", "specifier", "flags", "wrangler", "expected"),
    [
        ("2026-06-01", "node:crypto", None, "^4.86.0", [("error", 1)]),  # before the date: the flag is needed
        ("2026-10-01", "node:crypto", None, "^4.86.0", []),  # the date enables it; wrangler 4.86 leaves it external
        ("2026-10-01", "crypto", None, "^4.86.0", [("error", 1)]),  # wrangler 4.86 cannot bundle a bare built-in
        ("2026-10-01", "crypto", None, "^4.130.0", []),  # 4.122 and later resolve the flags from the date
        ("2026-10-01", "crypto", None, None, [("warning", 1)]),  # which wrangler: unknown
        ("2026-10-01", "node:crypto", ["no_nodejs_compat"], "^4.86.0", [("error", 1)]),  # opted out
        ("2026-10-01", "crypto", ["nodejs_compat"], "^4.86.0", []),
    ],
)
def test_mbv106_follows_the_date_and_the_projects_wrangler(run_mbv, tmp_path: Path, date: str, specifier: str,
                                                          flags: list[str] | None, wrangler: str | None,
                                                          expected: list[tuple[str, int]]) -> None:
    assert mbv106(run_mbv, worker(tmp_path, date, specifier, flags, wrangler)) == expected


def test_the_installed_wrangler_wins_over_the_range(tmp_path: Path) -> None:
    root = worker(tmp_path, "2026-10-01", "crypto", wrangler="^4.40.0")
    assert project_wrangler_version(root) == (4, 40, 0)
    installed = tmp_path / "sub" / "node_modules" / "wrangler"
    installed.mkdir(parents=True)
    (installed / "package.json").write_text(json.dumps({"version": "4.150.2"}))
    (tmp_path / "sub" / "package.json").write_text(json.dumps({"devDependencies": {"wrangler": "^4.40.0"}}))
    assert project_wrangler_version(tmp_path / "sub") == (4, 150, 2)
    assert nodejs_compat_facts("2026-10-01", [], (4, 150, 2)) == {BY_DATE, BARE_OK}
    assert nodejs_compat_facts("2026-10-01", [], None) == {BY_DATE, BARE_UNKNOWN}
    assert nodejs_compat_facts("2026-08-03", [], None) == set()


@pytest.mark.parametrize(("specifier", "builds"), [("node:crypto", True), ("crypto", False)])
def test_the_pinned_wrangler_agrees(tmp_path: Path, specifier: str, builds: bool) -> None:
    wrangler = require_peer("wrangler")
    root = worker(tmp_path, "2026-10-01", specifier, wrangler="4.86.0")
    proc = subprocess.run([str(wrangler), "deploy", "--dry-run", "--outdir", str(tmp_path / "out")], cwd=root,
                          capture_output=True, text=True, timeout=180, env=peer_env(tmp_path / "home"))
    assert (proc.returncode == 0) is builds, proc.stdout + proc.stderr
