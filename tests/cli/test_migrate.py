"""`mbv migrate` end to end: real SQLite files, the real pinned wrangler, a local D1 API server."""

from __future__ import annotations

import json
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from mbv_cli.core.migrations.ledger import insert_suffix
from mbv_cli.core.wrangler.state import local_d1_path
from tests.conftest import CliResult
from tests.support.cf_api import serve_fake_cloudflare
from tests.support.peers import peer_env, require_peer
from tests.support.wal import assert_wal_without_sidecars, snapshot

DB_ID = "00000000-0000-0000-0000-000000000001"
RunMbv = Callable[..., CliResult]


def make_worker(root: Path, migrations: dict[str, str], *, migrations_dir: str | None = None) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    extra = f'migrations_dir = "{migrations_dir}"\n' if migrations_dir else ""
    (root / "wrangler.toml").write_text(
        'name = "app"\nmain = "src/index.ts"\ncompatibility_date = "2025-01-01"\n\n'
        f'[[d1_databases]]\nbinding = "DB"\ndatabase_name = "appdb"\ndatabase_id = "{DB_ID}"\n{extra}')
    (root / "src").mkdir(exist_ok=True)
    (root / "src" / "index.ts").write_text("export default { fetch() { return new Response('ok'); } };\n")
    directory = root / (migrations_dir or "migrations")
    directory.mkdir(parents=True, exist_ok=True)
    for name, text in migrations.items():
        (directory / name).write_text(text)
    return root


def db_path(worker: Path) -> Path:
    return local_d1_path(worker / ".wrangler" / "state", {"binding": "DB", "database_id": DB_ID})


def ledger(path: Path) -> list[tuple[int, str]]:
    with sqlite3.connect(path) as conn:
        return [(r[0], r[1]) for r in conn.execute("SELECT id, name FROM d1_migrations ORDER BY id")]


def user_schema(path: Path) -> list[tuple[str, str, str]]:
    with sqlite3.connect(path) as conn:
        rows = conn.execute("SELECT type, name, sql FROM sqlite_master WHERE sql IS NOT NULL "
                            "AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '_cf_%' ORDER BY type, name")
        return [(r[0], r[1], r[2]) for r in rows]


def wrangler(worker: Path, *args: str, home: Path) -> subprocess.CompletedProcess[str]:
    """Run the real wrangler; a run that hangs (workerd under a loaded machine) is killed with its
    children and tried once more: each migration is atomic, so a retry resumes where it stopped."""
    binary = require_peer("wrangler")
    env = peer_env(home)
    env["WRANGLER_LOG"] = "log"  # `migrations list` prints its verdict at log level
    for attempt in range(2):
        proc = subprocess.Popen([str(binary), *args], cwd=worker, env=env, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True, start_new_session=True)
        try:
            out, err = proc.communicate(timeout=90)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.communicate()
            if attempt == 0:
                continue
            raise
        return subprocess.CompletedProcess(proc.args, proc.returncode, out, err)
    raise AssertionError("unreachable")


def mbv_process(args: list[str], cwd: Path, env: dict[str, str]) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-m", "mbv_cli", *args], cwd=cwd, env=env, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)


M1 = "CREATE TABLE users(id INTEGER PRIMARY KEY, email TEXT NOT NULL);\n"
M2 = "CREATE INDEX users_email ON users(email);\nINSERT INTO users(email) VALUES ('a@example.com');\n"
M3 = "-- posts\nCREATE TABLE posts(id INTEGER PRIMARY KEY, user_id INTEGER REFERENCES users(id), body TEXT);\n"


# ---------------------------------------------------------------- interop with the real wrangler


@pytest.mark.wrangler
def test_wrangler_applies_first_then_mbv_continues(tmp_path: Path, run_mbv: RunMbv) -> None:
    worker = make_worker(tmp_path / "w", {"0001_users.sql": M1, "0002_email.sql": M2})
    done = wrangler(worker, "d1", "migrations", "apply", "DB", "--local", home=tmp_path / "home")
    assert done.returncode == 0, done.stdout + done.stderr
    (worker / "migrations" / "0003_posts.sql").write_text(M3)

    status = run_mbv("migrate", "status", "DB", "--format", "json", cwd=worker)
    assert status.exit_code == 0, status.stderr
    states = {m["name"]: m["state"] for m in json.loads(status.stdout)["migrations"]}
    assert states == {"0001_users.sql": "applied", "0002_email.sql": "applied", "0003_posts.sql": "pending"}

    applied = run_mbv("migrate", "apply", "DB", "--format", "json", cwd=worker)
    assert applied.exit_code == 0, applied.stderr
    doc = json.loads(applied.stdout)
    assert [(m["name"], m["status"]) for m in doc["migrations"]] == [("0003_posts.sql", "applied")]
    assert doc["backup"] and Path(worker / doc["backup"]).exists()
    assert [n for _, n in ledger(db_path(worker))] == ["0001_users.sql", "0002_email.sql", "0003_posts.sql"]

    listed = wrangler(worker, "d1", "migrations", "list", "DB", "--local", home=tmp_path / "home")
    assert listed.returncode == 0 and "No migrations to apply" in listed.stdout, listed.stdout
    verify = run_mbv("migrate", "verify", "DB", "--format", "json", cwd=worker)
    assert verify.exit_code == 0 and json.loads(verify.stdout)["findings"] == [], verify.stdout


