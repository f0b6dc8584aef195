"""SARIF `versionControlProvenance`: the repository URI is always an absolute URI (SARIF1005), also for
a clone of a local path, as CI's clean clone is."""

from __future__ import annotations

import subprocess
from pathlib import Path

from mbv_cli.core.repo import _public_url, provenance


def test_remote_urls_become_absolute_uris(tmp_path: Path) -> None:
    assert _public_url("git@github.com:o/r.git") == "https://github.com/o/r"
    assert _public_url("https://user:token@github.com/o/r.git") == "https://github.com/o/r"  # no credentials
    assert _public_url("/srv/repo", tmp_path) == "file:///srv/repo"
    assert _public_url("../origin", tmp_path / "clone") == (tmp_path / "origin").as_uri()


def test_a_clone_of_a_local_path(tmp_path: Path) -> None:
    origin = tmp_path / "origin"
    origin.mkdir()
    git = ["git", "-c", "user.email=t@e", "-c", "user.name=t"]
    subprocess.run([*git, "init", "-q", str(origin)], check=True)
    (origin / "a").write_text("x")
    subprocess.run([*git, "-C", str(origin), "add", "a"], check=True)
    subprocess.run([*git, "-C", str(origin), "commit", "-qm", "a"], check=True)
    subprocess.run(["git", "clone", "-q", str(origin), str(tmp_path / "clone")], check=True)
    found = provenance(tmp_path / "clone")
    assert found is not None and found["repositoryUri"] == origin.as_uri()
