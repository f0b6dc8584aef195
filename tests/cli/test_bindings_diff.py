from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from xml.etree import ElementTree as ET

from tests.conftest import CliResult
from tests.support.peers import require_peer

REPO = Path(__file__).resolve().parents[2]
EXAMPLE = REPO / "examples" / "mustbeviral"

Run = Callable[..., CliResult]


def test_example_exits_1_with_planted_problems(run_mbv: Run) -> None:
    result = run_mbv("bindings", "diff", str(EXAMPLE))
    assert result.exit_code == 1, result.stderr
    out = result.stdout
    assert "mustbeviral-auth-production (env.production)" in out
    assert "MBV001 SESSIONS is used in the code but env.production does not declare it" in out
    # one finding for the name: its first read, and how many more (JSON and SARIF list them)
    assert "workers/auth-worker/src/auth.ts:130:11 and 2 more" in out
    assert out.count("[[env.production.kv_namespaces]]") == 1
    assert "1 error, 2 warnings, 1 info" in out  # MBV004 is info (two precision reviews)


def test_json_document(run_mbv: Run) -> None:
    result = run_mbv("bindings", "diff", str(EXAMPLE), "--format", "json")
    assert result.exit_code == 1
    doc = json.loads(result.stdout)
    assert doc["schema"] == "mbv.findings/1"
    assert doc["summary"] == {"error": 1, "warning": 2, "info": 1}
    first = doc["findings"][0]
    assert set(first) >= {"code", "severity", "message", "hint", "worker", "env", "binding", "file", "line", "column",
                          "related"}
    mbv001 = next(f for f in doc["findings"] if f["code"] == "MBV001")
    assert (mbv001["line"], mbv001["column"]) == (130, 11)
    assert [(r["file"].endswith("src/auth.ts"), r["line"]) for r in mbv001["related"]] == [(True, 144), (True, 153)]
    assert all(f["related"] == [] for f in doc["findings"] if f["code"] != "MBV001")


def test_fail_on_and_env(run_mbv: Run) -> None:
    assert run_mbv("bindings", "diff", str(EXAMPLE), "--env", "staging").exit_code == 0
    assert run_mbv("bindings", "diff", str(EXAMPLE), "--env", "staging", "--fail-on", "warning").exit_code == 1
    prod = run_mbv("bindings", "diff", str(EXAMPLE / "workers" / "auth-worker"), "-e", "production", "-f", "json")
    assert prod.exit_code == 1
    assert {f["env"] for f in json.loads(prod.stdout)["findings"]} == {"production"}
    bad = run_mbv("bindings", "diff", str(EXAMPLE), "--fail-on", "fatal")
    assert bad.exit_code == 2 and "unknown severity" in bad.stderr
    both = run_mbv("bindings", "diff", str(EXAMPLE), "--env", "staging", "--all-envs")
    assert both.exit_code == 2 and both.stderr.count("\n") == 1


def test_github_annotations(run_mbv: Run) -> None:
    result = run_mbv("bindings", "diff", str(EXAMPLE), "--format", "github")
    lines = result.stdout.splitlines()
    errors = [line for line in lines if line.startswith("::error ")]
    assert len(errors) == 1
    assert errors[0].startswith("::error file=examples/mustbeviral/workers/auth-worker/src/auth.ts,line=130,col=")
    assert ",title=MBV001::" in errors[0] and "also at examples/mustbeviral/workers/auth-worker/src/auth.ts:144" in errors[0]
    assert lines[-1] == "mbv: 1 error, 2 warnings, 1 info"


def test_github_caps_at_10_per_type(run_mbv: Run, tmp_path: Path) -> None:
    (tmp_path / "src").mkdir()
    (tmp_path / "wrangler.toml").write_text('name = "w"\nmain = "src/index.ts"\n')
    uses = "\n".join(f"    env.MISSING_{i};" for i in range(13))
    (tmp_path / "src" / "index.ts").write_text(f"export default {{\n  async fetch(r, env) {{\n{uses}\n  }},\n}};\n")
    result = run_mbv("bindings", "diff", str(tmp_path), "-f", "github")
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert sum(line.startswith("::error ") for line in lines) == 10
    notice = [line for line in lines if line.startswith("::notice ")]
    assert len(notice) == 1 and "3 errors not shown" in notice[0]