@pytest.mark.wrangler
def test_mbv_applies_first_then_wrangler_sees_everything(tmp_path: Path, run_mbv: RunMbv) -> None:
    worker = make_worker(tmp_path / "w", {"0001_users.sql": M1, "0002_email.sql": M2, "0003_posts.sql": M3})
    result = run_mbv("migrate", "apply", "DB", cwd=worker)
    assert result.exit_code == 0, result.stderr
    home = tmp_path / "home"
    listed = wrangler(worker, "d1", "migrations", "list", "DB", "--local", home=home)
    assert listed.returncode == 0 and "No migrations to apply" in listed.stdout, listed.stdout + listed.stderr
    query = wrangler(worker, "d1", "execute", "DB", "--local", "--json", "--command",
                     "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name", home=home)
    assert query.returncode == 0, query.stderr
    tables = {row["name"] for row in json.loads(query.stdout)[0]["results"]}
    assert {"users", "posts", "d1_migrations"} <= tables
    emails = wrangler(worker, "d1", "execute", "DB", "--local", "--json", "--command", "SELECT email FROM users",
                      home=home)
    assert json.loads(emails.stdout)[0]["results"] == [{"email": "a@example.com"}]


FAILING_SETS = {
    "syntax-error": {"0002_bad.sql": "CREATE TABLE half(x);\nINSERT INTO users(email) VALUES ('b');\nCREAT TABLE nope(x);\n"},
    "foreign-key": {"0002_fk.sql": "CREATE TABLE half(x);\nINSERT INTO posts_fk VALUES (1, 99);\n"},
    "missing-semicolon": {"0002_nosemi.sql": "CREATE TABLE half(x);\nCREATE TABLE last(y)"},
    "transaction": {"0002_txn.sql": "SAVEPOINT a;\nCREATE TABLE half(x);\nRELEASE a;\n"},
    "pragma": {"0002_pragma.sql": "CREATE TABLE half(x);\nPRAGMA journal_mode = DELETE;\n"},
    "function": {"0002_function.sql": "CREATE TABLE half(x);\nINSERT INTO half VALUES (sqlite_version());\n"},
}


@pytest.mark.wrangler
@pytest.mark.parametrize("case", sorted(FAILING_SETS))
def test_failing_migration_leaves_what_wrangler_leaves(tmp_path: Path, run_mbv: RunMbv, case: str) -> None:
    files = {"0001_base.sql": M1 + "CREATE TABLE parent(id INTEGER PRIMARY KEY);\n"
             "CREATE TABLE posts_fk(id INTEGER PRIMARY KEY, p INTEGER REFERENCES parent(id));\n",
             **FAILING_SETS[case], "0003_after.sql": "CREATE TABLE after(z);\n"}
    by_wrangler = make_worker(tmp_path / "wrangler", files)
    by_mbv = make_worker(tmp_path / "mbv", files)
    done = wrangler(by_wrangler, "d1", "migrations", "apply", "DB", "--local", home=tmp_path / "home")
    assert done.returncode != 0
    result = run_mbv("migrate", "apply", "DB", "--format", "json", cwd=by_mbv)
    assert result.exit_code == 1
    failed = [m for m in json.loads(result.stdout)["migrations"] if m["status"] == "failed"]
    assert failed and failed[0]["name"].startswith("0002_") and failed[0]["line"]
    assert ledger(db_path(by_mbv)) == ledger(db_path(by_wrangler))
    assert user_schema(db_path(by_mbv)) == user_schema(db_path(by_wrangler))
    with sqlite3.connect(db_path(by_mbv)) as a, sqlite3.connect(db_path(by_wrangler)) as b:
        assert a.execute("SELECT * FROM users").fetchall() == b.execute("SELECT * FROM users").fetchall()


# ---------------------------------------------------------------- crash safety, concurrency, lock


LONG = ("CREATE TABLE big(id INTEGER PRIMARY KEY, v TEXT);\n"
        "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 150000)\n"
        "  INSERT INTO big(v) SELECT printf('%08d-row', x) FROM c;\n"
        "CREATE INDEX big_v ON big(v);\n"
        "UPDATE big SET v = v || '!';\n"
        "CREATE TABLE marker(done INTEGER);\n")


