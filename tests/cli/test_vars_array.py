"""Issue 17: `vars = ["a", "b"]` passes wrangler 4.86's validation (`typeof value === "object"`) and
`wrangler types` binds the items as vars "0" and "1": mbv lists the same and warns."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from tests.support.dts import env_members
from tests.support.peers import peer_env, require_peer

CONFIG = 'name = "w"\nmain = "src/index.ts"\ncompatibility_date = "2025-06-01"\nvars = ["a", "b"]\n'


def _worker(root: Path) -> Path:
    (root / "src").mkdir(parents=True)
    (root / "wrangler.toml").write_text(CONFIG, encoding="utf-8")
    (root / "src" / "index.ts").write_text("export default {}\n", encoding="utf-8")
    return root


def test_vars_array_is_listed_by_index_and_warned(run_mbv, tmp_path: Path) -> None:
    root = _worker(tmp_path / "w")
    result = run_mbv("bindings", "list", "-f", "json", cwd=root)
    assert result.exit_code == 0, result.stderr
    bindings = json.loads(result.stdout)["workers"][0]["bindings"]
    assert [(b["name"], b["kind"], b["type"]) for b in bindings] == [("0", "var", '"a"'), ("1", "var", '"b"')]
    warning = [line for line in result.stderr.splitlines() if '"vars" is an array' in line]
    assert len(warning) == 1 and warning[0].startswith("mbv: warning: wrangler.toml")


@pytest.mark.wrangler
def test_wrangler_types_binds_the_same(run_mbv, tmp_path: Path) -> None:
    wrangler = require_peer("wrangler")
    root = _worker(tmp_path / "w")
    proc = subprocess.run([str(wrangler), "types", "--include-runtime=false", "--path", "t.d.ts"], cwd=root,
                          env=peer_env(tmp_path / "home"), capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    members = env_members((root / "t.d.ts").read_text(encoding="utf-8"))
    listed = json.loads(run_mbv("bindings", "list", "-f", "json", cwd=root).stdout)["workers"][0]["bindings"]
    assert set(members) == {b["name"] for b in listed}
