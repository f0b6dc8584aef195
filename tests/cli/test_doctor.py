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


def _planted() -> set[tuple[str, str, int]]:
    """(code, file, line) of every problem the example README plants."""
    rows = set()
    for line in (EXAMPLE / "README.md").read_text(encoding="utf-8").splitlines():
        match = re.match(r"\|\s*(MBV\d{3})\s*\|\s*`([^`]+)`\s*\|\s*(\d+)", line)
        if match:
            rows.add((match.group(1), f"examples/mustbeviral/{match.group(2)}", int(match.group(3))))
    assert len(rows) >= 9
    return rows


def _doctor_json(run_mbv, *args: str, cwd: Path = REPO) -> tuple[int, dict]:
    result = run_mbv("doctor", *args, "--format", "json", cwd=cwd)
    assert result.stdout, result.stderr
    return result.exit_code, json.loads(result.stdout)


def test_example_reports_exactly_the_planted_problems(run_mbv) -> None:
    code, data = _doctor_json(run_mbv, "examples/mustbeviral")
    assert code == 1
    assert data["schema"] == "mbv.doctor/1"
    areas = {a["name"]: a for a in data["areas"]}
    checked_prefixes = ["MBV1", "MBV2"] + (["MBV0"] if areas["bindings"]["status"] != "not available" else [])
    expected = {p for p in _planted() if p[0][:4] in checked_prefixes}
    found = {(f["code"], f["file"], f["line"]) for f in data["findings"]}
    # compatibility_date is 2026-10-01 in every config: after 180 days MBV201 is a real finding too
    if (_dt.date.today() - _dt.date(2026, 10, 1)).days > 180:
        found = {f for f in found if f[0] != "MBV201"}
    assert found == expected
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
    (root / "wrangler.toml").write_text(config or (
        f'name = "{name}"\nmain = "src/index.ts"\ncompatibility_date = "{_dt.date.today().isoformat()}"\n'
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
    # every parse is of a distinct file, and every file the code rules checked was parsed
    assert parses == summary["files_parsed"]
    assert summary["files"] <= parses <= len(files)
    assert summary["files"] == len(files) - 1  # all but the generated worker-configuration.d.ts


def test_env_restricts_configuration_checks(run_mbv, tmp_path: Path) -> None:
    config = (f'name = "w"\nmain = "src/index.ts"\ncompatibility_date = "{_dt.date.today().isoformat()}"\n'
              '[env.staging.vars]\nALLOWED_ORIGINS = "*"\n[env.production.vars]\nALLOWED_ORIGINS = "*"\n')
    root = _worker(tmp_path, "export default { fetch: () => new Response('ok') };\n", config=config)
    code, data = _doctor_json(run_mbv, str(root), "--fail-on", "warning")
    assert code == 1 and [(f["code"], f["env"]) for f in data["findings"]] == [("MBV203", "production")]
    code, data = _doctor_json(run_mbv, str(root), "--env", "staging", "--fail-on", "warning")
    assert code == 0 and data["findings"] == []


def test_files_outside_the_worker_graph_are_not_checked(run_mbv, tmp_path: Path) -> None:
    root = _worker(tmp_path, "export default { fetch: () => new Response('ok') };\n")
    (root / "public").mkdir()
    (root / "public" / "app.js").write_text("let n = 0;\nexport function click() { n++; }\n", encoding="utf-8")
    (root / "src" / "util.ts").write_text(SQLI.replace("export default", "export const handler ="),
                                          encoding="utf-8")
    code, data = _doctor_json(run_mbv, str(root))
    assert code == 0 and data["findings"] == []
    (root / "src" / "index.ts").write_text('import { handler } from "./util";\nexport default handler;\n',
                                           encoding="utf-8")
    code, data = _doctor_json(run_mbv, str(root))
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