def test_sigkill_during_a_long_migration_never_leaves_it_half_applied(
        tmp_path: Path, subprocess_env: dict[str, str], run_mbv: RunMbv) -> None:
    worker = make_worker(tmp_path / "w", {"0001_users.sql": M1, "0002_long.sql": LONG})
    assert run_mbv("migrate", "apply", "DB", "--to", "0001", cwd=worker).exit_code == 0
    path = db_path(worker)
    template = tmp_path / "template"
    template.mkdir()
    for f in path.parent.iterdir():
        shutil.copy2(f, template / f.name)
    rng = random.Random(1234)
    outcomes = []
    for _ in range(10):
        for f in path.parent.iterdir():
            f.unlink()
        for f in template.iterdir():
            shutil.copy2(f, path.parent / f.name)
        proc = mbv_process(["migrate", "apply", "DB", "--no-backup"], worker, subprocess_env)
        assert proc.stderr is not None
        line = proc.stderr.readline()
        while line and "applying 0002_long.sql" not in line:
            line = proc.stderr.readline()
        assert line, "mbv never started the long migration"
        time.sleep(rng.uniform(0.0, 0.35))
        proc.send_signal(signal.SIGKILL)
        proc.communicate(timeout=30)
        with sqlite3.connect(path) as conn:
            assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
            names = [r[0] for r in conn.execute("SELECT name FROM d1_migrations ORDER BY id")]
            tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
            if names == ["0001_users.sql"]:
                assert not {"big", "marker"} & tables
                outcomes.append("before")
            else:
                assert names == ["0001_users.sql", "0002_long.sql"]
                assert {"big", "marker"} <= tables
                assert conn.execute("SELECT count(*) FROM big WHERE v LIKE '%!'").fetchone()[0] == 150000
                outcomes.append("after")
    assert "before" in outcomes  # the kills did land inside the migration


@pytest.mark.parametrize("runs", [2, 3])
def test_two_concurrent_applies_apply_each_migration_once(tmp_path: Path, subprocess_env: dict[str, str],
                                                          runs: int) -> None:
    """Each run waits for the write lock (never "database is locked" while creating the fresh file)."""
    files = {"0001_log.sql": "CREATE TABLE log(name TEXT);\n"}
    for i in range(2, 31):
        files[f"{i:04d}_step.sql"] = (
            f"CREATE TABLE t{i}(x);\n"
            "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 20000)\n"
            f"  INSERT INTO t{i} SELECT x FROM c;\n"
            f"INSERT INTO log VALUES ('{i:04d}');\n")
    worker = make_worker(tmp_path / "w", files)
    procs = [mbv_process(["migrate", "apply", "DB", "--format", "json", "--no-backup"], worker, subprocess_env)
             for _ in range(runs)]
    results = [p.communicate(timeout=120) for p in procs]
    assert [p.returncode for p in procs] == [0] * runs, results
    with sqlite3.connect(db_path(worker)) as conn:
        logged = [r[0] for r in conn.execute("SELECT name FROM log ORDER BY name")]
        names = [r[0] for r in conn.execute("SELECT name FROM d1_migrations")]
    assert logged == [f"{i:04d}" for i in range(2, 31)]
    assert sorted(names) == sorted(files) and len(names) == len(set(names))
    statuses = [m["status"] for out, _ in results for m in json.loads(out)["migrations"]]
    assert statuses.count("applied") == len(files)


def test_a_held_write_lock_makes_apply_wait_then_exit_1(tmp_path: Path, run_mbv: RunMbv) -> None:
    worker = make_worker(tmp_path / "w", {"0001_users.sql": M1})
    path = db_path(worker)
    path.parent.mkdir(parents=True)
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("CREATE TABLE other(x)")
    holder.execute("BEGIN IMMEDIATE")
    started = time.monotonic()
    result = run_mbv("migrate", "apply", "DB", "--lock-timeout", "0.5", "--no-backup", cwd=worker)
    waited = time.monotonic() - started
    assert result.exit_code == 1
    assert "locked by another process" in result.stderr and "--lock-timeout" in result.stderr
    assert 0.4 <= waited < 10
    holder.execute("ROLLBACK")
    holder.close()
    assert run_mbv("migrate", "apply", "DB", "--no-backup", cwd=worker).exit_code == 0
    assert [n for _, n in ledger(path)] == ["0001_users.sql"]


# ---------------------------------------------------------------- remote through the D1 API


def remote_worker(tmp_path: Path, files: dict[str, str]) -> Path:
    return make_worker(tmp_path / "w", files)


def test_remote_apply_sends_one_request_per_migration_as_wrangler_does(tmp_path: Path, run_mbv: RunMbv) -> None:
    worker = remote_worker(tmp_path, {"0001_users.sql": M1, "0002_email.sql": M2})
    with serve_fake_cloudflare(tmp_path / "cf") as fake:
        result = run_mbv("migrate", "apply", "DB", "--remote", "--format", "json", env=fake.env(), cwd=worker)
        assert result.exit_code == 0, result.stderr
        bodies = [json.loads(r["body"])["sql"] for r in fake.requests if r["method"] == "POST"]
        for name, text in (("0001_users.sql", M1), ("0002_email.sql", M2)):
            assert bodies.count(text + insert_suffix("d1_migrations", name)) == 1
        remote_db = fake.d1_file(DB_ID)
        assert [n for _, n in ledger(remote_db)] == ["0001_users.sql", "0002_email.sql"]
        assert not db_path(worker).exists()  # nothing local was touched

        (worker / "migrations" / "0003_posts.sql").write_text(M3)
        status = run_mbv("migrate", "status", "DB", "--remote", "--format", "json", env=fake.env(), cwd=worker)
        assert [m["state"] for m in json.loads(status.stdout)["migrations"]] == ["applied", "applied", "pending"]
        verify = run_mbv("migrate", "verify", "DB", "--remote", env=fake.env(), cwd=worker)
        assert verify.exit_code == 0, verify.stdout  # pending is a warning, not drift

        with sqlite3.connect(remote_db) as conn:
            conn.execute("ALTER TABLE users ADD COLUMN avatar_url TEXT")
        drift = run_mbv("migrate", "verify", "DB", "--remote", "--format", "json", env=fake.env(), cwd=worker)
        assert drift.exit_code == 1
        messages = [f["message"] for f in json.loads(drift.stdout)["findings"]]
        assert "table users has column avatar_url that no migration creates" in messages


