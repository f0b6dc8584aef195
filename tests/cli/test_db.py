"""`mbv db` through the CLI: targets from a wrangler config, migrations, --remote against a local API."""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path

import pytest

from mbv_cli.core.d1_target import resolve_d1_target
from tests.support.cf_api import TOKEN, serve_fake_cloudflare

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "db" / "worker"
DB_ID = "00000000-0000-0000-0000-000000000001"


@pytest.fixture
def worker(tmp_path: Path) -> Path:
    target = tmp_path / "worker"
    shutil.copytree(FIXTURE, target)
    return target


def seed_local(worker: Path, binding: str = "DB", applied: tuple[str, ...] = ("0001_init.sql",)) -> Path:
    """Write the local D1 file where wrangler would (its path computed independently of mbv's CLI)."""
    path = resolve_d1_target(binding, path=worker).path
    assert path is not None
    path.parent.mkdir(parents=True, exist_ok=True)
    db = sqlite3.connect(path)
    db.executescript((worker / "migrations" / "0001_init.sql").read_text())
    db.execute("CREATE TABLE d1_migrations(id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT UNIQUE, "
               "applied_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP NOT NULL)")
    db.executemany("INSERT INTO d1_migrations(name) VALUES (?)", [(a,) for a in applied])
    db.commit()
    db.close()
    return path


def test_target_matching_no_binding_lists_bindings(worker: Path, run_mbv) -> None:
    for command in ("locate", "health", "locks"):
        out = run_mbv("db", command, "NOPE", str(worker))
        assert out.exit_code == 2 and out.stdout == ""
        line = out.stderr.strip()
        assert len(line.splitlines()) == 1
        assert "no D1 database named 'NOPE'" in line
        for name in ("DB (main-db)", "PREVIEWED (previewed-db)", "NOID (noid-db)"):
            assert name in line


def test_locate_by_binding_and_database_name(worker: Path, run_mbv) -> None:
    expected = seed_local(worker)
    for name in ("DB", "main-db"):
        out = run_mbv("db", "locate", name, str(worker), "--format", "json")
        data = json.loads(out.stdout)
        assert out.exit_code == 0
        assert data["schema"] == "mbv.db.locate/1" and data["path"] == str(expected) and data["exists"] is True
        assert data["hashed_from"] == "database_id" and data["hashed_value"] == DB_ID
    assert expected.name == "a36f84ea60804f30bb0c7f7cad9f5336a6cca0165abdab8b9241d93dbf0b6006.sqlite"


def test_locate_missing_says_how_to_create(worker: Path, run_mbv) -> None:
    out = run_mbv("db", "locate", "NOID", str(worker))
    assert out.exit_code == 1
    assert "exists   no" in out.stdout
    assert "wrangler d1 migrations apply noid-db --local" in out.stdout
    assert not (worker / ".wrangler").exists()
    path_only = run_mbv("db", "locate", "PREVIEWED", str(worker), "--format", "path")
    assert path_only.exit_code == 1
    assert path_only.stdout.strip().startswith(str(worker / ".wrangler/state/v3/d1/miniflare-D1DatabaseObject/b7c63e09"))


def test_health_missing_local_file_creates_nothing(worker: Path, run_mbv) -> None:
    out = run_mbv("db", "health", "DB", str(worker))
    assert out.exit_code == 2 and "no local database for DB yet" in out.stderr
    assert "wrangler d1 migrations apply main-db --local" in out.stderr
    locks = run_mbv("db", "locks", "DB", str(worker))
    assert locks.exit_code == 2 and "no local database for DB yet" in locks.stderr
    assert not (worker / ".wrangler").exists()


