"""mbv.sum, schema snapshots and diffs, and the D1 authorizer / remote warnings."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from mbv_cli.core.migrations import checksums, d1_rules
from mbv_cli.core.migrations.schema import diff_schemas, read_schema, schema_from_master_rows


def test_sum_round_trip_and_tamper_detection(tmp_path: Path) -> None:
    (tmp_path / "0001_a.sql").write_text("CREATE TABLE a(x);\n")
    (tmp_path / "0002_b.sql").write_text("CREATE TABLE b(x);\n")
    checksums.write_sum(tmp_path, ["0001_a.sql", "0002_b.sql"])
    sums = checksums.read_sum(tmp_path)
    assert sums is not None and sums.intact
    assert [n for n, _ in sums.entries] == ["0001_a.sql", "0002_b.sql"]
    text = (tmp_path / "mbv.sum").read_text().replace("0002_b.sql h1:", "0002_b.sql h1:X")
    (tmp_path / "mbv.sum").write_text(text)
    tampered = checksums.read_sum(tmp_path)
    assert tampered is not None and not tampered.intact


def _schema(sql: str) -> sqlite3.Connection:
    conn = sqlite3.connect(":memory:")
    conn.executescript(sql)
    return conn


def test_schema_diff_names_each_difference() -> None:
    base = ("CREATE TABLE profiles(id INTEGER PRIMARY KEY, name TEXT NOT NULL);"
            "CREATE INDEX profiles_name ON profiles(name);"
            "CREATE VIEW v AS SELECT name FROM profiles;"
            "CREATE TABLE d1_migrations(id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT UNIQUE, applied_at TEXT);"
            "CREATE TABLE _cf_METADATA(key INTEGER PRIMARY KEY, value BLOB);")
    expected = read_schema(_schema(base), "d1_migrations")
    assert set(expected.tables) == {"profiles"}
    drifted = _schema(base.replace("name TEXT NOT NULL", "name TEXT") + "ALTER TABLE profiles ADD COLUMN avatar_url TEXT;"
                      "DROP INDEX profiles_name; CREATE TRIGGER t AFTER INSERT ON profiles BEGIN SELECT 1; END;")
    messages = [d.message for d in diff_schemas(expected, read_schema(drifted, "d1_migrations"))]
    assert messages == [
        "table profiles has column avatar_url that no migration creates",
        "column profiles.name is TEXT, the migrations make it TEXT NOT NULL",
        "index profiles_name is missing: a migration creates it",
        "trigger t exists but no migration creates it",
    ]
    same = diff_schemas(expected, read_schema(_schema("  " + base.replace(";", " ;\n")), "d1_migrations"))
    assert same == []


def test_schema_from_master_rows_matches_the_database() -> None:
    conn = _schema("CREATE TABLE a(x INTEGER, y TEXT DEFAULT 'z'); CREATE UNIQUE INDEX a_x ON a(x) WHERE x > 0;"
                   "CREATE VIEW va AS SELECT x FROM a;")
    rows = conn.execute("SELECT type, name, tbl_name, sql FROM sqlite_master").fetchall()
    assert diff_schemas(read_schema(conn, "d1_migrations"), schema_from_master_rows(rows, "d1_migrations")) == []


@pytest.mark.parametrize(("sql", "refused"), [
    ("BEGIN", True), ("SAVEPOINT s", True), ("PRAGMA journal_mode = DELETE", True), ("PRAGMA foreign_keys = OFF", False),
    ("PRAGMA defer_foreign_keys = on", False), ("PRAGMA table_info(t)", False), ("CREATE TEMP TABLE x(a)", True),
    ("CREATE TABLE _cf_x(a)", True), ("CREATE VIRTUAL TABLE f USING fts5(body)", False),
    ("PRAGMA user_version = 3", True), ("CREATE TABLE ok(a)", False), ("SELECT sqlite_version()", True),
    ("SELECT printf('%d', unixepoch()), json_extract('{}', '$.a'), max(1, 2)", False),
    ("ALTER TABLE t RENAME COLUMN a TO b", False),
])
def test_authorizer_refuses_what_d1_refuses(sql: str, refused: bool) -> None:
    conn = sqlite3.connect(":memory:", isolation_level=None)
    conn.execute("CREATE TABLE t(a)")
    auth = d1_rules.install(conn)
    try:
        conn.execute(sql)
        assert not refused, sql
    except sqlite3.DatabaseError as exc:
        assert refused, (sql, exc)
        assert "not authorized" in str(exc) and auth.reason


def test_remote_warnings_name_lines() -> None:
    text = ("BEGIN TRANSACTION;\nCREATE TABLE a(x);\nCREATE TRIGGER t AFTER INSERT ON a BEGIN\n  SELECT 1;\nEND;\n"
            "PRAGMA journal_mode=WAL;\nPRAGMA foreign_keys=ON;\nCOMMIT;\n")
    found = [(w.line, w.message.split(":")[0]) for w in d1_rules.remote_warnings("0001_x.sql", text)]
    assert [line for line, _ in found] == [1, 6, 8]