def test_remote_failure_and_warnings(tmp_path: Path, run_mbv: RunMbv) -> None:
    worker = remote_worker(tmp_path, {
        "0001_users.sql": "BEGIN TRANSACTION;\n" + M1 + "COMMIT;\n",
        "0002_pragma.sql": "CREATE TABLE half(x);\nPRAGMA journal_mode = WAL;\n",
        "0003_after.sql": M3,
    })
    with serve_fake_cloudflare(tmp_path / "cf") as fake:
        dry = run_mbv("migrate", "apply", "DB", "--remote", "--dry-run", env=fake.env(), cwd=worker)
        assert dry.exit_code == 1
        assert "0001_users.sql:1: BEGIN statement" in dry.stderr
        assert "0002_pragma.sql:2: PRAGMA journal_mode is refused by D1" in dry.stderr
        assert not fake.d1_file(DB_ID).exists() or not user_schema(fake.d1_file(DB_ID))
        fake.requests.clear()
        result = run_mbv("migrate", "apply", "DB", "--remote", "--format", "json", env=fake.env(), cwd=worker)
        assert result.exit_code == 1
        doc = json.loads(result.stdout)
        assert [m["status"] for m in doc["migrations"]] == ["failed", "not_run", "not_run"]
        assert (doc["migrations"][0]["line"], doc["migrations"][0]["name"]) == (1, "0001_users.sql")
        assert ledger(fake.d1_file(DB_ID)) == []


# ---------------------------------------------------------------- status, dry-run, verify, baseline, backups


def test_status_states_and_out_of_order(tmp_path: Path, run_mbv: RunMbv) -> None:
    worker = make_worker(tmp_path / "w", {"0001_users.sql": M1, "0003_posts.sql": M3})
    assert run_mbv("migrate", "apply", "DB", cwd=worker).exit_code == 0
    assert run_mbv("migrate", "hash", "DB", cwd=worker).exit_code == 0
    (worker / "migrations" / "0002_email.sql").write_text(M2)
    (worker / "migrations" / "0003_posts.sql").write_text(M3 + "-- edited\n")
    (worker / "migrations" / "0001_users.sql").rename(worker / "migrations" / "0001_renamed.sql")
    result = run_mbv("migrate", "status", "DB", "--format", "json", cwd=worker)
    doc = json.loads(result.stdout)
    assert doc["schema"] == "mbv.migrate.status/1"
    states = {m["name"]: m["state"] for m in doc["migrations"]}
    assert states == {"0001_users.sql": "missing_file", "0003_posts.sql": "modified",
                      "0001_renamed.sql": "out_of_order", "0002_email.sql": "out_of_order"}
    text = run_mbv("migrate", "status", "DB", cwd=worker)
    assert "missing_file" in text.stdout and "out_of_order" in text.stdout


def test_dry_run_changes_nothing_and_names_the_failing_line(tmp_path: Path, run_mbv: RunMbv) -> None:
    worker = make_worker(tmp_path / "w", {"0001_users.sql": M1,
                                          "0002_bad.sql": "-- two\nCREATE TABLE ok(x);\n\nCREATE TABLE ok(y);\n"})
    assert run_mbv("migrate", "apply", "DB", "--to", "0001_users.sql", cwd=worker).exit_code == 0
    before = db_path(worker).read_bytes()
    result = run_mbv("migrate", "apply", "DB", "--dry-run", "--format", "json", cwd=worker)
    assert result.exit_code == 1
    failed = json.loads(result.stdout)["migrations"][0]
    assert (failed["status"], failed["line"], failed["error"]) == ("failed", 4, "table ok already exists")
    assert db_path(worker).read_bytes() == before
    assert not (worker / ".wrangler" / "mbv-backups").exists() or not list((worker / ".wrangler" / "mbv-backups").iterdir())


def test_verify_checksums_and_schema_drift(tmp_path: Path, run_mbv: RunMbv) -> None:
    worker = make_worker(tmp_path / "w", {"0001_users.sql": M1, "0002_email.sql": M2})
    assert run_mbv("migrate", "apply", "DB", cwd=worker).exit_code == 0
    clean = run_mbv("migrate", "verify", "DB", cwd=worker)
    assert clean.exit_code == 0 and "checksums not checked" in clean.stderr
    assert run_mbv("migrate", "hash", "DB", cwd=worker).exit_code == 0
    assert run_mbv("migrate", "verify", "DB", cwd=worker).exit_code == 0
    (worker / "migrations" / "0002_email.sql").write_text(M2 + "-- edited\n")
    (worker / "migrations" / "0004_new.sql").write_text("CREATE TABLE n(x);\n")
    with sqlite3.connect(db_path(worker)) as conn:
        conn.execute("CREATE TABLE handmade(x)")
        conn.execute("DROP INDEX users_email")
    result = run_mbv("migrate", "verify", "DB", "--format", "json", cwd=worker)
    assert result.exit_code == 1
    messages = {f["message"] for f in json.loads(result.stdout)["findings"]}
    assert {"0002_email.sql changed since mbv.sum was written", "0004_new.sql is not in mbv.sum (the sum is stale)",
            "table handmade exists but no migration creates it",
            "index users_email is missing: a migration creates it"} <= messages


