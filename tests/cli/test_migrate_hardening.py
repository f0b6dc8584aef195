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


# -- doctor on a fresh clone: migrations dir, no local database -> every migration pending ------------

def test_doctor_on_a_fresh_clone_says_every_migration_is_pending(run_mbv, worker: Path) -> None:
    import json

    status = json.loads(run_mbv("migrate", "status", "DB", "-f", "json", cwd=worker).stdout)
    pending = [m["name"] for m in status["migrations"] if m["state"] == "pending"]
    assert len(pending) == 2
    text = run_mbv("doctor", cwd=worker)
    line = next(line for line in text.stdout.splitlines() if "migrations:" in line)
    assert "skipped" not in line and "every migration is pending" in line and f"DB {len(pending)}" in line
    data = json.loads(run_mbv("doctor", "-f", "json", cwd=worker).stdout)
    area = next(a for a in data["areas"] if a["name"] == "migrations")
    assert area["status"] == "ok" and f"DB {len(pending)}" in area["note"]
    assert not any(f["code"] == "MBV301" for f in data["findings"])  # a CI checkout is always a fresh clone
    assert not (worker / ".wrangler").exists()  # nothing was created to find it out
    # once applied, the note goes and the area is checked as usual
    assert run_mbv("migrate", "apply", "DB", cwd=worker).exit_code == 0
    after = json.loads(run_mbv("doctor", "-f", "json", cwd=worker).stdout)
    area = next(a for a in after["areas"] if a["name"] == "migrations")
    assert area["status"] == "ok"
    assert "DB 2" not in area["note"] and "PREVIEWED 2" in area["note"]  # the other bindings have none yet
