"""`mbv doctor` end to end: the example monorepo, settings, suppression, selection, crashes, speed."""

from __future__ import annotations

import datetime as _dt
import json
import re
import shutil
from pathlib import Path

import pytest

from tests.conftest import REPO

EXAMPLE = REPO / "examples" / "mustbeviral"


def _planted() -> list[tuple[str, str, int, str]]:
    """(code, file, line, whole row) of every problem the example README plants."""
    rows = []
    for line in (EXAMPLE / "README.md").read_text(encoding="utf-8").splitlines():
        match = re.match(r"\|\s*(MBV\d{3})\s*\|\s*`([^`]+)`\s*\|\s*(\d+)", line)
        if match:
            rows.append((match.group(1), f"examples/mustbeviral/{match.group(2)}", int(match.group(3)), line))
    assert len(rows) >= 9
    return rows


def _matches(finding: dict, row: tuple[str, str, int, str]) -> bool:
    """The finding is the row's problem: same code, at the row's file:line, or at a code line the row
    names (the bindings diff reports a binding missing from an env where the code uses it)."""
    code, file, line, text = row
    if finding["code"] != code:
        return False
    if (finding["file"], finding["line"]) == (file, line):
        return True
    worker_dir = "/".join(file.split("/")[:4])
    return finding["file"].startswith(worker_dir + "/") and f":{finding['line']}`" in text \
        and Path(finding["file"]).name in text


def _doctor_json(run_mbv, *args: str, cwd: Path = REPO) -> tuple[int, dict]:
    result = run_mbv("doctor", *args, "--format", "json", cwd=cwd)
    assert result.stdout, result.stderr
    return result.exit_code, json.loads(result.stdout)


def test_example_reports_exactly_the_planted_problems(run_mbv) -> None:
    code, data = _doctor_json(run_mbv, "examples/mustbeviral")
    assert code == 1
    assert data["schema"] == "mbv.doctor/1"
    areas = {a["name"]: a for a in data["areas"]}
    assert areas["bindings"]["status"] == "errors"
    findings = data["findings"]
    # compatibility_date is 2026-10-01 in every config: after 180 days MBV201 is a real finding too
    if (_dt.date.today() - _dt.date(2026, 10, 1)).days > 180:
        findings = [f for f in findings if f["code"] != "MBV201"]
    planted = _planted()
    for row in planted:
        assert any(_matches(f, row) for f in findings), f"not found: {row[:3]}"
    for f in findings:
        assert any(_matches(f, row) for row in planted), f"not planted: {f['code']} {f['file']}:{f['line']}"
    assert data["summary"]["workers"] == 3
    assert areas["code"]["status"] == "errors" and areas["configuration"]["status"] == "errors"


def test_text_has_a_line_per_area_and_a_summary(run_mbv) -> None:
    result = run_mbv("doctor", "examples/mustbeviral", cwd=REPO)
    _, data = _doctor_json(run_mbv, "examples/mustbeviral")
    lines = result.stdout.splitlines()
    for area in data["areas"]:
        assert any(re.match(rf"^[✓!✗-] {re.escape(area['name'])}: ", line) for line in lines), area["name"]
    s = data["summary"]
    errors = f"{s['error']} error" + ("" if s["error"] == 1 else "s")
    warnings = f"{s['warning']} warning" + ("" if s["warning"] == 1 else "s")
    assert lines[-1].startswith(f"{errors}, {warnings} in 3 Workers")
    assert "hint:" not in result.stdout
    assert "examples/mustbeviral/workers/content-worker/src/posts.ts:24:44" in result.stdout


def test_verbose_lists_hints_and_notes(run_mbv) -> None:
    result = run_mbv("doctor", "examples/mustbeviral", "-v", cwd=REPO)
    assert result.exit_code == 1
    assert "hint: use \"?\" placeholders" in result.stdout
    assert "mustbeviral-content" in result.stdout