def test_baseline_records_without_running(tmp_path: Path, run_mbv: RunMbv) -> None:
    worker = make_worker(tmp_path / "w", {"0001_users.sql": M1, "0002_email.sql": M2, "0003_posts.sql": M3})
    path = db_path(worker)
    path.parent.mkdir(parents=True)
    with sqlite3.connect(path) as conn:
        conn.executescript(M1 + "CREATE INDEX users_email ON users(email);")
    refused = run_mbv("migrate", "baseline", "DB", "--to", "0002", cwd=worker)
    assert refused.exit_code == 2 and "--yes" in refused.stderr
    assert run_mbv("migrate", "baseline", "DB", "--to", "0002", "--yes", cwd=worker).exit_code == 0
    assert [n for _, n in ledger(path)] == ["0001_users.sql", "0002_email.sql"]
    with sqlite3.connect(path) as conn:
        assert conn.execute("SELECT count(*) FROM users").fetchone()[0] == 0  # 0002's INSERT did not run
    result = run_mbv("migrate", "apply", "DB", "--format", "json", cwd=worker)
    assert [m["name"] for m in json.loads(result.stdout)["migrations"]] == ["0003_posts.sql"]


def test_backups_are_taken_and_only_five_kept(tmp_path: Path, run_mbv: RunMbv) -> None:
    worker = make_worker(tmp_path / "w", {"0001_users.sql": M1})
    assert run_mbv("migrate", "apply", "DB", cwd=worker).exit_code == 0
    for i in range(2, 9):
        (worker / "migrations" / f"{i:04d}_t.sql").write_text(f"CREATE TABLE t{i}(x);\n")
        result = run_mbv("migrate", "apply", "DB", cwd=worker)
        assert result.exit_code == 0 and "backup: .wrangler/mbv-backups/DB-" in result.stderr
    backups = sorted((worker / ".wrangler" / "mbv-backups").iterdir())
    assert len(backups) == 5
    with sqlite3.connect(backups[-1]) as conn:  # the newest is the state before 0008
        assert conn.execute("SELECT max(name) FROM d1_migrations").fetchone()[0] == "0007_t.sql"


def test_create_numbers_files_like_wrangler_and_writes_the_sum(tmp_path: Path, run_mbv: RunMbv) -> None:
    worker = make_worker(tmp_path / "w", {"0009_x.sql": "SELECT 1;\n"})
    result = run_mbv("migrate", "create", "DB", "add users table", cwd=worker)
    assert result.exit_code == 0, result.stderr
    created = worker / "migrations" / "0010_add_users_table.sql"
    assert created.read_text().startswith("-- Migration number: 0010 \t 20")
    assert "0010_add_users_table.sql h1:" in (worker / "migrations" / "mbv.sum").read_text()


# ---------------------------------------------------------------- bad input


def test_missing_directory(tmp_path: Path, run_mbv: RunMbv) -> None:
    worker = make_worker(tmp_path / "w", {}, migrations_dir="db/migrations")
    shutil.rmtree(worker / "db")
    result = run_mbv("migrate", "apply", "DB", cwd=worker)
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1 and "no migrations directory at" in result.stderr
    assert not db_path(worker).exists()


@pytest.mark.parametrize(("name", "content", "expected"), [
    ("0002_empty.sql", b"-- nothing yet\n\n", "0002_empty.sql holds no SQL"),
    ("0002_latin1.sql", b"CREATE TABLE caf\xe9(x);\n", "migrations/0002_latin1.sql:1:17: 0002_latin1.sql is not UTF-8"),
])
def test_bad_files_stop_before_anything_runs(tmp_path: Path, run_mbv: RunMbv, name: str, content: bytes,
                                             expected: str) -> None:
    worker = make_worker(tmp_path / "w", {"0001_users.sql": M1, "0003_posts.sql": M3})
    (worker / "migrations" / name).write_bytes(content)
    result = run_mbv("migrate", "apply", "DB", cwd=worker)
    assert result.exit_code == 2, result.stderr
    assert expected in result.stderr and result.stderr.count("\n") == 1
    assert not db_path(worker).exists()


def test_syntax_error_names_file_and_line(tmp_path: Path, run_mbv: RunMbv) -> None:
    worker = make_worker(tmp_path / "w", {"0001_users.sql": M1,
                                          "0002_bad.sql": "CREATE TABLE a(x);\n\n  CREAT TABLE b(y);\n"})
    result = run_mbv("migrate", "apply", "DB", cwd=worker)
    assert result.exit_code == 1
    assert 'migrations/0002_bad.sql:3:3: near "CREAT": syntax error' in result.stderr
    assert [n for _, n in ledger(db_path(worker))] == ["0001_users.sql"]
    assert "a" not in {t for _, t, _ in user_schema(db_path(worker))}


