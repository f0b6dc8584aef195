"""`mbv db health` on real SQLite files: healthy, broken in each way the checks look for, and bad input."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from tests.core.db.conftest import make_db

SCHEMA = """
CREATE TABLE authors (id INTEGER PRIMARY KEY, name TEXT);
CREATE TABLE posts (id INTEGER PRIMARY KEY, author_id INTEGER REFERENCES authors(id), title TEXT);
CREATE INDEX posts_author ON posts(author_id);
CREATE TABLE _cf_METADATA (key INTEGER, value BLOB);
INSERT INTO authors VALUES (1, 'ada');
INSERT INTO posts VALUES (1, 1, 'hello');
"""


def snapshot(directory: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(directory.iterdir())}


def health(run_mbv, *args: str) -> tuple[int, dict]:
    out = run_mbv("db", "health", *args, "--format", "json")
    assert out.stdout, out.stderr
    return out.exit_code, json.loads(out.stdout)


def codes(data: dict) -> list[str]:
    return sorted(f["code"] for f in data["findings"])


def statuses(data: dict) -> dict[str, str]:
    return {c["name"]: c["status"] for c in data["checks"]}


def test_healthy_database_all_ok_and_untouched(tmp_path: Path, run_mbv) -> None:
    db = make_db(tmp_path / "ok.sqlite", SCHEMA)
    before = snapshot(tmp_path)
    code, data = health(run_mbv, str(db))
    assert code == 0
    assert data["schema"] == "mbv.db.health/1" and data["target"]["path"] == str(db)
    assert codes(data) == []  # _cf_METADATA has no primary key but is internal
    assert set(statuses(data).values()) == {"ok"}
    assert {"integrity", "foreign_key_check", "journal", "freelist", "schema", "layout", "user_version",
            "locks"} <= set(statuses(data))
    assert snapshot(tmp_path) == before


def test_wal_database_without_sidecars_creates_none(tmp_path: Path, run_mbv) -> None:
    db = make_db(tmp_path / "w.sqlite", SCHEMA, wal=True)
    assert not (tmp_path / "w.sqlite-wal").exists()
    before = snapshot(tmp_path)
    code, data = health(run_mbv, str(db))
    assert code == 0 and snapshot(tmp_path) == before
    assert "immutable" in " ".join(data["notes"])
    assert "wal" in {c["name"]: c["detail"] for c in data["checks"]}["journal"]


def test_foreign_key_violation_is_an_error(tmp_path: Path, run_mbv) -> None:
    db = make_db(tmp_path / "fk.sqlite", SCHEMA + "INSERT INTO posts VALUES (2, 99, 'orphan'), (3, 98, 'x');")
    code, data = health(run_mbv, str(db))
    assert code == 1 and codes(data) == ["MBV306"]
    assert "2 row(s) of posts reference missing rows of authors" in data["findings"][0]["message"]
    assert statuses(data)["foreign_key_check"] == "fail"


def test_schema_smells(tmp_path: Path, run_mbv) -> None:
    db = make_db(tmp_path / "s.sqlite", """
        CREATE TABLE parent (a INTEGER, b INTEGER, PRIMARY KEY (a, b));
        CREATE TABLE child (id INTEGER PRIMARY KEY, pa INTEGER, pb INTEGER, FOREIGN KEY (pa, pb) REFERENCES parent(a, b));
        CREATE TABLE covered (id INTEGER PRIMARY KEY, pa INTEGER, pb INTEGER, FOREIGN KEY (pa, pb) REFERENCES parent(a, b));
        CREATE INDEX covered_idx ON covered(pb, pa, id);
        CREATE TABLE solo (id INTEGER PRIMARY KEY);
        CREATE TABLE rowidfk (id INTEGER PRIMARY KEY REFERENCES solo(id));
        CREATE TABLE loose (x TEXT, y TEXT);
        CREATE VIRTUAL TABLE docs USING fts5(body);
    """)
    code, data = health(run_mbv, str(db))
    assert code == 0  # warnings and info only
    found = {(f["code"], f["message"]) for f in data["findings"]}
    assert found == {("MBV307", "foreign key child(pa, pb) -> parent has no covering index"),
                     ("MBV308", "table loose has no PRIMARY KEY")}
    hint = next(f["hint"] for f in data["findings"] if f["code"] == "MBV307")
    assert 'CREATE INDEX "idx_child_pa_pb" ON "child"("pa", "pb");' in hint
    assert run_mbv("db", "health", str(db), "--fail-on", "warning").exit_code == 1


def test_foreign_key_mismatch_is_a_finding_not_corruption(tmp_path: Path, run_mbv) -> None:
    db = make_db(tmp_path / "m.sqlite", """
        CREATE TABLE parent (a INTEGER, b INTEGER, PRIMARY KEY (a, b));
        CREATE TABLE bad (id INTEGER PRIMARY KEY, pa INTEGER REFERENCES parent(a));
        CREATE INDEX bad_pa ON bad(pa);
    """)
    code, data = health(run_mbv, str(db))
    assert code == 1 and codes(data) == ["MBV306"]
    assert "foreign key mismatch" in data["findings"][0]["message"]
    assert statuses(data)["schema"] == "ok"


def test_freelist_share(tmp_path: Path, run_mbv) -> None:
    db = make_db(tmp_path / "f.sqlite", "CREATE TABLE t(id INTEGER PRIMARY KEY, b BLOB);")
    with sqlite3.connect(db) as conn:
        conn.executemany("INSERT INTO t(b) VALUES (randomblob(?))", [(4000,)] * 1000)
    with sqlite3.connect(db) as conn:
        conn.execute("DELETE FROM t WHERE id > 100")
    code, data = health(run_mbv, str(db))
    assert codes(data) == ["MBV309"] and statuses(data)["freelist"] == "warn" and code == 0


def test_wal_too_large(tmp_path: Path, run_mbv, hold_lock) -> None:
    db = make_db(tmp_path / "w.sqlite", "CREATE TABLE t(id INTEGER PRIMARY KEY);", wal=True)
    holder = hold_lock(db, "wal-big")
    _code, data = health(run_mbv, str(db))
    assert "MBV304" in codes(data) and statuses(data)["journal"] == "warn"
    _ops, errors = holder.stop()
    assert errors == 0


def test_locked_writer_reported_not_waited_on(tmp_path: Path, run_mbv, hold_lock) -> None:
    db = make_db(tmp_path / "l.sqlite", SCHEMA)
    holder = hold_lock(db, "exclusive")
    out = run_mbv("db", "health", str(db), "--format", "json", "--busy-timeout", "100")
    data = json.loads(out.stdout)
    assert "MBV305" in codes(data) and "MBV311" in codes(data) and out.exit_code == 1
    assert str(holder.pid) in next(f["message"] for f in data["findings"] if f["code"] == "MBV305")
    assert "skipped" in statuses(data).values()
    _, errors = holder.stop()
    assert errors == 0


def test_hot_journal_reported_not_rolled_back(tmp_path: Path, run_mbv) -> None:
    live = make_db(tmp_path / "live.sqlite", "CREATE TABLE t(x);")
    conn = sqlite3.connect(live)
    conn.executemany("INSERT INTO t VALUES (?)", [(i,) for i in range(1000)])
    conn.commit()
    conn.execute("PRAGMA cache_size = 1")  # spill the transaction to the file before commit
    conn.execute("BEGIN")
    conn.executemany("INSERT INTO t VALUES (?)", [(i,) for i in range(20000)])
    crashed = tmp_path / "crashed.sqlite"
    shutil.copy(live, crashed)  # what a crash mid-transaction leaves behind
    shutil.copy(tmp_path / "live.sqlite-journal", tmp_path / "crashed.sqlite-journal")
    conn.rollback()
    conn.close()
    before = snapshot(tmp_path)
    code, data = health(run_mbv, str(crashed))
    assert code == 1 and codes(data) == ["MBV312"]
    assert snapshot(tmp_path) == before  # the journal is still there: mbv did not roll it back


def _corrupt_copy(tmp_path: Path) -> Path:
    db = make_db(tmp_path / "c.sqlite", "CREATE TABLE t(id INTEGER PRIMARY KEY, v TEXT); CREATE INDEX tv ON t(v);")
    with sqlite3.connect(db) as conn:
        conn.executemany("INSERT INTO t(v) VALUES (?)", [(f"value {i:06d}" * 3,) for i in range(20000)])
    data = bytearray(db.read_bytes())
    page = 4096
    for n in (5, 9, 40):  # scribble over a few b-tree pages in the middle
        data[n * page + 8: n * page + 600] = os.urandom(592)
    db.write_bytes(bytes(data))
    return db


def test_corrupt_pages_reported_corrupt(tmp_path: Path, run_mbv) -> None:
    db = _corrupt_copy(tmp_path)
    code, data = health(run_mbv, str(db))
    assert code == 1 and "MBV303" in codes(data)
    assert statuses(data)["integrity"] == "fail"
    code, data = health(run_mbv, str(db), "--full")
    assert code == 1 and "integrity_check" in {c["name"]: c["detail"] for c in data["checks"]}["integrity"]


def test_truncated_file_reported_corrupt(tmp_path: Path, run_mbv) -> None:
    db = _corrupt_copy(tmp_path)
    good = make_db(tmp_path / "t.sqlite", "CREATE TABLE t(id INTEGER PRIMARY KEY, v TEXT);")
    with sqlite3.connect(good) as conn:
        conn.executemany("INSERT INTO t(v) VALUES (?)", [("x" * 100,)] * 5000)
    raw = good.read_bytes()
    good.write_bytes(raw[: len(raw) // 2])
    code, data = health(run_mbv, str(good))
    assert code == 1 and "MBV303" in codes(data)
    assert "truncated" in next(f["message"] for f in data["findings"] if f["code"] == "MBV303")
    tiny = tmp_path / "tiny.sqlite"
    tiny.write_bytes(raw[:50])  # the header itself cut short
    code, data = health(run_mbv, str(tiny))
    assert code == 1 and codes(data) == ["MBV303"]
    assert db.exists()


@pytest.mark.parametrize("kind", ["missing", "directory", "not-sqlite"])
def test_bad_input_is_one_line_exit_2(tmp_path: Path, run_mbv, kind: str) -> None:
    target = tmp_path / "thing.sqlite"
    if kind == "directory":
        target.mkdir()
    elif kind == "not-sqlite":
        target.write_text("name,value\na,1\n")
    before = sorted(os.listdir(tmp_path))
    out = run_mbv("db", "health", str(target))
    assert out.exit_code == 2 and out.stdout == ""
    assert len(out.stderr.strip().splitlines()) == 1 and str(target) in out.stderr
    expected = {"missing": "no such file", "directory": "is a directory", "not-sqlite": "not an SQLite database"}
    assert expected[kind] in out.stderr
    assert sorted(os.listdir(tmp_path)) == before  # nothing created


def test_empty_file_is_an_empty_database(tmp_path: Path, run_mbv) -> None:
    empty = tmp_path / "empty.sqlite"
    empty.touch()
    code, _data = health(run_mbv, str(empty))
    assert code == 0 and empty.stat().st_size == 0


def test_no_read_permission(tmp_path: Path, subprocess_env: dict[str, str]) -> None:
    db = make_db(tmp_path / "secret.sqlite", SCHEMA)
    db.chmod(0o000)
    command = [sys.executable, "-m", "mbv_cli", "db", "health", str(db)]
    if os.geteuid() == 0:  # root reads anything: run mbv without the capabilities that let it
        setpriv = shutil.which("setpriv")
        if setpriv is None:
            pytest.skip("running as root and setpriv (util-linux) is not there to drop CAP_DAC_OVERRIDE")
        caps = "-dac_override,-dac_read_search"
        command = [setpriv, f"--inh-caps={caps}", f"--bounding-set={caps}", *command]
    proc = subprocess.run(command, capture_output=True, text=True, env=subprocess_env, timeout=60)
    assert proc.returncode == 2, proc.stderr
    assert "no read permission" in proc.stderr and len(proc.stderr.strip().splitlines()) == 1
    assert proc.stdout == ""


def test_stats_counts_rows_with_sqlite_utils(tmp_path: Path, run_mbv) -> None:
    db = make_db(tmp_path / "s.sqlite", SCHEMA + "INSERT INTO authors VALUES (2, 'bob'), (3, 'cy');")
    _code, data = health(run_mbv, str(db), "--stats")
    stats = {s["table"]: s for s in data["stats"]}
    assert stats["authors"]["rows"] == 3 and stats["posts"]["rows"] == 1
    assert stats["authors"]["bytes"] and stats["authors"]["bytes"] % 4096 == 0
    text = run_mbv("db", "health", str(db), "--stats")
    assert "authors" in text.stdout and "       3" in text.stdout


def test_text_output(tmp_path: Path, run_mbv) -> None:
    db = make_db(tmp_path / "fk.sqlite", SCHEMA + "INSERT INTO posts VALUES (2, 99, 'orphan');")
    out = run_mbv("db", "health", str(db))
    assert out.exit_code == 1
    assert "fail" in out.stdout and "MBV306" in out.stdout and "1 error, 0 warnings" in out.stdout


def test_sarif_and_github_go_through_findings_renderers(tmp_path: Path, run_mbv) -> None:
    from mbv_cli.render.emit import formats_for

    db = make_db(tmp_path / "fk.sqlite", SCHEMA + "INSERT INTO posts VALUES (2, 99, 'orphan');")
    for fmt in ("sarif", "github"):
        if fmt not in formats_for("FindingsReport"):
            out = run_mbv("db", "health", str(db), "--format", fmt)
            assert out.exit_code == 2 and "not available" in out.stderr
            continue
        out = run_mbv("db", "health", str(db), "--format", fmt)
        assert out.exit_code == 1 and "MBV306" in out.stdout