def _worker(tmp_path: Path, source: str, config: str | None = None, name: str = "w") -> Path:
    root = tmp_path / name
    (root / "src").mkdir(parents=True)
    d1 = ('[[d1_databases]]\nbinding = "DB"\ndatabase_name = "w"\n'
          'database_id = "0f8c3a52-6f7e-4d1b-9a40-2c1d5e7b8a91"\n') if "env.DB" in source else ""
    (root / "wrangler.toml").write_text(config or (
        f'name = "{name}"\nmain = "src/index.ts"\ncompatibility_date = "{_dt.date.today().isoformat()}"\n' + d1
    ), encoding="utf-8")
    (root / "src" / "index.ts").write_text(source, encoding="utf-8")
    return root


SQLI = """export default {
  async fetch(req: Request, env: Env): Promise<Response> {
    const id = new URL(req.url).searchParams.get("id");
    const row = await env.DB.prepare(`SELECT * FROM t WHERE id = ${id}`).first();
    return Response.json(row);
  },
};
"""


def test_clean_worker_exits_zero(run_mbv, tmp_path: Path) -> None:
    root = _worker(tmp_path, SQLI.replace("${id}", "?").replace(".first()", ".bind(id).first()"))
    result = run_mbv("doctor", str(root))
    assert result.exit_code == 0, result.stdout
    assert result.stdout.splitlines()[-1] == "no problems found in 1 Worker"


def test_suppression_comment_on_the_line_or_above(run_mbv, tmp_path: Path) -> None:
    above = SQLI.replace("    const row", "    // mbv-ignore MBV101: id is validated by the router\n    const row")
    root = _worker(tmp_path, above)
    code, data = _doctor_json(run_mbv, str(root))
    assert code == 0 and data["findings"] == [] and data["summary"]["suppressed"] == 1
    same_line = SQLI.replace(".first();", ".first(); // mbv-ignore MBV101, MBV110: checked")
    code, data = _doctor_json(run_mbv, str(_worker(tmp_path, same_line, name="w2")))
    assert code == 0 and data["summary"]["suppressed"] == 1
    other_code = SQLI.replace(".first();", ".first(); // mbv-ignore MBV103: not this one")
    code, data = _doctor_json(run_mbv, str(_worker(tmp_path, other_code, name="w3")))
    assert code == 1 and [f["code"] for f in data["findings"]] == ["MBV101"]


def test_mbv_toml_ignore_select_and_per_file_ignores(run_mbv, tmp_path: Path) -> None:
    root = _worker(tmp_path, SQLI)
    (root / "mbv.toml").write_text('ignore = ["MBV101"]\n', encoding="utf-8")
    code, data = _doctor_json(run_mbv, str(root))
    assert code == 0 and data["findings"] == [] and data["settings"].endswith("mbv.toml")
    (root / "mbv.toml").write_text('[per-file-ignores]\n"src/*.ts" = ["MBV1"]\n', encoding="utf-8")
    code, data = _doctor_json(run_mbv, str(root))
    assert code == 0 and data["findings"] == []
    (root / "mbv.toml").write_text('select = ["MBV2"]\n', encoding="utf-8")
    code, data = _doctor_json(run_mbv, str(root))
    assert code == 0
    assert {a["name"]: a["status"] for a in data["areas"]}["code"] == "skipped"
    # the command line wins over the file
    code, data = _doctor_json(run_mbv, str(root), "--select", "MBV101")
    assert code == 1 and [f["code"] for f in data["findings"]] == ["MBV101"]


def test_pyproject_tool_mbv_threshold(run_mbv, tmp_path: Path) -> None:
    old = (_dt.date.today() - _dt.timedelta(days=40)).isoformat()
    root = _worker(tmp_path, "export default { fetch: () => new Response('ok') };\n",
                   config=f'name = "w"\nmain = "src/index.ts"\ncompatibility_date = "{old}"\n')
    code, data = _doctor_json(run_mbv, str(root))
    assert code == 0 and data["findings"] == []
    (root / "pyproject.toml").write_text("[tool.mbv]\ncompatibility-date-max-age-days = 30\n", encoding="utf-8")
    code, data = _doctor_json(run_mbv, str(root), "--fail-on", "warning")
    assert code == 1
    assert [(f["code"], f["file"].endswith("wrangler.toml"), f["line"]) for f in data["findings"]] == [
        ("MBV201", True, 3)]