def test_duplicate_prefixes_are_warned(tmp_path: Path, run_mbv: RunMbv) -> None:
    worker = make_worker(tmp_path / "w", {"0001_users.sql": M1, "0002_b.sql": "CREATE TABLE b(x);\n",
                                          "0002_a.sql": "CREATE TABLE a(x);\n", "10_late.sql": "SELECT 1;\n",
                                          "9_early.sql": "SELECT 2;\n"})
    result = run_mbv("migrate", "apply", "DB", "--format", "json", cwd=worker)
    assert result.exit_code == 0
    assert "2 migrations share number 2 (0002_a.sql, 0002_b.sql)" in result.stderr
    order = [m["name"] for m in json.loads(result.stdout)["migrations"]]
    assert order == ["0001_users.sql", "0002_a.sql", "0002_b.sql", "9_early.sql", "10_late.sql"]


def test_unexpected_ledger_schema(tmp_path: Path, run_mbv: RunMbv) -> None:
    worker = make_worker(tmp_path / "w", {"0001_users.sql": M1})
    path = db_path(worker)
    path.parent.mkdir(parents=True)
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE d1_migrations(version INTEGER, filename TEXT)")
    for command in ("apply", "status"):
        result = run_mbv("migrate", command, "DB", cwd=worker)
        assert result.exit_code == 2
        assert "ledger table d1_migrations" in result.stderr and "version, filename" in result.stderr
    assert "users" not in {t for _, t, _ in user_schema(path)}


def test_unknown_to_name(tmp_path: Path, run_mbv: RunMbv) -> None:
    worker = make_worker(tmp_path / "w", {"0001_users.sql": M1, "0002_email.sql": M2})
    result = run_mbv("migrate", "apply", "DB", "--to", "0009_nope", cwd=worker)
    assert result.exit_code == 2
    assert "--to 0009_nope: no migration of that name" in result.stderr and "0002_email.sql" in result.stderr
    assert not db_path(worker).exists()


def test_db_file_target_and_json_schema_names(tmp_path: Path, run_mbv: RunMbv) -> None:
    migrations = tmp_path / "m"
    migrations.mkdir()
    (migrations / "0001_users.sql").write_text(M1)
    target = tmp_path / "plain.sqlite"
    result = run_mbv("migrate", "apply", str(target), "--dir", str(migrations), "--format", "json", cwd=tmp_path)
    assert result.exit_code == 0, result.stderr
    doc: dict[str, Any] = json.loads(result.stdout)
    assert doc["schema"] == "mbv.migrate.apply/1" and doc["target"]["mode"] == "file"
    assert [n for _, n in ledger(target)] == ["0001_users.sql"]


def test_help_lists_every_command(run_mbv: RunMbv) -> None:
    result = run_mbv("migrate", "--help")
    for command in ("create", "status", "apply", "verify", "hash", "baseline"):
        assert command in result.stdout


def test_no_traceback_on_unknown_database(tmp_path: Path, run_mbv: RunMbv) -> None:
    worker = make_worker(tmp_path / "w", {"0001_users.sql": M1})
    result = run_mbv("migrate", "status", "NOPE", cwd=worker)
    assert result.exit_code == 2 and "Traceback" not in result.stderr and "DB (appdb)" in result.stderr



def _run_with_tty_stderr(args: list[str], cwd: Path, env: dict[str, str]) -> tuple[int, str, str]:
    import pty

    master, slave = pty.openpty()
    env = {k: v for k, v in env.items() if k not in ("CI", "NO_COLOR", "MBV_FORCE_WIDTH")}
    proc = subprocess.Popen([sys.executable, "-m", "mbv_cli", *args], cwd=cwd, env=env, text=True,
                            stdout=subprocess.PIPE, stderr=slave)
    os.close(slave)
    chunks = []
    while True:
        try:
            data = os.read(master, 65536)
        except OSError:
            break
        if not data:
            break
        chunks.append(data)
    out, _ = proc.communicate(timeout=60)
    os.close(master)
    return proc.returncode, out, b"".join(chunks).decode(errors="replace")


def test_progress_bar_on_a_terminal_only(tmp_path: Path, subprocess_env: dict[str, str]) -> None:
    files = {f"{i:04d}_t.sql": f"CREATE TABLE t{i}(x);\n" for i in range(1, 7)}
    worker = make_worker(tmp_path / "w", files)
    code, out, err = _run_with_tty_stderr(["migrate", "apply", "DB"], worker, subprocess_env)
    assert code == 0 and "applied 6 migration(s)" in out
    assert "━" in err and "applying" not in err  # the bar, not the plain lines
    worker2 = make_worker(tmp_path / "w2", files)
    code, out, err = _run_with_tty_stderr(["migrate", "apply", "DB", "--format", "json"], worker2, subprocess_env)
    assert code == 0 and json.loads(out)["ok"] and "━" not in err
    worker3 = make_worker(tmp_path / "w3", dict(list(files.items())[:2]))
    code, out, err = _run_with_tty_stderr(["migrate", "apply", "DB"], worker3, subprocess_env)
    assert code == 0 and "━" not in err  # a few migrations: no bar


def test_persist_to_is_honoured(tmp_path: Path, run_mbv: RunMbv) -> None:
    worker = make_worker(tmp_path / "w", {"0001_users.sql": M1})
    assert run_mbv("migrate", "apply", "DB", "--persist-to", "alt", cwd=worker).exit_code == 0
    path = local_d1_path(worker / "alt", {"binding": "DB", "database_id": DB_ID})
    assert [n for _, n in ledger(path)] == ["0001_users.sql"] and not db_path(worker).exists()


