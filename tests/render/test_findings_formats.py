from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest

from mbv_cli.core.findings import Finding, FindingsReport, Severity
from mbv_cli.render import console
from mbv_cli.render.formats.github import escape_data, escape_property, render_github
from mbv_cli.render.formats.junit import render_junit
from mbv_cli.render.formats.sarif import to_sarif


def finding(**kw: object) -> Finding:
    base: dict[str, object] = dict(code="MBV001", severity=Severity.ERROR, message="X is used", worker="w",
                                   env="production", binding="X", file="src/a.ts", line=3, column=5)
    base.update(kw)
    return Finding(**base)  # type: ignore[arg-type]


def capture(render: Callable[[FindingsReport], None], report: FindingsReport,
            capsys: pytest.CaptureFixture[str]) -> str:
    console.reset()
    render(report)
    return capsys.readouterr().out


def test_github_escaping() -> None:
    assert escape_data("a%b\nc\r") == "a%25b%0Ac%0D"
    assert escape_property("src/a,b:c.ts") == "src/a%2Cb%3Ac.ts"


def test_github_line_and_caps(capsys: pytest.CaptureFixture[str]) -> None:
    report = FindingsReport(findings=[finding(line=i) for i in range(1, 13)]
                            + [finding(code="MBV008", severity=Severity.INFO, line=1)])
    out = capture(render_github, report, capsys).splitlines()
    assert out[0] == "::error file=src/a.ts,line=1,col=5,title=MBV001::[w (env.production)] X is used"
    assert sum(x.startswith("::error ") for x in out) == 10
    assert sum(x.startswith("::notice file=") for x in out) == 1  # info -> notice, under its own cap
    assert out[-2].startswith("::notice title=mbv::2 errors not shown")
    assert out[-1] == "mbv: 12 errors, 0 warnings, 1 info"


def test_junit_structure(capsys: pytest.CaptureFixture[str]) -> None:
    report = FindingsReport(findings=[finding(), finding(code="MBV002", severity=Severity.WARNING, env=None),
                                      finding(code="MBV008", severity=Severity.INFO)])
    root = ET.fromstring(capture(render_junit, report, capsys))
    assert (root.get("tests"), root.get("failures")) == ("3", "2")
    names = [s.get("name") for s in root.iter("testsuite")]
    assert names == ["w (top level)", "w (env.production)"]
    info = next(c for c in root.iter("testcase") if c.get("name", "").startswith("MBV008"))
    assert info.find("failure") is None and info.find("system-out") is not None
    empty = ET.fromstring(capture(render_junit, FindingsReport(), capsys))
    assert empty.get("tests") == "1" and empty.get("failures") == "0"


def test_sarif_fingerprints_survive_line_moves_and_tell_repeats_apart() -> None:
    first = to_sarif(FindingsReport(findings=[finding(line=3), finding(line=9)]))
    moved = to_sarif(FindingsReport(findings=[finding(line=13), finding(line=19)]))
    prints = [r["partialFingerprints"]["mbvFindingHash/v1"] for r in first["runs"][0]["results"]]
    assert prints == [r["partialFingerprints"]["mbvFindingHash/v1"] for r in moved["runs"][0]["results"]]
    assert len(set(prints)) == 2
    other = to_sarif(FindingsReport(findings=[finding(env="staging")]))
    assert other["runs"][0]["results"][0]["partialFingerprints"] != first["runs"][0]["results"][0]["partialFingerprints"]


def test_sarif_rules_have_help_and_levels() -> None:
    doc = to_sarif(FindingsReport(findings=[finding(), finding(code="MBV008", severity=Severity.INFO),
                                            finding(code="MBV999", severity=Severity.WARNING)]))
    rules = {r["id"]: r for r in doc["runs"][0]["tool"]["driver"]["rules"]}
    assert "Why is this bad?" in rules["MBV001"]["help"]["text"]
    assert rules["MBV001"]["help"]["markdown"].startswith("# MBV001")
    assert rules["MBV999"]["help"]["text"]  # unknown codes still get a rule
    levels = {r["ruleId"]: r["level"] for r in doc["runs"][0]["results"]}
    assert levels == {"MBV001": "error", "MBV008": "note", "MBV999": "warning"}
    json.dumps(doc)


def test_sarif_security_rules_rank_and_every_rule_links_to_its_docs_section(monkeypatch: pytest.MonkeyPatch) -> None:
    from mbv_cli.core.rules_catalog import all_rule_infos
    from tests.conftest import REPO

    codes = [info.code for info in all_rule_infos()]
    doc = to_sarif(FindingsReport(findings=[finding(code=c) for c in codes]))
    rules = {r["id"]: r for r in doc["runs"][0]["tool"]["driver"]["rules"]}
    headings = {line[3:].strip().lower().replace(" ", "-") for line in
                (REPO / "docs" / "rules.md").read_text(encoding="utf-8").splitlines() if line.startswith("## ")}
    for code in codes:
        url, _, anchor = rules[code]["helpUri"].partition("#")
        assert url == "https://github.com/mbv-cli/mbv/blob/main/docs/rules.md" and anchor in headings, code
    security = {c for c, r in rules.items() if "security" in r["properties"]["tags"]}
    assert security == {"MBV101", "MBV102", "MBV103", "MBV104", "MBV114", "MBV115", "MBV202"}
    for code in security:
        assert 0 < float(rules[code]["properties"]["security-severity"]) <= 10
        assert any(t.startswith("external/cwe/cwe-") for t in rules[code]["properties"]["tags"])
    assert "security-severity" not in rules["MBV001"]["properties"]
    monkeypatch.setenv("MBV_DOCS_URL", "https://example.org/fork/docs/")
    forked = to_sarif(FindingsReport(findings=[finding()]))["runs"][0]["tool"]["driver"]["rules"][0]
    assert forked["helpUri"] == "https://example.org/fork/docs/rules.md#mbv001-binding-used-not-declared"


