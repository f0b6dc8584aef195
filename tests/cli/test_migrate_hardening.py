"""Issue 17: `migrate create` refuses names that status/verify would then reject (a line break
or control character splits the file's mbv.sum line)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "db" / "worker"


@pytest.fixture
def worker(tmp_path: Path) -> Path:
    target = tmp_path / "worker"
    shutil.copytree(FIXTURE, target)
    return target


@pytest.mark.parametrize("name", ["a\nb", "a\rb", "a\tb", "a\x1b[2Jb", "a\u2028b", "a\x85b", "a\x0bb"])
def test_create_refuses_control_characters(run_mbv, worker: Path, name: str) -> None:
    before = sorted(p.name for p in (worker / "migrations").iterdir())
    sums = [p.read_bytes() for p in (worker / "migrations").glob("mbv.sum")]
    result = run_mbv("migrate", "create", "DB", name, cwd=worker)
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "control character or line break" in lines[0]
    assert "\x1b" not in result.stderr
    assert sorted(p.name for p in (worker / "migrations").iterdir()) == before
    assert [p.read_bytes() for p in (worker / "migrations").glob("mbv.sum")] == sums


def test_a_plain_name_still_works_and_status_accepts_it(run_mbv, worker: Path) -> None:
    result = run_mbv("migrate", "create", "DB", "add users-table", cwd=worker)
    assert result.exit_code == 0, result.stderr
    assert (worker / "migrations" / "0003_add_users-table.sql").is_file()
    assert run_mbv("migrate", "status", "DB", cwd=worker).exit_code in (0, 1)
    assert run_mbv("migrate", "verify", "DB", cwd=worker).exit_code in (0, 1)