def test_status_and_verify_never_create_or_write_the_database(tmp_path: Path, run_mbv: RunMbv) -> None:
    worker = make_worker(tmp_path / "w", {"0001_users.sql": M1})
    for command in ("status", "verify"):
        assert run_mbv("migrate", command, "DB", cwd=worker).exit_code == 0
    assert not db_path(worker).exists()
    assert run_mbv("migrate", "apply", "DB", cwd=worker).exit_code == 0
    db_path(worker).chmod(0o444)
    try:
        before = db_path(worker).read_bytes()
        for command in ("status", "verify"):
            assert run_mbv("migrate", command, "DB", cwd=worker).exit_code == 0
        assert db_path(worker).read_bytes() == before
    finally:
        db_path(worker).chmod(0o644)


def test_remote_syntax_error_is_located_in_the_file(tmp_path: Path, run_mbv: RunMbv) -> None:
    worker = remote_worker(tmp_path, {"0001_users.sql": M1,
                                      "0002_bad.sql": "CREATE TABLE a(x);\n-- note\nCREAT TABLE b(y);\n"})
    with serve_fake_cloudflare(tmp_path / "cf") as fake:
        result = run_mbv("migrate", "apply", "DB", "--remote", "--format", "json", env=fake.env(), cwd=worker)
        assert result.exit_code == 1
        failed = json.loads(result.stdout)["migrations"][1]
        assert (failed["status"], failed["line"]) == ("failed", 3) and "syntax error" in failed["error"]
        assert 'migrations/0002_bad.sql:3:1: D1 query failed: near "CREAT"' in result.stderr
        assert [n for _, n in ledger(fake.d1_file(DB_ID))] == ["0001_users.sql"]
        assert "a" not in {t for _, t, _ in user_schema(fake.d1_file(DB_ID))}


def test_baseline_asks_on_a_terminal(tmp_path: Path, subprocess_env: dict[str, str]) -> None:
    import pty
    import select

    worker = make_worker(tmp_path / "w", {"0001_users.sql": M1, "0002_email.sql": M2})
    for answer, expected in (("n", []), ("y", ["0001_users.sql"])):
        master, slave = pty.openpty()
        env = {k: v for k, v in subprocess_env.items() if k != "CI"}
        proc = subprocess.Popen([sys.executable, "-m", "mbv_cli", "migrate", "baseline", "DB", "--to", "0001"],
                                cwd=worker, env=env, text=True, stdin=slave, stdout=subprocess.PIPE, stderr=slave)
        os.close(slave)
        seen = b""
        deadline = time.monotonic() + 30
        while b"Continue?" not in seen and time.monotonic() < deadline:
            if select.select([master], [], [], 0.5)[0]:
                seen += os.read(master, 4096)
        assert b"0001_users.sql" in seen
        os.write(master, f"{answer}\n".encode())
        proc.communicate(timeout=30)
        os.close(master)
        assert proc.returncode == (0 if answer == "y" else 130)
        names = [n for _, n in ledger(db_path(worker))] if db_path(worker).exists() else []
        assert names == expected


def test_two_concurrent_remote_applies_apply_each_migration_once(tmp_path: Path,
                                                                 subprocess_env: dict[str, str]) -> None:
    files = {"0001_log.sql": "CREATE TABLE log(name TEXT);\n"}
    for i in range(2, 21):
        files[f"{i:04d}_step.sql"] = f"CREATE TABLE t{i}(x);\nINSERT INTO log VALUES ('{i:04d}');\n"
    worker = remote_worker(tmp_path, files)
    with serve_fake_cloudflare(tmp_path / "cf") as fake:
        env = {**subprocess_env, **fake.env()}
        procs = [mbv_process(["migrate", "apply", "DB", "--remote", "--format", "json"], worker, env)
                 for _ in range(2)]
        results = [p.communicate(timeout=120) for p in procs]
        assert [p.returncode for p in procs] == [0, 0], results
        with sqlite3.connect(fake.d1_file(DB_ID)) as conn:
            logged = [r[0] for r in conn.execute("SELECT name FROM log ORDER BY name")]
            names = [r[0] for r in conn.execute("SELECT name FROM d1_migrations")]
        assert logged == [f"{i:04d}" for i in range(2, 21)]
        assert sorted(names) == sorted(files)
        statuses = [m["status"] for out, _ in results for m in json.loads(out)["migrations"]]
        assert statuses.count("applied") == len(files)


def test_status_verify_and_dry_run_leave_a_wal_database_untouched(tmp_path: Path, run_mbv: RunMbv) -> None:
    """A WAL file without -wal/-shm (wrangler's state after workerd stopped): inspecting it must not
    create them nor change a byte (a plain `mode=ro` connection creates both)."""

    worker = make_worker(tmp_path / "w", {"0001_users.sql": M1})
    assert run_mbv("migrate", "apply", "DB", cwd=worker).exit_code == 0
    (worker / "migrations" / "0002_email.sql").write_text(M2)
    assert_wal_without_sidecars(db_path(worker))
    before = snapshot(worker / ".wrangler")
    for args in (("status",), ("verify",), ("apply", "--dry-run")):
        result = run_mbv("migrate", *args, "DB", cwd=worker)
        assert result.exit_code == 0, (args, result.stderr)
        assert snapshot(worker / ".wrangler") == before, args