def test_invalid_settings_are_one_line_exit_2(run_mbv, tmp_path: Path) -> None:
    root = _worker(tmp_path, SQLI)
    (root / "mbv.toml").write_text('selekt = ["MBV1"]\n', encoding="utf-8")
    result = run_mbv("doctor", str(root))
    assert result.exit_code == 2
    assert len(result.stderr.strip().splitlines()) == 1 and "selekt" in result.stderr and "mbv.toml" in result.stderr
    (root / "mbv.toml").unlink()
    result = run_mbv("doctor", str(root), "--ignore", "SQL1")
    assert result.exit_code == 2 and "not a rule code" in result.stderr


def test_a_crashing_rule_becomes_mbv000_and_the_run_goes_on(run_mbv, tmp_path: Path,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    from mbv_cli.core import doctor
    from mbv_cli.core.findings import Severity
    from mbv_cli.core.rules.base import code_rule

    def explode(source, ctx):  # a rule with a bug
        raise IndexError("list index out of range")

    broken = code_rule("MBV199", "broken", Severity.ERROR, "crashes", "", explode)
    real = doctor.all_rules()
    monkeypatch.setattr(doctor, "all_rules", lambda: (*real, broken))
    code, data = _doctor_json(run_mbv, str(_worker(tmp_path, SQLI)))
    assert code == 1
    codes = sorted(f["code"] for f in data["findings"])
    assert codes == ["MBV000", "MBV101"]
    crash = next(f for f in data["findings"] if f["code"] == "MBV000")
    assert "MBV199" in crash["message"] and "IndexError" in crash["message"] and crash["file"].endswith("index.ts")


def test_each_file_is_parsed_once(run_mbv) -> None:
    from mbv_cli.core.code import parsing

    files = [p for p in EXAMPLE.rglob("*") if p.suffix in parsing.SOURCE_SUFFIXES and "node_modules" not in p.parts]
    before = parsing.PARSE_COUNTER["count"]
    result = run_mbv("doctor", "examples/mustbeviral", "--format", "json", cwd=REPO)
    assert result.exit_code == 1
    summary = json.loads(result.stdout)["summary"]
    parses = parsing.PARSE_COUNTER["count"] - before
    # each parse is of a distinct file (the code rules and the bindings diff share them); files that
    # neither the bindings diff nor any rule's text test wants are checked without parsing
    assert parses == summary["files_parsed"] and 0 < parses <= len(files)
    graph = json.loads(run_mbv("graph", "examples/mustbeviral", "--format", "json", cwd=REPO).stdout)
    erased = {m["path"] for w in graph["workers"] for m in w["modules"] if m["type_only"]}
    assert erased  # the env.ts files, imported with `import type`: read for their types, not checked as code
    # all but the generated worker-configuration.d.ts and what only `import type` reaches
    assert summary["files"] == len(files) - 1 - len(erased)
    again = parsing.PARSE_COUNTER["count"]
    assert run_mbv("doctor", "examples/mustbeviral", "--select", "MBV1", cwd=REPO).exit_code == 1
    assert parsing.PARSE_COUNTER["count"] - again <= parses


def test_env_restricts_configuration_checks(run_mbv, tmp_path: Path) -> None:
    config = (f'name = "w"\nmain = "src/index.ts"\ncompatibility_date = "{_dt.date.today().isoformat()}"\n'
              '[env.staging.vars]\nALLOWED_ORIGINS = "*"\n[env.production.vars]\nALLOWED_ORIGINS = "*"\n')
    root = _worker(tmp_path, "export default { fetch: () => new Response('ok') };\n", config=config)
    code, data = _doctor_json(run_mbv, str(root), "--fail-on", "warning", "--select", "MBV2")
    assert code == 1 and [(f["code"], f["env"]) for f in data["findings"]] == [("MBV203", "production")]
    code, data = _doctor_json(run_mbv, str(root), "--env", "staging", "--fail-on", "warning", "--select", "MBV2")
    assert code == 0 and data["findings"] == []


def test_files_outside_the_worker_graph_are_not_checked(run_mbv, tmp_path: Path) -> None:
    root = _worker(tmp_path, "export default { fetch: () => new Response('ok') };\n")
    (root / "public").mkdir()
    (root / "public" / "app.js").write_text("let n = 0;\nexport function click() { n++; }\n", encoding="utf-8")
    (root / "src" / "util.ts").write_text(SQLI.replace("export default", "export const handler ="),
                                          encoding="utf-8")
    code, data = _doctor_json(run_mbv, str(root), "--select", "MBV1")
    assert code == 0 and data["findings"] == []
    (root / "src" / "index.ts").write_text('import { handler } from "./util";\nexport default handler;\n',
                                           encoding="utf-8")
    code, data = _doctor_json(run_mbv, str(root), "--select", "MBV1")
    assert code == 1 and [f["code"] for f in data["findings"]] == ["MBV101"]


def test_not_a_project_is_exit_2(run_mbv, tmp_path: Path) -> None:
    result = run_mbv("doctor", str(tmp_path))
    assert result.exit_code == 2 and "wrangler" in result.stderr


def test_example_copy_is_not_modified(run_mbv, tmp_path: Path) -> None:
    copy = tmp_path / "mustbeviral"
    shutil.copytree(EXAMPLE, copy)
    before = {p: p.read_bytes() for p in copy.rglob("*") if p.is_file()}
    run_mbv("doctor", str(copy), "-v")
    assert {p: p.read_bytes() for p in copy.rglob("*") if p.is_file()} == before
    assert not (copy / ".wrangler").exists()


def test_sarif_carries_every_finding_and_is_valid_per_the_real_validator(run_mbv, tmp_path: Path) -> None:
    import subprocess

    from tests.support.peers import require_peer

    validator = require_peer("sarif-multitool")
    _, data = _doctor_json(run_mbv, "examples/mustbeviral")
    result = run_mbv("doctor", "examples/mustbeviral", "--format", "sarif", cwd=REPO)
    assert result.exit_code == 1
    doc = json.loads(result.stdout)
    run = doc["runs"][0]
    assert len(run["results"]) == len(data["findings"])
    rules = {r["id"]: r for r in run["tool"]["driver"]["rules"]}
    assert {f["code"] for f in data["findings"]} == set(rules)
    assert "SQL" in rules["MBV101"]["help"]["text"] and rules["MBV101"]["name"] == "sql-string-interpolation"
    sarif = tmp_path / "doctor.sarif"
    sarif.write_text(result.stdout, encoding="utf-8")
    out = tmp_path / "validation.sarif"
    proc = subprocess.run([str(validator), "validate", str(sarif), "-o", str(out)], capture_output=True,
                          text=True, timeout=180)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    problems = json.loads(out.read_text(encoding="utf-8-sig"))["runs"][0]["results"]
    assert [r["ruleId"] for r in problems if r.get("level", "warning") == "error"] == []


def test_junit_parses_with_one_failure_per_finding(run_mbv) -> None:
    import xml.etree.ElementTree as ET

    _, data = _doctor_json(run_mbv, "examples/mustbeviral")
    result = run_mbv("doctor", "examples/mustbeviral", "--format", "junit", cwd=REPO)
    root = ET.fromstring(result.stdout)
    failures = [c for c in root.iter("testcase") if c.find("failure") is not None]
    # info findings (the planted MBV111) are test cases without a <failure>
    failing = [f for f in data["findings"] if f["severity"] != "info"]
    assert any(f["severity"] == "info" for f in data["findings"])
    assert len(failures) == len(failing) and result.exit_code == 1


def test_github_annotations_stop_at_10_per_type_with_a_notice(run_mbv, tmp_path: Path) -> None:
    body = "\n".join(f'    await env.DB.prepare(`SELECT * FROM t{i} WHERE id = ${{id}}`).first();' for i in range(12))
    source = ("export default {\n  async fetch(req: Request, env: Env): Promise<Response> {\n"
              "    const id = new URL(req.url).searchParams.get(\"id\");\n" + body + "\n    return new Response(\"ok\");\n"
              "  },\n};\n")
    root = _worker(tmp_path, source)
    result = run_mbv("doctor", str(root), "--format", "github")
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert sum(line.startswith("::error ") for line in lines) == 10
    notices = [line for line in lines if line.startswith("::notice")]
    assert len(notices) == 1 and "2 errors not shown" in notices[0]


def test_env_and_all_envs_together_is_a_usage_error(run_mbv) -> None:
    result = run_mbv("doctor", "examples/mustbeviral", "--env", "production", "--all-envs", cwd=REPO)
    assert result.exit_code == 2 and result.stdout == ""
    assert result.stderr.strip() == "mbv: error: --env and --all-envs cannot be used together"


def test_local_databases_area(run_mbv, tmp_path: Path) -> None:
    """Skipped without local state; with a local D1 file that is not a database, the db capability
    (when part of the build) reports it, else the area says it is not available."""
    import importlib.util

    from mbv_cli.core.wrangler.state import local_d1_path, persist_root

    source = ("export default {\n  async fetch(req: Request, env: Env): Promise<Response> {\n"
              "    return Response.json(await env.DB.prepare(\"SELECT 1\").first());\n  },\n};\n")
    root = _worker(tmp_path, source)
    _, data = _doctor_json(run_mbv, str(root))
    area = {a["name"]: a for a in data["areas"]}["local databases"]
    assert area["status"] == "skipped" and ".wrangler/state" in area["note"]
    entry = {"binding": "DB", "database_name": "w", "database_id": "0f8c3a52-6f7e-4d1b-9a40-2c1d5e7b8a91"}
    db_file = local_d1_path(persist_root(root), entry)
    db_file.parent.mkdir(parents=True)
    db_file.write_bytes(b"this is not an SQLite database" * 100)
    before = db_file.read_bytes()
    code, data = _doctor_json(run_mbv, str(root))
    area = {a["name"]: a for a in data["areas"]}["local databases"]
    if importlib.util.find_spec("mbv_cli.core.db") is None:
        assert area["status"] == "not available" and code == 0
    else:
        assert area["status"] == "errors" and code == 1
        assert any(f["code"] == "MBV303" for f in data["findings"])
    assert db_file.read_bytes() == before  # inspected, never written


def test_process_pool_gives_the_same_result(monkeypatch: pytest.MonkeyPatch) -> None:
    from mbv_cli.core import doctor_code
    from mbv_cli.core.doctor import DoctorSettings, run_doctor
    from mbv_cli.core.wrangler.workspace import load_workspace, resolve_workers

    workspace = load_workspace(EXAMPLE)
    workers = resolve_workers(workspace, None, all_envs=True)
    alone = run_doctor(workspace, workers, settings=DoctorSettings(), processes=1)
    monkeypatch.setattr(doctor_code, "POOL_MIN_BYTES", 0)
    before = doctor_code.PARSE_COUNTER["count"]
    pooled = run_doctor(workspace, workers, settings=DoctorSettings(), processes=2)
    assert doctor_code.PARSE_COUNTER["count"] == before  # the parsing happened in the pool's processes
    assert pooled.to_dict() == alone.to_dict()
    assert alone.report.findings


@pytest.mark.wrangler
def test_migrations_and_local_databases_after_a_real_wrangler_apply(run_mbv, tmp_path: Path) -> None:
    """auth-worker migrated locally by the real wrangler: clean; a new migration file is pending (MBV301);
    a table created outside the migrations is drift (MBV302)."""
    import sqlite3

    from tests.cli.test_migrate import wrangler
    from tests.support.peers import require_peer

    require_peer("wrangler")
    worker = tmp_path / "auth-worker"
    shutil.copytree(EXAMPLE / "workers" / "auth-worker", worker)
    applied = wrangler(worker, "d1", "migrations", "apply", "AUTH_DB", "--local", home=tmp_path / "home")
    assert applied.returncode == 0, applied.stderr
    code, data = _doctor_json(run_mbv, str(worker), "--select", "MBV3", "--fail-on", "warning")
    areas = {a["name"]: a for a in data["areas"]}
    assert code == 0 and data["findings"] == [], data["findings"]
    assert areas["migrations"]["status"] == "ok"
    (worker / "migrations" / "0004_add_avatar.sql").write_text("ALTER TABLE users ADD COLUMN avatar TEXT;\n")
    code, data = _doctor_json(run_mbv, str(worker), "--select", "MBV3", "--fail-on", "warning")
    assert code == 1 and [(f["code"], f["binding"]) for f in data["findings"]] == [("MBV301", "AUTH_DB")]
    assert "0004_add_avatar.sql" in data["findings"][0]["message"]
    db_file = next(p for p in (worker / ".wrangler" / "state" / "v3" / "d1").rglob("*.sqlite")
                   if p.name != "metadata.sqlite")
    with sqlite3.connect(db_file) as conn:
        conn.execute("CREATE TABLE scratch (id INTEGER PRIMARY KEY)")  # a PK, so MBV308 stays quiet
    code, data = _doctor_json(run_mbv, str(worker), "--select", "MBV3")
    assert code == 1 and {f["code"] for f in data["findings"]} == {"MBV301", "MBV302"}
    assert any("scratch" in f["message"] for f in data["findings"] if f["code"] == "MBV302")


def test_doctor_leaves_wal_local_d1_state_untouched(run_mbv, tmp_path: Path) -> None:
    """The migrations and local databases areas inspect wrangler's WAL file (no -wal/-shm, as after
    workerd stopped) without creating -wal/-shm or changing a byte; the pending migration is still found."""
    from mbv_cli.core.wrangler.state import local_d1_path, persist_root
    from tests.support.wal import make_wal_database, snapshot

    source = ("export default {\n  async fetch(req: Request, env: Env): Promise<Response> {\n"
              "    return Response.json(await env.DB.prepare(\"SELECT 1\").first());\n  },\n};\n")
    root = _worker(tmp_path, source)
    (root / "migrations").mkdir()
    (root / "migrations" / "0001_users.sql").write_text("CREATE TABLE users(id INTEGER PRIMARY KEY, email TEXT);\n")
    (root / "migrations" / "0002_posts.sql").write_text("CREATE TABLE posts(id INTEGER PRIMARY KEY);\n")
    entry = {"binding": "DB", "database_name": "w", "database_id": "0f8c3a52-6f7e-4d1b-9a40-2c1d5e7b8a91"}
    make_wal_database(local_d1_path(persist_root(root), entry),
                      "CREATE TABLE d1_migrations(id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT UNIQUE, "
                      "applied_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP NOT NULL)",
                      "CREATE TABLE users(id INTEGER PRIMARY KEY, email TEXT)",
                      "INSERT INTO d1_migrations(name) VALUES ('0001_users.sql')")
    before = snapshot(root / ".wrangler")
    _, data = _doctor_json(run_mbv, str(root))
    areas = {a["name"]: a for a in data["areas"]}
    assert areas["migrations"]["status"] not in ("skipped", "not available"), areas["migrations"]
    assert any(f["code"] == "MBV301" and "0002_posts.sql" in f["message"] for f in data["findings"]), data["findings"]
    assert snapshot(root / ".wrangler") == before


def test_a_selector_that_matches_no_rule_is_a_usage_error(run_mbv) -> None:
    result = run_mbv("doctor", str(EXAMPLE), "--select", "MBV9")
    assert result.exit_code == 2
    assert "MBV9 matches no rule" in result.stderr and result.stderr.count("\n") == 1
    assert result.stdout == ""
