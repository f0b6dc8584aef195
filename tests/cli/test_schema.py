"""JSON Schemas: shipped for every document mbv writes, printed by `mbv schema`, matched by docs/json.md.

Every JSON document a CLI test produces through `run_mbv` is validated against its schema
(tests/conftest.py); this file runs the commands of each shape once more so every schema is
exercised, and checks the schemas against the code that names them and the page that documents them.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from mbv_cli.core.schemas import file_name, load_schema, schema_names
from tests.conftest import REPO
from tests.support.schemas import output_problems, schema_problems
from tests.support.trace_events import (
    T0,
    as_logpush,
    ndjson_text,
    tail_event,
    tail_exception,
    tail_log,
    tail_text,
    write,
)

DOCS = (REPO / "docs" / "json.md").read_text(encoding="utf-8")


def _emitted_names() -> set[str]:
    """Every `mbv.*/N` the package's code writes (f-strings over a kind expanded by hand)."""
    names: set[str] = set()
    for path in (REPO / "mbv_cli").rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        names.update(re.findall(r"\"(mbv\.[a-z_.]+/\d+)\"", text))
        if "mbv.migrate.{self.kind}/1" in text:
            names.update({"mbv.migrate.create/1", "mbv.migrate.hash/1"})
    return names


def test_every_emitted_schema_name_has_a_valid_shipped_schema() -> None:
    from jsonschema import Draft202012Validator

    emitted = _emitted_names()
    assert len(emitted) >= 17
    assert emitted <= set(schema_names()), emitted - set(schema_names())
    for name in schema_names():
        schema = load_schema(name)
        Draft202012Validator.check_schema(schema)
        assert schema["properties"]["schema"] == {"const": name}
        assert schema["$id"].endswith(file_name(name))


def test_pyproject_ships_the_schemas_as_package_data() -> None:
    tomllib = pytest.importorskip("tomllib")
    data = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    assert "schemas/*.json" in data["tool"]["setuptools"]["package-data"]["mbv_cli"]
    assert (REPO / "mbv_cli" / "schemas" / "__init__.py").is_file()  # a package, found by packages.find


def _section(name: str) -> str:
    """docs/json.md: the `##` section whose heading (else whose text, first) names `name`, to the next `##`."""
    heading = re.search(rf"^#+ .*`{re.escape(name)}`", DOCS, re.M)
    at = heading.start() if heading else DOCS.index(f"`{name}`")
    start = at if DOCS.startswith("## ", at) else DOCS.rfind("\n## ", 0, at)
    end = DOCS.find("\n## ", at + 1)
    return DOCS[start: end if end != -1 else len(DOCS)]


@pytest.mark.parametrize("name", schema_names())
def test_docs_json_md_names_every_top_level_key_of_each_schema(name: str) -> None:
    assert f"`{name}`" in DOCS, f"docs/json.md does not document {name}"
    section = _section(name)
    missing = [key for key in load_schema(name)["properties"]
               if f'"{key}"' not in section and f"`{key}`" not in section]
    assert missing == [], f"docs/json.md, section of {name}, does not name: {missing}"


def test_mbv_schema_prints_one_or_lists_them(run_mbv) -> None:
    listed = run_mbv("schema")
    assert listed.exit_code == 0 and listed.stdout.split() == schema_names()
    for short in ("findings", "mbv.findings", "mbv.findings/1", "FINDINGS"):
        shown = run_mbv("schema", short)
        assert shown.exit_code == 0 and json.loads(shown.stdout) == load_schema("mbv.findings/1")
    unknown = run_mbv("schema", "nope")
    assert unknown.exit_code == 2 and "mbv.doctor/1" in unknown.stderr and unknown.stdout == ""


def test_the_validation_can_fail() -> None:
    good = {"schema": "mbv.statistics/1", "statistics": [], "summary": {"error": 0, "warning": 0, "info": 0}}
    assert schema_problems(good) == []
    assert schema_problems({**good, "surprise": 1})  # an undocumented key
    assert schema_problems({**good, "summary": {"error": "0", "warning": 0, "info": 0}})
    assert schema_problems({"schema": "mbv.unknown/1"})
    assert output_problems(json.dumps(good) + "\n" + json.dumps({**good, "statistics": 3}) + "\n")
    assert output_problems(json.dumps({"schema": "mbv.unknown/1"}), unknown_ok=False)


def _migrations_project(tmp_path: Path) -> Path:
    root = tmp_path / "w"
    (root / "migrations").mkdir(parents=True)
    (root / "wrangler.toml").write_text(
        'name = "w"\nmain = "src/index.ts"\ncompatibility_date = "2026-11-01"\n'
        '[[d1_databases]]\nbinding = "DB"\ndatabase_name = "w"\n'
        'database_id = "0f8c3a52-6f7e-4d1b-9a40-2c1d5e7b8a91"\n', encoding="utf-8")
    (root / "migrations" / "0001_init.sql").write_text("CREATE TABLE t(id INTEGER PRIMARY KEY);\n",
                                                      encoding="utf-8")
    return root