@pytest.mark.parametrize("name", ["q#z.sqlite", "q?z.sqlite", "q%23z.sqlite"])
def test_db_file_with_uri_characters_in_its_name(tmp_path: Path, run_mbv: RunMbv, name: str) -> None:
    """`#`, `?` and `%` are URI syntax: the file itself is read, and nothing else is created."""
    worker = make_worker(tmp_path / "w", {"0001_users.sql": M1})
    data = tmp_path / "data"
    data.mkdir()
    target = data / name

    def mbv(*args: str) -> CliResult:
        return run_mbv("migrate", *args, "DB", "--db-file", str(target), cwd=worker)

    assert mbv("apply").exit_code == 0
    (worker / "migrations" / "0002_email.sql").write_text(M2)
    applied = mbv("apply")
    assert applied.exit_code == 0, applied.stderr  # this one takes a backup of the existing file first
    (worker / "migrations" / "0003_posts.sql").write_text(M3)
    before = snapshot(data)
    assert sorted(before) == [name]
    result = mbv("status", "--format", "json")
    assert result.exit_code == 0, result.stderr
    states = {m["name"]: m["state"] for m in json.loads(result.stdout)["migrations"]}
    assert states == {"0001_users.sql": "applied", "0002_email.sql": "applied", "0003_posts.sql": "pending"}
    verified = mbv("verify", "--format", "json")
    assert verified.exit_code == 0, verified.stderr
    assert json.loads(verified.stdout)["findings"][0]["code"] == "MBV301"  # 0003 pending, no drift
    dry = mbv("apply", "--dry-run")
    assert dry.exit_code == 0, dry.stderr
    assert snapshot(data) == before
    assert [n for _, n in ledger(target)] == ["0001_users.sql", "0002_email.sql"]


@pytest.mark.parametrize("table", ["order", "select", "table"])
def test_reserved_word_migrations_table_is_refused_before_anything_is_created(
        tmp_path: Path, run_mbv: RunMbv, table: str) -> None:
    worker = make_worker(tmp_path / "w", {"0001_users.sql": M1})
    config = worker / "wrangler.toml"
    config.write_text(config.read_text() + f'migrations_table = "{table}"\n')
    for args in (("apply",), ("status",), ("verify",), ("apply", "--dry-run"), ("baseline", "--to", "0001", "--yes")):
        result = run_mbv("migrate", *args, "DB", cwd=worker)
        assert result.exit_code == 2, (args, result.stdout, result.stderr)
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1 and table in lines[0] and "Traceback" not in result.stderr, result.stderr
        assert not (worker / ".wrangler").exists(), args  # neither the database nor a backup


def test_sqlite_errors_in_migrate_are_one_line_exit_2(tmp_path: Path, run_mbv: RunMbv) -> None:
    """A database whose ledger page is damaged: SQLite fails mid-read; the user sees one line, exit 2."""
    worker = make_worker(tmp_path / "w", {"0001_users.sql": M1})
    target = tmp_path / "damaged.sqlite"
    conn = sqlite3.connect(target)
    conn.execute("CREATE TABLE d1_migrations(id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT UNIQUE, "
                 "applied_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP NOT NULL)")
    conn.execute("INSERT INTO d1_migrations(name) VALUES ('0001_users.sql')")
    conn.commit()
    root_page = conn.execute("SELECT rootpage FROM sqlite_master WHERE name = 'd1_migrations'").fetchone()[0]
    page_size = conn.execute("PRAGMA page_size").fetchone()[0]
    conn.close()
    with open(target, "r+b") as handle:
        handle.seek((root_page - 1) * page_size)
        handle.write(b"\xff" * page_size)
    for command in ("status", "verify", "apply"):
        result = run_mbv("migrate", command, "DB", "--db-file", str(target), "--no-backup" if command == "apply"
                         else "--local", cwd=worker)
        assert result.exit_code == 2, (command, result.stderr)
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1 and "damaged.sqlite" in lines[0] and "Traceback" not in result.stderr, result.stderr


def test_an_edited_pending_migration_gets_the_right_hint(tmp_path: Path, run_mbv: RunMbv) -> None:
    worker = make_worker(tmp_path / "w", {"0001_users.sql": M1, "0002_email.sql": M2})
    assert run_mbv("migrate", "apply", "DB", "--to", "0001_users.sql", cwd=worker).exit_code == 0
    assert run_mbv("migrate", "hash", "DB", cwd=worker).exit_code == 0
    for name in ("0001_users.sql", "0002_email.sql"):
        (worker / "migrations" / name).write_text((worker / "migrations" / name).read_text() + "-- edited\n")
    findings = json.loads(run_mbv("migrate", "verify", "DB", "--format", "json", cwd=worker).stdout)["findings"]
    hints = {f["message"].split()[0]: f["hint"] for f in findings if "changed since" in f["message"]}
    assert hints["0001_users.sql"].startswith("an applied migration must not change")
    assert hints["0002_email.sql"].startswith("it is not applied yet")