def test_sarif_with_spaces_unicode_and_hash_in_paths_passes_the_real_validator(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import subprocess
    from dataclasses import dataclass

    from tests.support.peers import require_peer

    validator = require_peer("sarif-multitool")

    @dataclass(frozen=True, slots=True)
    class WithSites(Finding):  # the shape issue 12 gives Finding: several sites of one finding
        related: tuple[tuple[str, int | None, int | None], ...] = ()

    repo = tmp_path / "repo"
    folder = repo / "my workers" / "ünï #1 [x]%"
    folder.mkdir(parents=True)
    subprocess.run(["git", "init", "-q", str(repo)], check=True)
    subprocess.run(["git", "-C", str(repo), "-c", "user.email=t@example.org", "-c", "user.name=t", "commit", "-q",
                    "--allow-empty", "-m", "init"], check=True)
    source = folder / "a b.ts"
    source.write_text("x\n" * 20, encoding="utf-8")
    monkeypatch.chdir(repo / "my workers")  # relative paths are relative to the cwd, URIs to the repository
    rel = "ünï #1 [x]%/a b.ts"
    report = FindingsReport(findings=[
        finding(file=str(source)),
        finding(code="MBV101", file=str(source), line=None, column=None, message="file-level"),
        finding(code="MBV303", severity=Severity.WARNING, file=rel.replace("a b.ts", "db #2.sqlite"), line=None,
                column=None, worker=None, env=None, binding=None, message="database corrupt"),
        WithSites(code="MBV006", severity=Severity.ERROR, message="twice", file=str(source), line=4, column=1,
                  related=((str(source), 9, 3), (rel, 12, None))),
    ])
    doc = to_sarif(report, root=repo)
    run = doc["runs"][0]
    uris = [r["locations"][0]["physicalLocation"]["artifactLocation"] for r in run["results"]]
    assert {"uri": "my%20workers/%C3%BCn%C3%AF%20%231%20%5Bx%5D%25/a%20b.ts", "uriBaseId": "%SRCROOT%"} in uris
    assert all("region" in r["locations"][0]["physicalLocation"] for r in run["results"])
    file_level = next(r for r in run["results"] if r["message"]["text"].startswith("file-level"))
    assert file_level["locations"][0]["physicalLocation"]["region"] == {"startLine": 1}
    related = next(r for r in run["results"] if r["ruleId"] == "MBV006")["relatedLocations"]
    assert [(x["id"], x["physicalLocation"]["region"]) for x in related] == [
        (1, {"startLine": 9, "startColumn": 3}), (2, {"startLine": 12})]
    assert related[1]["physicalLocation"]["artifactLocation"] == uris[0]
    assert run["versionControlProvenance"][0]["revisionId"]
    sarif = tmp_path / "out.sarif"
    sarif.write_text(json.dumps(doc, indent=2, ensure_ascii=False), encoding="utf-8")
    out = tmp_path / "validation.sarif"
    proc = subprocess.run([str(validator), "validate", str(sarif), "-o", str(out),
                           "--level", '"Error;Warning"'],  # the npm wrapper runs through a shell
                          capture_output=True, text=True, timeout=180)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    problems = json.loads(out.read_text(encoding="utf-8-sig"))["runs"][0]["results"]
    assert [(p["ruleId"], p["message"].get("arguments")) for p in problems] == []
    # the check can fail: the same document with raw paths is what the validator rejected before
    raw = json.loads(sarif.read_text(encoding="utf-8"))
    raw["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] = "my workers/" + rel
    sarif.write_text(json.dumps(raw, ensure_ascii=False), encoding="utf-8")
    subprocess.run([str(validator), "validate", str(sarif), "-o", str(out), "--log", "ForceOverwrite"],
                   capture_output=True, text=True, timeout=180)
    assert [p["ruleId"] for p in json.loads(out.read_text(encoding="utf-8-sig"))["runs"][0]["results"]] == ["SARIF1002"]


def test_sarif_places_a_finding_without_a_file_at_its_workers_config() -> None:
    # GitHub rejects the whole upload ("expected at least one location") for one result without a location
    report = FindingsReport(findings=[finding(file=None, line=None, column=None, worker="api"),
                                      finding(file=None, line=None, column=None, worker=None, code="MBV000")])
    results = to_sarif(report, anchors={"api": "workers/api/wrangler.toml", "": "wrangler.toml"})["runs"][0]["results"]
    places = {r["ruleId"]: r["locations"][0]["physicalLocation"] for r in results}
    assert places["MBV001"] == {"artifactLocation": {"uri": "workers/api/wrangler.toml", "uriBaseId": "%SRCROOT%"},
                                "region": {"startLine": 1}}
    assert places["MBV000"]["artifactLocation"]["uri"] == "wrangler.toml"