def test_junit(run_mbv: Run) -> None:
    result = run_mbv("bindings", "diff", str(EXAMPLE), "--format", "junit")
    root = ET.fromstring(result.stdout)
    # an info finding (MBV004) is a test case without a failure
    assert root.tag == "testsuites" and root.get("tests") == "4" and root.get("failures") == "3"
    suites = {s.get("name") for s in root.iter("testsuite")}
    assert "mustbeviral-auth-production (env.production)" in suites
    assert sum(c.find("failure") is not None for c in root.iter("testcase")) == 3


def test_sarif_is_valid_per_the_real_validator(run_mbv: Run, tmp_path: Path) -> None:
    validator = require_peer("sarif-multitool")
    result = run_mbv("bindings", "diff", str(EXAMPLE), "--format", "sarif")
    doc = json.loads(result.stdout)
    run = doc["runs"][0]
    assert doc["version"] == "2.1.0"
    assert {r["id"] for r in run["tool"]["driver"]["rules"]} == {"MBV001", "MBV002", "MBV004", "MBV007"}
    assert all(r["help"]["text"] for r in run["tool"]["driver"]["rules"])
    prints = [r["partialFingerprints"]["mbvFindingHash/v1"] for r in run["results"]]
    assert len(set(prints)) == len(prints) == 4
    mbv001 = next(r for r in run["results"] if r["ruleId"] == "MBV001")
    assert [loc["physicalLocation"]["region"]["startLine"] for loc in mbv001["relatedLocations"]] == [144, 153]
    again = json.loads(run_mbv("bindings", "diff", str(EXAMPLE), "--format", "sarif").stdout)
    assert [r["partialFingerprints"] for r in again["runs"][0]["results"]] == [
        r["partialFingerprints"] for r in run["results"]]
    good = tmp_path / "good.sarif"
    good.write_text(result.stdout)
    assert _validate(validator, good, tmp_path / "good.out.sarif") == []
    # the validator can fail: a region starting on line 0 is rejected
    broken = json.loads(result.stdout)
    broken["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"]["startLine"] = 0
    bad = tmp_path / "bad.sarif"
    bad.write_text(json.dumps(broken))
    assert "JSON1008" in _validate(validator, bad, tmp_path / "bad.out.sarif")


def _validate(validator: Path, file: Path, out: Path) -> list[str]:
    """Rule ids of the error-level problems `sarif-multitool validate` reports (it exits 0 either way)."""
    proc = subprocess.run([str(validator), "validate", str(file), "-o", str(out)], capture_output=True,
                          text=True, timeout=180)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    results = json.loads(out.read_text(encoding="utf-8-sig"))["runs"][0]["results"]
    return [r["ruleId"] for r in results if r.get("level", "warning") == "error"]


def test_bad_source_files_never_crash(run_mbv: Run, tmp_path: Path) -> None:
    (tmp_path / "src").mkdir()
    (tmp_path / "wrangler.toml").write_text('name = "w"\nmain = "src/index.ts"\n')
    (tmp_path / "src" / "index.ts").write_text('import "./bad";\nimport "./broken";\n'
                                               "export default { async fetch(r, env) { env.GONE; } };\n")
    (tmp_path / "src" / "bad.ts").write_bytes(b"\xff\xfe env.X")
    (tmp_path / "src" / "broken.ts").write_text("export default { async fetch(r, env) { env.ALSO.get(1); } };\nconst = ;\n")
    result = run_mbv("bindings", "diff", str(tmp_path), "-f", "json")
    assert result.exit_code == 1
    doc = json.loads(result.stdout)
    assert {f["binding"] for f in doc["findings"]} == {"GONE", "ALSO"}
    notes = "\n".join(doc["notes"])
    assert "bad.ts: not valid UTF-8" in notes and "broken.ts:2:" in notes
    text = run_mbv("bindings", "diff", str(tmp_path))
    assert "bad.ts: not valid UTF-8" in text.stderr and "Traceback" not in text.stderr
    assert "Traceback" not in result.stderr


def test_python_m_subprocess(subprocess_env: dict[str, str]) -> None:
    proc = subprocess.run([sys.executable, "-m", "mbv_cli", "bindings", "diff", str(EXAMPLE), "-f", "json"],
                          capture_output=True, text=True, env=subprocess_env, cwd=REPO, timeout=120)
    assert proc.returncode == 1 and json.loads(proc.stdout)["summary"]["error"] == 1