def test_health_pending_and_orphaned_migrations(worker: Path, run_mbv) -> None:
    seed_local(worker, applied=("0001_init.sql", "0000_gone.sql"))
    out = run_mbv("db", "health", "DB", str(worker), "--format", "json")
    data = json.loads(out.stdout)
    by_code = {f["code"]: f for f in data["findings"]}
    assert set(by_code) == {"MBV301", "MBV307", "MBV310"}
    assert "0002_seed.sql" in by_code["MBV301"]["message"]
    assert by_code["MBV301"]["hint"] == "wrangler d1 migrations apply main-db --local"
    assert by_code["MBV301"]["file"].endswith("migrations/0002_seed.sql")
    assert "0000_gone.sql" in by_code["MBV310"]["message"]
    assert by_code["MBV301"]["binding"] == "DB" and by_code["MBV301"]["worker"] == "mbv-db-fixture"
    assert out.exit_code == 0  # warnings only; --fail-on warning makes it 1
    assert run_mbv("db", "health", "DB", str(worker), "--fail-on", "warning").exit_code == 1


def test_custom_migrations_table_and_dir(tmp_path: Path, run_mbv) -> None:
    (tmp_path / "db" / "migrations").mkdir(parents=True)
    (tmp_path / "db" / "migrations" / "0001_a.sql").write_text("CREATE TABLE a(id INTEGER PRIMARY KEY);")
    (tmp_path / "db" / "migrations" / "notes.SQL").write_text("-- not a migration (case-sensitive)")
    (tmp_path / "wrangler.toml").write_text(
        'name = "w"\nmain = "src/index.js"\ncompatibility_date = "2025-01-01"\n'
        '[[d1_databases]]\nbinding = "DB"\ndatabase_name = "x"\ndatabase_id = "abc"\n'
        'migrations_dir = "db/migrations"\nmigrations_table = "schema_migrations"\n')
    path = resolve_d1_target("DB", path=tmp_path).path
    assert path is not None
    path.parent.mkdir(parents=True)
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE schema_migrations(id INTEGER PRIMARY KEY, name TEXT)")
        db.execute("INSERT INTO schema_migrations(name) VALUES ('0001_a.sql')")
        db.execute("CREATE TABLE a(id INTEGER PRIMARY KEY)")
    data = json.loads(run_mbv("db", "health", "DB", str(tmp_path), "--format", "json").stdout)
    detail = {c["name"]: c["detail"] for c in data["checks"]}["migrations"]
    assert detail.startswith("1 applied, 0 pending, 0 recorded without a file")
    assert data["findings"] == []


def test_unknown_format_is_usage_error(tmp_path: Path, run_mbv) -> None:
    db = tmp_path / "x.sqlite"
    sqlite3.connect(db).close()
    out = run_mbv("db", "locks", str(db), "--format", "xml")
    assert out.exit_code == 2 and "unknown --format 'xml'" in out.stderr


# --- remote --------------------------------------------------------------------------------------

def _remote_db(fake, sql: str) -> None:
    with sqlite3.connect(fake.d1_file(DB_ID)) as db:
        db.executescript(sql)


def test_remote_health_refused_pragmas_are_not_failures(worker: Path, tmp_path: Path, run_mbv) -> None:
    with serve_fake_cloudflare(tmp_path / "cf") as fake:
        _remote_db(fake, (worker / "migrations" / "0001_init.sql").read_text()
                   + "CREATE INDEX posts_author ON posts(author_id);"
                   + "CREATE TABLE d1_migrations(id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT UNIQUE);"
                   + "INSERT INTO d1_migrations(name) VALUES ('0001_init.sql');"
                   + "INSERT INTO posts(author_id, title) VALUES (42, 'orphan');")
        out = run_mbv("db", "health", "DB", str(worker), "--remote", "--full", "--stats", "--format", "json",
                      env=fake.env())
        data = json.loads(out.stdout)
        status = {c["name"]: (c["status"], c["detail"]) for c in data["checks"]}
        assert status["integrity"] == ("skipped", "not available remotely")  # integrity_check refused
        assert status["journal"] == ("skipped", "not available remotely")
        assert status["foreign_key_check"][0] == "fail"
        assert status["migrations"][1].startswith("1 applied, 1 pending")
        assert sorted(f["code"] for f in data["findings"]) == ["MBV301", "MBV306"]
        assert data["findings"][0]["hint"].endswith("--remote") or data["findings"][1]["hint"].endswith("--remote")
        assert {s["table"]: s["rows"] for s in data["stats"]}["posts"] == 1
        assert data["target"]["mode"] == "remote" and data["target"]["path"] is None
        assert out.exit_code == 1
        assert all(r["path"].endswith(f"/d1/database/{DB_ID}/query") for r in fake.requests)
        quick = run_mbv("db", "health", "DB", str(worker), "--remote", "--format", "json", env=fake.env())
        assert {c["name"]: c["status"] for c in json.loads(quick.stdout)["checks"]}["integrity"] == "ok"


