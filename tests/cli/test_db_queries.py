"""`mbv db queries` and `db health --stats` storage classes, through the CLI as a user runs them."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from tests.conftest import REPO

CONTENT = REPO / "examples" / "mustbeviral" / "workers" / "content-worker"


def test_the_example_content_worker(run_mbv) -> None:
    result = run_mbv("db", "queries", str(CONTENT), "--format", "json", cwd=REPO)
    assert result.exit_code == 0, result.stderr  # warnings only; --fail-on defaults to error
    data = json.loads(result.stdout)
    assert data["schema"] == "mbv.db.queries/1"
    [binding] = data["bindings"]
    assert binding["binding"] == "CONTENT_DB" and binding["schema"] == "migrations"
    assert len(binding["statements"]) == 9 and len(data["dynamic"]) == 1
    assert sorted((f["code"], f["file"].rsplit("/", 1)[-1], f["line"]) for f in data["findings"]) == [
        ("MBV321", "billing.ts", 54), ("MBV322", "0003_post_views.sql", 4)]
    scan = next(s for s in binding["statements"] if s["status"] == "scan")
    assert scan["plan"][0] == "SCAN boosts"


def test_fail_on_warning_and_text(run_mbv) -> None:
    result = run_mbv("db", "queries", "CONTENT_DB", str(CONTENT), "--fail-on", "warning", cwd=REPO)
    assert result.exit_code == 1
    assert "CREATE INDEX idx_boosts_author_id ON boosts (author_id);" in result.stdout
    assert "examples/mustbeviral/workers/content-worker/src/billing.ts:54" in result.stdout
    assert "built at run time were not checked" in result.stderr


def test_assume_rows_on_the_command_line_replaces_mbv_toml(run_mbv) -> None:
    result = run_mbv("db", "queries", str(CONTENT), "--assume-rows", "boosts=10", "--format", "json", cwd=REPO)
    assert [f["code"] for f in json.loads(result.stdout)["findings"]] == ["MBV322"]


def test_bad_input_is_one_line_exit_2(run_mbv) -> None:
    for args, words in [
        (("db", "queries", "NOPE", str(CONTENT)), "no D1 database named 'NOPE'"),
        (("db", "queries", str(CONTENT), "--assume-rows", "posts=many"), "is not N or TABLE=N"),
        (("db", "queries", str(CONTENT), "--format", "xml"), "unknown --format"),
    ]:
        result = run_mbv(*args, cwd=REPO)
        assert result.exit_code == 2, (args, result.stdout, result.stderr)
        assert words in result.stderr and len(result.stderr.strip().splitlines()) == 1


def test_sarif_output_carries_the_findings(run_mbv) -> None:
    result = run_mbv("db", "queries", str(CONTENT), "--format", "sarif", cwd=REPO)
    rules = {r["ruleId"] for r in json.loads(result.stdout)["runs"][0]["results"]}
    assert rules == {"MBV321", "MBV322"}


def test_health_stats_lists_storage_classes_per_column(run_mbv, tmp_path: Path) -> None:
    db = tmp_path / "app.sqlite"
    with sqlite3.connect(db) as conn:
        conn.execute("CREATE TABLE items (id PRIMARY KEY, active BOOLEAN)")
        conn.execute("INSERT INTO items VALUES ('123', 'true')")
        conn.executemany("INSERT INTO items VALUES (?, 1)", [(n,) for n in range(5)])
    result = run_mbv("db", "health", str(db), "--stats", "--format", "json")
    columns = {(c["table"], c["column"]): c["counts"] for c in json.loads(result.stdout)["columns"]}
    assert columns == {("items", "id"): {"integer": 5, "text": 1}, ("items", "active"): {"integer": 5, "text": 1}}
    text = run_mbv("db", "health", str(db), "--stats").stdout
    assert "items.id" in text and "mixed" in text
    assert json.loads(run_mbv("db", "health", str(db), "--format", "json").stdout)["columns"] is None