def _trace_events() -> list[dict[str, Any]]:
    """Requests, an exception with a console.error, a cron run: every list of `mbv.logs/1` gets an entry."""
    events = [tail_event(url=f"https://api.example.com/posts/{i}", ts=T0 + i, cpu=2, wall=20) for i in range(3)]
    events.append(tail_event(url="https://api.example.com/posts/9", outcome="exception", status=500, ts=T0 + 9,
                             cpu=4, wall=90, exceptions=[tail_exception("TypeError", "x is undefined")],
                             logs=[tail_log("error", "failed post", 9)]))
    events.append(tail_event(event={"cron": "*/5 * * * *", "scheduledTime": T0}, ts=T0 + 10))
    return events


def test_every_command_in_json_mode_matches_its_schema(run_mbv, tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """One run per document shape; run_mbv validates each stdout, this checks that each shape was seen."""
    import sqlite3

    seen: set[str] = set()

    def run(*args: str, cwd: Path = REPO) -> dict:
        result = run_mbv(*args, cwd=cwd)
        assert result.exit_code in (0, 1), (args, result.stderr)
        document = json.loads(result.stdout)
        seen.add(document["schema"])
        return document

    example = "examples/mustbeviral"
    baseline = tmp_path / "baseline.json"
    run("bindings", "list", example, "--all-envs", "-f", "json")
    run("bindings", "diff", example, "-f", "json")
    from tests.support.cf_api import serve_fake_cloudflare
    from tests.support.deployed import deploy_example

    with serve_fake_cloudflare(tmp_path / "cf") as fake:
        deploy_example(fake, REPO / example)
        for key, value in fake.env().items():
            monkeypatch.setenv(key, value)
        remote = run("bindings", "diff", example, "--remote", "-f", "json")
        assert remote["schema"] == "mbv.bindings.remote/1" and remote["workers"][0]["bindings"]
    run("doctor", example, "-f", "json")
    run("doctor", example, "--statistics", "-f", "json")
    run("doctor", example, "-f", "json", "--baseline", str(baseline), "--update-baseline")
    assert schema_problems(json.loads(baseline.read_text(encoding="utf-8"))) == []
    seen.add("mbv.baseline/1")
    run("rules", "-f", "json")
    run("rules", "MBV101", "-f", "json")
    token = run_mbv("jwt", "mint", "--secret-env", "MBV_TEST_SECRET", "--claim", "sub=u1", "-f", "json",
                    env={"MBV_TEST_SECRET": "s" * 40})
    assert token.exit_code == 0, token.stderr
    seen.add("mbv.jwt.mint/1")
    jwt = json.loads(token.stdout)["token"]
    run("jwt", "decode", jwt, "-f", "json")
    run_mbv("jwt", "verify", jwt, "--secret-env", "MBV_TEST_SECRET", "-f", "json", env={"MBV_TEST_SECRET": "s" * 40})
    seen.add("mbv.jwt.verify/1")
    database = tmp_path / "app.sqlite"
    with sqlite3.connect(database) as connection:
        connection.execute("CREATE TABLE a(id INTEGER PRIMARY KEY)")
    run("db", "locate", str(database), "-f", "json")
    run("db", "health", str(database), "-f", "json")
    run("db", "locks", str(database), "-f", "json")
    with sqlite3.connect(database) as connection:  # mixed storage classes: `columns` has counts to check
        connection.execute("CREATE TABLE m(v)")
        connection.executemany("INSERT INTO m VALUES (?)", [(1,), ("1",), (None,), (2.5,), (b"x",)])
    stats = run("db", "health", str(database), "--stats", "-f", "json")
    assert {"table": "m", "column": "v", "declared": "",
            "counts": {"integer": 1, "text": 1, "null": 1, "real": 1, "blob": 1}} in stats["columns"]
    graph = run("graph", "examples/mustbeviral", "-f", "json")
    assert graph["workers"] and graph["workers"][0]["modules"]
    queries = run("db", "queries", "examples/mustbeviral/workers/content-worker", "-f", "json")
    assert queries["bindings"] and queries["bindings"][0]["statements"] and queries["dynamic"]
    root = _migrations_project(tmp_path)
    run("migrate", "hash", "DB", "-f", "json", cwd=root)
    run("migrate", "status", "DB", "-f", "json", cwd=root)
    run("migrate", "apply", "DB", "--dry-run", "-f", "json", cwd=root)
    run("migrate", "create", "DB", "users", "-f", "json", cwd=root)
    run("migrate", "verify", "DB", "-f", "json", cwd=root)
    run("migrate", "baseline", "DB", "--to", "0001_init.sql", "--yes", "-f", "json", cwd=root)
    requests = tmp_path / "r.http"
    requests.write_text("GET http://127.0.0.1:9/health\n", encoding="utf-8")
    run("replay", str(requests), "--dry-run", "-f", "json")
    tail = write(tmp_path / "tail.log", tail_text(_trace_events()))
    logs = run("logs", str(tail), "-f", "json")
    assert logs["routes"] and logs["exceptions"] and logs["console"] and logs["slowest"]
    assert run("logs", str(tail), "--status", "5xx", "-f", "json")["filtered_out"] == 4
    logpush = write(tmp_path / "trace.json.gz", ndjson_text([as_logpush(e) for e in _trace_events()]) + "not json\n")
    assert run("logs", str(logpush), "-f", "json")["garbage"]["count"] == 1
    assert seen == set(schema_names()), set(schema_names()) - seen