def test_remote_api_error_is_one_line_without_token(worker: Path, tmp_path: Path, run_mbv) -> None:
    with serve_fake_cloudflare(tmp_path / "cf") as fake:
        env = dict(fake.env(), CLOUDFLARE_API_TOKEN="wrong-token-value")
        out = run_mbv("db", "health", "DB", str(worker), "--remote", env=env)
        assert out.exit_code == 2 and out.stdout == ""
        assert "Authentication error" in out.stderr and len(out.stderr.strip().splitlines()) == 1
        assert "wrong-token-value" not in out.stderr and TOKEN not in out.stderr


def test_remote_needs_credentials_and_an_id(worker: Path, run_mbv, monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("CLOUDFLARE_API_TOKEN", "CLOUDFLARE_ACCOUNT_ID"):
        monkeypatch.delenv(name, raising=False)
    out = run_mbv("db", "health", "DB", str(worker), "--remote")
    assert out.exit_code == 2 and "CLOUDFLARE_API_TOKEN" in out.stderr
    out = run_mbv("db", "health", "NOID", str(worker), "--remote", env={"CLOUDFLARE_API_TOKEN": "t",
                                                                        "CLOUDFLARE_ACCOUNT_ID": "a"})
    assert out.exit_code == 2 and "has no database_id" in out.stderr


def test_doctor_area_checks_existing_local_files_only(worker: Path) -> None:
    from mbv_cli.core.db import doctor_findings
    from mbv_cli.core.wrangler.workspace import load_workspace, resolve_workers

    workers = resolve_workers(load_workspace(worker, None), None, False)
    assert doctor_findings(workers) == []  # no local state yet: nothing to check, nothing created
    assert not (worker / ".wrangler").exists()
    path = seed_local(worker, applied=("0001_init.sql",))  # 0002 pending: the migrations area's business
    with sqlite3.connect(path) as db:
        db.execute("INSERT INTO posts(author_id, title) VALUES (7, 'orphan')")
    found = doctor_findings(workers)
    assert sorted(f.code for f in found) == ["MBV306", "MBV307"]
    assert all(f.binding == "DB" and f.worker == "mbv-db-fixture" for f in found)
    path.write_bytes(b"not a database at all")
    found = doctor_findings(workers)
    assert [f.code for f in found] == ["MBV303"] and "cannot be read" in found[0].message


def test_locate_in_an_environment(tmp_path: Path, run_mbv) -> None:
    fixture = Path(__file__).resolve().parents[1] / "fixtures" / "configs" / "kv-d1-r2-toml"
    shutil.copytree(fixture, tmp_path / "w")
    out = run_mbv("db", "locate", "storage-db-staging", str(tmp_path / "w"), "--env", "staging", "--format", "json")
    data = json.loads(out.stdout)
    assert out.exit_code == 1 and data["exists"] is False
    assert data["hashed_value"] == "0c9b8a7d-6e5f-4a3b-9c2d-1e0f9a8b7c6d" and data["target"]["env"] == "staging"
    assert "--env staging" in data["create_command"]
    wrong = run_mbv("db", "locate", "storage-db", str(tmp_path / "w"), "--env", "staging")
    assert wrong.exit_code == 2 and "DB (storage-db-staging)" in wrong.stderr  # not inherited from the top level
